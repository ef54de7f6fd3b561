//! The transaction type that turns in-memory changes into a durable
//! [`Batch`] with its journal entries, and the simulator's own metadata
//! records (pagination key, clock). Each service adds the changes of its
//! records to [`Changes`] in its `records` module.

use serde::de::DeserializeOwned;
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
        match key {
            META_KEY => self.meta = Some(decode_record(RecordKind::Meta, key, body)?),
            CLOCK_KEY => self.clock = Some(decode_record(RecordKind::Meta, key, body)?),
            _ => {}
        }
        Ok(())
    }
}

/// A record `key` of `kind` from its stored form; a body that does not
/// parse is [`StoreError::Corrupt`].
pub(crate) fn decode_record<R: DeserializeOwned>(
    kind: RecordKind,
    key: &str,
    body: &str,
) -> Result<R, StoreError> {
    serde_json::from_str(body).map_err(|_| corrupt_record(kind, key))
}

/// The error for a record `key` of `kind` the store cannot take back.
pub(crate) fn corrupt_record(kind: RecordKind, key: &str) -> StoreError {
    StoreError::Corrupt {
        kind: kind.as_str().to_owned(),
        key: key.to_owned(),
    }
}

/// The keys that start with `prefix`.
pub(crate) fn prefixed<'a>(keys: impl Iterator<Item = &'a String>, prefix: &str) -> Vec<String> {
    keys.filter(|k| k.starts_with(prefix)).cloned().collect()
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

    /// Persists the record `key` of `kind` that `find` finds in `state` and
    /// journals the event `announce` makes of it; nothing when not found.
    pub(crate) fn record_changed<R: Serialize, E: Into<LiveEvent>>(
        &mut self,
        state: &mut State,
        (kind, key): (RecordKind, &str),
        find: impl FnOnce(&State) -> Option<&R>,
        announce: impl FnOnce(&R) -> E,
    ) {
        let Some(rec) = find(state) else {
            return;
        };
        self.batch.put(kind, key, rec);
        let event = announce(rec).into();
        self.journal(state, event);
    }

    /// Takes the record `key` of `kind` out of `state` with `take`, deletes
    /// its durable record and journals the event `announce` makes of it;
    /// nothing when not found.
    pub(crate) fn record_removed<R, E: Into<LiveEvent>>(
        &mut self,
        state: &mut State,
        (kind, key): (RecordKind, &str),
        take: impl FnOnce(&mut State) -> Option<R>,
        announce: impl FnOnce(R) -> E,
    ) {
        let Some(rec) = take(state) else {
            return;
        };
        self.batch.delete(kind, key);
        self.journal(state, announce(rec));
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
