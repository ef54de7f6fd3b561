//! A store that fails or holds its commits on demand: how tests (and anyone
//! trying failure handling by hand) make a disk full or slow without one.

use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::future::BoxFuture;
use shared::events::JournalEntry;
use tokio::sync::{broadcast, watch};

use super::{Batch, Snapshot, SqliteStore, Store, StoreError};

/// A [`SqliteStore`] whose commits can be made to fail (as on a full disk)
/// or to wait (as on a slow one). Reads always go through.
pub struct FaultyStore {
    inner: SqliteStore,
    failing: AtomicBool,
    open: watch::Sender<bool>,
}

impl FaultyStore {
    /// Wraps `inner`, working normally.
    pub fn new(inner: SqliteStore) -> Self {
        Self {
            inner,
            failing: AtomicBool::new(false),
            open: watch::Sender::new(true),
        }
    }

    /// From now on commits fail with [`StoreError::CommitFailed`] (or work again).
    pub fn fail_commits(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// From now on commits wait until released (or go through again, with
    /// the ones that waited).
    pub fn hold_commits(&self, held: bool) {
        self.open.send_replace(!held);
    }

    /// The wrapped store.
    pub fn inner(&self) -> &SqliteStore {
        &self.inner
    }
}

impl Store for FaultyStore {
    fn load(&self) -> BoxFuture<'_, Result<Snapshot, StoreError>> {
        self.inner.load()
    }

    fn commit(&self, batch: Batch) -> BoxFuture<'static, Result<(), StoreError>> {
        if self.failing.load(Ordering::SeqCst) {
            return Box::pin(async { Err(StoreError::CommitFailed) });
        }
        let mut open = self.open.subscribe();
        let commit = self.inner.commit(batch);
        Box::pin(async move {
            let _ = open.wait_for(|open| *open).await;
            commit.await
        })
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

    fn epoch(&self) -> &str {
        self.inner.epoch()
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}
