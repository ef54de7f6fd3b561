//! The store contract as tests: SQLite and PostgreSQL run the same ones,
//! so both keep the same promises.

use serde_json::json;
use shared::events::{EventKind, JournalEntry};

use backend::store::{Batch, RecordKind, StoreError, Write};

use crate::databases::{Database, on_each_database};

on_each_database!(
    committed_records_and_journal_survive_reopen,
    concurrent_commits_are_all_acknowledged_and_announced_in_order,
    after_a_failed_commit_the_rest_of_its_generation_is_refused,
    journal_reads_page_and_bound,
    the_epoch_is_kept_across_reopens,
    records_load_in_byte_order_within_each_kind,
    a_prefix_delete_treats_pattern_characters_literally,
    a_load_waits_for_the_commits_queued_before_it,
);

fn entry(id: u64) -> JournalEntry {
    JournalEntry {
        id,
        kind: EventKind::Server,
        data: json!({"ServerName": format!("s{id}")}),
    }
}

fn keys(records: &[(RecordKind, String, String)]) -> Vec<&str> {
    records.iter().map(|(_, key, _)| key.as_str()).collect()
}

async fn committed_records_and_journal_survive_reopen(db: Database) {
    {
        let store = db.open().await;
        let mut batch = Batch::default();
        batch.put(RecordKind::Server, "a", &json!({"n": 1}));
        batch.put(RecordKind::ServerEvent, "a/1", &json!({"m": 1}));
        batch.put(RecordKind::ServerEvent, "b/1", &json!({"m": 2}));
        batch.journal.push(entry(1));
        store.commit(batch).await.unwrap();
        let mut batch = Batch::default();
        batch.writes.push(Write::DeletePrefix {
            kind: RecordKind::ServerEvent,
            prefix: "a/".into(),
        });
        batch.delete(RecordKind::Server, "missing");
        batch.journal.push(entry(2));
        store.commit(batch).await.unwrap();
    }
    let store = db.open().await;
    let snap = store.load().await.unwrap();
    assert_eq!(snap.last_journal_id, 2);
    assert_eq!(keys(&snap.records), ["a", "b/1"]);
    assert_eq!(snap.records[0].2, r#"{"n":1}"#);
    let since = store.journal_since(1, 10).await.unwrap();
    assert_eq!(since.len(), 1);
    assert_eq!(since[0].id, 2);
    assert_eq!(since[0].data, json!({"ServerName": "s2"}));
}

async fn concurrent_commits_are_all_acknowledged_and_announced_in_order(db: Database) {
    let store = db.open().await;
    let mut announced = store.subscribe();
    let mut tasks = Vec::new();
    for id in 1..=64u64 {
        let mut batch = Batch::default();
        batch.put(RecordKind::Server, format!("s{id:02}"), &json!({"id": id}));
        batch.journal.push(entry(id));
        tasks.push(store.commit(batch));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for id in 1..=64u64 {
        assert_eq!(announced.recv().await.unwrap().id, id);
    }
    assert_eq!(store.load().await.unwrap().records.len(), 64);
}

async fn after_a_failed_commit_the_rest_of_its_generation_is_refused(db: Database) {
    let store = db.open().await;
    let batch = |id: u64, generation: u64| {
        let mut batch = Batch {
            generation,
            ..Batch::default()
        };
        batch.put(RecordKind::Server, format!("s{id}"), &json!({}));
        batch.journal.push(entry(id));
        batch
    };
    store.commit(batch(1, 1)).await.unwrap();
    // A journal id taken twice makes the transaction fail.
    let failed = store.commit(batch(1, 1)).await.unwrap_err();
    assert!(matches!(failed, StoreError::CommitFailed), "{failed:?}");
    let refused = store.commit(batch(2, 1)).await.unwrap_err();
    assert!(matches!(refused, StoreError::Superseded), "{refused:?}");
    store.commit(batch(2, 2)).await.unwrap();
    let snap = store.load().await.unwrap();
    assert_eq!(keys(&snap.records), ["s1", "s2"]);
    assert_eq!(snap.last_journal_id, 2);
}

async fn journal_reads_page_and_bound(db: Database) {
    let store = db.open().await;
    assert_eq!(store.journal_bounds().await.unwrap(), (0, 0));
    assert!(store.journal_since(0, 10).await.unwrap().is_empty());
    for first in [1u64, 4, 7] {
        let mut batch = Batch::default();
        batch.journal.extend((first..first + 3).map(entry));
        store.commit(batch).await.unwrap();
    }
    assert_eq!(store.journal_bounds().await.unwrap(), (1, 9));
    let page: Vec<u64> = store
        .journal_since(2, 4)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(page, [3, 4, 5, 6]);
    assert!(store.journal_since(9, 10).await.unwrap().is_empty());
    assert!(store.journal_since(u64::MAX, 10).await.unwrap().is_empty());
}

async fn the_epoch_is_kept_across_reopens(db: Database) {
    let first = db.open().await.epoch().to_owned();
    assert_eq!(first.len(), 16, "{first}");
    assert_eq!(db.open().await.epoch(), first);
    assert!(!db.open().await.describe().is_empty());
}

async fn records_load_in_byte_order_within_each_kind(db: Database) {
    let store = db.open().await;
    let mut batch = Batch::default();
    for key in ["é", "b", "B", "a-2", "a_1", "A"] {
        batch.put(RecordKind::Backup, key, &json!({}));
    }
    batch.put(RecordKind::Server, "z", &json!({}));
    store.commit(batch).await.unwrap();
    let snap = store.load().await.unwrap();
    let backups: Vec<&str> = snap
        .records
        .iter()
        .filter(|(kind, _, _)| *kind == RecordKind::Backup)
        .map(|(_, key, _)| key.as_str())
        .collect();
    assert_eq!(backups, ["A", "B", "a-2", "a_1", "b", "é"]);
}

async fn a_prefix_delete_treats_pattern_characters_literally(db: Database) {
    let store = db.open().await;
    let mut batch = Batch::default();
    for key in ["a_%/1", "ab%/1", "a_%x", "a_%/", "b_%/1"] {
        batch.put(RecordKind::ServerEvent, key, &json!({}));
    }
    batch.put(RecordKind::Server, "a_%/1", &json!({}));
    store.commit(batch).await.unwrap();
    let mut batch = Batch::default();
    batch.writes.push(Write::DeletePrefix {
        kind: RecordKind::ServerEvent,
        prefix: "a_%/".into(),
    });
    store.commit(batch).await.unwrap();
    let snap = store.load().await.unwrap();
    let left: Vec<(RecordKind, &str)> = snap
        .records
        .iter()
        .map(|(kind, key, _)| (*kind, key.as_str()))
        .collect();
    assert!(left.contains(&(RecordKind::Server, "a_%/1")), "{left:?}");
    let events: Vec<&str> = left
        .iter()
        .filter(|(kind, _)| *kind == RecordKind::ServerEvent)
        .map(|(_, key)| *key)
        .collect();
    assert_eq!(events, ["a_%x", "ab%/1", "b_%/1"]);
}

async fn a_load_waits_for_the_commits_queued_before_it(db: Database) {
    let store = db.open().await;
    let commits: Vec<_> = (1..=20u64)
        .map(|id| {
            let mut batch = Batch::default();
            batch.put(RecordKind::HsmBackup, format!("k{id:02}"), &json!({}));
            batch.journal.push(entry(id));
            store.commit(batch)
        })
        .collect();
    let snap = store.load().await.unwrap();
    assert_eq!(snap.records.len(), 20);
    assert_eq!(snap.last_journal_id, 20);
    for commit in commits {
        commit.await.unwrap();
    }
}
