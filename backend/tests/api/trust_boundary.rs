//! The trust boundary (issue 13), attack by attack, against the running
//! binary: cross-site and non-JSON requests, missing and wrong sessions,
//! Host tricks on an exposed listener, region injection, and the data
//! directory's permissions. Each refusal comes in its door's own format and
//! leaves the state as it was.

use crate::helpers::assert_fails;
use std::time::{Duration, Instant};

use backend::cli::{Cli, Command as CliCommand};
use backend::startup::Protections;
use clap::Parser;

use crate::binary::{Binary, CONSOLE_TOKEN, LOCAL_KEY, LOCAL_SECRET};
use crate::helpers::*;

const EVIL: &str = "http://evil.example";

/// The names of the servers the wire door lists.
async fn server_names(addr: std::net::SocketAddr) -> Vec<String> {
    let listed = wire(addr, "DescribeServers", "{}").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let mut names: Vec<String> = listed.json()["Servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ServerName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// Asserts `answer` is the console envelope with `status` and `code`.
fn assert_envelope(answer: &RawResponse, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["code"], code, "{}", answer.body);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(body["requestId"].is_string(), "{}", answer.body);
}

/// Waits until the binary has printed `what` (its banner comes after the
/// first line, read by another thread).
async fn printed(binary: &Binary, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let output = binary.output();
        if output.contains(what) || Instant::now() > deadline {
            return output;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn cross_site_and_non_json_requests_are_refused_before_any_handler_runs() {
    let mut command = Binary::command(&["--in-memory", "--seed-demo"]);
    command.env_remove("CMCONSOLE_TOKEN");
    let app = Binary::spawn(command);
    let before = server_names(app.addr).await;
    assert!(before.contains(&"chef-prod".to_owned()), "{before:?}");

    // navigator.sendBeacon from any page: text/plain, foreign Origin, cross-site.
    let beacon = raw(
        app.addr,
        "POST",
        "/api/sim/reset",
        &[
            ("Content-Type", "text/plain;charset=UTF-8"),
            ("Origin", EVIL),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        "",
    )
    .await;
    assert_envelope(&beacon, 403, "AccessDeniedException");

    let delete = r#"{"ServerName":"chef-prod"}"#;
    let path = "/api/opsworks-cm/DeleteServer";
    for (headers, status, code) in [
        // A simple request without Origin (an old browser, a form post).
        (
            vec![("Content-Type", "text/plain")],
            415,
            "UnsupportedMediaTypeException",
        ),
        (
            vec![("Content-Type", "application/x-www-form-urlencoded")],
            415,
            "UnsupportedMediaTypeException",
        ),
        (vec![], 415, "UnsupportedMediaTypeException"),
        // JSON, but from another origin or site.
        (
            vec![("Content-Type", "application/json"), ("Origin", EVIL)],
            403,
            "AccessDeniedException",
        ),
        (
            vec![("Content-Type", "application/json"), ("Origin", "null")],
            403,
            "AccessDeniedException",
        ),
        (
            vec![
                ("Content-Type", "application/json"),
                ("Sec-Fetch-Site", "same-site"),
            ],
            403,
            "AccessDeniedException",
        ),
    ] {
        let answer = raw(app.addr, "POST", path, &headers, delete).await;
        assert_envelope(&answer, status, code);
    }
    // Bodiless POSTs too.
    let bodiless = raw(app.addr, "POST", "/api/sim/reset", &[], "").await;
    assert_envelope(&bodiless, 415, "UnsupportedMediaTypeException");
    // The live door and reads.
    for headers in [[("Sec-Fetch-Site", "cross-site")], [("Origin", EVIL)]] {
        for path in ["/api/events", "/api/config", "/api/sim/clock"] {
            let answer = raw(app.addr, "GET", path, &headers, "").await;
            assert_envelope(&answer, 403, "AccessDeniedException");
        }
    }
    // The wire door refuses pages of other sites as well, in AWS JSON.
    let wire_from_page = raw(
        app.addr,
        "POST",
        "/",
        &[
            ("X-Amz-Target", "OpsWorksCM_V2016_11_01.DeleteServer"),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("Origin", EVIL),
        ],
        delete,
    )
    .await;
    assert_eq!(wire_from_page.status, 403, "{}", wire_from_page.body);
    assert_eq!(wire_from_page.json()["__type"], "AccessDeniedException");

    assert_eq!(server_names(app.addr).await, before, "nothing changed");

    // The console's own pages get through (the refusals above could fail).
    let own_origin = format!("http://{}", app.addr);
    let own = raw(
        app.addr,
        "POST",
        path,
        &[
            ("Content-Type", "application/json; charset=utf-8"),
            ("Origin", &own_origin),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        delete,
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let listed = wire(app.addr, "DescribeServers", r#"{"ServerName":"chef-prod"}"#).await;
    assert_eq!(listed.json()["Servers"][0]["Status"], "DELETING");
}

#[tokio::test]
async fn the_console_needs_a_session_when_one_is_required() {
    let app = Binary::spawn(Binary::command(&["--in-memory", "--seed-demo"]));
    let banner = printed(&app, "protections:").await;
    assert!(banner.contains("console session required"), "{banner}");
    assert!(
        banner.contains("sign in with the token from CMCONSOLE_TOKEN"),
        "{banner}"
    );
    assert!(
        !banner.contains(CONSOLE_TOKEN),
        "a given token is never printed"
    );
    let before = server_names(app.addr).await;
    let json = ("Content-Type", "application/json");
    let port = app.addr.port();

    let health = get(app.addr, "/api/health").await;
    assert_eq!(health.status, 200, "probes need no session");

    let forged =
        format!("cmconsole_session_{port}=4102444800.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let garbage = format!("cmconsole_session_{port}={CONSOLE_TOKEN}");
    for cookie in [None, Some(forged.as_str()), Some(garbage.as_str())] {
        let mut headers = vec![json];
        if let Some(cookie) = cookie {
            headers.push(("Cookie", cookie));
        }
        for (method, path, body) in [
            ("GET", "/api/config", ""),
            ("GET", "/api/events", ""),
            ("POST", "/api/sim/reset", ""),
            (
                "POST",
                "/api/opsworks-cm/DeleteServer",
                r#"{"ServerName":"chef-prod"}"#,
            ),
            ("POST", "/api/cloudhsmv2/DescribeClusters", "{}"),
            ("GET", "/api/requests", ""),
            ("GET", "/api/requests/stream", ""),
            ("GET", "/api/init", ""),
            ("GET", "/api/sim/state", ""),
            ("POST", "/api/sim/state", "{}"),
            ("POST", "/api/sim/seed", r#"{"seed":1}"#),
            ("GET", "/metrics", ""),
        ] {
            let answer = raw(app.addr, method, path, &headers, body).await;
            assert_envelope(&answer, 401, "UnauthorizedException");
        }
    }
    assert_eq!(server_names(app.addr).await, before, "nothing changed");

    // A scraper shows the console token as a bearer token.
    let bearer = format!("Bearer {CONSOLE_TOKEN}");
    let metrics = raw(
        app.addr,
        "GET",
        "/metrics",
        &[("Authorization", &bearer)],
        "",
    )
    .await;
    assert_eq!(metrics.status, 200, "{}", metrics.body);
    assert!(
        metrics.body.contains("cmconsole_sse_clients"),
        "{}",
        metrics.body
    );
    let wrong = [("Authorization", "Bearer not-the-console-token")];
    let refused = raw(app.addr, "GET", "/metrics", &wrong, "").await;
    assert_envelope(&refused, 401, "UnauthorizedException");
    let elsewhere = raw(
        app.addr,
        "GET",
        "/api/sim/state",
        &[("Authorization", &bearer)],
        "",
    )
    .await;
    assert_envelope(&elsewhere, 401, "UnauthorizedException");

    // Sign-in page: a wrong token is 401, the right one a strict cookie.
    let wrong = raw(
        app.addr,
        "POST",
        "/api/session",
        &[json],
        r#"{"token":"not-the-console-token"}"#,
    )
    .await;
    assert_envelope(&wrong, 401, "UnauthorizedException");
    assert!(wrong.header("set-cookie").is_none());
    let cookie = app.cookie().await;
    assert!(cookie.starts_with(&format!("cmconsole_session_{port}=")));
    let config = raw(app.addr, "GET", "/api/config", &[("Cookie", &cookie)], "").await;
    assert_eq!(config.status, 200, "{}", config.body);
    assert!(!config.body.contains(CONSOLE_TOKEN));

    // The printed link: ?token= is exchanged for the cookie and dropped
    // from the address; a wrong one leads to the sign-in page.
    let link = get(
        app.addr,
        &format!("/servers?region=eu-west-1&token={CONSOLE_TOKEN}"),
    )
    .await;
    assert_eq!(link.status, 303);
    assert_eq!(link.header("location"), Some("/servers?region=eu-west-1"));
    let set = link.header("set-cookie").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attribute), "{set}");
    }
    let from_link = set.split(';').next().unwrap();
    let answer = raw(
        app.addr,
        "POST",
        "/api/opsworks-cm/DescribeServers",
        &[json, ("Cookie", from_link)],
        "{}",
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let bad_link = get(app.addr, "/?token=wrong-token-0123456789").await;
    assert_eq!(bad_link.status, 303);
    assert_eq!(bad_link.header("location"), Some("/?signin=rejected"));
    assert!(bad_link.header("set-cookie").is_none());

    // Signing out clears the cookie.
    let out = raw(
        app.addr,
        "DELETE",
        "/api/session",
        &[("Cookie", &cookie)],
        "",
    )
    .await;
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
}

#[tokio::test]
async fn generated_secrets_are_printed_once_and_are_what_lets_clients_in() {
    let mut command = Binary::command(&["--in-memory", "--require-session", "--require-sigv4"]);
    command.env_remove("CMCONSOLE_TOKEN");
    let app = Binary::spawn(command);
    let banner = printed(&app, "AWS_SECRET_ACCESS_KEY=").await;
    let token = banner
        .split("?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no sign-in URL in {banner}"));
    let pair = banner.split("AWS_ACCESS_KEY_ID=").nth(1).unwrap();
    let id = pair.split_whitespace().next().unwrap();
    let secret = pair
        .split("AWS_SECRET_ACCESS_KEY=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap();

    let link = get(app.addr, &format!("/?token={token}")).await;
    let cookie = link.header("set-cookie").expect("the printed token works");
    let config = raw(
        app.addr,
        "GET",
        "/api/config",
        &[("Cookie", cookie.split(';').next().unwrap())],
        "",
    )
    .await;
    assert_eq!(config.status, 200);

    let unsigned = wire(app.addr, "DescribeServers", "{}").await;
    assert_eq!(unsigned.status, 403);
    assert_eq!(
        unsigned.json()["__type"],
        "MissingAuthenticationTokenException"
    );
    let signed = client_with(app.addr, id, secret, "us-east-1")
        .describe_servers()
        .send()
        .await;
    assert!(signed.is_ok(), "{signed:?}");
    assert_fails!(
        client_with(app.addr, id, "not-the-secret", "us-east-1").describe_servers(),
        "InvalidSignatureException"
    );
}

/// What `serve` builds for `flags`, bound on loopback as tests must be.
async fn as_serve_would(flags: &[&str]) -> (TestApp, Protections) {
    let mut argv = vec!["cmconsole", "serve"];
    argv.extend_from_slice(flags);
    let CliCommand::Serve(args) = Cli::parse_from(argv).command else {
        panic!("`cmconsole serve` parses as serve");
    };
    let protections = Protections::decide(&args, None).unwrap();
    let guard = protections.guard(args.listen);
    let app = TestApp::spawn_guarded(guard, protections.verifier()).await;
    (app, protections)
}

#[tokio::test]
async fn a_non_loopback_listen_needs_a_session_and_sigv4_whatever_the_host_says() {
    let (app, protections) = as_serve_would(&["--listen", "0.0.0.0:8080"]).await;
    assert!(
        protections
            .banner("0.0.0.0:8080".parse().unwrap(), "simulator")
            .contains("(listening beyond loopback)")
    );
    let json = ("Content-Type", "application/json");
    for host in ["localhost", "localhost:8080", "127.0.0.1", "0.0.0.0:8080"] {
        let console = raw(
            app.addr,
            "POST",
            "/api/opsworks-cm/CreateServer",
            &[("Host", host), json],
            r#"{"ServerName":"intruder"}"#,
        )
        .await;
        assert_envelope(&console, 401, "UnauthorizedException");
        let sim = raw(
            app.addr,
            "POST",
            "/api/sim/reset",
            &[("Host", host), json],
            "",
        )
        .await;
        assert_envelope(&sim, 401, "UnauthorizedException");
        let unsigned = raw(
            app.addr,
            "POST",
            "/",
            &[
                ("Host", host),
                ("X-Amz-Target", "OpsWorksCM_V2016_11_01.DescribeServers"),
                ("Content-Type", "application/x-amz-json-1.1"),
            ],
            "{}",
        )
        .await;
        assert_eq!(unsigned.status, 403, "{}", unsigned.body);
        assert_eq!(
            unsigned.json()["__type"],
            "MissingAuthenticationTokenException"
        );
        // Any credentials are not enough: only the generated local pair.
        assert_fails!(
            client_with(app.addr, "test", "test", "us-east-1").describe_servers(),
            "UnrecognizedClientException"
        );
    }
    let evil_host = raw(
        app.addr,
        "GET",
        "/api/health",
        &[("Host", "evil.example")],
        "",
    )
    .await;
    assert_envelope(&evil_host, 403, "AccessDeniedException");
    let health = raw(app.addr, "GET", "/api/health", &[("Host", "localhost")], "").await;
    assert_eq!(health.status, 200);
    assert_eq!(app.sim.server_count(), 0, "nothing was created");
}

#[tokio::test]
async fn no_region_a_request_names_can_steer_where_a_signed_request_goes() {
    // A local listener stands in for where an attacker would like the
    // operator's signed request to go.
    let trap = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let trap_addr = trap.local_addr().unwrap();
    let caught = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&caught);
    let trap_task = tokio::spawn(async move {
        while trap.accept().await.is_ok() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let mut command = Binary::command(&[
        "--upstream",
        "aws",
        "--poll-fast",
        "600",
        "--poll-slow",
        "600",
        "--access-key-id",
        LOCAL_KEY,
        "--secret-access-key",
        LOCAL_SECRET,
    ]);
    command
        .env("AWS_ACCESS_KEY_ID", "AKIDREALCREDENTIALS")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "real-secret-never-sent-to-the-trap",
        )
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
    let a = Binary::spawn(command);
    let injected = [
        format!("x@{trap_addr}#"),
        format!("us-east-1.{trap_addr}#"),
        format!("x@127.0.0.1:{}/", trap_addr.port()),
    ];
    for region in &injected {
        let console = a
            .console_at(
                "/api/cloudhsmv2/DescribeBackups",
                &[("X-Cmconsole-Region", region)],
                "{}",
            )
            .await;
        assert_envelope(&console, 400, "CloudHsmInvalidRequestException");
        assert!(
            console.body.contains("is not an AWS region name"),
            "{}",
            console.body
        );
    }
    // The wire door: a correctly signed request whose credential scope
    // names the injected "region" (the SDK itself refuses such a region,
    // so it is signed here by hand).
    let wire_answer = signed_wire(
        a.addr,
        "BaldrApiService.DescribeClusters",
        "{}",
        &injected[0],
        "cloudhsm",
    )
    .await;
    assert_eq!(wire_answer.status, 400, "{}", wire_answer.body);
    assert_eq!(
        wire_answer.json()["__type"],
        "CloudHsmInvalidRequestException"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        caught.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "no connection may reach the trap"
    );
    trap_task.abort();
}

/// A wire-door call signed with the local pair for `region` and `service`.
async fn signed_wire(
    addr: std::net::SocketAddr,
    target: &str,
    body: &str,
    region: &str,
    service: &str,
) -> RawResponse {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    use aws_smithy_runtime_api::client::identity::Identity;
    let identity: Identity =
        aws_credential_types::Credentials::new(LOCAL_KEY, LOCAL_SECRET, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(std::time::UNIX_EPOCH + Duration::from_secs(wall_clock_seconds()))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let host = addr.to_string();
    let headers = [
        ("host", host.as_str()),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", target),
    ];
    let url = format!("http://{addr}/");
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut all: Vec<(String, String)> = vec![
        ("Content-Type".into(), "application/x-amz-json-1.1".into()),
        ("X-Amz-Target".into(), target.into()),
    ];
    for (name, value) in instructions.headers() {
        all.push((name.to_owned(), value.to_owned()));
    }
    let borrowed: Vec<(&str, &str)> = all.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    raw(addr, "POST", "/", &borrowed, body).await
}

/// Seconds since the epoch on the wall clock (what the verifier judges by).
fn wall_clock_seconds() -> u64 {
    use backend::clock::{Clock, SystemClock};
    SystemClock.now().timestamp().try_into().unwrap()
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("new").join("data");
    let mut command = Binary::command(&["--data-dir", dir.to_str().unwrap()]);
    command.env_remove("CMCONSOLE_TOKEN");
    let app = Binary::spawn(command);
    // A write, so the WAL exists too.
    let created = wire(app.addr, "DescribeServers", "{}").await;
    assert_eq!(created.status, 200);
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        files += 1;
    }
    assert!(files >= 1, "the database is there");
}
