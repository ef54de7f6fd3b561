//! When the store fails (disk full, read-only file): the request gets 500
//! `InternalFailure` in its door's format, the state stays as it was before
//! the request, and the service carries on by itself once the store works.

use crate::helpers::assert_fails;
use std::sync::Arc;

use backend::sim::SimConfig;
use backend::store::{FaultyStore, SqliteStore};

use crate::helpers::*;

#[tokio::test]
async fn a_failing_store_answers_internal_failure_changes_nothing_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    // A real database file whose commits fail on demand, as on a full disk.
    let store = Arc::new(FaultyStore::new(
        SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap(),
    ));
    let app = TestApp::spawn_with(store.clone(), SimConfig::default()).await;
    app.healthy_chef("kept").await;
    let before = wire(app.addr, "DescribeServers", "{}").await.body;

    store.fail_commits(true);
    // The wire door: AWS JSON.
    let r = wire(
        app.addr,
        "UpdateServer",
        r#"{"ServerName":"kept","BackupRetentionCount":7}"#,
    )
    .await;
    assert_eq!(r.status, 500, "{}", r.body);
    assert_eq!(r.json()["__type"], "InternalFailure");
    let r = wire(
        app.addr,
        "CreateServer",
        &serde_json::json!({
            "Engine": "ChefAutomate", "ServerName": "lost", "InstanceType": "m5.large",
            "InstanceProfileArn": INSTANCE_PROFILE, "ServiceRoleArn": SERVICE_ROLE,
        })
        .to_string(),
    )
    .await;
    assert_eq!(r.status, 500);
    // The console door: its envelope.
    let r = post_json(
        app.addr,
        "/api/opsworks-cm/CreateBackup",
        r#"{"ServerName":"kept"}"#,
    )
    .await;
    assert_eq!(r.status, 500, "{}", r.body);
    assert_eq!(r.json()["code"], "InternalFailure");
    // The real SDK sees a server error (after its retries).
    assert_fails!(
        app.client
            .tag_resource()
            .resource_arn(app.server("kept").await.server_arn.unwrap())
            .tags(
                aws_sdk_opsworkscm::types::Tag::builder()
                    .key("k")
                    .value("v")
                    .build()
                    .unwrap(),
            ),
        "InternalFailure"
    );
    assert_eq!(
        wire(app.addr, "DescribeServers", "{}").await.body,
        before,
        "nothing of the failed requests is shown"
    );

    // The disk has room again: the next request works, with no restart.
    store.fail_commits(false);
    let r = wire(
        app.addr,
        "UpdateServer",
        r#"{"ServerName":"kept","BackupRetentionCount":7}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["Server"]["BackupRetentionCount"], 7);
    drop(app);
    // And the store holds exactly the acknowledged state.
    let reopened = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
    let app = TestApp::spawn_with(Arc::new(reopened), SimConfig::default()).await;
    let servers = wire(app.addr, "DescribeServers", "{}").await.json();
    let names: Vec<&str> = servers["Servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ServerName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["kept"]);
    assert_eq!(servers["Servers"][0]["BackupRetentionCount"], 7);
    assert!(app.all_backups().await.is_empty());
}
