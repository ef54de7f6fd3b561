//! When the store fails (disk full, read-only file): the request gets 500
//! `InternalFailure` in its door's format, the state stays as it was before
//! the request, and the service carries on by itself once the store works.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use backend::sim::SimConfig;
use backend::store::{Batch, Snapshot, SqliteStore, Store, StoreError};
use futures_util::future::BoxFuture;
use shared::events::JournalEntry;
use tokio::sync::broadcast;

use crate::helpers::*;

/// A real SQLite store whose commits fail while `failing` is set, as a full
/// disk makes them.
struct FailingStore {
    inner: SqliteStore,
    failing: AtomicBool,
}

impl Store for FailingStore {
    fn load(&self) -> BoxFuture<'_, Result<Snapshot, StoreError>> {
        self.inner.load()
    }
    fn commit(&self, batch: Batch) -> BoxFuture<'static, Result<(), StoreError>> {
        if self.failing.load(Ordering::SeqCst) {
            Box::pin(async { Err(StoreError::CommitFailed) })
        } else {
            self.inner.commit(batch)
        }
    }
    fn journal_since(
        &self,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'static, Result<Vec<JournalEntry>, StoreError>> {
        self.inner.journal_since(after, limit)
    }
    fn journal_bounds(&self) -> BoxFuture<'static, Result<(u64, u64), StoreError>> {
        self.inner.journal_bounds()
    }
    fn subscribe(&self) -> broadcast::Receiver<JournalEntry> {
        self.inner.subscribe()
    }
    fn epoch(&self) -> &str {
        self.inner.epoch()
    }
}

#[tokio::test]
async fn a_failing_store_answers_internal_failure_changes_nothing_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FailingStore {
        inner: SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap(),
        failing: AtomicBool::new(false),
    });
    let app = TestApp::spawn_with(store.clone(), SimConfig::default()).await;
    app.healthy_chef("kept").await;
    let before = wire(app.addr, "DescribeServers", "{}").await.body;

    store.failing.store(true, Ordering::SeqCst);
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
    let r = raw(
        app.addr,
        "POST",
        "/api/opsworks-cm/CreateBackup",
        &[("Content-Type", "application/json")],
        r#"{"ServerName":"kept"}"#,
    )
    .await;
    assert_eq!(r.status, 500, "{}", r.body);
    assert_eq!(r.json()["code"], "InternalFailure");
    // The real SDK sees a server error (after its retries).
    let err = app
        .client
        .tag_resource()
        .resource_arn(app.server("kept").await.server_arn.unwrap())
        .tags(
            aws_sdk_opsworkscm::types::Tag::builder()
                .key("k")
                .value("v")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InternalFailure");
    assert_eq!(
        wire(app.addr, "DescribeServers", "{}").await.body,
        before,
        "nothing of the failed requests is shown"
    );

    // The disk has room again: the next request works, with no restart.
    store.failing.store(false, Ordering::SeqCst);
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
    assert!(
        app.client
            .describe_backups()
            .send()
            .await
            .unwrap()
            .backups
            .unwrap()
            .is_empty()
    );
}
