//! What only the PostgreSQL store has: schema migrations shared by
//! instances starting together, a refusal of a newer schema, reconnecting,
//! a password that never shows; and the binary serving from it.

use backend::store::{Batch, PostgresStore, RecordKind, StoreError};
use serde_json::json;
use shared::events::{EventKind, JournalEntry};

use crate::binary::Binary;
use crate::databases::Database;
use crate::helpers::*;

#[tokio::test]
async fn a_schema_newer_than_this_build_is_refused_clearly() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    db.open().await;
    db.admin()
        .await
        .execute("INSERT INTO cmconsole_schema (version) VALUES (99)", &[])
        .await
        .unwrap();
    let err = PostgresStore::connect(db.url().parse().unwrap())
        .await
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::Schema(_)), "{err:?}");
    assert!(err.to_string().contains("schema version 99"), "{err}");
}

#[tokio::test]
async fn instances_starting_together_migrate_once_and_share_one_epoch() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    let stores = futures_util::future::join_all((0..4).map(|_| db.open())).await;
    let epochs: std::collections::BTreeSet<&str> = stores.iter().map(|s| s.epoch()).collect();
    assert_eq!(epochs.len(), 1, "{epochs:?}");
    let versions: i64 = db
        .admin()
        .await
        .query_one("SELECT count(*) FROM cmconsole_schema", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(versions, PostgresStore::SCHEMA_VERSION as i64);
}

#[tokio::test]
async fn the_description_names_the_database_but_never_the_password() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    // Trust login ignores the password; the description must not show it.
    let mut config: tokio_postgres::Config = db.url().parse().unwrap();
    config.password("hunter2-secret");
    let store = PostgresStore::connect(config.clone()).await.unwrap();
    let text = backend::store::Store::describe(&store);
    assert!(text.contains(config.get_dbname().unwrap()), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn after_the_connection_breaks_the_writer_reconnects() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    let store = db.open().await;
    let put = |key: &str, id: u64, generation: u64| {
        let mut batch = Batch {
            generation,
            ..Batch::default()
        };
        batch.put(RecordKind::Server, key, &json!({}));
        batch.journal.push(JournalEntry {
            id,
            kind: EventKind::Server,
            data: json!({}),
        });
        batch
    };
    store.commit(put("before", 1, 1)).await.unwrap();
    // End every other session on the database: the writer's among them.
    db.admin()
        .await
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .await
        .unwrap();
    // A commit may fail on the broken connection; the writer reconnects and
    // a commit of a new generation goes through.
    let (mut id, mut generation) = (2, 2);
    loop {
        match store.commit(put("after", id, generation)).await {
            Ok(()) => break,
            Err(StoreError::CommitFailed) if generation < 4 => {
                id += 1;
                generation += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    let snap = store.load().await.unwrap();
    let keys: Vec<&str> = snap.records.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(keys, ["after", "before"]);
    assert_eq!(store.journal_since(0, 10).await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_binary_keeps_its_state_in_postgresql_across_a_kill() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    // Trust login ignores the password; nothing may show it.
    let url = db
        .url()
        .replacen("postgres@", "postgres:hunter2-secret@", 1);
    let start = || {
        let mut command = Binary::command(&["--rate-limit", "0", "--speed", "30"]);
        command.env("CMCONSOLE_DATABASE_URL", &url);
        Binary::spawn(command)
    };
    let process = start();
    let health = process.console_get("/api/health").await;
    assert_eq!(health.status, 200, "{}", health.body);
    let store = health.json()["store"]["kind"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        store.starts_with("postgresql database cmconsole_test_"),
        "{store}"
    );
    let mut created = Vec::new();
    for name in ["pg-a", "pg-b"] {
        let body = json!({
            "Engine": "ChefAutomate", "ServerName": name, "InstanceType": "m5.large",
            "InstanceProfileArn": INSTANCE_PROFILE, "ServiceRoleArn": SERVICE_ROLE,
        });
        let r = wire(process.addr, "CreateServer", &body.to_string()).await;
        assert_eq!(r.status, 200, "{}", r.body);
        created.push(r.json()["Server"]["ServerArn"].as_str().unwrap().to_owned());
    }
    drop(process); // SIGKILL

    let process = start();
    let r = wire(process.addr, "DescribeServers", "{}").await;
    let arns: Vec<String> = r.json()["Servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ServerArn"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(arns, created);
    for path in ["/api/health", "/api/config"] {
        let answer = process.console_get(path).await;
        assert!(!answer.body.contains("hunter2"), "{path}: {}", answer.body);
    }
    let help = Binary::command(&["--help"])
        .env("CMCONSOLE_DATABASE_URL", &url)
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("CMCONSOLE_DATABASE_URL"), "{help}");
    assert!(!help.contains("hunter2"), "{help}");
    assert!(
        !process.output().contains("hunter2"),
        "{}",
        process.output()
    );
}

#[tokio::test]
async fn a_bad_database_url_is_refused_without_repeating_it() {
    let out = Binary::command(&["--database-url", "postgres://user:s3cret@[bad"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--database-url"), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");
    let out = Binary::command(&[
        "--database-url",
        "postgres://u:p@127.0.0.1:1/x",
        "--in-memory",
    ])
    .output()
    .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}
