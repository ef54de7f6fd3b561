//! The embedded OpsWorks CM and CloudHSM v2 simulator.
//!
//! State lives in memory behind one lock; every mutation is validated first,
//! applied, turned into a [`Batch`](crate::store::Batch) and acknowledged
//! only once the store has made it durable. Asynchronous work (creating,
//! backing up, maintenance...) is a [`Pending`](state::Pending) transition
//! with a due time on the injected clock; one scheduler task completes what
//! is due, so transitions resume after a restart and tests drive time by hand.

mod account;
mod artifacts;
mod backups;
pub mod bounds;
mod cloudhsm;
mod control;
mod dispatch;
pub mod faults;
mod lifecycle;
mod naming;
mod nodes;
mod pagination;
mod server_updates;
mod servers;
mod state;
mod tags;
mod userdata_export;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::error::ServiceError;
use crate::store::{Store, StoreError};
pub use control::DEMO_SERVERS;
use state::{Changes, Meta, State};

/// Settings of the simulated account.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Region in ARNs and endpoints.
    pub region: String,
    /// Twelve-digit account id in ARNs.
    pub account_id: String,
    /// Time factor: simulated durations are divided by it.
    pub speed: f64,
    /// Maximum number of servers (ServerLimit).
    pub server_limit: usize,
    /// Maximum number of manual backups (ManualBackupLimit).
    pub manual_backup_limit: usize,
    /// Maximum number of user tags per resource.
    pub tag_limit: usize,
    /// CloudHSM quota: clusters per region (documented default 4).
    pub hsm_cluster_limit: usize,
    /// CloudHSM quota: HSMs per region (documented default 6).
    pub hsm_limit: usize,
    /// CloudHSM quota: HSMs per cluster (documented, fixed at 28).
    pub hsms_per_cluster: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            speed: 1.0,
            server_limit: 10,
            manual_backup_limit: 50,
            tag_limit: 50,
            hsm_cluster_limit: 4,
            hsm_limit: 6,
            hsms_per_cluster: 28,
        }
    }
}

/// The simulator: state, store, clock and settings.
pub struct Simulator {
    state: RwLock<State>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: SimConfig,
    /// Current time factor (f64 bits); starts at `config.speed`.
    speed: AtomicU64,
    /// Injected faults.
    faults: faults::Faults,
    wake: Notify,
}

impl Simulator {
    /// Loads the state from `store` and returns a ready simulator.
    pub async fn open(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: SimConfig,
    ) -> Result<Arc<Self>, StoreError> {
        let snapshot = store.load().await?;
        let (mut state, meta) = State::from_snapshot(snapshot)?;
        let meta = match meta {
            Some(meta) => meta,
            None => {
                let meta = Meta {
                    token_key: naming::random_hex(32),
                };
                let mut changes = Changes::default();
                changes.meta(&meta);
                store.commit(changes.into_batch()).await?;
                meta
            }
        };
        state.token_key = meta.token_key.into_bytes();
        Ok(Arc::new(Self {
            state: RwLock::new(state),
            store,
            clock,
            speed: AtomicU64::new(config.speed.to_bits()),
            faults: faults::Faults::default(),
            config,
            wake: Notify::new(),
        }))
    }

    /// The injected faults.
    pub fn faults(&self) -> &faults::Faults {
        &self.faults
    }

    /// How many servers exist.
    pub fn server_count(&self) -> usize {
        self.read(|state| state.servers.len())
    }

    /// The simulator's settings.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Starts the task that completes transitions when they fall due.
    pub fn spawn_scheduler(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let sim = Arc::clone(self);
        tokio::spawn(async move { sim.schedule_forever().await })
    }

    async fn schedule_forever(&self) {
        loop {
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let next = self.read(lifecycle::next_due);
            match next {
                Some(due) => {
                    tokio::select! {
                        () = self.clock.sleep_until(due) => {}
                        () = &mut notified => {}
                    }
                }
                None => notified.await,
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
        self.mutate(|state, changes| Ok(self.complete_due(state, changes, now)))
            .await
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
        let speed = self.speed();
        // Bounded speeds and durations keep this far inside chrono's range;
        // saturate rather than overflow should that ever change.
        let millis = (seconds * 1000.0 / speed).round().max(1.0);
        bounds::add_millis(self.now(), millis)
    }

    /// Runs `f` on the state under the read lock.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        f(&state)
    }

    /// Runs the mutation `f` and waits until its changes are durable.
    ///
    /// `f` must check everything before changing anything: an error return
    /// must leave the state as it was.
    pub(crate) async fn mutate<R>(
        &self,
        f: impl FnOnce(&mut State, &mut Changes) -> Result<R, ServiceError>,
    ) -> Result<R, ServiceError> {
        let (result, commit) = {
            let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
            let mut changes = Changes::default();
            let result = f(&mut state, &mut changes)?;
            let batch = changes.into_batch();
            if batch.is_empty() {
                return Ok(result);
            }
            // Enqueued under the lock, so batches reach the store in the order
            // their changes were made.
            (result, self.store.commit(batch))
        };
        self.wake.notify_one();
        if let Err(err) = commit.await {
            // The change is in memory but not durable: go back to what the
            // store holds, so nothing unacknowledged is ever shown as done.
            tracing::error!(error = %err, "commit failed; reloading state from the store");
            if let Err(reload) = self.reload().await {
                tracing::error!(error = %reload, "reloading state from the store failed");
            }
            return Err(err.into());
        }
        Ok(result)
    }

    /// Replaces the in-memory state with what the store holds.
    async fn reload(&self) -> Result<(), StoreError> {
        let snapshot = self.store.load().await?;
        let (mut fresh, _) = State::from_snapshot(snapshot)?;
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        fresh.token_key = std::mem::take(&mut state.token_key);
        // Keep journal ids increasing even past entries that were never stored.
        fresh.journal_seq = fresh.journal_seq.max(state.journal_seq);
        *state = fresh;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use chrono::TimeZone;
    use futures_util::future::BoxFuture;
    use shared::events::JournalEntry;
    use shared::opsworkscm::Operation;
    use tokio::sync::broadcast;

    use super::*;
    use crate::clock::ManualClock;
    use crate::store::{Batch, Snapshot, SqliteStore};
    use crate::target::RequestContext;

    /// A store whose commits fail while `failing` is set.
    struct FlakyStore {
        inner: SqliteStore,
        failing: AtomicBool,
    }

    impl Store for FlakyStore {
        fn load(&self) -> BoxFuture<'_, Result<Snapshot, StoreError>> {
            self.inner.load()
        }
        fn commit(&self, batch: Batch) -> BoxFuture<'static, Result<(), StoreError>> {
            if self.failing.load(Ordering::SeqCst) {
                Box::pin(async { Err(StoreError::Closed) })
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
    }

    #[tokio::test]
    async fn a_failed_commit_is_an_internal_failure_and_leaves_no_trace() {
        let store = Arc::new(FlakyStore {
            inner: SqliteStore::in_memory().unwrap(),
            failing: AtomicBool::new(false),
        });
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let sim = Simulator::open(store.clone(), Arc::new(clock), SimConfig::default())
            .await
            .unwrap();
        let ctx = RequestContext::default();
        let create = |name: &str| {
            format!(
                r#"{{"Engine":"Puppet","ServerName":"{name}","InstanceType":"m5.large","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/p","ServiceRoleArn":"arn:aws:iam::123456789012:role/r"}}"#
            )
        };
        sim.handle(&ctx, Operation::CreateServer, create("kept").as_bytes())
            .await
            .unwrap();
        store.failing.store(true, Ordering::SeqCst);
        let err = sim
            .handle(&ctx, Operation::CreateServer, create("lost").as_bytes())
            .await
            .unwrap_err();
        assert_eq!(err.code, shared::error::ErrorCode::InternalFailure);
        store.failing.store(false, Ordering::SeqCst);
        let listed = sim
            .handle(&ctx, Operation::DescribeServers, b"{}")
            .await
            .unwrap();
        let listed: serde_json::Value = serde_json::from_slice(&listed).unwrap();
        let names: Vec<&str> = listed["Servers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["ServerName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["kept"], "the unacknowledged server is not shown");
        sim.handle(&ctx, Operation::CreateServer, create("lost").as_bytes())
            .await
            .unwrap();
    }
}
