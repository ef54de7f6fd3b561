//! Following another instance's writes: how a follower's simulator keeps
//! the state the leader commits, and how an instance taking over (or
//! giving up) the lead starts again from what the database holds.
//!
//! A follower never mutates: its readers see the committed state, which
//! [`Simulator::follow`] moves forward change by change, in the leader's
//! commit order, with the clock and pagination key the leader stored.

use std::sync::atomic::Ordering;

use super::changes::Metas;
use super::{Leading, Simulator, load, starting_speed};
use crate::store::{Change, RecordKind, StoreError, Write};

impl Simulator {
    /// Applies a change the leader committed to the state readers see,
    /// including the simulator's own metadata (clock, speed, pagination
    /// key).
    ///
    /// # Errors
    /// When a record of the change cannot be read; the records before it
    /// are applied.
    pub fn follow(&self, change: &Change) -> Result<(), StoreError> {
        let mut committed = self.committed.write().unwrap_or_else(|e| e.into_inner());
        for write in &change.writes {
            if let Write::Put {
                kind: RecordKind::Meta,
                key,
                body,
            } = write
            {
                let mut metas = Metas::default();
                metas.put(key, body)?;
                if let Some(meta) = &metas.meta {
                    committed.token_key = meta.token_key.clone().into_bytes();
                }
                self.use_clock(&metas);
            }
            committed.apply(write)?;
        }
        committed.journal_seq = committed.journal_seq.max(change.last_journal);
        Ok(())
    }

    /// Replaces the whole state with what the store holds now and returns
    /// the change-log position it includes. A simulator that leads from
    /// now on (`leading`) builds its next changes on it; one that follows
    /// resumes [`Simulator::follow`] after that position.
    ///
    /// # Errors
    /// When the store cannot be read (or, leading, the missing pagination
    /// key cannot be stored).
    pub async fn reload(&self, leading: bool) -> Result<u64, StoreError> {
        let leading = if leading { Leading::Yes } else { Leading::No };
        let (state, metas, change_seq) = load(&*self.store, &self.random, leading).await?;
        if let Some(setting) = metas.clock {
            self.clock.restore_offset(setting.offset_ms);
        }
        // As at start: `--speed` overrides the stored speed.
        let speed = starting_speed(&self.config, &metas);
        self.speed.store(speed.to_bits(), Ordering::Relaxed);
        let mut working = self.working.lock().unwrap_or_else(|e| e.into_inner());
        let mut committed = self.committed.write().unwrap_or_else(|e| e.into_inner());
        *committed = state.clone();
        working.state = state;
        // Batches built on the state before are refused from now on.
        working.generation += 1;
        Ok(change_seq)
    }

    /// After the store found it holds a commit this simulator was told had
    /// failed ([`StoreError::Diverged`]): loads the state again, once, in
    /// the background; commits fail until it has.
    pub(crate) fn catch_up(&self) {
        if self.catching_up.swap(true, Ordering::SeqCst) {
            return;
        }
        let Some(me) = self.me.upgrade() else { return };
        tokio::spawn(async move {
            match me.reload(true).await {
                Ok(_) => tracing::warn!("loaded the state again after a commit in doubt"),
                Err(err) => tracing::error!(error = %err, "cannot load the state again"),
            }
            me.catching_up.store(false, Ordering::SeqCst);
        });
    }

    /// Sets the clock's offset and speed to a setting the leader stored.
    fn use_clock(&self, metas: &Metas) {
        if let Some(setting) = metas.clock {
            self.clock.restore_offset(setting.offset_ms);
            if super::bounds::check_speed(setting.speed).is_ok() {
                self.speed.store(setting.speed.to_bits(), Ordering::Relaxed);
            }
        }
    }
}
