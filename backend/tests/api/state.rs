//! State snapshots (`/api/sim/state`) and scoped resets: export, reset and
//! import give back identical Describe and List answers for both services;
//! merge keeps what is there; a newer schema or another account is refused
//! and changes nothing.

use serde_json::{Value, json};

use crate::cloudhsm::{active_cluster, hsm_client};
use crate::helpers::*;

/// A console-door call of `service`'s `operation` in `region`; its answer
/// as text (compared byte for byte).
async fn call(app: &TestApp, service: &str, operation: &str, region: &str, body: Value) -> String {
    let r = raw(
        app.addr,
        "POST",
        &format!("/api/{service}/{operation}"),
        &[
            ("Content-Type", "application/json"),
            ("x-cmconsole-region", region),
        ],
        &body.to_string(),
    )
    .await;
    assert_eq!(r.status, 200, "{operation}: {}", r.body);
    r.body
}

/// `operation` of `service` in `region` with no parameters (a listing).
async fn list(app: &TestApp, service: &str, operation: &str, region: &str) -> String {
    call(app, service, operation, region, json!({})).await
}

/// Every Describe and List answer a user would compare, in order.
async fn everything(app: &TestApp, server_arn: &str, token: &str) -> Vec<String> {
    let ops = "opsworks-cm";
    let hsm = "cloudhsmv2";
    let home = "us-east-1";
    let mut answers = vec![
        call(app, ops, "DescribeServers", home, json!({})).await,
        call(app, ops, "DescribeBackups", home, json!({})).await,
        call(
            app,
            ops,
            "DescribeEvents",
            home,
            json!({"ServerName": "kept"}),
        )
        .await,
        call(app, ops, "DescribeAccountAttributes", home, json!({})).await,
        call(
            app,
            ops,
            "ListTagsForResource",
            home,
            json!({"ResourceArn": server_arn}),
        )
        .await,
        call(
            app,
            ops,
            "DescribeNodeAssociationStatus",
            home,
            json!({"ServerName": "kept", "NodeAssociationStatusToken": token}),
        )
        .await,
    ];
    for region in ["us-east-1", "eu-west-1"] {
        answers.push(call(app, hsm, "DescribeClusters", region, json!({})).await);
        answers.push(call(app, hsm, "DescribeBackups", region, json!({})).await);
    }
    answers
}

/// A server with a backup, tags, a node and a creation in progress; an
/// ACTIVE CloudHSM cluster with a backup copied to eu-west-1.
async fn populated() -> (TestApp, String, String) {
    let app = TestApp::spawn().await;
    let server = member!(
        app.create_request("ChefAutomate", "kept").tags(
            aws_sdk_opsworkscm::types::Tag::builder()
                .key("team")
                .value("ops")
                .build()
                .unwrap(),
        ),
        server
    );
    app.advance(61).await;
    app.start_backup("kept").await;
    app.advance(31).await;
    let token = app
        .associate_node("kept")
        .node_name("web-1")
        .engine_attributes(ea("CHEF_ORGANIZATION", "default"))
        .engine_attributes(ea("CHEF_NODE_PUBLIC_KEY", &node_public_key()))
        .token()
        .await;
    app.advance(16).await;
    app.create_puppet("still-creating").await;

    let hsm = hsm_client(&app, "us-east-1");
    let (cluster_id, _) = active_cluster(&app, &hsm).await;
    let backup = crate::cloudhsm::backups_of(&hsm, &cluster_id).await[0]
        .backup_id
        .clone();
    hsm.copy_backup_to_region()
        .backup_id(&backup)
        .destination_region("eu-west-1")
        .send()
        .await
        .unwrap();
    (app, server.server_arn.unwrap(), token)
}

async fn export(app: &TestApp, query: &str) -> Value {
    let r = get(app.addr, &format!("/api/sim/state{query}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

async fn import(app: &TestApp, query: &str, snapshot: &Value) -> RawResponse {
    post_json(
        app.addr,
        &format!("/api/sim/state{query}"),
        &snapshot.to_string(),
    )
    .await
}

#[tokio::test]
async fn export_reset_import_gives_identical_answers_for_both_services() {
    let (app, arn, token) = populated().await;
    let before = everything(&app, &arn, &token).await;
    let snapshot = export(&app, "").await;
    assert_eq!(snapshot["format"], "cmconsole-state");
    assert_eq!(snapshot["schema"], 1);

    assert_eq!(post_json(app.addr, "/api/sim/reset", "").await.status, 200);
    let empty = list(&app, "opsworks-cm", "DescribeServers", "us-east-1").await;
    assert_eq!(empty, r#"{"Servers":[]}"#);

    let r = import(&app, "", &snapshot).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["records"].as_u64().unwrap() > 5, "{}", r.body);
    assert_eq!(everything(&app, &arn, &token).await, before);

    // What was in progress goes on from where it was.
    app.advance(61).await;
    assert_eq!(app.status("still-creating").await, "HEALTHY");
}

#[tokio::test]
async fn a_reset_and_an_export_can_be_scoped_by_service_and_region() {
    let (app, _, _) = populated().await;
    let west = export(&app, "?service=cloudhsmv2&region=eu-west-1").await;
    assert!(west.get("opsworkscm").is_none(), "{west}");
    assert_eq!(west["cloudhsmv2"]["clusters"], json!([]));
    assert_eq!(west["cloudhsmv2"]["backups"].as_array().unwrap().len(), 1);

    let r = post_json(
        app.addr,
        "/api/sim/reset?service=cloudhsmv2&region=eu-west-1",
        "",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let west_backups = list(&app, "cloudhsmv2", "DescribeBackups", "eu-west-1").await;
    assert_eq!(west_backups, r#"{"Backups":[]}"#);
    let east = list(&app, "cloudhsmv2", "DescribeClusters", "us-east-1").await;
    assert!(east.contains("ACTIVE"), "us-east-1 is left alone: {east}");
    assert_eq!(app.status("kept").await, "HEALTHY", "OpsWorks CM too");

    post_json(app.addr, "/api/sim/reset?service=opsworks-cm", "").await;
    let servers = list(&app, "opsworks-cm", "DescribeServers", "us-east-1").await;
    assert_eq!(servers, r#"{"Servers":[]}"#);
    let east = list(&app, "cloudhsmv2", "DescribeClusters", "us-east-1").await;
    assert!(east.contains("ACTIVE"), "{east}");

    let r = post_json(app.addr, "/api/sim/reset?service=ec2", "").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], "ValidationException");
}

#[tokio::test]
async fn merge_keeps_what_is_there_and_replace_does_not() {
    let app = TestApp::spawn().await;
    app.create_chef("first").await;
    let snapshot = export(&app, "").await;
    app.delete_server("first").send().await.unwrap();
    app.advance(3600).await;
    app.create_chef("second").await;

    let r = import(&app, "?mode=merge", &snapshot).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let names = list(&app, "opsworks-cm", "DescribeServers", "us-east-1").await;
    assert!(
        names.contains("\"first\"") && names.contains("\"second\""),
        "{names}"
    );

    import(&app, "?mode=replace", &snapshot).await;
    let names = list(&app, "opsworks-cm", "DescribeServers", "us-east-1").await;
    assert!(
        names.contains("\"first\"") && !names.contains("\"second\""),
        "{names}"
    );
}

#[tokio::test]
async fn a_newer_schema_another_account_or_a_broken_record_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.create_chef("stays").await;
    let snapshot = export(&app, "").await;

    let mut newer = snapshot.clone();
    newer["schema"] = json!(2);
    let r = import(&app, "", &newer).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let message = r.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("schema 2") && message.contains("newer"),
        "{message}"
    );

    let mut other = snapshot.clone();
    other["accountId"] = json!("999999999999");
    let r = import(&app, "", &other).await;
    assert_eq!(r.json()["code"], "ValidationException", "{}", r.body);

    let mut broken = snapshot.clone();
    broken["opsworkscm"]["servers"][0]["server"] = json!("not a server");
    let r = import(&app, "", &broken).await;
    assert_eq!(r.json()["code"], "ValidationException", "{}", r.body);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("opsworkscm.servers[0]")
    );

    let r = post_json(app.addr, "/api/sim/state", r#"{"hello":"world"}"#).await;
    assert_eq!(r.json()["code"], "ValidationException", "{}", r.body);

    assert_eq!(app.status("stays").await, "CREATING", "nothing changed");
}

/// `cmconsole state ARGS` against `endpoint`, with the binaries' console
/// token in its environment.
fn state_command(endpoint: std::net::SocketAddr, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cmconsole"))
        .arg("state")
        .args(args)
        .args(["--endpoint", &format!("http://{endpoint}")])
        .env_clear()
        .env("CMCONSOLE_TOKEN", crate::binary::CONSOLE_TOKEN)
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_state_commands_and_load_state_carry_an_account_between_instances() {
    use crate::binary::Binary;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let file_arg = file.to_str().unwrap();

    // A console that asks for a session: the command signs in with the token.
    let first = Binary::spawn(Binary::command(&["--in-memory", "--require-session"]));
    let created = first
        .console("CreateServer", &format!(
            r#"{{"ServerName":"moved","Engine":"Puppet","InstanceProfileArn":"{INSTANCE_PROFILE}","InstanceType":"m5.large","ServiceRoleArn":"{SERVICE_ROLE}"}}"#
        ))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let out = state_command(first.addr, &["export", file_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = first.console("DescribeServers", "{}").await.body;

    // Loaded at start.
    let second = Binary::spawn(Binary::command(&["--in-memory", "--load-state", file_arg]));
    assert_eq!(second.console("DescribeServers", "{}").await.body, before);

    // Imported into a running instance, which then holds only what the file says.
    let third = Binary::spawn(Binary::command(&["--in-memory"]));
    third
        .console("DeleteServer", r#"{"ServerName":"none"}"#)
        .await;
    let out = state_command(third.addr, &["import", file_arg]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("imported"), "{stderr}");
    assert_eq!(third.console("DescribeServers", "{}").await.body, before);

    // A refusal is passed on with the instance's message.
    std::fs::write(&file, r#"{"format":"cmconsole-state","schema":99}"#).unwrap();
    let out = state_command(third.addr, &["import", file_arg]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("schema 99"), "{stderr}");
}
