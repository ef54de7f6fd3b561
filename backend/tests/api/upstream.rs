//! Upstream mode with two real backends: B is a simulator requiring SigV4,
//! A is the real `cmconsole` binary started with `--upstream http://B` and
//! credentials in its environment. Everything done through A must land in
//! B, B's changes must reach A's live stream, and A must never show or log
//! the credentials.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use backend::clock::SystemClock;

use crate::helpers::*;

const UPSTREAM_KEY: &str = "AKIDUPSTREAM";
const UPSTREAM_SECRET: &str = "upstream-secret-d41d8cd98f00b204";
const SESSION_TOKEN: &str = "session-token-9e107d9d372bb6826bd81d3542a419d6";

/// The proxy binary, its address and everything it printed.
struct Proxy {
    child: Child,
    addr: SocketAddr,
    output: Arc<Mutex<String>>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proxy {
    /// Starts A against `upstream` with `key`/`secret` in its environment.
    fn start(upstream: SocketAddr, key: &str, secret: &str, extra: &[&str]) -> Self {
        let mut command = Self::command(upstream);
        command
            .args(with_defaults(extra))
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
            .env("AWS_CONFIG_FILE", "/nonexistent/config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
            // As chatty as it gets: nothing secret may show even here.
            .env("RUST_LOG", "debug,backend=trace");
        Self::spawn(command)
    }

    /// `cmconsole serve --upstream http://<upstream>` on a free port, with an
    /// environment holding nothing but PATH and no instance metadata.
    fn command(upstream: SocketAddr) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cmconsole"));
        command
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--ui-dir",
                "/nonexistent",
            ])
            .arg("--upstream")
            .arg(format!("http://{upstream}"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_EC2_METADATA_DISABLED", "true");
        command
    }

    /// Runs `command`, reads the address it listens on and keeps its output.
    fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .rsplit("http://")
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        output.lock().unwrap().push_str(&line);
        drain(stdout, &output);
        drain(BufReader::new(child.stderr.take().unwrap()), &output);
        Self {
            child,
            addr,
            output,
        }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    async fn console(&self, operation: &str, body: &str) -> RawResponse {
        raw(
            self.addr,
            "POST",
            &format!("/api/opsworks-cm/{operation}"),
            &[("Content-Type", "application/json")],
            body,
        )
        .await
    }
}

/// `extra` plus fast polling and a generous rate for what it leaves out.
fn with_defaults(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = extra.iter().map(|a| (*a).to_owned()).collect();
    for (flag, value) in [
        ("--poll-fast", "0.2"),
        ("--poll-slow", "0.5"),
        ("--upstream-rate", "100/20"),
    ] {
        if !extra.contains(&flag) {
            args.extend([flag.to_owned(), value.to_owned()]);
        }
    }
    args
}

fn drain(mut reader: impl Read + Send + 'static, into: &Arc<Mutex<String>>) {
    let into = Arc::clone(into);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
}

/// B: a simulator that accepts the proxy's key and the test client's.
async fn upstream() -> TestApp {
    TestApp::spawn_requiring_sigv4(
        &[(UPSTREAM_KEY, UPSTREAM_SECRET), ("AKIDTEST", "test-secret")],
        Arc::new(SystemClock),
    )
    .await
}

fn create_body(name: &str, engine: &str) -> String {
    format!(
        r#"{{"ServerName":"{name}","Engine":"{engine}","InstanceProfileArn":"{INSTANCE_PROFILE}","InstanceType":"m5.large","ServiceRoleArn":"{SERVICE_ROLE}"}}"#
    )
}

/// A's stream, remembering every event read, since a poll may journal
/// related changes in either order.
struct Stream {
    sse: SseClient,
    seen: Vec<SseEvent>,
}

impl Stream {
    async fn open(addr: SocketAddr) -> Self {
        Self {
            sse: SseClient::connect(addr, None).await,
            seen: Vec::new(),
        }
    }

    /// The first event, read so far or from now on, that `want` matches;
    /// fails after 20 s.
    async fn wait_for(&mut self, what: &str, want: impl Fn(&SseEvent) -> bool) -> &SseEvent {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.seen.iter().any(&want) {
            assert!(
                Instant::now() < deadline,
                "no event: {what}; got {:?}",
                self.seen
            );
            let event = self.sse.next().await;
            self.seen.push(event);
        }
        self.seen.iter().find(|e| want(e)).unwrap()
    }
}

#[tokio::test]
async fn both_doors_of_the_proxy_land_in_the_upstream_and_its_changes_stream_back() {
    let b = upstream().await;
    let a = Proxy::start(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let mut sse = Stream::open(a.addr).await;

    // Console door of A.
    let created = a
        .console("CreateServer", &create_body("via-console", "ChefAutomate"))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.json()["Server"]["Status"], "CREATING");
    // Wire door of A, with the real SDK (its own signature is A's business;
    // A signs again with its credentials for B).
    let sdk = client_for(a.addr);
    sdk.create_server()
        .engine("Puppet")
        .server_name("via-wire")
        .instance_profile_arn(INSTANCE_PROFILE)
        .instance_type("m5.large")
        .service_role_arn(SERVICE_ROLE)
        .send()
        .await
        .unwrap();
    // Both are in B.
    assert_eq!(b.status("via-console").await, "CREATING");
    assert_eq!(b.status("via-wire").await, "CREATING");

    // B finishes creating: A's poller journals it and A's stream shows it.
    b.advance(61).await;
    for name in ["via-console", "via-wire"] {
        sse.wait_for(&format!("{name} HEALTHY"), |e| {
            e.kind == "server" && e.data["ServerName"] == name && e.data["Status"] == "HEALTHY"
        })
        .await;
    }
    sse.wait_for("a server event", |e| e.kind == "server-event")
        .await;

    // A node association through A is followed until SUCCESS.
    let associate = a
        .console(
            "AssociateNode",
            &serde_json::json!({
                "ServerName": "via-console",
                "NodeName": "node-1",
                "EngineAttributes": [
                    {"Name": "CHEF_ORGANIZATION", "Value": "default"},
                    {"Name": "CHEF_NODE_PUBLIC_KEY", "Value": node_public_key()},
                ],
            })
            .to_string(),
        )
        .await;
    assert_eq!(associate.status, 200, "{}", associate.body);
    let token = associate.json()["NodeAssociationStatusToken"]
        .as_str()
        .unwrap()
        .to_owned();
    b.advance(16).await;
    let done = sse
        .wait_for("association SUCCESS", |e| {
            e.kind == "node-association" && e.data["NodeAssociationStatus"] == "SUCCESS"
        })
        .await;
    assert_eq!(done.data["NodeAssociationStatusToken"], token.as_str());
    assert_eq!(done.data["NodeName"], "node-1");

    // Deleting through A: the server disappears from A's stream too.
    let deleted = a
        .console("DeleteServer", r#"{"ServerName":"via-wire"}"#)
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    b.advance(31).await;
    sse.wait_for("via-wire deleted", |e| {
        e.kind == "server-deleted" && e.data["ServerName"] == "via-wire"
    })
    .await;
    assert_secrets_absent(&a).await;
}

/// Neither the secret, the session token nor a signature is in A's
/// answers, its `/api/config` or any line it logged.
async fn assert_secrets_absent(a: &Proxy) {
    let config = raw(a.addr, "GET", "/api/config", &[], "").await;
    assert_eq!(config.json()["mode"], "upstream");
    let servers = a.console("DescribeServers", "{}").await;
    for (what, text) in [
        ("/api/config", config.body.as_str()),
        ("DescribeServers", servers.body.as_str()),
        ("the log", &a.output()),
    ] {
        assert!(!text.contains(UPSTREAM_SECRET), "secret in {what}");
        assert!(!text.contains(SESSION_TOKEN), "session token in {what}");
        assert!(!text.contains("Signature="), "signature in {what}");
        assert!(!text.contains(UPSTREAM_KEY), "access key id in {what}");
    }
    assert!(
        a.output().contains("DescribeServers") || a.output().contains("/api/opsworks-cm"),
        "the log is being captured"
    );
}

#[tokio::test]
async fn upstream_errors_pass_through_with_their_code_and_message() {
    let b = upstream().await;
    let a = Proxy::start(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let console = a
        .console("DescribeEvents", r#"{"ServerName":"nope"}"#)
        .await;
    assert_eq!(console.status, 400);
    assert_eq!(console.json()["code"], "ResourceNotFoundException");
    let direct = wire(b.addr, "DescribeEvents", r#"{"ServerName":"nope"}"#).await;
    assert_eq!(direct.status, 403, "B itself wants a signature");
    let sdk_err = client_for(a.addr)
        .describe_events()
        .server_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&sdk_err), "ResourceNotFoundException");
    let invalid = a
        .console("CreateBackup", r#"{"ServerName":"bad name!"}"#)
        .await;
    assert_eq!(invalid.json()["code"], "ValidationException");
    assert!(
        invalid.json()["message"]
            .as_str()
            .unwrap()
            .contains("serverName"),
        "{}",
        invalid.body
    );
}

#[tokio::test]
async fn wrong_credentials_get_the_upstreams_authentication_errors() {
    let b = upstream().await;
    let wrong_secret = Proxy::start(b.addr, UPSTREAM_KEY, "not-the-secret", &[]);
    let answer = wrong_secret.console("DescribeServers", "{}").await;
    assert_eq!(
        answer.json()["code"],
        "InvalidSignatureException",
        "{}",
        answer.body
    );
    let err = client_for(wrong_secret.addr)
        .describe_servers()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidSignatureException");

    let unknown_key = Proxy::start(b.addr, "AKIDNOBODY", UPSTREAM_SECRET, &[]);
    let answer = unknown_key.console("DescribeServers", "{}").await;
    assert_eq!(
        answer.json()["code"],
        "UnrecognizedClientException",
        "{}",
        answer.body
    );
    assert!(!unknown_key.output().contains(UPSTREAM_SECRET));
}

#[tokio::test]
async fn throttles_from_the_upstream_are_retried_up_to_three_attempts() {
    let b = upstream().await;
    let a = Proxy::start(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let fault = |count: u32| {
        format!(
            r#"{{"kind":"error","code":"ThrottlingException","operation":"DescribeAccountAttributes","count":{count}}}"#
        )
    };
    let add = raw(
        b.addr,
        "POST",
        "/api/sim/faults",
        &[("Content-Type", "application/json")],
        &fault(2),
    )
    .await;
    assert_eq!(add.status, 200, "{}", add.body);
    // Two throttles, then success: the caller never sees them.
    let answer = a.console("DescribeAccountAttributes", "{}").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.json()["Attributes"].is_array());
    let left = raw(b.addr, "GET", "/api/sim/faults", &[], "").await.json();
    assert_eq!(
        left["faults"].as_array().map(Vec::len),
        Some(0),
        "both throttles were used"
    );

    // Three throttles outlast the three attempts: the throttle is answered.
    raw(
        b.addr,
        "POST",
        "/api/sim/faults",
        &[("Content-Type", "application/json")],
        &fault(4),
    )
    .await;
    let answer = a.console("DescribeAccountAttributes", "{}").await;
    assert_eq!(
        answer.json()["code"],
        "ThrottlingException",
        "{}",
        answer.body
    );
    let left = raw(b.addr, "GET", "/api/sim/faults", &[], "").await.json();
    assert_eq!(
        left["faults"][0]["fired"], 3,
        "exactly three attempts: {left}"
    );
}

#[tokio::test]
async fn the_client_side_bucket_keeps_the_proxy_under_its_rate() {
    let b = upstream().await;
    // 5 requests per second, no burst; a slow poller so only our calls count.
    let a = Proxy::start(
        b.addr,
        UPSTREAM_KEY,
        UPSTREAM_SECRET,
        &[
            "--upstream-rate",
            "5/1",
            "--poll-fast",
            "60",
            "--poll-slow",
            "60",
        ],
    );
    // Let the poller's first round go out.
    a.console("DescribeServers", "{}").await;
    let started = Instant::now();
    let calls = (0..10).map(|_| a.console("DescribeAccountAttributes", "{}"));
    for answer in futures_util::future::join_all(calls).await {
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    // Ten calls at five a second cannot take less than 1.8 s (a lower bound:
    // a slow machine cannot make this fail).
    assert!(
        started.elapsed() >= Duration::from_millis(1800),
        "10 calls in {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_profile_from_the_shared_credentials_file_signs_the_calls() {
    let b = upstream().await;
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        format!(
            "[ci]\naws_access_key_id = {UPSTREAM_KEY}\naws_secret_access_key = {UPSTREAM_SECRET}\n"
        ),
    )
    .unwrap();
    let mut command = Proxy::command(b.addr);
    command
        .args(["--profile", "ci"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_CONFIG_FILE", dir.path().join("config"));
    let proxy = Proxy::spawn(command);
    let answer = proxy.console("DescribeServers", "{}").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn cloudhsm_calls_are_signed_as_cloudhsm_for_the_callers_region() {
    use crate::cloudhsm::{create_cluster, hsm_client, hsm_client_at};
    let b = upstream().await;
    let a = Proxy::start(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    // Through A, in eu-west-1: A signs for service `cloudhsm` in that region,
    // and B (which checks signatures) accepts it in any region.
    let created = create_cluster(&hsm_client_at(a.addr, "eu-west-1")).await;
    let id = created.cluster_id().unwrap();
    let ids = |clusters: &[aws_sdk_cloudhsmv2::types::Cluster]| -> Vec<String> {
        clusters
            .iter()
            .filter_map(|c| c.cluster_id().map(str::to_owned))
            .collect()
    };
    let in_eu = hsm_client(&b, "eu-west-1")
        .describe_clusters()
        .send()
        .await
        .unwrap();
    assert_eq!(ids(in_eu.clusters()), [id]);
    let in_us = hsm_client(&b, "us-east-1")
        .describe_clusters()
        .send()
        .await
        .unwrap();
    assert!(
        ids(in_us.clusters()).is_empty(),
        "the cluster is in eu-west-1 only"
    );
}

/// Reads `what` from B's own stream (what the simulator journals) and from
/// A's (what A's poller journaled), checks both payloads are identical and
/// returns A's.
async fn same_on_both(
    a: &mut Stream,
    b: &mut Stream,
    what: &str,
    want: impl Fn(&SseEvent) -> bool,
) -> serde_json::Value {
    let truth = b.wait_for(what, &want).await.data.clone();
    let seen = a.wait_for(what, &want).await.data.clone();
    assert_eq!(seen, truth, "{what}: A's payload is the simulator's");
    seen
}

#[tokio::test]
async fn cloudhsm_changes_upstream_stream_back_from_every_region_the_console_used() {
    use crate::cloudhsm::{activate, backups_of, create_cluster, hsm_client, hsm_client_at};
    const DAY: u64 = 24 * 3600;
    let b = upstream().await;
    let on_b = hsm_client(&b, "us-east-1");
    // Settled before A starts: A's first poll records it without replaying it.
    let before = create_cluster(&on_b).await.cluster_id.unwrap();
    b.advance(61).await;

    let a = Proxy::start(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let mut sse = Stream::open(a.addr).await;
    let mut truth = Stream::open(b.addr).await;
    let via_a = hsm_client_at(a.addr, "us-east-1");
    let is =
        |kind: &'static str, id_member: &'static str, id: String, state: Option<&'static str>| {
            move |e: &SseEvent| {
                e.kind == kind
                    && e.data[id_member] == id.as_str()
                    && state.is_none_or(|s| e.data["State"] == s || e.data["BackupState"] == s)
            }
        };

    // A cluster created through A (in A's --region) goes UNINITIALIZED in B.
    let id = create_cluster(&via_a).await.cluster_id.unwrap();
    b.advance(61).await;
    let uninitialized = same_on_both(
        &mut sse,
        &mut truth,
        "cluster UNINITIALIZED",
        is("cluster", "ClusterId", id.clone(), Some("UNINITIALIZED")),
    )
    .await;
    assert_eq!(uninitialized["Region"], "us-east-1");

    // Activated directly in B: A sees it ACTIVE and its first backup READY.
    activate(&b, &on_b, &id).await;
    sse.wait_for(
        "cluster ACTIVE",
        is("cluster", "ClusterId", id.clone(), Some("ACTIVE")),
    )
    .await;
    let backup = backups_of(&on_b, &id).await.remove(0).backup_id;
    same_on_both(
        &mut sse,
        &mut truth,
        "backup READY",
        is("hsm-backup", "BackupId", backup.clone(), Some("READY")),
    )
    .await;

    // A copy made through A lands in eu-west-1, which A now follows too.
    via_a
        .copy_backup_to_region()
        .backup_id(&backup)
        .destination_region("eu-west-1")
        .send()
        .await
        .unwrap();
    let copy = hsm_client(&b, "eu-west-1")
        .describe_backups()
        .send()
        .await
        .unwrap()
        .backups
        .unwrap()
        .remove(0)
        .backup_id;
    let creating = same_on_both(
        &mut sse,
        &mut truth,
        "copy CREATE_IN_PROGRESS",
        is(
            "hsm-backup",
            "BackupId",
            copy.clone(),
            Some("CREATE_IN_PROGRESS"),
        ),
    )
    .await;
    assert_eq!(creating["Region"], "eu-west-1");
    assert_eq!(creating["SourceRegion"], "us-east-1");
    assert_eq!(creating["SourceBackup"], backup.as_str());
    b.advance(61).await;
    let ready = same_on_both(
        &mut sse,
        &mut truth,
        "copy READY",
        is("hsm-backup", "BackupId", copy.clone(), Some("READY")),
    )
    .await;
    assert_eq!(ready["Region"], "eu-west-1");

    // Deleted directly in B: PENDING_DELETION for seven days, then gone.
    on_b.delete_backup()
        .backup_id(&backup)
        .send()
        .await
        .unwrap();
    let pending = same_on_both(
        &mut sse,
        &mut truth,
        "backup PENDING_DELETION",
        is(
            "hsm-backup",
            "BackupId",
            backup.clone(),
            Some("PENDING_DELETION"),
        ),
    )
    .await;
    assert!(pending["DeleteTimestamp"].is_number(), "{pending}");
    assert_eq!(pending["Region"], "us-east-1");
    b.advance(8 * DAY).await;
    let gone = same_on_both(
        &mut sse,
        &mut truth,
        "backup deleted",
        is("hsm-backup-deleted", "BackupId", backup.clone(), None),
    )
    .await;
    assert_eq!(
        gone,
        serde_json::json!({"BackupId": backup, "ClusterId": id, "Region": "us-east-1"})
    );

    // The cluster, emptied in B and deleted through A's console door.
    let hsm_id = crate::cloudhsm::cluster(&on_b, &id).await.hsms.unwrap()[0]
        .hsm_id
        .clone();
    on_b.delete_hsm()
        .cluster_id(&id)
        .hsm_id(hsm_id)
        .send()
        .await
        .unwrap();
    b.advance(31).await;
    let deleted = raw(
        a.addr,
        "POST",
        "/api/cloudhsmv2/DeleteCluster",
        &[
            ("Content-Type", "application/json"),
            ("X-Cmconsole-Region", "us-east-1"),
        ],
        &serde_json::json!({ "ClusterId": id }).to_string(),
    )
    .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    sse.wait_for(
        "cluster DELETE_IN_PROGRESS",
        is(
            "cluster",
            "ClusterId",
            id.clone(),
            Some("DELETE_IN_PROGRESS"),
        ),
    )
    .await;
    b.advance(31).await;
    let gone = same_on_both(
        &mut sse,
        &mut truth,
        "cluster deleted",
        is("cluster-deleted", "ClusterId", id.clone(), None),
    )
    .await;
    assert_eq!(
        gone,
        serde_json::json!({"ClusterId": id, "Region": "us-east-1"})
    );

    // Everything A streamed carries its region; nothing replayed the cluster
    // that existed before A started.
    let hsm_kinds = [
        "cluster",
        "cluster-deleted",
        "hsm-backup",
        "hsm-backup-deleted",
    ];
    for event in sse
        .seen
        .iter()
        .filter(|e| hsm_kinds.contains(&e.kind.as_str()))
    {
        assert!(event.data["Region"].is_string(), "{event:?}");
        assert_ne!(event.data["ClusterId"], before.as_str(), "{event:?}");
    }
    assert_secrets_absent(&a).await;
}
