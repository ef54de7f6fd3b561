//! The transaction type that turns in-memory changes into a durable
//! [`Batch`] with its journal entries, and the simulator's own metadata
//! records (pagination key, clock). Each service adds the changes of its
//! records to [`Changes`] in its `records` module.

use serde::{Deserialize, Serialize};
use shared::events::{JournalEntry, LiveEvent};

use crate::sim::State;
use crate::store::{Batch, RecordKind, StoreError};

/// Internal metadata kept in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Meta {
    /// Key that signs pagination tokens.
    pub(crate) token_key: String,
}

/// The simulated clock's setting, kept in the store so that time moved
/// forward (and the speed chosen) survive a restart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct ClockSetting {
    /// How far the clock runs ahead of real time, in milliseconds.
    pub(crate) offset_ms: i64,
    /// The time factor for simulated durations.
    pub(crate) speed: f64,
}

/// The metadata records found in a snapshot.
#[derive(Debug, Default)]
pub(crate) struct Metas {
    /// The pagination key, once made.
    pub(crate) meta: Option<Meta>,
    /// The clock, once moved or sped up.
    pub(crate) clock: Option<ClockSetting>,
}

const META_KEY: &str = "meta";
const CLOCK_KEY: &str = "clock";

impl Metas {
    /// Takes the metadata record `key` from its stored form; other keys
    /// are ignored.
    pub(crate) fn put(&mut self, key: &str, body: &str) -> Result<(), StoreError> {
        let corrupt = || StoreError::Corrupt {
            kind: RecordKind::Meta.as_str().to_owned(),
            key: key.to_owned(),
        };
        match key {
            META_KEY => self.meta = Some(serde_json::from_str(body).map_err(|_| corrupt())?),
            CLOCK_KEY => self.clock = Some(serde_json::from_str(body).map_err(|_| corrupt())?),
            _ => {}
        }
        Ok(())
    }
}

/// The changes one mutation makes: durable writes plus journal entries.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    batch: Batch,
}

impl Changes {
    /// Finishes the transaction, yielding the batch to commit.
    pub(crate) fn into_batch(self) -> Batch {
        self.batch
    }

    /// The batch being built.
    pub(crate) fn batch_mut(&mut self) -> &mut Batch {
        &mut self.batch
    }

    /// Appends a journal entry with the next id.
    pub(crate) fn journal(&mut self, state: &mut State, event: impl Into<LiveEvent>) {
        state.journal_seq += 1;
        let entry =
            JournalEntry::new(state.journal_seq, &event.into()).expect("views serialize to JSON");
        self.batch.journal.push(entry);
    }

    /// Calls `remove` for each key `keys` lists, all listed first (removing
    /// changes the map they come from).
    pub(crate) fn remove_each(
        &mut self,
        state: &mut State,
        keys: impl FnOnce(&State) -> Vec<String>,
        remove: impl Fn(&mut Self, &mut State, &str),
    ) {
        for key in keys(state) {
            remove(self, state, &key);
        }
    }

    /// Persists the metadata record.
    pub(crate) fn meta(&mut self, meta: &Meta) {
        self.batch.put(RecordKind::Meta, META_KEY, meta);
    }

    /// Persists the clock's setting.
    pub(crate) fn clock(&mut self, setting: &ClockSetting) {
        self.batch.put(RecordKind::Meta, CLOCK_KEY, setting);
    }
}
