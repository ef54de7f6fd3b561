//! Durable storage behind one trait: resource records, the change journal and
//! a little metadata.
//!
//! The simulator keeps its working state in memory and hands every mutation to
//! the store as a [`Batch`]; the mutation is acknowledged only once
//! [`Store::commit`] has returned, i.e. once the batch is durable. Journal
//! entries committed in a batch are announced on the store's broadcast channel
//! in commit order, which feeds the live event stream.

mod faulty;
mod group;
pub mod leader;
mod postgres;
mod sqlite;

use futures_util::future::BoxFuture;
use shared::events::JournalEntry;
use tokio::sync::broadcast;

pub use faulty::FaultyStore;
pub use postgres::{CHANGES_CHANNEL, Change, PostgresStore};
pub use sqlite::SqliteStore;

/// What kind of record a row holds; one namespace of keys each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// A server and its internal state.
    Server,
    /// A backup.
    Backup,
    /// A server event (key `server/sequence`).
    ServerEvent,
    /// A node association or disassociation request.
    NodeAssociation,
    /// Internal metadata (keys, counters).
    Meta,
    /// A CloudHSM cluster and its HSMs.
    HsmCluster,
    /// A CloudHSM backup.
    HsmBackup,
}

impl RecordKind {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Backup => "backup",
            Self::ServerEvent => "server-event",
            Self::NodeAssociation => "node-association",
            Self::Meta => "meta",
            Self::HsmCluster => "hsm-cluster",
            Self::HsmBackup => "hsm-backup",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [
            Self::Server,
            Self::Backup,
            Self::ServerEvent,
            Self::NodeAssociation,
            Self::Meta,
            Self::HsmCluster,
            Self::HsmBackup,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// One change to a record.
#[derive(Debug, Clone)]
pub enum Write {
    /// Insert or replace the record `key` of `kind` with `body` (JSON).
    Put {
        /// Record namespace.
        kind: RecordKind,
        /// Record key.
        key: String,
        /// Serialized record.
        body: String,
    },
    /// Remove the record `key` of `kind`, if present.
    Delete {
        /// Record namespace.
        kind: RecordKind,
        /// Record key.
        key: String,
    },
    /// Remove every record of `kind` whose key starts with `prefix`.
    DeletePrefix {
        /// Record namespace.
        kind: RecordKind,
        /// Key prefix.
        prefix: String,
    },
}

impl Write {
    /// The write as JSON (`["put", kind, key, body]`, `["delete", kind,
    /// key]`, `["delete-prefix", kind, prefix]`): how the PostgreSQL change
    /// log keeps it for followers.
    pub fn encode(&self) -> serde_json::Value {
        match self {
            Self::Put { kind, key, body } => serde_json::json!(["put", kind.as_str(), key, body]),
            Self::Delete { kind, key } => serde_json::json!(["delete", kind.as_str(), key]),
            Self::DeletePrefix { kind, prefix } => {
                serde_json::json!(["delete-prefix", kind.as_str(), prefix])
            }
        }
    }

    /// The write [`Write::encode`] made `value` from.
    pub fn decode(value: &serde_json::Value) -> Option<Self> {
        let parts = value.as_array()?;
        let text = |i: usize| parts.get(i).and_then(serde_json::Value::as_str);
        let kind = RecordKind::from_name(text(1)?)?;
        let key = text(2)?.to_owned();
        match (text(0)?, parts.len()) {
            ("put", 4) => Some(Self::Put {
                kind,
                key,
                body: text(3)?.to_owned(),
            }),
            ("delete", 3) => Some(Self::Delete { kind, key }),
            ("delete-prefix", 3) => Some(Self::DeletePrefix { kind, prefix: key }),
            _ => None,
        }
    }
}

/// Everything one mutation changes, committed atomically.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    /// Record changes, applied in order.
    pub writes: Vec<Write>,
    /// Journal entries, with ids already assigned in increasing order.
    pub journal: Vec<JournalEntry>,
    /// The version of the writer's state this batch was built on. After a
    /// commit fails, the store refuses every later batch of the same (or an
    /// older) generation: they were built on changes that never became
    /// durable, and committing them would make those changes durable after
    /// all. The writer starts a new generation once it has gone back to what
    /// the store holds.
    pub generation: u64,
}

impl Batch {
    /// Whether the batch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.journal.is_empty()
    }

    /// Adds a put of `body` serialized as JSON.
    pub fn put(&mut self, kind: RecordKind, key: impl Into<String>, body: &impl serde::Serialize) {
        let body = serde_json::to_string(body).expect("records serialize to JSON");
        self.writes.push(Write::Put {
            kind,
            key: key.into(),
            body,
        });
    }

    /// Adds a delete.
    pub fn delete(&mut self, kind: RecordKind, key: impl Into<String>) {
        self.writes.push(Write::Delete {
            kind,
            key: key.into(),
        });
    }
}

/// Every record in the store, as loaded at start-up.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// `(kind, key, body)` rows in key order within each kind.
    pub records: Vec<(RecordKind, String, String)>,
    /// The highest journal id ever committed (0 when none).
    pub last_journal_id: u64,
    /// The newest change-log `seq` the records include (PostgreSQL; 0 for
    /// stores without a change log): where a follower resumes.
    pub change_seq: u64,
}

/// Errors from the storage layer; opaque to clients (they see InternalFailure).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database error")]
    Database(#[from] rusqlite::Error),
    /// PostgreSQL failed or could not be reached.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// No database connection could be had in time.
    #[error("no database connection: {0}")]
    Unavailable(String),
    /// A commit reported failed (its answer was lost with the connection)
    /// turned out to have landed: what the writer's caller holds is behind
    /// the database, and every commit fails until it has loaded the state
    /// again ([`Store::load`]).
    #[error("the database holds a commit reported failed; the state must be loaded again")]
    Diverged,
    /// This instance's leader term is over: another instance leads.
    #[error("leader term {0} is over")]
    Fenced(i64),
    /// The database's schema is not one this build can use.
    #[error("{0}")]
    Schema(String),
    /// The database file's permissions could not be set.
    #[error("cannot make the database file private: {0}")]
    Permissions(#[from] std::io::Error),
    /// The writer thread is gone (shutting down or crashed).
    #[error("the store is closed")]
    Closed,
    /// The commit failed (disk full, read-only file, I/O error); nothing of
    /// the batch was written.
    #[error("the commit failed")]
    CommitFailed,
    /// Refused because an earlier batch of the same generation failed.
    #[error("an earlier commit this batch builds on failed")]
    Superseded,
    /// A stored row could not be understood.
    #[error("corrupt record {kind}/{key}")]
    Corrupt {
        /// Record namespace.
        kind: String,
        /// Record key.
        key: String,
    },
}

/// Durable storage of records and the journal.
pub trait Store: Send + Sync + 'static {
    /// Reads every record (used once at start-up).
    fn load(&self) -> BoxFuture<'_, Result<Snapshot, StoreError>>;
    /// Makes `batch` durable. Batches are applied in the order this is called.
    fn commit(&self, batch: Batch) -> BoxFuture<'static, Result<(), StoreError>>;
    /// Journal entries with an id greater than `after`, oldest first, at most `limit`.
    fn journal_since(
        &self,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'static, Result<Vec<JournalEntry>, StoreError>>;
    /// The oldest and newest journal ids retained, `(0, 0)` when empty.
    fn journal_bounds(&self) -> BoxFuture<'static, Result<(u64, u64), StoreError>>;
    /// A channel announcing each committed journal entry, in commit order.
    fn subscribe(&self) -> broadcast::Receiver<JournalEntry>;
    /// The journal's epoch: made with the journal, never reused, so an event
    /// id from another journal is recognised as such.
    fn epoch(&self) -> &str;
    /// What and where the store is, for `/api/health`
    /// (`sqlite file /data/cmconsole.sqlite3`, `in memory`).
    fn describe(&self) -> String;
}

#[cfg(test)]
mod tests {
    use super::{RecordKind, Write};

    #[test]
    fn writes_decode_to_what_was_encoded() {
        let writes = [
            Write::Put {
                kind: RecordKind::HsmBackup,
                key: "k\"1".into(),
                body: r#"{"a":[1,"é"]}"#.into(),
            },
            Write::Delete {
                kind: RecordKind::Server,
                key: "s".into(),
            },
            Write::DeletePrefix {
                kind: RecordKind::ServerEvent,
                prefix: "s/".into(),
            },
        ];
        for write in writes {
            let text = write.encode().to_string();
            let back = Write::decode(&serde_json::from_str(&text).unwrap()).unwrap();
            assert_eq!(format!("{back:?}"), format!("{write:?}"));
        }
        for bad in [
            r#"["put","server","k"]"#,
            r#"["drop","server","k"]"#,
            r#"["delete","nope","k"]"#,
            "{}",
        ] {
            assert!(
                Write::decode(&serde_json::from_str(bad).unwrap()).is_none(),
                "{bad}"
            );
        }
    }
}
