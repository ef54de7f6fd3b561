//! [`Store`] on PostgreSQL (`serve --database-url postgres://...`).
//!
//! Same guarantees as the SQLite store: one writer task owns a dedicated
//! connection and folds every commit waiting into one transaction (group
//! commit), each acknowledged only once that transaction has committed. The
//! statements of a transaction are pipelined, so a group costs about one
//! round trip per statement kind rather than one per write. Each transaction
//! also appends its writes to a change log (`cmconsole_changes`, numbered
//! in commit order) and sends `NOTIFY cmconsole_changes` with that number,
//! delivered when it commits: what other instances following the state
//! replay, and their wake-up. Journal reads go through a small connection pool
//! so a client catching up never delays a commit. The schema is migrated at
//! start under an advisory lock, so instances starting together agree.
//!
//! When the writer's connection breaks, the transaction in progress fails
//! (its batches get [`StoreError::CommitFailed`]) and the next group
//! reconnects.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use futures_util::future::{BoxFuture, try_join_all};
use shared::events::JournalEntry;
use tokio::sync::{broadcast, mpsc};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::group::{
    Generations, MAX_GROUP, Pending, Request, WriterInbox as _, journal_entry, journal_id,
    prune_floor, random_epoch,
};
use super::{Batch, RecordKind, Snapshot, Store, StoreError, Write};

/// The channel each transaction notifies, with its change `seq` as
/// payload.
pub const CHANGES_CHANNEL: &str = "cmconsole_changes";

/// Advisory lock key serializing schema migrations ("cmcmigr" in ASCII).
const MIGRATION_LOCK: i64 = 0x0063_6d63_6d69_6772;

/// How long connecting (and taking a pooled connection) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Journal-reading connections at most.
const READERS: usize = 4;

/// The schema, one migration per version (version = index + 1). Appended
/// to, never edited: a database records the versions it has.
const MIGRATIONS: &[&str] = &[
    // 1: records, the journal and its epoch, and the change log followers
    // replay (each transaction's writes, in commit order).
    r#"
    CREATE TABLE cmconsole_records (
        kind TEXT COLLATE "C" NOT NULL,
        key  TEXT COLLATE "C" NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    CREATE TABLE cmconsole_journal (
        id   BIGINT PRIMARY KEY,
        kind TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE TABLE cmconsole_changes (
        seq          BIGINT PRIMARY KEY,
        writes       TEXT NOT NULL,
        last_journal BIGINT NOT NULL
    );
    CREATE TABLE cmconsole_journal_epoch (
        singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
        epoch     TEXT NOT NULL
    );
    "#,
    // 2: who leads the instances sharing this database, and since which
    // term (see `store::leader`).
    r#"
    CREATE TABLE cmconsole_leader (
        singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
        term      BIGINT NOT NULL,
        address   TEXT NOT NULL,
        since     TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    INSERT INTO cmconsole_leader (term, address) VALUES (0, '');
    "#,
    // 3: the secret instances authenticate forwarded calls with (see
    // `cluster::forward`).
    r#"
    CREATE TABLE cmconsole_cluster (
        singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
        secret    TEXT NOT NULL
    );
    "#,
];

/// PostgreSQL-backed store; cheap to share behind an `Arc`.
pub struct PostgresStore {
    requests: mpsc::UnboundedSender<Request>,
    announcements: broadcast::Sender<JournalEntry>,
    readers: Pool,
    epoch: String,
    location: String,
    /// The leader term commits must still hold ([`NOT_FENCED`]: none).
    fence: Arc<AtomicI64>,
    /// The newest change `seq` this instance committed.
    committed: Arc<AtomicI64>,
    /// Shared by the instances on the database (see [`Self::cluster_secret`]).
    cluster_secret: String,
    /// What connections are made with, for [`Self::listen`].
    config: Config,
    tls: MakeRustlsConnect,
}

/// [`PostgresStore::fence`]'s "no term to check".
const NOT_FENCED: i64 = i64::MIN;

impl PostgresStore {
    /// The newest schema version this build knows.
    pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

    /// Connects to the database `config` names, migrates its schema and
    /// starts the writer.
    ///
    /// # Errors
    /// When the database cannot be reached, refuses the login, or holds a
    /// schema newer than this build knows ([`StoreError::Schema`]).
    pub async fn connect(config: Config) -> Result<Self, StoreError> {
        let mut config = config;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let tls = tls_connector();
        let mut client = connect(&config, &tls).await?;
        let (epoch, cluster_secret) = migrate(&mut client).await?;
        let readers = Pool::builder(Manager::from_config(
            config.clone(),
            tls.clone(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Verified,
            },
        ))
        .max_size(READERS)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(CONNECT_TIMEOUT))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .map_err(|err| StoreError::Unavailable(err.to_string()))?;
        let statements = Statements::prepare(&client).await?;
        let (requests, inbox) = mpsc::unbounded_channel();
        let (announcements, _) = broadcast::channel(4096);
        let fence = Arc::new(AtomicI64::new(NOT_FENCED));
        let committed = Arc::new(AtomicI64::new(0));
        let writer = Writer {
            fence: Arc::clone(&fence),
            heads_term: NOT_FENCED,
            committed: Arc::clone(&committed),
            config: config.clone(),
            tls: tls.clone(),
            heads: Heads::read(&client).await?,
            connection: Some((client, statements)),
            announce: announcements.clone(),
            pruned_at: 0,
            changes_pruned_at: 0,
            generations: Generations::default(),
            in_doubt: None,
            unresolved: None,
            diverged: false,
        };
        tokio::spawn(writer.run(inbox));
        Ok(Self {
            requests,
            announcements,
            readers,
            epoch,
            location: describe(&config),
            fence,
            committed,
            cluster_secret,
            config,
            tls,
        })
    }

    /// From now on every commit also checks that `term` is still the
    /// leader term in the database (see `store::leader`), and fails with
    /// [`StoreError::CommitFailed`] otherwise: a leader that lost its lock
    /// cannot write after its successor started. `None` stops checking.
    /// A new term also makes the writer read where the change log and the
    /// journal end again (another instance wrote them meanwhile).
    pub fn fence(&self, term: Option<i64>) {
        self.fence
            .store(term.unwrap_or(NOT_FENCED), Ordering::SeqCst);
    }

    /// The newest change `seq` this instance committed (0 before any).
    pub fn committed_seq(&self) -> u64 {
        u64::try_from(self.committed.load(Ordering::SeqCst)).unwrap_or(0)
    }

    /// The secret the instances sharing this database authenticate the
    /// calls they forward to each other with; made with the schema.
    pub fn cluster_secret(&self) -> &str {
        &self.cluster_secret
    }

    /// Announces `entry` on this store's live channel, as if this
    /// instance had committed it: how a follower feeds its event streams
    /// with what it replayed (see [`Self::changes_after`]).
    pub fn announce(&self, entry: JournalEntry) {
        let _ = self.announcements.send(entry);
    }

    /// The changes committed after `seq`, oldest first, at most `limit`,
    /// each with its journal entries (read in one snapshot). `None` when
    /// the change log no longer reaches back to `seq` (pruned): the reader
    /// must load everything again.
    ///
    /// # Errors
    /// When the database cannot be read, or holds a change it cannot read.
    pub async fn changes_after(
        &self,
        seq: u64,
        limit: usize,
    ) -> Result<Option<Vec<Change>>, StoreError> {
        let mut client = self.readers.get().await?;
        let tx = snapshot(&mut client).await?;
        let after = i64::try_from(seq).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let oldest: Option<i64> = tx
            .query_one("SELECT MIN(seq) FROM cmconsole_changes", &[])
            .await?
            .get(0);
        if oldest.is_some_and(|oldest| oldest > after + 1) {
            return Ok(None);
        }
        let rows = tx
            .query(
                "SELECT seq, writes, last_journal FROM cmconsole_changes
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &limit],
            )
            .await?;
        // The journal entries of these changes: after the one before the
        // first, up to the last one's.
        let before: i64 = tx
            .query_opt(
                "SELECT last_journal FROM cmconsole_changes WHERE seq = $1",
                &[&after],
            )
            .await?
            .map_or(0, |row| row.get(0));
        let last: i64 = rows.last().map_or(before, |row| row.get(2));
        let journal = tx
            .query(
                "SELECT id, kind, body FROM cmconsole_journal
                 WHERE id > $1 AND id <= $2 ORDER BY id",
                &[&before, &last],
            )
            .await?;
        let mut journal = journal
            .iter()
            .map(|row| journal_entry(row.get(0), row.get(1), row.get(2)))
            .collect::<Result<std::collections::VecDeque<_>, _>>()?;
        let mut changes = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.get(0);
            let corrupt = || StoreError::Corrupt {
                kind: "change".to_owned(),
                key: seq.to_string(),
            };
            let writes: serde_json::Value =
                serde_json::from_str(row.get(1)).map_err(|_| corrupt())?;
            let writes = writes
                .as_array()
                .ok_or_else(corrupt)?
                .iter()
                .map(|w| Write::decode(w).ok_or_else(corrupt))
                .collect::<Result<Vec<_>, _>>()?;
            let last_journal = u64::try_from(row.get::<_, i64>(2)).unwrap_or(0);
            let mut entries = Vec::new();
            while journal.front().is_some_and(|e| e.id <= last_journal) {
                entries.extend(journal.pop_front());
            }
            changes.push(Change {
                seq: u64::try_from(seq).map_err(|_| corrupt())?,
                writes,
                journal: entries,
                last_journal,
            });
        }
        Ok(Some(changes))
    }

    /// Wakes `wake` whenever another instance's transaction commits (the
    /// `NOTIFY` on [`CHANGES_CHANNEL`]), on a connection of its own that is
    /// made again when it breaks; stops when `wake` is dropped by all but
    /// this task.
    pub fn listen(&self, wake: Arc<tokio::sync::Notify>) -> tokio::task::JoinHandle<()> {
        let (config, tls) = (self.config.clone(), self.tls.clone());
        tokio::spawn(async move {
            loop {
                if let Err(err) = listen_once(&config, &tls, &wake).await {
                    tracing::warn!(error = %err, "lost the change notifications; listening again");
                }
                // Whatever was missed meanwhile is read on the next wake.
                wake.notify_one();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    }
}

impl Store for PostgresStore {
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
        let readers = self.readers.clone();
        Box::pin(async move {
            let client = readers.get().await?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = client
                .query(
                    "SELECT id, kind, body FROM cmconsole_journal
                     WHERE id > $1 ORDER BY id LIMIT $2",
                    &[&journal_id(after), &limit],
                )
                .await?;
            rows.iter()
                .map(|row| journal_entry(row.get(0), row.get(1), row.get(2)))
                .collect()
        })
    }

    fn journal_bounds(&self) -> BoxFuture<'static, Result<(u64, u64), StoreError>> {
        let readers = self.readers.clone();
        Box::pin(async move {
            let client = readers.get().await?;
            let row = client
                .query_one(
                    "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM cmconsole_journal",
                    &[],
                )
                .await?;
            let id = |i: usize| u64::try_from(row.get::<_, i64>(i)).unwrap_or(0);
            Ok((id(0), id(1)))
        })
    }

    fn subscribe(&self) -> broadcast::Receiver<JournalEntry> {
        self.announcements.subscribe()
    }

    fn epoch(&self) -> &str {
        &self.epoch
    }

    fn describe(&self) -> String {
        self.location.clone()
    }
}

/// One transaction's changes, as a follower replays them.
#[derive(Debug, Clone)]
pub struct Change {
    /// Position in the change log.
    pub seq: u64,
    /// The records written, in order.
    pub writes: Vec<Write>,
    /// The journal entries committed with them, in id order.
    pub journal: Vec<JournalEntry>,
    /// The newest journal id once this change is in.
    pub last_journal: u64,
}

/// Listens on [`CHANGES_CHANNEL`] until the connection fails.
async fn listen_once(
    config: &Config,
    tls: &MakeRustlsConnect,
    wake: &tokio::sync::Notify,
) -> Result<(), StoreError> {
    use futures_util::StreamExt as _;
    let (client, mut connection) = config.connect(tls.clone()).await?;
    let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    let statement = format!("LISTEN {CHANGES_CHANNEL}");
    let listening = client.batch_execute(&statement);
    tokio::pin!(listening);
    // The connection must be driven while LISTEN runs.
    loop {
        tokio::select! {
            done = &mut listening => { done?; break; }
            message = messages.next() => match message {
                Some(Ok(_)) => {}
                Some(Err(err)) => return Err(err.into()),
                None => return Ok(()),
            },
        }
    }
    wake.notify_one();
    while let Some(message) = messages.next().await {
        if let tokio_postgres::AsyncMessage::Notification(_) = message? {
            wake.notify_one();
        }
    }
    Ok(())
}

/// Where the change log and the journal end, as the database says.
#[derive(Debug, Clone, Copy, Default)]
struct Heads {
    /// The newest change's `seq`.
    change: i64,
    /// The newest journal id.
    journal: i64,
}

impl Heads {
    async fn read(client: &impl tokio_postgres::GenericClient) -> Result<Self, StoreError> {
        let row = client
            .query_one(
                "SELECT (SELECT COALESCE(MAX(seq), 0) FROM cmconsole_changes),
                        (SELECT COALESCE(MAX(id), 0) FROM cmconsole_journal)",
                &[],
            )
            .await?;
        Ok(Self {
            change: row.get(0),
            journal: row.get(1),
        })
    }
}

/// The writer's prepared statements, bound to its connection.
struct Statements {
    put: Statement,
    delete: Statement,
    delete_prefix: Statement,
    journal: Statement,
    change: Statement,
    fence: Statement,
}

impl Statements {
    async fn prepare(client: &Client) -> Result<Self, StoreError> {
        Ok(Self {
            put: client
                .prepare(
                    "INSERT INTO cmconsole_records (kind, key, body) VALUES ($1, $2, $3)
                     ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
                )
                .await?,
            delete: client
                .prepare("DELETE FROM cmconsole_records WHERE kind = $1 AND key = $2")
                .await?,
            delete_prefix: client
                .prepare("DELETE FROM cmconsole_records WHERE kind = $1 AND starts_with(key, $2)")
                .await?,
            journal: client
                .prepare("INSERT INTO cmconsole_journal (id, kind, body) VALUES ($1, $2, $3)")
                .await?,
            change: client
                .prepare(
                    "INSERT INTO cmconsole_changes (seq, writes, last_journal) VALUES ($1, $2, $3)",
                )
                .await?,
            fence: client
                .prepare("SELECT 1 FROM cmconsole_leader WHERE term = $1 FOR SHARE")
                .await?,
        })
    }
}

struct Writer {
    /// See [`PostgresStore::fence`].
    fence: Arc<AtomicI64>,
    /// The fence term `heads` were read under: a new term rereads them.
    heads_term: i64,
    /// See [`PostgresStore::committed_seq`].
    committed: Arc<AtomicI64>,
    config: Config,
    tls: MakeRustlsConnect,
    /// The dedicated connection and its statements; `None` after it broke
    /// until the next group reconnects.
    connection: Option<(Client, Statements)>,
    announce: broadcast::Sender<JournalEntry>,
    /// Where the change log and journal end: read at each (re)connection,
    /// since a commit whose answer the broken connection lost may have
    /// landed after all.
    heads: Heads,
    /// Journal id at the last pruning.
    pruned_at: i64,
    /// Change `seq` at the last pruning.
    changes_pruned_at: i64,
    /// Which batches a failed commit supersedes.
    generations: Generations,
    /// The heads a transaction whose COMMIT was sent will make: until its
    /// answer comes, whether it landed is unknown.
    in_doubt: Option<Heads>,
    /// A change `seq` whose commit was reported failed without knowing
    /// (the database was unreachable): if the database turns out to hold
    /// it, the writer's caller is behind ([`StoreError::Diverged`]).
    unresolved: Option<i64>,
    /// Set when that happened, until the next load.
    diverged: bool,
}

impl Writer {
    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Request>) {
        let mut pending = Pending::new();
        while let Some(first) = inbox.recv().await {
            let mut next = Some(first);
            // Gather every commit already waiting; a load is answered only
            // after the commits queued before it are durable.
            while let Some(request) = next.take() {
                match request {
                    Request::Commit(batch, reply) => {
                        pending.push((batch, reply));
                        if pending.len() < MAX_GROUP {
                            next = inbox.try_recv().ok();
                        }
                    }
                    Request::Load(reply) => {
                        self.flush(&mut pending).await;
                        let _ = reply.send(self.load().await);
                        next = inbox.try_recv().ok();
                    }
                }
            }
            self.flush(&mut pending).await;
        }
    }

    /// The live connection, reconnecting when it broke.
    async fn connection(&mut self) -> Result<&mut (Client, Statements), StoreError> {
        if self
            .connection
            .as_ref()
            .is_some_and(|(client, _)| client.is_closed())
        {
            tracing::warn!("the database connection broke; reconnecting");
            self.connection = None;
        }
        if self.connection.is_none() {
            let client = connect(&self.config, &self.tls).await?;
            let statements = Statements::prepare(&client).await?;
            self.heads = Heads::read(&client).await?;
            if let Some(seq) = self.unresolved.take()
                && self.heads.change >= seq
            {
                tracing::error!(seq, "a commit reported failed had landed; reload needed");
                self.diverged = true;
            }
            self.connection = Some((client, statements));
        }
        Ok(self.connection.as_mut().expect("connected above"))
    }

    async fn flush(&mut self, pending: &mut Pending) {
        let group = self.generations.admit(pending);
        if group.is_empty() {
            return;
        }
        let mut outcome = self.apply(group.iter().map(|(b, _)| b)).await;
        if outcome.is_err()
            && let Some(expected) = self.in_doubt.take()
        {
            outcome = self.resolve(expected, outcome).await;
        }
        self.generations.settle(group, outcome, &self.announce);
    }

    /// After a transaction whose COMMIT was sent failed (typically the
    /// connection broke before its answer came): whether it landed, asked
    /// of a new connection. Landed, it succeeded after all; not reachable,
    /// it stays failed and is checked again on the next connection.
    async fn resolve(
        &mut self,
        expected: Heads,
        failed: Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if self.connection().await.is_err() {
            self.unresolved = Some(expected.change);
            return failed;
        }
        if self.heads.change >= expected.change {
            tracing::warn!(
                seq = expected.change,
                "a commit whose answer was lost had landed"
            );
            self.committed.store(expected.change, Ordering::SeqCst);
            return Ok(());
        }
        failed
    }

    async fn apply<'a>(
        &mut self,
        batches: impl Iterator<Item = &'a Batch>,
    ) -> Result<(), StoreError> {
        let batches: Vec<&Batch> = batches.collect();
        let journal: Vec<(i64, &'static str, String)> = batches
            .iter()
            .flat_map(|b| &b.journal)
            .map(|e| (journal_id(e.id), e.kind.as_str(), e.data.to_string()))
            .collect();
        let last_id = journal.last().map(|(id, _, _)| *id);
        let floor = prune_floor(last_id, &mut self.pruned_at);
        let writes: Vec<serde_json::Value> = batches
            .iter()
            .flat_map(|b| &b.writes)
            .map(Write::encode)
            .collect();
        let writes = serde_json::Value::Array(writes).to_string();
        let term = self.fence.load(Ordering::SeqCst);
        self.connection().await?;
        if self.diverged {
            return Err(StoreError::Diverged);
        }
        let reread = term != self.heads_term;
        let (client, _) = self.connection().await?;
        if reread {
            let heads = Heads::read(client).await?;
            self.heads = heads;
            self.heads_term = term;
        }
        let heads = Heads {
            change: self.heads.change + 1,
            journal: last_id.unwrap_or(self.heads.journal),
        };
        let changes_floor = prune_floor(Some(heads.change), &mut self.changes_pruned_at);
        let (client, statements) = self.connection.as_mut().expect("connected above");
        let tx = client.transaction().await?;
        // Sent in order on one connection: PostgreSQL runs them in order.
        let mut steps: Vec<BoxFuture<'_, Result<u64, tokio_postgres::Error>>> = Vec::new();
        if term != NOT_FENCED {
            // Shares the leader row's lock: a successor's term bump waits
            // for this transaction, and this one sees any bump before it.
            steps.push(Box::pin(tx.execute_raw(&statements.fence, [term])));
        }
        for write in batches.iter().flat_map(|b| &b.writes) {
            steps.push(match write {
                Write::Put { kind, key, body } => Box::pin(tx.execute_raw(
                    &statements.put,
                    [kind.as_str(), key.as_str(), body.as_str()],
                )),
                Write::Delete { kind, key } => {
                    Box::pin(tx.execute_raw(&statements.delete, [kind.as_str(), key.as_str()]))
                }
                Write::DeletePrefix { kind, prefix } => Box::pin(
                    tx.execute_raw(&statements.delete_prefix, [kind.as_str(), prefix.as_str()]),
                ),
            });
        }
        for (id, kind, body) in &journal {
            let row: [&(dyn ToSql + Sync); 3] = [id, kind, body];
            steps.push(Box::pin(tx.execute_raw(&statements.journal, row)));
        }
        let change: [&(dyn ToSql + Sync); 3] = [&heads.change, &writes, &heads.journal];
        steps.push(Box::pin(tx.execute_raw(&statements.change, change)));
        let counts = try_join_all(steps).await?;
        if term != NOT_FENCED && counts.first() != Some(&1) {
            return Err(StoreError::Fenced(term));
        }
        if let Some(floor) = floor {
            tx.execute("DELETE FROM cmconsole_journal WHERE id <= $1", &[&floor])
                .await?;
        }
        if let Some(floor) = changes_floor {
            tx.execute("DELETE FROM cmconsole_changes WHERE seq <= $1", &[&floor])
                .await?;
        }
        tx.execute(
            "SELECT pg_notify($1, $2)",
            &[&CHANGES_CHANNEL, &heads.change.to_string()],
        )
        .await?;
        self.in_doubt = Some(heads);
        tx.commit().await?;
        self.in_doubt = None;
        self.heads = heads;
        self.committed.store(heads.change, Ordering::SeqCst);
        Ok(())
    }

    /// Every record, the journal's head and the change log's, read in one
    /// snapshot so a follower resumes exactly after what it loaded.
    async fn load(&mut self) -> Result<Snapshot, StoreError> {
        let (client, _) = self.connection().await?;
        let tx = snapshot(client).await?;
        let rows = tx
            .query(
                "SELECT kind, key, body FROM cmconsole_records ORDER BY kind, key",
                &[],
            )
            .await?;
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let (kind, key, body): (String, String, String) = (row.get(0), row.get(1), row.get(2));
            let kind = RecordKind::from_name(&kind).ok_or(StoreError::Corrupt {
                kind,
                key: key.clone(),
            })?;
            records.push((kind, key, body));
        }
        let heads = Heads::read(&tx).await?;
        tx.commit().await?;
        // Whoever loaded this is no longer behind.
        self.diverged = false;
        let head = |id: i64| u64::try_from(id).unwrap_or(0);
        Ok(Snapshot {
            records,
            last_journal_id: head(heads.journal),
            change_seq: head(heads.change),
        })
    }
}

/// A read-only transaction that sees one snapshot of the database
/// (REPEATABLE READ): records, change log and journal read together agree.
async fn snapshot(client: &mut Client) -> Result<tokio_postgres::Transaction<'_>, StoreError> {
    Ok(client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?)
}

/// Opens a connection and drives it on a task of its own.
pub(super) async fn connect(
    config: &Config,
    tls: &MakeRustlsConnect,
) -> Result<Client, StoreError> {
    let (client, connection) = config.connect(tls.clone()).await?;
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::warn!(error = %err, "database connection ended");
        }
    });
    Ok(client)
}

/// Brings the schema up to the newest version (under an advisory lock, so
/// instances starting together take turns) and returns the journal epoch
/// and the cluster secret.
async fn migrate(client: &mut Client) -> Result<(String, String), StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS cmconsole_schema (
            version    INTEGER PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )
    .await?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM cmconsole_schema",
            &[],
        )
        .await?
        .get(0);
    let known = MIGRATIONS.len();
    let current = usize::try_from(current).unwrap_or(0);
    if current > known {
        return Err(StoreError::Schema(format!(
            "the database holds schema version {current}, newer than this cmconsole knows ({known}); run a newer cmconsole or use another database"
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.batch_execute(sql).await?;
        let version = i32::try_from(index + 1).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO cmconsole_schema (version) VALUES ($1)",
            &[&version],
        )
        .await?;
        tracing::info!(version, "migrated the database schema");
    }
    let epoch = made_once(&tx, "cmconsole_journal_epoch", "epoch", random_epoch()).await?;
    let secret = made_once(&tx, "cmconsole_cluster", "secret", random_secret()).await?;
    tx.commit().await?;
    Ok((epoch, secret))
}

/// The value of `column` in the one-row `table`, `fresh` when this is
/// the first instance to ask.
async fn made_once(
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
    column: &str,
    fresh: String,
) -> Result<String, StoreError> {
    tx.execute(
        &format!("INSERT INTO {table} ({column}) VALUES ($1) ON CONFLICT DO NOTHING"),
        &[&fresh],
    )
    .await?;
    let row = tx
        .query_one(&format!("SELECT {column} FROM {table}"), &[])
        .await?;
    Ok(row.get(0))
}

/// 32 random bytes as hex: the cluster secret.
fn random_secret() -> String {
    (0..4)
        .map(|_| format!("{:016x}", rand::random::<u64>()))
        .collect()
}

/// TLS for servers that offer it (`sslmode=prefer`, the default) or demand
/// it (`sslmode=require`), verified against the system's roots.
pub(super) fn tls_connector() -> MakeRustlsConnect {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    let (added, _) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        tracing::debug!("no system TLS roots; TLS database connections will fail to verify");
    }
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("aws-lc-rs supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    MakeRustlsConnect::new(config)
}

/// What `describe` says: database, host and port, never the password.
fn describe(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|host| match host {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_owned());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let database = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    format!("postgresql database {database} on {host}:{port}")
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(err: deadpool_postgres::PoolError) -> Self {
        match err {
            deadpool_postgres::PoolError::Backend(err) => Self::Postgres(err),
            other => Self::Unavailable(other.to_string()),
        }
    }
}
