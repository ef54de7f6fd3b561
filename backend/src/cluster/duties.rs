//! What an instance does as its role changes: lead (the leader's work on a
//! store fenced at its term) or follow (replay the leader's changes).

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::{Cluster, Duty};
use crate::sim::Simulator;
use crate::store::leader::Role;
use crate::store::{PostgresStore, Store, StoreError};

/// A fence term no leader ever holds: a follower's store commits nothing,
/// whatever code path might try.
const FOLLOWER_FENCE: i64 = -1;

/// Changes replayed per read.
const REPLAY_PAGE: usize = 500;

/// How often a follower looks at the change log without a notification.
const POLL: Duration = Duration::from_secs(1);

/// Starts the leader's background work once the state is loaded: the
/// simulator's scheduler, or the upstream poller.
pub type LeaderWork =
    Box<dyn Fn() -> BoxFuture<'static, Result<JoinHandle<()>, StoreError>> + Send + Sync>;

/// What an instance runs in each role.
pub struct Duties {
    /// The simulator whose state a follower keeps (none upstream).
    pub sim: Option<Arc<Simulator>>,
    /// Starts what only the leader runs.
    pub lead: LeaderWork,
}

impl Duties {
    /// Runs the duties `cluster`'s role asks for, changing them as it
    /// changes, until the runtime stops.
    pub fn start(self, cluster: Arc<Cluster>) -> JoinHandle<()> {
        tokio::spawn(async move { self.run(&cluster).await })
    }

    async fn run(self, cluster: &Cluster) {
        let mut role = cluster.election.role();
        let mut leading: Option<(i64, JoinHandle<()>)> = None;
        let mut following: Option<JoinHandle<()>> = None;
        let mut decided = false;
        cluster.store.fence(Some(FOLLOWER_FENCE));
        loop {
            let now = role.borrow_and_update().clone();
            decided |= now != Role::Unknown;
            match now {
                Role::Leader { term } if leading.as_ref().is_none_or(|(t, _)| *t != term) => {
                    if let Some(task) = following.take() {
                        task.abort();
                    }
                    if let Some((_, work)) = leading.take() {
                        work.abort();
                    }
                    cluster.duty.send_replace(Duty::Starting);
                    cluster.store.fence(Some(term));
                    match (self.lead)().await {
                        Ok(work) => {
                            leading = Some((term, work));
                            cluster.applied.send_replace(cluster.store.committed_seq());
                            cluster.duty.send_replace(Duty::Leading);
                            tracing::info!(term, "leading");
                        }
                        Err(err) => {
                            // Try again on the next change of role, or soon.
                            tracing::error!(error = %err, "cannot take the lead");
                            tokio::time::sleep(POLL).await;
                            continue;
                        }
                    }
                }
                Role::Leader { .. } => {}
                // Not decided yet at start: neither lead nor follow.
                Role::Unknown if !decided => {}
                Role::Follower { .. } | Role::Unknown => {
                    if let Some((term, work)) = leading.take() {
                        tracing::warn!(term, "no longer leading; following");
                        work.abort();
                        cluster.store.fence(Some(FOLLOWER_FENCE));
                    }
                    if following.is_none() {
                        cluster.duty.send_replace(Duty::Following);
                        following = Some(tokio::spawn(follow(
                            Arc::clone(&cluster.store),
                            self.sim.clone(),
                            cluster.applied.clone(),
                        )));
                    }
                }
            }
            if role.changed().await.is_err() {
                return;
            }
        }
    }
}

/// Replays the leader's changes into `sim` (when there is one) and this
/// instance's event streams, from the state loaded at the start, for ever;
/// `applied` says how far it got.
async fn follow(
    store: Arc<PostgresStore>,
    sim: Option<Arc<Simulator>>,
    applied: tokio::sync::watch::Sender<u64>,
) {
    let wake = Arc::new(Notify::new());
    let listener = store.listen(Arc::clone(&wake));
    let _stop_listening = AbortOnDrop(listener);
    let mut position = start_position(&store, sim.as_deref()).await;
    applied.send_replace(position);
    loop {
        match store.changes_after(position, REPLAY_PAGE).await {
            Ok(Some(changes)) => {
                let full = changes.len() == REPLAY_PAGE;
                for change in changes {
                    if let Some(sim) = &sim
                        && let Err(err) = sim.follow(&change)
                    {
                        tracing::error!(error = %err, seq = change.seq, "cannot replay a change");
                    }
                    for entry in change.journal {
                        store.announce(entry);
                    }
                    position = change.seq;
                    applied.send_replace(position);
                }
                if full {
                    continue;
                }
            }
            // Fell behind the change log's pruning: load everything again.
            Ok(None) => {
                tracing::warn!("the change log no longer reaches back here; reloading");
                position = start_position(&store, sim.as_deref()).await;
                applied.send_replace(position);
                continue;
            }
            Err(err) => tracing::warn!(error = %err, "cannot read the change log"),
        }
        let _ = tokio::time::timeout(POLL, wake.notified()).await;
    }
}

/// The state as the database holds it now, loaded into `sim`, and the
/// change-log position it includes (tried until the database answers).
async fn start_position(store: &PostgresStore, sim: Option<&Simulator>) -> u64 {
    loop {
        let loaded = match sim {
            Some(sim) => sim.reload(false).await,
            None => store.load().await.map(|snapshot| snapshot.change_seq),
        };
        match loaded {
            Ok(position) => return position,
            Err(err) => {
                tracing::warn!(error = %err, "cannot load the state to follow");
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
