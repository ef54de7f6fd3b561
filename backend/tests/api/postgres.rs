//! What only the PostgreSQL store has: schema migrations shared by
//! instances starting together, a refusal of a newer schema, reconnecting,
//! a password that never shows; and the binary serving from it.

use backend::store::leader::{Election, Role};
use backend::store::{Batch, PostgresStore, RecordKind, Store, StoreError};
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
    let text = store.describe();
    assert!(text.contains(config.get_dbname().unwrap()), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn after_the_connection_breaks_the_writer_reconnects() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    let store = db.open().await;
    let put = server_put;
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
    assert_eq!(health.json()["role"], "leader");
    // Taking the lead reloads the state; the flag still sets the speed.
    let clock = process.console_get("/api/sim/clock").await.json();
    assert_eq!(clock["speed"], 30.0, "--speed holds once leading");
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
        created.push(create_chef_via_wire(process.addr, name).await);
    }
    // A speed set at run time is stored; the flag overrides it at start.
    let speed = process
        .console_at("/api/sim/speed", &[], r#"{"speed": 5}"#)
        .await;
    assert_eq!(speed.status, 200, "{}", speed.body);
    drop(process); // SIGKILL

    let process = start();
    let clock = process.console_get("/api/sim/clock").await.json();
    assert_eq!(clock["speed"], 30.0, "--speed overrides the stored 5");
    assert_eq!(server_arns_via_wire(process.addr).await, created);
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

/// Waits (up to 10 s) until `pick` finds what it wants among the roles.
async fn until<T>(
    elections: &[&backend::store::leader::Election],
    pick: impl Fn(&[Role]) -> Option<T>,
) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let roles: Vec<Role> = elections
            .iter()
            .map(|e| e.role().borrow().clone())
            .collect();
        if let Some(found) = pick(&roles) {
            return found;
        }
        assert!(std::time::Instant::now() < deadline, "{roles:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The one leader's index and term, once every candidate knows its role.
fn one_leader(roles: &[Role]) -> Option<(usize, i64)> {
    let leaders: Vec<(usize, i64)> = roles
        .iter()
        .enumerate()
        .filter_map(|(i, role)| match role {
            Role::Leader { term } => Some((i, *term)),
            _ => None,
        })
        .collect();
    let settled = roles.iter().all(|r| *r != Role::Unknown);
    (settled && leaders.len() == 1).then(|| leaders[0])
}

#[tokio::test]
async fn one_candidate_leads_and_another_takes_over_when_it_goes() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    db.open().await;
    let config: tokio_postgres::Config = db.url().parse().unwrap();
    let mut elections: Vec<Option<Election>> = (0..3)
        .map(|i| {
            Some(Election::start(
                config.clone(),
                format!("127.0.0.1:{}", 9000 + i),
            ))
        })
        .collect();
    let live = |elections: &[Option<Election>]| -> Vec<usize> {
        (0..elections.len())
            .filter(|i| elections[*i].is_some())
            .collect()
    };
    let (first, term) = {
        let all: Vec<&Election> = elections.iter().flatten().collect();
        until(&all, one_leader).await
    };
    assert_eq!(term, 1);
    // The followers name the leader's address.
    let all: Vec<&Election> = elections.iter().flatten().collect();
    let address = format!("127.0.0.1:{}", 9000 + first);
    until(&all, |roles| {
        roles
            .iter()
            .filter(|r| {
                **r == Role::Follower {
                    leader: Some(address.clone()),
                }
            })
            .count()
            .eq(&2)
            .then_some(())
    })
    .await;
    // The leader goes (its session with it); another takes over.
    elections[first] = None;
    let survivors = live(&elections);
    let all: Vec<&Election> = elections.iter().flatten().collect();
    let (next, next_term) = until(&all, one_leader).await;
    assert_eq!(next_term, 2, "a new term");
    assert_ne!(survivors[next], first);
}

#[tokio::test]
async fn a_store_whose_term_is_over_commits_nothing() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    let store = PostgresStore::connect(db.url().parse().unwrap())
        .await
        .unwrap();
    let election = Election::start(db.url().parse().unwrap(), "127.0.0.1:1".into());
    let (_, term) = until(&[&election], one_leader).await;
    store.fence(Some(term));
    let batch = |key: &str, generation: u64| {
        let mut batch = Batch {
            generation,
            ..Batch::default()
        };
        batch.put(RecordKind::Server, key, &json!({}));
        batch
    };
    store.commit(batch("while-leading", 1)).await.unwrap();
    // A successor's takeover bumps the term.
    db.admin()
        .await
        .execute("UPDATE cmconsole_leader SET term = term + 1", &[])
        .await
        .unwrap();
    let err = store.commit(batch("after", 2)).await.unwrap_err();
    assert!(matches!(err, StoreError::CommitFailed), "{err:?}");
    let snap = store.load().await.unwrap();
    let keys: Vec<&str> = snap.records.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["while-leading"],
        "nothing written after the term ended"
    );
    store.fence(None);
    store.commit(batch("unfenced", 3)).await.unwrap();
}

/// A TCP relay to PostgreSQL that, once armed, passes the next `COMMIT` on
/// and cuts the connection before its answer comes back: a commit in
/// doubt. It can also refuse new connections (the database unreachable).
struct CommitCutter {
    port: u16,
    armed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    refusing: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl CommitCutter {
    async fn start(target: std::net::SocketAddr) -> Self {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let armed = Arc::new(AtomicBool::new(false));
        let refusing = Arc::new(AtomicBool::new(false));
        let (arm, refuse) = (Arc::clone(&armed), Arc::clone(&refusing));
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if refuse.load(Ordering::SeqCst) {
                    continue; // dropped: closed at once
                }
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    continue;
                };
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let cut = Arc::new(AtomicBool::new(false));
                let (arm, cut_up) = (Arc::clone(&arm), Arc::clone(&cut));
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 65536];
                    while let Ok(n) = client_read.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        let commit = buf[..n].windows(6).any(|w| w == b"COMMIT");
                        if commit && arm.swap(false, Ordering::SeqCst) {
                            // Nothing comes back from here on.
                            cut_up.store(true, Ordering::SeqCst);
                            let _ = server_write.write_all(&buf[..n]).await;
                            // Let PostgreSQL read it before the client goes.
                            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                            break;
                        }
                        if server_write.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 65536];
                    while let Ok(n) = server_read.read(&mut buf).await {
                        if n == 0 || cut.load(Ordering::SeqCst) {
                            break;
                        }
                        if client_write.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    // Dropping the write half with the task closes the client.
                });
            }
        });
        Self {
            port,
            armed,
            refusing,
        }
    }

    fn arm(&self) {
        self.armed.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn refuse(&self, refusing: bool) {
        self.refusing
            .store(refusing, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A batch putting server `key` with journal entry `id`, of `generation`.
fn server_put(key: &str, id: u64, generation: u64) -> Batch {
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
}

#[tokio::test]
async fn a_commit_whose_answer_is_lost_is_found_to_have_landed() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    let config: tokio_postgres::Config = db.url().parse().unwrap();
    let target = std::net::SocketAddr::from(([127, 0, 0, 1], config.get_ports()[0]));
    let cutter = CommitCutter::start(target).await;
    let through = db.url().replacen(
        &format!(":{}/", target.port()),
        &format!(":{}/", cutter.port),
        1,
    );
    let store = PostgresStore::connect(through.parse().unwrap())
        .await
        .unwrap();
    store.commit(server_put("before", 1, 1)).await.unwrap();

    // The answer to COMMIT is lost; a new connection finds the change.
    cutter.arm();
    store.commit(server_put("in-doubt", 2, 1)).await.unwrap();
    store.commit(server_put("after", 3, 1)).await.unwrap();

    // Lost, and the database unreachable to ask: reported failed, and once
    // the database is back, found to have landed: every commit fails until
    // the state is loaded again.
    cutter.refuse(true);
    cutter.arm();
    let lost = store.commit(server_put("unknown", 4, 1)).await;
    assert!(matches!(lost, Err(StoreError::CommitFailed)), "{lost:?}");
    cutter.refuse(false);
    let behind = store.commit(server_put("built-on-old", 5, 2)).await;
    assert!(matches!(behind, Err(StoreError::Diverged)), "{behind:?}");
    let snapshot = store.load().await.unwrap();
    let keys: Vec<&str> = snapshot
        .records
        .iter()
        .map(|(_, k, _)| k.as_str())
        .collect();
    assert_eq!(keys, ["after", "before", "in-doubt", "unknown"]);
    assert_eq!(snapshot.last_journal_id, 4);
    store.commit(server_put("fresh", 5, 3)).await.unwrap();
    let ids: Vec<u64> = store
        .journal_since(0, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
}
