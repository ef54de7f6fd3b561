//! What a new user, a container or a test harness relies on first: the
//! ready line, configuration by `CMCONSOLE_*` variables, `/api/health`
//! (GET and HEAD), `/api/config`'s endpoint and the version header on every
//! answer.

use std::process::Command;

use crate::binary::Binary;
use crate::helpers::*;

const VERSION: &str = env!("CARGO_PKG_VERSION");

#[tokio::test]
async fn health_reports_version_mode_store_services_uptime_and_journal_head() {
    let app = TestApp::spawn().await;
    let before = get(app.addr, "/api/health").await;
    assert_eq!(before.status, 200, "{}", before.body);
    let health = before.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], VERSION);
    assert_eq!(health["mode"], "simulator");
    assert_eq!(health["store"]["kind"], "in memory");
    assert_eq!(health["store"]["status"], "ok");
    assert_eq!(health["services"]["opsworks-cm"]["status"], "simulated");
    assert_eq!(health["services"]["cloudhsmv2"]["status"], "simulated");
    assert!(health["uptimeSeconds"].as_u64().is_some(), "{health}");
    let head = health["journalHead"].as_u64().unwrap();

    app.create_chef("watched").await;
    let after = get(app.addr, "/api/health").await.json();
    assert!(
        after["journalHead"].as_u64().unwrap() > head,
        "a change moves the journal head: {after}"
    );
}

#[tokio::test]
async fn health_answers_head_with_headers_and_no_body() {
    let app = TestApp::spawn().await;
    let r = raw(app.addr, "HEAD", "/api/health", &[], "").await;
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty(), "{:?}", r.body);
    assert_eq!(r.header("x-cmconsole-version"), Some(VERSION));
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );
}

#[tokio::test]
async fn every_door_answers_with_the_version_header() {
    let app = TestApp::spawn().await;
    let answers = [
        wire(app.addr, "DescribeServers", "{}").await,
        wire(app.addr, "NoSuchOperation", "{}").await,
        post_json(app.addr, "/api/opsworks-cm/DescribeServers", "{}").await,
        post_json(app.addr, "/api/opsworks-cm/DescribeServers", "{").await,
        get(app.addr, "/api/config").await,
        get(app.addr, "/api/sim/clock").await,
        get(app.addr, "/api/nothing-here").await,
        raw(app.addr, "DELETE", "/", &[], "").await,
    ];
    for r in answers {
        assert_eq!(
            r.header("x-cmconsole-version"),
            Some(VERSION),
            "{} {}",
            r.status,
            r.body
        );
    }
}

#[tokio::test]
async fn config_names_the_endpoint_clients_reach() {
    let app = TestApp::spawn().await;
    let config = get(app.addr, "/api/config").await.json();
    assert_eq!(config["endpoint"], format!("http://{}", app.addr));
}

#[tokio::test]
async fn the_ready_line_names_the_port_bound_for_port_zero() {
    let binary = Binary::spawn(Binary::command(&["--in-memory"]));
    assert_ne!(binary.addr.port(), 0);
    let first = binary.output();
    let line = first.lines().next().unwrap();
    assert_eq!(
        line,
        format!("cmconsole listening on http://{}", binary.addr)
    );
    let config = binary.console_get("/api/config").await.json();
    assert_eq!(config["endpoint"], format!("http://{}", binary.addr));
    let health = binary.console_get("/api/health").await.json();
    assert_eq!(
        health["status"], "ok",
        "ready once the line is out: {health}"
    );
}

#[tokio::test]
async fn every_serve_flag_can_come_from_a_cmconsole_variable() {
    let mut command = Binary::command(&[]);
    command
        .env("CMCONSOLE_IN_MEMORY", "true")
        .env("CMCONSOLE_REGION", "eu-west-1")
        .env("CMCONSOLE_ACCOUNT_ID", "210987654321")
        .env("CMCONSOLE_SERVER_LIMIT", "3")
        .env("CMCONSOLE_RATE_LIMIT", "0");
    let binary = Binary::spawn(command);
    let config = binary.console_get("/api/config").await.json();
    assert_eq!(config["region"], "eu-west-1");
    assert_eq!(config["accountId"], "210987654321");
    let health = binary.console_get("/api/health").await.json();
    assert_eq!(health["store"]["kind"], "in memory");
    let attrs = member!(binary.sdk().describe_account_attributes(), attributes);
    let servers = attrs
        .iter()
        .find(|a| a.name.as_deref() == Some("ServerLimit"))
        .unwrap();
    assert_eq!(servers.maximum, Some(3));
}

#[tokio::test]
async fn a_flag_wins_over_its_variable_and_a_false_switch_is_off() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Binary::command(&["--region", "ap-south-1", "--data-dir"]);
    command
        .arg(dir.path())
        .env("CMCONSOLE_REGION", "eu-west-1")
        .env("CMCONSOLE_IN_MEMORY", "false");
    let binary = Binary::spawn(command);
    let config = binary.console_get("/api/config").await.json();
    assert_eq!(config["region"], "ap-south-1");
    let health = binary.console_get("/api/health").await.json();
    let kind = health["store"]["kind"].as_str().unwrap();
    assert!(kind.starts_with("sqlite file "), "{kind}");
    assert!(dir.path().join("cmconsole.sqlite3").is_file());
}

#[test]
fn bad_variables_are_refused_like_bad_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_cmconsole"))
        .args(["serve", "--in-memory"])
        .env("CMCONSOLE_SERVER_LIMIT", "0")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--server-limit"), "{stderr}");

    let out = Command::new(env!("CARGO_BIN_EXE_cmconsole"))
        .args(["serve", "--data-dir", "/tmp/never-used"])
        .env("CMCONSOLE_IN_MEMORY", "yes")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn a_huge_bad_value_is_named_not_printed_back() {
    let huge = "a".repeat(100_000);
    let out = Command::new(env!("CARGO_BIN_EXE_cmconsole"))
        .args(["serve", "--in-memory", "--listen", &huge])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.len() < 2_000, "{} bytes of error", stderr.len());
    assert!(stderr.contains("--listen"), "{stderr}");
    assert!(stderr.contains("(100002 characters)"), "{stderr}");

    let out = Command::new(env!("CARGO_BIN_EXE_cmconsole"))
        .args(["serve", "--in-memory"])
        .env("CMCONSOLE_LISTEN", &huge)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).len() < 2_000);
}

#[test]
fn help_names_each_flags_variable() {
    let out = Command::new(env!("CARGO_BIN_EXE_cmconsole"))
        .args(["serve", "--help"])
        .env("CMCONSOLE_SECRET_ACCESS_KEY", "never-shown-secret")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let flags: Vec<&str> = help
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--"))
        .filter_map(|l| l.split([' ', ',']).next())
        .filter(|flag| !matches!(*flag, "help"))
        .collect();
    assert!(flags.len() > 25, "{help}");
    for flag in flags {
        let variable = format!("CMCONSOLE_{}", flag.replace('-', "_").to_uppercase());
        assert!(help.contains(&variable), "{variable} for --{flag}:\n{help}");
    }
    assert!(!help.contains("never-shown-secret"), "{help}");
}

/// Writes `text` to `dir/name`, executable.
fn script(dir: &std::path::Path, name: &str, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// GET `/api/init` until the scripts are done (20 s at most).
async fn init_report(binary: &Binary) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let report = binary.console_get("/api/init").await.json();
        if report["status"] == "done" {
            return report;
        }
        assert!(std::time::Instant::now() < deadline, "{report}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn init_scripts_run_in_name_order_once_ready_and_a_failure_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    // Creates a server through the wire door with nothing but bash.
    script(
        dir.path(),
        "10-create-server.sh",
        r#"#!/bin/bash
set -e
port="${AWS_ENDPOINT_URL##*:}"
body='{"ServerName":"from-init","Engine":"ChefAutomate","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/p","InstanceType":"m5.large","ServiceRoleArn":"arn:aws:iam::123456789012:role/r"}'
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: OpsWorksCM_V2016_11_01.CreateServer\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "${#body}" "$body" >&3
head -1 <&3
echo "env: $AWS_REGION $AWS_DEFAULT_REGION $AWS_ACCESS_KEY_ID"
"#,
    );
    script(
        dir.path(),
        "20-fails.sh",
        "#!/bin/sh\necho about to fail >&2\nexit 3\n",
    );
    script(dir.path(), "30-after.sh", "#!/bin/sh\necho still ran\n");
    std::fs::write(dir.path().join("README.txt"), "not executable").unwrap();

    let binary = Binary::spawn(Binary::command(&[
        "--in-memory",
        "--region",
        "eu-west-1",
        "--init-dir",
        dir.path().to_str().unwrap(),
    ]));
    let report = init_report(&binary).await;
    let scripts = report["scripts"].as_array().unwrap();
    let names: Vec<&str> = scripts
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["10-create-server.sh", "20-fails.sh", "30-after.sh"]);

    assert_eq!(scripts[0]["status"], "succeeded", "{report}");
    let output = scripts[0]["output"].as_str().unwrap();
    assert!(output.contains("HTTP/1.1 200"), "{output}");
    assert!(output.contains("env: eu-west-1 eu-west-1 test"), "{output}");
    assert_eq!(scripts[1]["status"], "failed");
    assert_eq!(scripts[1]["exitCode"], 3);
    assert!(
        scripts[1]["output"]
            .as_str()
            .unwrap()
            .contains("about to fail")
    );
    assert_eq!(scripts[2]["status"], "succeeded");

    let servers = binary.console("DescribeServers", "{}").await.json();
    assert_eq!(servers["Servers"][0]["ServerName"], "from-init");
    let log = binary.output();
    assert!(log.contains("init script failed"), "{log}");
}

#[tokio::test]
async fn without_an_init_dir_the_report_says_none() {
    let app = TestApp::spawn().await;
    let report = get(app.addr, "/api/init").await.json();
    assert_eq!(report["status"], "none");
    assert_eq!(report["scripts"], serde_json::json!([]));
}

/// The example `name`: `cargo test` builds examples beside its test
/// binaries; a run of this test alone builds it first.
fn example(name: &str) -> std::path::PathBuf {
    let deps = std::env::current_exe().unwrap();
    let path = deps
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name);
    if !path.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let built = Command::new(cargo)
            .args(["build", "-p", "backend", "--example", name])
            .status()
            .unwrap();
        assert!(built.success(), "building the {name} example");
    }
    path
}

#[tokio::test]
async fn aws_sdk_rust_finds_cmconsole_through_aws_endpoint_url() {
    let app = TestApp::spawn().await;
    app.create_chef("found").await;
    let endpoint = format!("http://{}", app.addr);
    let run = |vars: &[(&str, &str)]| {
        let mut command = Command::new(example("endpoint_from_env"));
        command
            .env_clear()
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true");
        for (name, value) in vars {
            command.env(name, value);
        }
        command.output()
    };
    let out = tokio::task::spawn_blocking({
        let endpoint = endpoint.clone();
        move || run(&[("AWS_ENDPOINT_URL", &endpoint)])
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.trim(), "servers=1 clusters=0");

    // The per-service variables win over the general one.
    let out = tokio::task::spawn_blocking(move || {
        run(&[
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
            ("AWS_ENDPOINT_URL_OPSWORKSCM", &endpoint),
            ("AWS_ENDPOINT_URL_CLOUDHSM_V2", &endpoint),
        ])
    })
    .await
    .unwrap()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "servers=1 clusters=0"
    );
}
