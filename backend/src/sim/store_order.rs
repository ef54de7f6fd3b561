//! Putting finished commits back in store order.
//!
//! Commits finish in the order the store applied them, but the tasks that
//! learn of it run in any order. [`Settling`] holds each finished commit
//! until every earlier one is in, so the committed state follows the store
//! exactly.

use std::collections::BTreeMap;

use crate::store::{Batch, Write};

/// A batch whose commit has finished, and how.
#[derive(Debug)]
pub(super) struct Settled {
    /// Position in the order batches were handed to the store.
    pub(super) seq: u64,
    /// The generation the batch was built on.
    pub(super) generation: u64,
    /// The batch's record changes, to apply to the committed state.
    pub(super) writes: Vec<Write>,
    /// The batch's last journal id (0 when it has none).
    pub(super) journal_head: u64,
    /// Why the commit failed, when it did.
    pub(super) failure: Option<String>,
}

impl Settled {
    /// What to keep of `batch`, handed to the store at position `seq`.
    pub(super) fn of(seq: u64, batch: &Batch) -> Self {
        Self {
            seq,
            generation: batch.generation,
            writes: batch.writes.clone(),
            journal_head: batch.journal.last().map_or(0, |e| e.id),
            failure: None,
        }
    }

    /// The same batch, once its commit succeeded (`None`) or failed.
    pub(super) fn with_outcome(mut self, failure: Option<String>) -> Self {
        self.failure = failure;
        self
    }
}

/// Finished commits waiting for the ones before them.
#[derive(Debug, Default)]
pub(super) struct Settling {
    /// Position of the last batch handed on.
    last: u64,
    waiting: BTreeMap<u64, Settled>,
}

impl Settling {
    /// Takes a finished commit.
    pub(super) fn finished(&mut self, done: Settled) {
        self.waiting.insert(done.seq, done);
    }

    /// The next finished commit in store order, once every earlier one is in.
    pub(super) fn next_in_line(&mut self) -> Option<Settled> {
        let next = self.waiting.remove(&(self.last + 1))?;
        self.last = next.seq;
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(seq: u64) -> Settled {
        Settled::of(seq, &Batch::default())
    }

    #[test]
    fn commits_are_handed_on_in_store_order_whatever_order_they_finish_in() {
        let mut settling = Settling::default();
        settling.finished(done(2));
        settling.finished(done(3));
        assert!(settling.next_in_line().is_none(), "1 is not in yet");
        settling.finished(done(1));
        let order: Vec<u64> = std::iter::from_fn(|| settling.next_in_line())
            .map(|s| s.seq)
            .collect();
        assert_eq!(order, [1, 2, 3]);
    }
}
