//! Where a test keeps state across restarts: a SQLite file in a directory
//! of its own, or a PostgreSQL database of its own on the server named by
//! `CMCONSOLE_TEST_DATABASE_URL` (`cargo xtask test` starts one and sets
//! it; without it the PostgreSQL tests say they are skipped).

use std::sync::Arc;

use backend::store::{PostgresStore, SqliteStore, Store};
use tokio_postgres::NoTls;

/// For each `name => check` (or `name`, for `name => name`), a module
/// `name` with two tests running `check(Database)`: `on_sqlite`, and
/// `on_postgresql` (which says it is skipped when no test server is set).
macro_rules! on_each_database {
    ($($name:ident),+ $(,)?) => {
        on_each_database!($($name => $name),+);
    };
    ($($name:ident => $check:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn on_sqlite() {
                    let db = crate::databases::Database::sqlite().await.unwrap();
                    super::$check(db).await;
                }

                #[tokio::test]
                async fn on_postgresql() {
                    match crate::databases::Database::postgres().await {
                        Some(db) => super::$check(db).await,
                        None => eprintln!("skipped: no test PostgreSQL"),
                    }
                }
            }
        )+
    };
}
pub(crate) use on_each_database;

/// The variable naming the PostgreSQL server tests create databases on:
/// `postgres://user@host:port/database` with the right to create databases.
pub(crate) const TEST_DATABASE_ENV: &str = "CMCONSOLE_TEST_DATABASE_URL";

/// A database a test opens, and opens again as after a restart.
pub(crate) enum Database {
    /// `db.sqlite3` in a temporary directory.
    Sqlite(tempfile::TempDir),
    /// A new database on the test server, by URL.
    Postgres(String),
}

impl Database {
    /// A new SQLite file (always available).
    pub(crate) async fn sqlite() -> Option<Self> {
        Some(Self::Sqlite(tempfile::tempdir().unwrap()))
    }

    /// A new, empty PostgreSQL database; `None` when no test server is set.
    pub(crate) async fn postgres() -> Option<Self> {
        let server = std::env::var(TEST_DATABASE_ENV).ok()?;
        let admin = connect(&server).await;
        let name = format!("cmconsole_test_{:016x}", rand::random::<u64>());
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let (base, _) = server.rsplit_once('/').expect("a URL ending in /database");
        Some(Self::Postgres(format!("{base}/{name}")))
    }

    /// A store on this database.
    pub(crate) async fn open(&self) -> Arc<dyn Store> {
        match self {
            Self::Sqlite(dir) => {
                Arc::new(SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap())
            }
            Self::Postgres(url) => {
                Arc::new(PostgresStore::connect(url.parse().unwrap()).await.unwrap())
            }
        }
    }

    /// The `serve` flags that keep the state here.
    pub(crate) fn serve_args(&self) -> Vec<String> {
        match self {
            Self::Sqlite(dir) => vec!["--data-dir".into(), dir.path().display().to_string()],
            Self::Postgres(url) => vec!["--database-url".into(), url.clone()],
        }
    }

    /// The URL of a PostgreSQL database.
    pub(crate) fn url(&self) -> &str {
        match self {
            Self::Postgres(url) => url,
            Self::Sqlite(_) => panic!("not a PostgreSQL database"),
        }
    }

    /// A connection of the test's own to a PostgreSQL database.
    pub(crate) async fn admin(&self) -> tokio_postgres::Client {
        connect(self.url()).await
    }
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}
