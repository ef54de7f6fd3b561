//! [`Store`] on an embedded SQLite database (WAL, `synchronous=FULL`).
//!
//! One dedicated thread owns the writing connection. Commits queue up on a
//! channel and the thread applies everything waiting in one transaction (group
//! commit), so concurrent writers share an fsync while each is still
//! acknowledged only after its batch is durable. Journal reads (the event
//! stream's replay) go through a second, read-only connection on the blocking
//! pool, so a client catching up never delays a commit.

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use futures_util::future::BoxFuture;
use rusqlite::{Connection, OpenFlags, params};
use shared::events::JournalEntry;
use tokio::sync::broadcast;

use super::group::{
    Generations, MAX_GROUP, Pending, Request, WriterInbox as _, journal_entry, journal_id,
    prune_floor, random_epoch,
};
use super::{Batch, RecordKind, Snapshot, Store, StoreError, Write};

/// SQLite-backed store; cheap to share behind an `Arc`.
pub struct SqliteStore {
    requests: mpsc::Sender<Request>,
    announcements: broadcast::Sender<JournalEntry>,
    /// The read-only connection journal reads use.
    reader: Arc<Mutex<Connection>>,
    epoch: String,
    /// What `describe` says.
    location: String,
}

/// How long a journal read waits for a commit in progress.
const READ_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl SqliteStore {
    /// Opens (creating if needed) the database file `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        restrict_to_owner(path)?;
        let conn = Connection::open(path)?;
        let location = format!("sqlite file {}", path.display());
        Self::start(conn, location, || {
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        })
    }

    /// A throwaway database that lives in memory.
    pub fn in_memory() -> Result<Self, StoreError> {
        // SQLite's memdb VFS shares a database named with a leading `/`
        // between the connections of one process, and frees it with the last.
        let name = format!("file:/cmconsole-{}?vfs=memdb", random_epoch());
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&name, flags)?;
        Self::start(conn, "in memory".to_owned(), || {
            Connection::open_with_flags(&name, flags)
        })
    }

    fn start(
        conn: Connection,
        location: String,
        open_reader: impl FnOnce() -> rusqlite::Result<Connection>,
    ) -> Result<Self, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS records (
                kind TEXT NOT NULL,
                key  TEXT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (kind, key)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS journal (
                id   INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                body TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS journal_epoch (
                epoch TEXT NOT NULL
            );",
        )?;
        let epoch = journal_epoch(&conn)?;
        let reader = open_reader()?;
        reader.busy_timeout(READ_BUSY_TIMEOUT)?;
        let (requests, inbox) = mpsc::channel();
        let (announcements, _) = broadcast::channel(4096);
        let announce = announcements.clone();
        thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                Writer {
                    conn,
                    announce,
                    pruned_at: 0,
                    generations: Generations::default(),
                }
                .run(inbox)
            })
            .map_err(|_| StoreError::Closed)?;
        Ok(Self {
            requests,
            announcements,
            reader: Arc::new(Mutex::new(reader)),
            epoch,
            location,
        })
    }

    /// Runs `read` on the reader connection on the blocking pool.
    fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, StoreError>> {
        let reader = Arc::clone(&self.reader);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let conn = reader.lock().unwrap_or_else(|e| e.into_inner());
                read(&conn)
            })
            .await
            .map_err(|_| StoreError::Closed)?
        })
    }
}

impl Store for SqliteStore {
    fn load(&self) -> BoxFuture<'_, Result<Snapshot, StoreError>> {
        self.requests.load()
    }

    fn commit(&self, batch: Batch) -> BoxFuture<'static, Result<(), StoreError>> {
        self.requests.commit(batch)
    }

    fn journal_since(
        &self,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'static, Result<Vec<JournalEntry>, StoreError>> {
        self.read(move |conn| journal_since(conn, after, limit))
    }

    fn journal_bounds(&self) -> BoxFuture<'static, Result<(u64, u64), StoreError>> {
        self.read(journal_bounds)
    }

    fn epoch(&self) -> &str {
        &self.epoch
    }

    fn describe(&self) -> String {
        self.location.clone()
    }

    fn subscribe(&self) -> broadcast::Receiver<JournalEntry> {
        self.announcements.subscribe()
    }
}

struct Writer {
    conn: Connection,
    announce: broadcast::Sender<JournalEntry>,
    /// Journal id at the last pruning.
    pruned_at: i64,
    /// Which batches a failed commit supersedes.
    generations: Generations,
}

impl Writer {
    fn run(mut self, inbox: mpsc::Receiver<Request>) {
        let mut pending = Pending::new();
        while let Ok(first) = inbox.recv() {
            let mut next = Some(first);
            // Gather every commit already waiting, answering other requests in
            // order only after the commits queued before them are durable.
            while let Some(request) = next.take() {
                match request {
                    Request::Commit(batch, reply) => {
                        pending.push((batch, reply));
                        if pending.len() < MAX_GROUP {
                            next = inbox.try_recv().ok();
                        }
                    }
                    other => {
                        self.flush(&mut pending);
                        self.answer(other);
                        next = inbox.try_recv().ok();
                    }
                }
            }
            self.flush(&mut pending);
        }
    }

    fn flush(&mut self, pending: &mut Pending) {
        let group = self.generations.admit(pending);
        if group.is_empty() {
            return;
        }
        let outcome = self.apply(group.iter().map(|(b, _)| b));
        self.generations.settle(group, outcome, &self.announce);
    }

    fn apply<'a>(&mut self, batches: impl Iterator<Item = &'a Batch>) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let mut last_id = None;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO records (kind, key, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
            )?;
            let mut delete =
                tx.prepare_cached("DELETE FROM records WHERE kind = ?1 AND key = ?2")?;
            let mut delete_prefix = tx.prepare_cached(
                "DELETE FROM records WHERE kind = ?1 AND substr(key, 1, length(?2)) = ?2",
            )?;
            let mut journal =
                tx.prepare_cached("INSERT INTO journal (id, kind, body) VALUES (?1, ?2, ?3)")?;
            for batch in batches {
                for write in &batch.writes {
                    match write {
                        Write::Put { kind, key, body } => {
                            put.execute(params![kind.as_str(), key, body])?;
                        }
                        Write::Delete { kind, key } => {
                            delete.execute(params![kind.as_str(), key])?;
                        }
                        Write::DeletePrefix { kind, prefix } => {
                            delete_prefix.execute(params![kind.as_str(), prefix])?;
                        }
                    }
                }
                for entry in &batch.journal {
                    let id = journal_id(entry.id);
                    journal.execute(params![id, entry.kind.as_str(), entry.data.to_string()])?;
                    last_id = Some(id);
                }
            }
        }
        if let Some(floor) = prune_floor(last_id, &mut self.pruned_at) {
            tx.execute("DELETE FROM journal WHERE id <= ?1", params![floor])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn answer(&mut self, request: Request) {
        match request {
            Request::Load(reply) => {
                let _ = reply.send(self.load());
            }
            Request::Commit(..) => unreachable!("commits are grouped by the caller"),
        }
    }

    fn load(&self) -> Result<Snapshot, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT kind, key, body FROM records ORDER BY kind, key")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut records = Vec::new();
        for row in rows {
            let (kind, key, body) = row?;
            let kind = RecordKind::from_name(&kind).ok_or(StoreError::Corrupt {
                kind,
                key: key.clone(),
            })?;
            records.push((kind, key, body));
        }
        let last: i64 =
            self.conn
                .query_row("SELECT COALESCE(MAX(id), 0) FROM journal", [], |r| r.get(0))?;
        Ok(Snapshot {
            records,
            last_journal_id: u64::try_from(last).unwrap_or(0),
            change_seq: 0,
        })
    }
}

/// Journal entries after `after`, oldest first, at most `limit`.
fn journal_since(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> Result<Vec<JournalEntry>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, kind, body FROM journal WHERE id > ?1 ORDER BY id LIMIT ?2")?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(params![journal_id(after), limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, body) = row?;
        out.push(journal_entry(id, &kind, &body)?);
    }
    Ok(out)
}

/// The oldest and newest journal ids retained, `(0, 0)` when empty.
fn journal_bounds(conn: &Connection) -> Result<(u64, u64), StoreError> {
    let (lo, hi) = conn.query_row(
        "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM journal",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    )?;
    Ok((
        u64::try_from(lo).unwrap_or(0),
        u64::try_from(hi).unwrap_or(0),
    ))
}

/// The journal's epoch, made when the journal is: event ids from another
/// journal (another database, an in-memory run before a restart) carry
/// another epoch, so a client presenting one is told to start over.
fn journal_epoch(conn: &Connection) -> Result<String, StoreError> {
    let stored: Option<String> = conn
        .query_row("SELECT epoch FROM journal_epoch LIMIT 1", [], |r| r.get(0))
        .map(Some)
        .or_else(|err| match err {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    match stored {
        Some(epoch) => Ok(epoch),
        None => {
            let epoch = random_epoch();
            conn.execute("INSERT INTO journal_epoch (epoch) VALUES (?1)", [&epoch])?;
            Ok(epoch)
        }
    }
}

/// Makes the database file (created here when missing) and its `-wal` and
/// `-shm` companions readable by their owner only: they hold simulated CA
/// keys and the NextToken key. SQLite gives the companions it creates the
/// database file's mode.
fn restrict_to_owner(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)?;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err.into()),
                _ => {}
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
