//! Bounds of every number a client or flag gives the simulator's controls,
//! so that no input can overflow date arithmetic or hold a task for ever:
//! checked at the door with the door's own error, before anything changes.
//! The speed, span and text rules live in `shared`, where the console's forms
//! check them too.

use chrono::{DateTime, TimeZone, Utc};
pub use shared::sim_control::bounds::{
    MAX_LATENCY_MILLIS, MAX_SECONDS, MAX_TEXT_CHARS, SPEED, check_seconds, check_speed, check_text,
};

/// The simulated clock never goes past this instant, so that everything
/// computed from it stays representable: due times in chrono's range, and
/// certificates valid for years (X.509 dates end at 9999-12-31).
pub fn latest_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9000, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `millis` milliseconds (already bounded by the checks here) after `now`,
/// saturating at [`latest_time`] instead of overflowing.
pub fn add_millis(now: DateTime<Utc>, millis: f64) -> DateTime<Utc> {
    let millis = millis.clamp(0.0, 1e15);
    now.checked_add_signed(chrono::Duration::milliseconds(millis as i64))
        .unwrap_or_else(latest_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_outside_their_bounds_are_refused() {
        for bad in [0.0, -1.0, 1e-12, f64::NAN, f64::INFINITY, 1e6] {
            assert!(check_speed(bad).is_err(), "{bad}");
        }
        for ok in [0.001, 1.0, 60.0, 10_000.0] {
            assert!(check_speed(ok).is_ok(), "{ok}");
        }
        for bad in [0.0, -5.0, 1e300, f64::NAN, MAX_SECONDS + 1.0] {
            assert!(
                check_seconds("recoverAfterSeconds", bad, false).is_err(),
                "{bad}"
            );
        }
        assert!(check_seconds("seconds", 0.0, true).is_ok());
        assert!(check_seconds("seconds", MAX_SECONDS, true).is_ok());
        assert!(check_text("message", Some(&"x".repeat(1025))).is_err());
        assert!(check_text("message", Some("fine")).is_ok());
        assert!(latest_time() < DateTime::<Utc>::MAX_UTC);
    }
}
