//! What both stores' writers share: group commit's bookkeeping (which
//! batches a failed commit supersedes, who is answered what, what is
//! announced) and how a journal row becomes an entry again.

use futures_util::future::BoxFuture;
use shared::events::{EventKind, JournalEntry};
use tokio::sync::{broadcast, oneshot};

use super::{Batch, Snapshot, StoreError};

/// What a store's writer is asked to do, in order.
pub(super) enum Request {
    /// Read every record, once the commits queued before are durable.
    Load(oneshot::Sender<Result<Snapshot, StoreError>>),
    /// Make a batch durable.
    Commit(Batch, Reply),
}

/// Where a store hands its requests to its writer (a thread for SQLite, a
/// task for PostgreSQL), and the two requests every store makes of it.
pub(super) trait WriterInbox {
    /// Hands `request` to the writer; false when the writer is gone.
    fn post(&self, request: Request) -> bool;

    /// Every record, once the commits queued before are durable.
    fn load(&self) -> BoxFuture<'static, Result<Snapshot, StoreError>> {
        self.ask(Request::Load)
    }

    /// Makes `batch` durable.
    fn commit(&self, batch: Batch) -> BoxFuture<'static, Result<(), StoreError>> {
        self.ask(|tx| Request::Commit(batch, tx))
    }

    /// Hands the request `make` builds to the writer and waits for its
    /// answer.
    fn ask<T: Send + 'static>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Request,
    ) -> BoxFuture<'static, Result<T, StoreError>> {
        let (tx, rx) = oneshot::channel();
        let sent = self.post(make(tx));
        Box::pin(async move {
            if !sent {
                return Err(StoreError::Closed);
            }
            rx.await.map_err(|_| StoreError::Closed)?
        })
    }
}

impl WriterInbox for std::sync::mpsc::Sender<Request> {
    fn post(&self, request: Request) -> bool {
        self.send(request).is_ok()
    }
}

impl WriterInbox for tokio::sync::mpsc::UnboundedSender<Request> {
    fn post(&self, request: Request) -> bool {
        self.send(request).is_ok()
    }
}

/// How many journal entries are kept; older ones are pruned.
pub(super) const JOURNAL_RETENTION: i64 = 100_000;
/// Journal ids between two prunings.
pub(super) const PRUNE_EVERY: i64 = 1024;
/// Most batches folded into one transaction.
pub(super) const MAX_GROUP: usize = 512;

/// Where a commit's outcome goes.
pub(super) type Reply = oneshot::Sender<Result<(), StoreError>>;

/// Batches waiting for the next transaction, with their replies.
pub(super) type Pending = Vec<(Batch, Reply)>;

/// The generations a failed commit has poisoned (see [`Batch::generation`]).
#[derive(Debug, Default)]
pub(super) struct Generations {
    /// The newest generation a failed commit belonged to.
    failed: Option<u64>,
}

impl Generations {
    /// Takes everything `pending` holds; refuses the batches built on a
    /// failed commit ([`StoreError::Superseded`]) and returns the others.
    pub(super) fn admit(&self, pending: &mut Pending) -> Pending {
        let failed = self.failed;
        let (group, stale): (Pending, Pending) = std::mem::take(pending)
            .into_iter()
            .partition(|(batch, _)| failed.is_none_or(|f| batch.generation > f));
        for (_, reply) in stale {
            let _ = reply.send(Err(StoreError::Superseded));
        }
        group
    }

    /// Answers `group` once its transaction ended with `outcome`: on success
    /// its journal entries are announced in order and every batch is
    /// acknowledged; on failure every batch fails (with
    /// [`StoreError::Diverged`] when that was the cause, which asks the
    /// caller to load again; else [`StoreError::CommitFailed`]) and its
    /// generation is poisoned.
    pub(super) fn settle(
        &mut self,
        group: Pending,
        outcome: Result<(), StoreError>,
        announce: &broadcast::Sender<JournalEntry>,
    ) {
        match outcome {
            Ok(()) => {
                for (batch, reply) in group {
                    for entry in batch.journal {
                        // No subscribers is fine: the journal is durable.
                        let _ = announce.send(entry);
                    }
                    let _ = reply.send(Ok(()));
                }
            }
            Err(err) => {
                tracing::error!(error = %err, source = ?err, "commit failed");
                let newest = group.iter().map(|(b, _)| b.generation).max();
                self.failed = self.failed.max(newest);
                let diverged = matches!(err, StoreError::Diverged);
                for (_, reply) in group {
                    let _ = reply.send(Err(if diverged {
                        StoreError::Diverged
                    } else {
                        StoreError::CommitFailed
                    }));
                }
            }
        }
    }
}

/// The floor to prune the journal to after a transaction that wrote up to
/// `last`, when `PRUNE_EVERY` ids have gone by since `pruned_at`.
pub(super) fn prune_floor(last: Option<i64>, pruned_at: &mut i64) -> Option<i64> {
    let last = last.filter(|last| last - *pruned_at >= PRUNE_EVERY)?;
    *pruned_at = last;
    Some(last.saturating_sub(JOURNAL_RETENTION))
}

/// A journal row `(id, kind, body)` as the entry it was made from.
pub(super) fn journal_entry(id: i64, kind: &str, body: &str) -> Result<JournalEntry, StoreError> {
    let corrupt = || StoreError::Corrupt {
        kind: kind.to_owned(),
        key: id.to_string(),
    };
    Ok(JournalEntry {
        id: u64::try_from(id).map_err(|_| corrupt())?,
        kind: EventKind::from_name(kind).ok_or_else(corrupt)?,
        data: serde_json::from_str(body).map_err(|_| corrupt())?,
    })
}

/// A journal id as the databases store it.
pub(super) fn journal_id(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// Sixteen random hex digits: a journal epoch.
pub(super) fn random_epoch() -> String {
    format!("{:016x}", rand::random::<u64>())
}
