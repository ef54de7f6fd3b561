//! The injected clock: the only place that reads the wall clock.
//!
//! Simulator logic asks a [`Clock`] for the time and waits on it, so tests can
//! drive time by hand with [`ManualClock`] and never sleep for state.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use tokio::sync::watch;

/// A source of the current time that can also wait until a given instant.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
    /// Resolves once [`Clock::now`] has reached `deadline` (or at once if it has).
    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'static, ()>;
    /// Moves simulated time forward by `by`; false when this clock cannot move.
    fn advance(&self, by: Duration) -> bool {
        let _ = by;
        false
    }
    /// How far [`Clock::advance`] has moved this clock ahead of its source,
    /// in milliseconds (0 for clocks that do not keep an offset).
    fn offset_ms(&self) -> i64 {
        0
    }
    /// Puts back an offset kept from an earlier run (a no-op for clocks that
    /// do not keep one).
    fn restore_offset(&self, offset_ms: i64) {
        let _ = offset_ms;
    }
}

/// The wall clock plus an offset that the simulator's time control moves
/// forward: the clock of `cmconsole serve`.
#[derive(Debug)]
pub struct SimClock {
    /// The offset, for sleepers to wake on when it moves.
    offset_ms: watch::Sender<i64>,
    /// The same, read by [`Clock::now`] on every call without the channel's
    /// lock (shared by every worker thread).
    current_ms: AtomicI64,
}

impl Default for SimClock {
    fn default() -> Self {
        Self::new()
    }
}

impl SimClock {
    /// Real time, not yet advanced.
    pub fn new() -> Self {
        Self {
            offset_ms: watch::channel(0).0,
            current_ms: AtomicI64::new(0),
        }
    }

    /// How far ahead of real time the clock is.
    pub fn offset(&self) -> chrono::Duration {
        chrono::Duration::milliseconds(self.current_ms.load(Ordering::Acquire))
    }
}

impl Clock for SimClock {
    fn now(&self) -> DateTime<Utc> {
        SystemClock.now() + self.offset()
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let mut offsets = self.offset_ms.subscribe();
        Box::pin(async move {
            loop {
                let offset = chrono::Duration::milliseconds(*offsets.borrow_and_update());
                let wait = (deadline - (SystemClock.now() + offset))
                    .to_std()
                    .unwrap_or(Duration::ZERO);
                if wait.is_zero() {
                    return;
                }
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    changed = offsets.changed() => {
                        if changed.is_err() {
                            tokio::time::sleep(wait).await;
                            return;
                        }
                    }
                }
            }
        })
    }

    fn advance(&self, by: Duration) -> bool {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.send_modify(|o| {
            *o = o.saturating_add(ms);
            self.current_ms.store(*o, Ordering::Release);
        });
        true
    }

    fn offset_ms(&self) -> i64 {
        self.current_ms.load(Ordering::Acquire)
    }

    fn restore_offset(&self, offset_ms: i64) {
        self.offset_ms.send_modify(|o| {
            *o = offset_ms.max(0);
            self.current_ms.store(*o, Ordering::Release);
        });
    }
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(clippy::disallowed_methods, reason = "this is the one real clock")]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let wait = (deadline - self.now()).to_std().unwrap_or(Duration::ZERO);
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that only moves when told to; for tests and time control.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    ticks: watch::Sender<DateTime<Utc>>,
}

impl ManualClock {
    /// A manual clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        let (ticks, _) = watch::channel(start);
        Self {
            now: Arc::new(Mutex::new(start)),
            ticks,
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn advance(&self, by: Duration) -> bool {
        let delta = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += delta;
        self.ticks.send_replace(*now);
        true
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'static, ()> {
        let mut ticks = self.ticks.subscribe();
        Box::pin(async move {
            // `wait_for` checks the current value first, then every change.
            let _ = ticks.wait_for(|now| *now >= deadline).await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[tokio::test]
    async fn manual_clock_wakes_sleepers_only_when_advanced_past_deadline() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let clock = ManualClock::new(start);
        let deadline = start + chrono::Duration::seconds(10);
        let sleeper = tokio::spawn(clock.sleep_until(deadline));
        clock.advance(Duration::from_secs(5));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(5));
        sleeper.await.unwrap();
        assert_eq!(clock.now(), deadline);
    }

    #[tokio::test]
    async fn advancing_the_sim_clock_wakes_a_sleeper_early() {
        let clock = SimClock::new();
        let deadline = clock.now() + chrono::Duration::hours(1);
        let sleeper = tokio::spawn(clock.sleep_until(deadline));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        assert!(clock.advance(Duration::from_secs(3600)));
        tokio::time::timeout(Duration::from_secs(5), sleeper)
            .await
            .expect("woken by the jump")
            .unwrap();
        assert!(clock.offset() >= chrono::Duration::hours(1));
    }
}
