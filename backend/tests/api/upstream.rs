//! Upstream mode with two real backends: B is a simulator requiring SigV4,
//! A is the real `cmconsole` binary started with `--upstream http://B` and
//! credentials in its environment. Everything done through A must land in
//! B, B's changes must reach A's live stream, and A must never show or log
//! the credentials.

use crate::helpers::assert_fails;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backend::clock::SystemClock;

use crate::binary::*;
use crate::helpers::*;

const UPSTREAM_KEY: &str = "AKIDUPSTREAM";
const UPSTREAM_SECRET: &str = "upstream-secret-d41d8cd98f00b204";
const SESSION_TOKEN: &str = "session-token-9e107d9d372bb6826bd81d3542a419d6";
/// A against `upstream`, with `key`/`secret` (the real credentials) in
/// its environment.
fn start_proxy(upstream: SocketAddr, key: &str, secret: &str, extra: &[&str]) -> Binary {
    let mut command = proxy_command(upstream);
    command
        .args(with_defaults(extra))
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        // As chatty as it gets: nothing secret may show even here.
        .env("RUST_LOG", "debug,backend=trace");
    Binary::spawn(command)
}

/// `cmconsole serve --upstream http://<upstream>` with the local key pair
/// and console token.
fn proxy_command(upstream: SocketAddr) -> Command {
    let mut command = Binary::command(&["--upstream", &format!("http://{upstream}")]);
    command.args([
        "--access-key-id",
        LOCAL_KEY,
        "--secret-access-key",
        LOCAL_SECRET,
    ]);
    command
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
    /// A's stream, with A's session.
    async fn open(a: &Binary) -> Self {
        let cookie = a.cookie().await;
        Self::with(a.addr, &[("Cookie", &cookie)]).await
    }

    /// The stream of a backend that needs no session (B).
    async fn open_plain(addr: SocketAddr) -> Self {
        Self::with(addr, &[]).await
    }

    async fn with(addr: SocketAddr, headers: &[(&str, &str)]) -> Self {
        Self {
            sse: SseClient::connect_with(addr, None, headers).await,
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
            // Within what is left of the 20 s (not the stream's own 10 s
            // per event: at trace level on a loaded machine the poller's
            // first round can take longer than that).
            let left = deadline.saturating_duration_since(Instant::now());
            let event = self.sse.next_within(left).await;
            self.seen.push(event);
        }
        self.seen.iter().find(|e| want(e)).unwrap()
    }
}

#[tokio::test]
async fn both_doors_of_the_proxy_land_in_the_upstream_and_its_changes_stream_back() {
    let b = upstream().await;
    let a = start_proxy(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let mut sse = Stream::open(&a).await;

    // Console door of A.
    let created = a
        .console("CreateServer", &create_body("via-console", "ChefAutomate"))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.json()["Server"]["Status"], "CREATING");
    // Wire door of A, with the real SDK (its own signature is A's business;
    // A signs again with its credentials for B).
    let sdk = a.sdk();
    create_request_on(&sdk, "Puppet", "via-wire")
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
async fn assert_secrets_absent(a: &Binary) {
    let cookie = a.cookie().await;
    let config = raw(a.addr, "GET", "/api/config", &[("Cookie", &cookie)], "").await;
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
        assert!(!text.contains(LOCAL_SECRET), "local secret in {what}");
        assert!(!text.contains(CONSOLE_TOKEN), "console token in {what}");
        assert!(
            !text.contains(cookie.split('=').nth(1).unwrap()),
            "session cookie in {what}"
        );
    }
    assert!(
        a.output().contains("DescribeServers") || a.output().contains("/api/opsworks-cm"),
        "the log is being captured"
    );
}

#[tokio::test]
async fn upstream_errors_pass_through_with_their_code_and_message() {
    let b = upstream().await;
    let a = start_proxy(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let console = a
        .console("DescribeEvents", r#"{"ServerName":"nope"}"#)
        .await;
    assert_eq!(console.status, 400);
    assert_eq!(console.json()["code"], "ResourceNotFoundException");
    let direct = wire(b.addr, "DescribeEvents", r#"{"ServerName":"nope"}"#).await;
    assert_eq!(direct.status, 403, "B itself wants a signature");
    let sdk_err = a
        .sdk()
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
    let wrong_secret = start_proxy(b.addr, UPSTREAM_KEY, "not-the-secret", &[]);
    let answer = wrong_secret.console("DescribeServers", "{}").await;
    assert_eq!(
        answer.json()["code"],
        "InvalidSignatureException",
        "{}",
        answer.body
    );
    assert_fails!(
        wrong_secret.sdk().describe_servers(),
        "InvalidSignatureException"
    );

    let unknown_key = start_proxy(b.addr, "AKIDNOBODY", UPSTREAM_SECRET, &[]);
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
    let a = start_proxy(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let fault = |count: u32| {
        format!(
            r#"{{"kind":"error","code":"ThrottlingException","operation":"DescribeAccountAttributes","count":{count}}}"#
        )
    };
    let add = post_json(b.addr, "/api/sim/faults", &fault(2)).await;
    assert_eq!(add.status, 200, "{}", add.body);
    // Two throttles, then success: the caller never sees them.
    let answer = a.console("DescribeAccountAttributes", "{}").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.json()["Attributes"].is_array());
    let left = get(b.addr, "/api/sim/faults").await.json();
    assert_eq!(
        left["faults"].as_array().map(Vec::len),
        Some(0),
        "both throttles were used"
    );

    // Three throttles outlast the three attempts: the throttle is answered.
    post_json(b.addr, "/api/sim/faults", &fault(4)).await;
    let answer = a.console("DescribeAccountAttributes", "{}").await;
    assert_eq!(
        answer.json()["code"],
        "ThrottlingException",
        "{}",
        answer.body
    );
    let left = get(b.addr, "/api/sim/faults").await.json();
    assert_eq!(
        left["faults"][0]["fired"], 3,
        "exactly three attempts: {left}"
    );
}

#[tokio::test]
async fn the_client_side_bucket_keeps_the_proxy_under_its_rate() {
    let b = upstream().await;
    // 5 requests per second, no burst; a slow poller so only our calls count.
    let a = start_proxy(
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
    ten_calls_take_their_time(&[&a]).await;
}

/// Ten DescribeAccountAttributes calls at once, spread over `instances`:
/// at five a second they cannot take less than 1.8 s (a lower bound: a
/// slow machine cannot make this fail).
async fn ten_calls_take_their_time(instances: &[&Binary]) {
    let started = Instant::now();
    let calls =
        (0..10).map(|i| instances[i % instances.len()].console("DescribeAccountAttributes", "{}"));
    for answer in futures_util::future::join_all(calls).await {
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
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
    let mut command = proxy_command(b.addr);
    command
        .args(["--profile", "ci"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_CONFIG_FILE", dir.path().join("config"));
    let proxy = Binary::spawn(command);
    let answer = proxy.console("DescribeServers", "{}").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn cloudhsm_calls_are_signed_as_cloudhsm_for_the_callers_region() {
    use crate::cloudhsm::{create_cluster, hsm_client};
    let b = upstream().await;
    let a = start_proxy(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    // Through A, in eu-west-1: A signs for service `cloudhsm` in that region,
    // and B (which checks signatures) accepts it in any region.
    let created = create_cluster(&a.hsm("eu-west-1")).await;
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
    use crate::cloudhsm::{activate, all_hsm_backups, backups_of, create_cluster, hsm_client};
    const DAY: u64 = 24 * 3600;
    let b = upstream().await;
    let on_b = hsm_client(&b, "us-east-1");
    // Settled before A starts: A's first poll records it without replaying it.
    let before = create_cluster(&on_b).await.cluster_id.unwrap();
    b.advance(61).await;

    let a = start_proxy(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let mut sse = Stream::open(&a).await;
    let mut truth = Stream::open_plain(b.addr).await;
    let via_a = a.hsm("us-east-1");
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
    let copy = all_hsm_backups(&hsm_client(&b, "eu-west-1"))
        .await
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
    let deleted = a
        .console_at(
            "/api/cloudhsmv2/DeleteCluster",
            &[("X-Cmconsole-Region", "us-east-1")],
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

#[tokio::test]
async fn only_the_local_key_pair_reaches_the_upstream_and_everything_else_stays_at_the_door() {
    let b = upstream().await;
    let a = start_proxy(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let create = |name: &str| create_body(name, "ChefAutomate");

    let unsigned = wire(a.addr, "CreateServer", &create("unsigned")).await;
    assert_eq!(unsigned.status, 403, "{}", unsigned.body);
    assert_eq!(
        unsigned.json()["__type"],
        "MissingAuthenticationTokenException"
    );
    let wrong = client_with(a.addr, LOCAL_KEY, "not-the-local-secret", "us-east-1");
    assert_eq!(
        a_create(&wrong, "wrongly-signed").await.err_code(),
        "InvalidSignatureException"
    );
    // The real credentials are not a way in: clients never hold them.
    let real = client_with(a.addr, UPSTREAM_KEY, UPSTREAM_SECRET, "us-east-1");
    assert_eq!(
        a_create(&real, "with-real-keys").await.err_code(),
        "UnrecognizedClientException"
    );
    let console = post_json(
        a.addr,
        "/api/opsworks-cm/CreateServer",
        &create("no-session"),
    )
    .await;
    assert_eq!(console.status, 401, "{}", console.body);
    assert_eq!(b.sim.server_count(), 0, "none of them reached B");

    a_create(&a.sdk(), "signed-locally").await.unwrap();
    let in_b = b
        .client
        .describe_servers()
        .server_name("signed-locally")
        .send()
        .await
        .unwrap();
    assert_eq!(in_b.servers().len(), 1, "the locally signed call reached B");
}

/// CreateServer through `client` (a client of A).
async fn a_create(
    client: &aws_sdk_opsworkscm::Client,
    name: &str,
) -> Result<
    aws_sdk_opsworkscm::operation::create_server::CreateServerOutput,
    aws_sdk_opsworkscm::error::SdkError<
        aws_sdk_opsworkscm::operation::create_server::CreateServerError,
    >,
> {
    create_request_on(client, "ChefAutomate", name).send().await
}

#[test]
fn a_local_key_that_is_the_real_one_is_refused_at_start() {
    let upstream: SocketAddr = "127.0.0.1:9".parse().unwrap();
    let mut command = Binary::command(&[
        "--upstream",
        &format!("http://{upstream}"),
        "--access-key-id",
        UPSTREAM_KEY,
        "--secret-access-key",
        "anything",
    ]);
    command
        .env("AWS_ACCESS_KEY_ID", UPSTREAM_KEY)
        .env("AWS_SECRET_ACCESS_KEY", UPSTREAM_SECRET);
    let output = command.output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("local key pair of their own"), "{stderr}");
    assert!(!stderr.contains(UPSTREAM_SECRET));
}

#[tokio::test]
async fn credential_failures_answer_a_fixed_message_and_log_the_cause() {
    let b = upstream().await;
    let mut command = proxy_command(b.addr);
    command
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    let a = Binary::spawn(command);
    let answer = a.console("DescribeServers", "{}").await;
    assert_eq!(
        answer.json()["code"],
        "UnrecognizedClientException",
        "{}",
        answer.body
    );
    assert_eq!(
        answer.json()["message"],
        backend::upstream::CREDENTIALS_UNAVAILABLE
    );
    assert_eq!(
        a.sdk().describe_servers().send().await.err_code(),
        "UnrecognizedClientException"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while !a.output().contains("cannot load AWS credentials") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        a.output().contains("cannot load AWS credentials"),
        "{}",
        a.output()
    );
}

#[tokio::test]
async fn nothing_secret_is_logged_even_at_trace() {
    let b = upstream().await;
    let mut command = proxy_command(b.addr);
    command
        .args(with_defaults(&[]))
        .env("AWS_ACCESS_KEY_ID", UPSTREAM_KEY)
        .env("AWS_SECRET_ACCESS_KEY", UPSTREAM_SECRET)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("RUST_LOG", "trace");
    let a = Binary::spawn(command);
    // Everything that handles a secret: the sign-in link and page (right
    // and wrong), console calls with the cookie, the stream, signed wire
    // calls of both services, a wrongly signed one, upstream signing.
    get(a.addr, &format!("/servers?token={CONSOLE_TOKEN}")).await;
    get(a.addr, "/?token=a-wrong-token-0123456789").await;
    let cookie = a.cookie().await;
    a.console("CreateServer", &create_body("traced", "ChefAutomate"))
        .await;
    let mut sse = Stream::open(&a).await;
    sse.wait_for("the created server", |e| e.kind == "server")
        .await;
    a.sdk().describe_servers().send().await.unwrap();
    let _ = client_with(a.addr, LOCAL_KEY, "wrong", "us-east-1")
        .describe_servers()
        .send()
        .await;
    a.hsm("eu-west-1").describe_backups().send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = a.output();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "trace is on"
    );
    let session = cookie.split('=').nth(1).unwrap();
    for (what, secret) in [
        ("upstream secret", UPSTREAM_SECRET),
        ("upstream access key id", UPSTREAM_KEY),
        ("session token", SESSION_TOKEN),
        ("local secret", LOCAL_SECRET),
        ("console token", CONSOLE_TOKEN),
        ("session cookie", session),
        ("signature", "Signature="),
        ("security token header", "x-amz-security-token"),
    ] {
        assert!(!log.contains(secret), "{what} in the trace log");
    }
}

/// A's `/api/health`, polled until `want` holds (20 s at most).
async fn health_until(a: &Binary, want: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let health = a.console_get("/api/health").await.json();
        if want(&health) {
            return health;
        }
        assert!(Instant::now() < deadline, "health stayed {health}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn health_says_whether_each_upstream_service_answers_its_polls() {
    let b = upstream().await;
    let a = start_proxy(b.addr, UPSTREAM_KEY, UPSTREAM_SECRET, &[]);
    let ready = health_until(&a, |h| h["status"] != "starting").await;
    assert_eq!(ready["status"], "ok", "{ready}");
    assert_eq!(ready["mode"], "upstream");
    assert_eq!(ready["services"]["opsworks-cm"]["status"], "reachable");
    assert_eq!(ready["services"]["cloudhsmv2"]["status"], "reachable");

    // B stops listening (connections A already holds may live on a while).
    drop(b);
    let down = health_until(&a, |h| h["status"] == "degraded").await;
    let failing: Vec<_> = ["opsworks-cm", "cloudhsmv2"]
        .into_iter()
        .filter(|s| down["services"][s]["status"] == "failing")
        .collect();
    assert!(!failing.is_empty(), "{down}");
    for service in failing {
        assert!(down["services"][service]["detail"].is_string(), "{down}");
    }
    let head = raw(a.addr, "HEAD", "/api/health", &[], "").await;
    assert!(head.body.is_empty());
}

#[tokio::test]
async fn among_several_proxies_only_the_leader_signs_so_the_rate_holds_for_the_group() {
    let Some(db) = crate::databases::Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    let b = upstream().await;
    // 5 requests per second, no burst, for each instance; slow polls.
    let start = || {
        let mut command = proxy_command(b.addr);
        command
            .args([
                "--upstream-rate",
                "5/1",
                "--poll-fast",
                "0.2",
                "--poll-slow",
                "60",
            ])
            .env("CMCONSOLE_DATABASE_URL", db.url())
            .env("AWS_ACCESS_KEY_ID", UPSTREAM_KEY)
            .env("AWS_SECRET_ACCESS_KEY", UPSTREAM_SECRET)
            .env("AWS_CONFIG_FILE", "/nonexistent/config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
        Binary::spawn(command)
    };
    let instances = [start(), start()];
    let leader = crate::cluster::settled_leader(&instances.iter().collect::<Vec<_>>()).await;
    let follower = &instances[1 - leader];
    let mut stream = Stream::open(follower).await;

    // A write through the follower lands upstream, and what the leader's
    // poller then journals reaches the follower's stream.
    let created = follower
        .console("CreateServer", &create_body("via-follower", "ChefAutomate"))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(b.status("via-follower").await, "CREATING");
    b.advance(61).await;
    stream
        .wait_for("via-follower HEALTHY on the follower", |e| {
            e.kind == "server"
                && e.data["ServerName"] == "via-follower"
                && e.data["Status"] == "HEALTHY"
        })
        .await;

    // Ten calls, five through each instance at once: one bucket of five a
    // second signs them all (two buckets would take 0.8 s).
    ten_calls_take_their_time(&[&instances[0], &instances[1]]).await;
}
