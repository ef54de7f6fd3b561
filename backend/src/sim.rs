//! The embedded OpsWorks CM and CloudHSM v2 simulator.
//!
//! State lives in memory twice. Writers work on the *working* state behind
//! one lock: every mutation is validated first, applied, turned into a
//! [`Batch`](crate::store::Batch) and handed to the store. Readers see the
//! *committed* state, which follows the store batch by batch: a change
//! becomes visible only once it is durable, and a mutation is acknowledged
//! only once readers can see it. When a commit fails, the working state goes
//! back to the committed one and the store refuses every batch that was built
//! on the failed one, so nothing unacknowledged is ever shown or written. Asynchronous work (creating,
//! backing up, maintenance...) is a [`Pending`](opsworkscm::records::Pending) transition
//! with a due time on the injected clock; one scheduler task completes what
//! is due, so transitions resume after a restart and tests drive time by hand.

pub mod bounds;
mod changes;
mod cloudhsm;
mod control;
mod crypto;
pub mod faults;
mod opsworkscm;
mod pagination;
mod pending;
mod random;
mod replay;
mod replica;
mod service;
pub(crate) mod snapshot;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, watch};

use crate::clock::Clock;
use crate::error::ServiceError;
use crate::store::{RecordKind, Snapshot, Write};
use crate::store::{Store, StoreError};
use changes::{Changes, ClockSetting, Meta, Metas};
pub use cloudhsm::{CloudHsm, Quotas as CloudHsmQuotas};
pub use control::DEMO_SERVERS;
pub use opsworkscm::{OpsWorksCm, Quotas as OpsWorksCmQuotas};
use service::Scheduled;
use store_order::{Settled, Settling};

mod store_order;

/// Settings of the simulated account.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Region in ARNs and endpoints.
    pub region: String,
    /// Twelve-digit account id in ARNs.
    pub account_id: String,
    /// Time factor: simulated durations are divided by it. `None` keeps the
    /// speed last set (stored with the state), 1 at the first start.
    pub speed: Option<f64>,
    /// OpsWorks CM's limits.
    pub opsworkscm: OpsWorksCmQuotas,
    /// CloudHSM v2's quotas.
    pub cloudhsm: CloudHsmQuotas,
    /// Seed of every random choice (`--seed`); `None` draws from the
    /// operating system.
    pub seed: Option<u64>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            speed: None,
            opsworkscm: OpsWorksCmQuotas::default(),
            cloudhsm: CloudHsmQuotas::default(),
            seed: None,
        }
    }
}

/// Every record the simulator holds: each service's records and the
/// positions and keys they share.
#[derive(Debug, Default, Clone)]
pub(crate) struct State {
    /// OpsWorks CM servers, backups, events and association requests.
    pub(crate) opsworkscm: opsworkscm::records::Records,
    /// CloudHSM v2 clusters and backups (every region).
    pub(crate) cloudhsm: cloudhsm::records::Records,
    /// Last journal id handed out.
    pub(crate) journal_seq: u64,
    /// Pagination token key.
    pub(crate) token_key: Vec<u8>,
    /// Next health check, while health faults wait for one (not persisted:
    /// faults are not either).
    pub(crate) next_health_check: Option<DateTime<Utc>>,
}

impl State {
    /// Rebuilds the state from a store snapshot.
    fn from_snapshot(snapshot: Snapshot) -> Result<(Self, Metas), StoreError> {
        let mut state = State {
            journal_seq: snapshot.last_journal_id,
            ..State::default()
        };
        let mut metas = Metas::default();
        for (kind, key, body) in snapshot.records {
            match kind {
                RecordKind::Meta => metas.put(&key, &body)?,
                _ => state.put_record(kind, &key, &body)?,
            }
        }
        Ok((state, metas))
    }

    /// Applies one committed write, as the store now holds it: how the
    /// state readers see follows the store, batch by batch.
    fn apply(&mut self, write: &Write) -> Result<(), StoreError> {
        match write {
            Write::Put { kind, key, body } => self.put_record(*kind, key, body)?,
            Write::Delete { kind, key } => match owner(*kind) {
                Owner::OpsWorksCm => self.opsworkscm.delete(*kind, key),
                Owner::CloudHsm => self.cloudhsm.delete(*kind, key),
                Owner::Simulator => {}
            },
            Write::DeletePrefix { kind, prefix } => match owner(*kind) {
                Owner::OpsWorksCm => self.opsworkscm.delete_prefix(*kind, prefix),
                Owner::CloudHsm => self.cloudhsm.delete_prefix(*kind, prefix),
                Owner::Simulator => {}
            },
        }
        Ok(())
    }

    /// Inserts or replaces the record `key` of `kind` in its service's
    /// records (metadata records are read once, at open).
    fn put_record(&mut self, kind: RecordKind, key: &str, body: &str) -> Result<(), StoreError> {
        match owner(kind) {
            Owner::OpsWorksCm => self.opsworkscm.put(kind, key, body),
            Owner::CloudHsm => self.cloudhsm.put(kind, key, body),
            Owner::Simulator => Ok(()),
        }
    }
}

/// Whether a loading simulator may write what a fresh store lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leading {
    /// It leads: it makes the pagination key when there is none.
    Yes,
    /// It follows another instance's writes and writes nothing.
    No,
}

/// The time factor a simulator starts or reloads with: `--speed`, else the
/// speed stored with the state, else 1.
fn starting_speed(config: &SimConfig, metas: &Metas) -> f64 {
    config
        .speed
        .or(metas.clock.map(|c| c.speed))
        .filter(|s| bounds::check_speed(*s).is_ok())
        .unwrap_or(1.0)
}

/// What [`load`] read: the state, its metadata, and the change-log
/// position it includes.
type Loaded = (State, Metas, u64);

/// Reads `store` into a state and its metadata; a leading simulator makes
/// and stores the pagination key a fresh store lacks.
async fn load(
    store: &dyn Store,
    random: &Arc<random::Random>,
    leading: Leading,
) -> Result<Loaded, StoreError> {
    let snapshot = store.load().await?;
    let change_seq = snapshot.change_seq;
    let (mut state, mut metas) = State::from_snapshot(snapshot)?;
    if metas.meta.is_none() && leading == Leading::Yes {
        let meta = Meta {
            token_key: random::scope(Arc::clone(random), async { random::hex(32) }).await,
        };
        let mut changes = Changes::default();
        changes.meta(&meta);
        store.commit(changes.into_batch()).await?;
        metas.meta = Some(meta);
    }
    if let Some(meta) = &metas.meta {
        state.token_key = meta.token_key.clone().into_bytes();
    }
    Ok((state, metas, change_seq))
}

/// Whose records a kind holds.
enum Owner {
    OpsWorksCm,
    CloudHsm,
    Simulator,
}

fn owner(kind: RecordKind) -> Owner {
    match kind {
        RecordKind::Server
        | RecordKind::Backup
        | RecordKind::ServerEvent
        | RecordKind::NodeAssociation => Owner::OpsWorksCm,
        RecordKind::HsmCluster | RecordKind::HsmBackup => Owner::CloudHsm,
        RecordKind::Meta => Owner::Simulator,
    }
}

/// The writers' side of the state.
struct Working {
    /// Every change made, durable or still being committed.
    state: State,
    /// The generation batches are built on (see [`crate::store::Batch`]).
    generation: u64,
    /// Position of the last batch handed to the store.
    last_seq: u64,
}

/// The simulator: state, store, clock and settings.
pub struct Simulator {
    /// This simulator, for the commit tasks that outlive a cancelled request.
    me: Weak<Simulator>,
    working: Mutex<Working>,
    /// What the store holds: the only state readers see.
    committed: RwLock<State>,
    /// Commits that finished, applied to `committed` in store order.
    settling: Mutex<Settling>,
    /// Position of the last batch applied to `committed` (or refused).
    settled: watch::Sender<u64>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: SimConfig,
    /// Current time factor (f64 bits); starts at `config.speed`.
    speed: AtomicU64,
    /// Injected faults.
    faults: faults::Faults,
    wake: Notify,
    /// Permits for key generation and certificate signing (see [`Simulator::crypto`]).
    crypto_slots: tokio::sync::Semaphore,
    /// Key generations and signings run so far.
    crypto_runs: AtomicU64,
    /// Where random choices come from (see [`random`]).
    random: Arc<random::Random>,
    /// A reload from the store is under way (see [`Simulator::catch_up`]).
    catching_up: std::sync::atomic::AtomicBool,
}

/// Key generations and CSR signings that run at once: as many as the
/// blocking work a small machine can take while it keeps answering.
const CRYPTO_SLOTS: usize = 2;

impl Simulator {
    /// Loads the state from `store` and returns a ready simulator.
    pub async fn open(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: SimConfig,
    ) -> Result<Arc<Self>, StoreError> {
        Self::open_as(store, clock, config, Leading::Yes).await
    }

    /// Loads the state from `store` for an instance that follows another
    /// one's writes ([`Simulator::follow`]): nothing is written, not even
    /// the pagination key a fresh store lacks (the leader makes it).
    pub async fn open_follower(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: SimConfig,
    ) -> Result<Arc<Self>, StoreError> {
        Self::open_as(store, clock, config, Leading::No).await
    }

    async fn open_as(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: SimConfig,
        leading: Leading,
    ) -> Result<Arc<Self>, StoreError> {
        let random = Arc::new(random::Random::new(config.seed));
        let (state, metas, _) = load(&*store, &random, leading).await?;
        if let Some(setting) = metas.clock {
            clock.restore_offset(setting.offset_ms);
        }
        let speed = starting_speed(&config, &metas);
        let committed = state.clone();
        Ok(Arc::new_cyclic(|me| Self {
            me: me.clone(),
            working: Mutex::new(Working {
                state,
                generation: 1,
                last_seq: 0,
            }),
            committed: RwLock::new(committed),
            settling: Mutex::new(Settling::default()),
            settled: watch::Sender::new(0),
            store,
            clock,
            speed: AtomicU64::new(speed.to_bits()),
            faults: faults::Faults::default(),
            config,
            wake: Notify::new(),
            crypto_slots: tokio::sync::Semaphore::new(CRYPTO_SLOTS),
            crypto_runs: AtomicU64::new(0),
            random,
            catching_up: std::sync::atomic::AtomicBool::new(false),
        }))
    }

    /// The injected faults.
    pub fn faults(&self) -> &faults::Faults {
        &self.faults
    }

    /// How many servers exist.
    pub fn server_count(&self) -> usize {
        self.read(|state| state.opsworkscm.servers.len())
    }

    /// The simulator's settings.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Starts the task that completes transitions when they fall due
    /// (started again should it ever fail).
    pub fn spawn_scheduler(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let sim = Arc::clone(self);
        crate::supervise::supervise("scheduler", move || {
            let sim = Arc::clone(&sim);
            async move { sim.schedule_forever().await }
        })
    }

    async fn schedule_forever(&self) {
        loop {
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let next = self.read_working(next_due);
            let woken = match next {
                Some(due) => {
                    tokio::select! {
                        () = self.clock.sleep_until(due) => false,
                        () = &mut notified => true,
                    }
                }
                None => {
                    notified.await;
                    true
                }
            };
            if woken {
                // Woken by a change: let the changes of a burst gather, so
                // the next due time (a scan of every record, under the
                // writers' lock) is looked for once per burst, not once per
                // write.
                tokio::time::sleep(WAKE_COALESCE).await;
            }
            if let Err(err) = self.run_due().await {
                tracing::error!(error = %err, "scheduler failed to complete transitions");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }

    /// Completes every transition due at the current time; returns how many.
    pub async fn run_due(&self) -> Result<usize, ServiceError> {
        let now = self.now();
        self.randomly(self.mutate(|state, changes| Ok(complete_due(self, state, changes, now))))
            .await
    }

    /// Runs `work` drawing its random choices from this simulator's
    /// generator (seeded by `--seed` or `POST /api/sim/seed`).
    pub(crate) async fn randomly<F: std::future::Future>(&self, work: F) -> F::Output {
        random::scope(Arc::clone(&self.random), work).await
    }

    /// Transitions in progress per service: OpsWorks CM servers with a
    /// pending step; CloudHSM clusters and HSMs with one, and backups not
    /// READY yet.
    pub fn transitions_in_flight(&self) -> [(shared::service::Service, usize); 2] {
        self.read(|state| {
            let opsworks = state
                .opsworkscm
                .servers
                .values()
                .filter(|s| s.pending.is_some())
                .count();
            let clusters = state.cloudhsm.clusters.values();
            let hsm = clusters
                .map(|c| usize::from(c.pending.is_some()) + c.hsm_pending.len())
                .sum::<usize>()
                + state
                    .cloudhsm
                    .backups
                    .values()
                    .filter(|b| b.ready_due.is_some())
                    .count();
            [
                (shared::service::Service::OpsWorksCm, opsworks),
                (shared::service::Service::CloudHsmV2, hsm),
            ]
        })
    }

    /// A request id for an answer: from this simulator's generator, so a
    /// seeded run answers the same ids.
    pub fn request_id(&self) -> String {
        self.random
            .uuid()
            .hyphenated()
            .encode_lower(&mut uuid::Uuid::encode_buffer())
            .to_owned()
    }

    /// Starts every random choice over from `seed`, and the pagination key
    /// with it; `None` goes back to the operating system's generator.
    ///
    /// # Errors
    /// When the new pagination key cannot be stored.
    pub async fn reseed(&self, seed: Option<u64>) -> Result<(), ServiceError> {
        self.random.reseed(seed);
        let token_key = self.randomly(async { random::hex(32) }).await;
        self.mutate(|state, changes| {
            state.token_key = token_key.clone().into_bytes();
            changes.meta(&Meta { token_key });
            Ok(())
        })
        .await
    }

    /// Runs expensive key or certificate work on the blocking pool, at most
    /// [`CRYPTO_SLOTS`] at a time, after `recheck` (the request's cheap
    /// checks, run again once its turn comes, so a request refused meanwhile
    /// costs no key).
    pub(crate) async fn crypto<T: Send + 'static>(
        &self,
        recheck: impl FnOnce(&State) -> Result<(), ServiceError>,
        work: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
    ) -> Result<T, ServiceError> {
        let _slot = self
            .crypto_slots
            .acquire()
            .await
            .map_err(|e| ServiceError::internal(&e))?;
        self.read(recheck)?;
        self.crypto_runs.fetch_add(1, Ordering::Relaxed);
        let fork = random::Fork::take();
        tokio::task::spawn_blocking(move || fork.run(work))
            .await
            .map_err(|e| ServiceError::internal(&e))?
    }

    /// How many key generations and certificate signings have run (work
    /// done only for requests that passed every cheap check).
    pub fn crypto_runs(&self) -> u64 {
        self.crypto_runs.load(Ordering::Relaxed)
    }

    /// The current simulated time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The current time factor for simulated durations.
    pub fn speed(&self) -> f64 {
        let speed = f64::from_bits(self.speed.load(Ordering::Relaxed));
        if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        }
    }

    /// When something that nominally takes `seconds` finishes if started now.
    pub(crate) fn due_in(&self, seconds: f64) -> DateTime<Utc> {
        self.due_after(self.now(), seconds)
    }

    /// When something that nominally takes `seconds` finishes if started at
    /// `start` (due work replayed at its own time starts then, not now).
    pub(crate) fn due_after(&self, start: DateTime<Utc>, seconds: f64) -> DateTime<Utc> {
        let speed = self.speed();
        // Bounded speeds and durations keep this far inside chrono's range;
        // saturate rather than overflow should that ever change.
        let millis = (seconds * 1000.0 / speed).round().max(1.0);
        bounds::add_millis(start, millis)
    }

    /// Runs `f` on the committed state (what the store holds) under the read lock.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        let state = self.committed.read().unwrap_or_else(|e| e.into_inner());
        f(&state)
    }

    /// Runs `f` on the working state, changes in flight included: for the
    /// scheduler, which plans from everything already decided.
    pub(crate) fn read_working<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.working.lock().unwrap_or_else(|e| e.into_inner()).state)
    }

    /// Changes the working state outside a mutation, for what is never
    /// stored (the next health check while faults are active).
    pub(crate) fn with_working<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.working.lock().unwrap_or_else(|e| e.into_inner()).state)
    }

    /// Runs the mutation `f` and waits until its changes are durable and
    /// visible to readers.
    ///
    /// `f` must check everything before changing anything: an error return
    /// must leave the state as it was.
    pub(crate) async fn mutate<R>(
        &self,
        f: impl FnOnce(&mut State, &mut Changes) -> Result<R, ServiceError>,
    ) -> Result<R, ServiceError> {
        let (result, settled) = {
            let mut working = self.working.lock().unwrap_or_else(|e| e.into_inner());
            let mut changes = Changes::default();
            let result = f(&mut working.state, &mut changes)?;
            let mut batch = changes.into_batch();
            if batch.is_empty() {
                return Ok(result);
            }
            batch.generation = working.generation;
            working.last_seq += 1;
            let seq = working.last_seq;
            let applied = Settled::of(seq, &batch);
            // Enqueued under the lock, so batches reach the store in the
            // order their changes were made.
            let commit = self.store.commit(batch);
            let Some(me) = self.me.upgrade() else {
                return Err(StoreError::Closed.into());
            };
            // Settled by a task of its own, so a request cancelled while its
            // commit runs cannot hold up the batches behind it.
            let settled = tokio::spawn(async move {
                let started = std::time::Instant::now();
                let outcome = commit.await;
                crate::http::metrics::record_commit(started.elapsed());
                me.settle(applied.with_outcome(outcome.as_ref().err().map(ToString::to_string)));
                if matches!(outcome, Err(StoreError::Diverged)) {
                    me.catch_up();
                }
                outcome
            });
            (result, (seq, settled))
        };
        self.wake.notify_one();
        let (seq, settled) = settled;
        let outcome = settled.await.unwrap_or(Err(StoreError::Closed));
        if let Err(err) = outcome {
            return Err(err.into());
        }
        let mut position = self.settled.subscribe();
        // Every earlier batch is settled by its own task, so this ends.
        let _ = position.wait_for(|settled| *settled >= seq).await;
        Ok(result)
    }

    /// Takes a finished commit and applies, in store order, every finished
    /// commit that is next in line.
    fn settle(&self, done: Settled) {
        let mut settling = self.settling.lock().unwrap_or_else(|e| e.into_inner());
        settling.finished(done);
        while let Some(next) = settling.next_in_line() {
            match &next.failure {
                None => {
                    let mut committed = self.committed.write().unwrap_or_else(|e| e.into_inner());
                    for write in &next.writes {
                        if let Err(err) = committed.apply(write) {
                            tracing::error!(error = %err, "a committed record cannot be read back");
                        }
                    }
                    committed.journal_seq = committed.journal_seq.max(next.journal_head);
                }
                Some(error) => self.discard_uncommitted(next.generation, error),
            }
            self.settled.send_replace(next.seq);
        }
    }

    /// After the commit of a batch of `generation` failed: the working state
    /// goes back to what the store holds and a new generation starts (the
    /// store refuses the rest of the old one).
    fn discard_uncommitted(&self, generation: u64, error: &str) {
        let mut working = self.working.lock().unwrap_or_else(|e| e.into_inner());
        if working.generation != generation {
            return; // already gone back for an earlier batch of that generation
        }
        tracing::error!(error, "commit failed; undoing the changes not yet durable");
        let committed = self.committed.read().unwrap_or_else(|e| e.into_inner());
        let mut fresh = committed.clone();
        fresh.token_key = std::mem::take(&mut working.state.token_key);
        fresh.next_health_check = working.state.next_health_check;
        working.state = fresh;
        working.generation += 1;
    }

    /// The clock's setting as it would be after moving `ahead_ms` forward.
    fn clock_setting(&self, ahead_ms: i64) -> ClockSetting {
        ClockSetting {
            offset_ms: self.clock.offset_ms().saturating_add(ahead_ms),
            speed: self.speed(),
        }
    }
}

/// The earliest time anything of either service is due.
fn next_due(state: &State) -> Option<DateTime<Utc>> {
    [OpsWorksCm::next_due(state), CloudHsm::next_due(state)]
        .into_iter()
        .flatten()
        .min()
}

/// How long the scheduler lets changes gather after one woke it.
const WAKE_COALESCE: Duration = Duration::from_millis(10);

/// Rounds of due work one call plays before it commits; the scheduler
/// (woken again at once, as the rest is still due) plays the rest.
const REPLAY_ROUNDS_PER_CALL: usize = 20_000;

/// Plays the time up to `now` as if it had passed: the earliest due work of
/// either service runs at its own due time, then the next, so work a clock
/// jump crosses runs in order with the times and events it would have had
/// (and what it plans from then on is planned from its own time). Returns
/// how many items ran.
fn complete_due(
    sim: &Simulator,
    state: &mut State,
    changes: &mut Changes,
    now: DateTime<Utc>,
) -> usize {
    let mut count = 0;
    for _ in 0..REPLAY_ROUNDS_PER_CALL {
        let Some(at) = next_due(state).filter(|at| *at <= now) else {
            break;
        };
        count += sim.opsworkscm().complete_due(state, changes, at, now)
            + sim.cloudhsm().complete_due(state, changes, at, now);
    }
    count
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use shared::opsworkscm::Operation;

    use super::*;
    use crate::clock::ManualClock;
    use crate::store::{FaultyStore, SqliteStore};
    use crate::target::RequestContext;

    /// A simulator on a store whose commits fail or wait on demand.
    async fn on_faulty_store() -> (Arc<FaultyStore>, Arc<Simulator>) {
        let store = Arc::new(FaultyStore::new(SqliteStore::in_memory().unwrap()));
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let sim = Simulator::open(store.clone(), Arc::new(clock), SimConfig::default())
            .await
            .unwrap();
        (store, sim)
    }

    /// Creates server `name` through the OpsWorks CM door of `sim`.
    async fn create(sim: &Simulator, name: &str) -> Result<Vec<u8>, ServiceError> {
        let body = format!(
            r#"{{"Engine":"Puppet","ServerName":"{name}","InstanceType":"m5.large","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/p","ServiceRoleArn":"arn:aws:iam::123456789012:role/r"}}"#
        );
        sim.opsworkscm()
            .serve(
                &RequestContext::default(),
                Operation::CreateServer,
                body.as_bytes(),
            )
            .await
    }

    /// The names DescribeServers lists.
    async fn listed(sim: &Simulator) -> Vec<String> {
        let listed = sim
            .opsworkscm()
            .serve(
                &RequestContext::default(),
                Operation::DescribeServers,
                b"{}",
            )
            .await
            .unwrap();
        let listed: serde_json::Value = serde_json::from_slice(&listed).unwrap();
        listed["Servers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["ServerName"].as_str().unwrap().to_owned())
            .collect()
    }

    #[tokio::test]
    async fn a_failed_commit_is_an_internal_failure_and_leaves_no_trace() {
        let (store, sim) = on_faulty_store().await;
        create(&sim, "kept").await.unwrap();
        store.fail_commits(true);
        let err = create(&sim, "lost").await.unwrap_err();
        assert_eq!(err.code, shared::error::ErrorCode::InternalFailure);
        store.fail_commits(false);
        assert_eq!(
            listed(&sim).await,
            ["kept"],
            "the unacknowledged server is not shown"
        );
        create(&sim, "lost").await.unwrap();
    }

    #[tokio::test]
    async fn a_change_is_visible_only_once_it_is_durable() {
        let (store, sim) = on_faulty_store().await;
        store.hold_commits(true);
        let creating = {
            let sim = Arc::clone(&sim);
            tokio::spawn(async move { create(&sim, "slow").await })
        };
        // The change is made and on its way to the store, not yet durable.
        tokio::time::timeout(Duration::from_secs(5), async {
            while sim.read_working(|s| s.opsworkscm.servers.is_empty()) {
                tokio::task::yield_now().await;
            }
        })
        .await
        .unwrap();
        assert!(listed(&sim).await.is_empty(), "not durable, not shown");
        store.hold_commits(false);
        creating.await.unwrap().unwrap();
        assert_eq!(listed(&sim).await, ["slow"], "acknowledged, so shown");
    }

    #[tokio::test]
    async fn after_a_failed_commit_nothing_built_on_it_becomes_durable() {
        let (store, sim) = on_faulty_store().await;
        store.fail_commits(true);
        create(&sim, "lost").await.unwrap_err();
        store.fail_commits(false);
        // The next change is built on the state without the failed one, so
        // its batch cannot carry the lost server into the store.
        create(&sim, "kept").await.unwrap();
        let reopened = State::from_snapshot(store.inner().load().await.unwrap())
            .unwrap()
            .0;
        let stored: Vec<&String> = reopened.opsworkscm.servers.keys().collect();
        assert_eq!(stored, ["kept"]);
        let journal = store.inner().journal_since(0, 100).await.unwrap();
        let ids: Vec<u64> = journal.iter().map(|e| e.id).collect();
        let expected: Vec<u64> = (1..=ids.len() as u64).collect();
        assert_eq!(ids, expected, "journal ids stay contiguous past a failure");
    }
}
