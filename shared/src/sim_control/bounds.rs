//! Bounds of the numbers and texts the simulator's controls take
//! (`--speed`, `POST /api/sim/speed`, clock advances, recovery delays,
//! fault latencies and messages): one rule for the backend, which refuses
//! anything else with a `ValidationException`, and the console's forms,
//! which say so before sending.

use std::ops::RangeInclusive;

/// Time factors `--speed` and `POST /api/sim/speed` accept: from a
/// thousandth of real time to ten thousand times faster.
pub const SPEED: RangeInclusive<f64> = 0.001..=10_000.0;

/// Longest simulated span a control takes (a clock advance, a recovery
/// delay): ten years.
pub const MAX_SECONDS: f64 = 10.0 * 365.0 * 86_400.0;

/// Longest injected latency: the doors abandon a request after 60 s anyway.
pub const MAX_LATENCY_MILLIS: u64 = 60_000;

/// Longest text a fault carries (message, reason).
pub const MAX_TEXT_CHARS: usize = 1_024;

/// Checks an optional text named `name` against [`MAX_TEXT_CHARS`].
///
/// # Errors
/// When it is longer.
pub fn check_text(name: &str, text: Option<&str>) -> Result<(), String> {
    match text {
        Some(text) if text.chars().count() > MAX_TEXT_CHARS => Err(format!(
            "{name} must be at most {MAX_TEXT_CHARS} characters."
        )),
        _ => Ok(()),
    }
}

/// Checks a time factor.
///
/// # Errors
/// When it is not a finite number within [`SPEED`].
pub fn check_speed(speed: f64) -> Result<(), String> {
    if speed.is_finite() && SPEED.contains(&speed) {
        Ok(())
    } else {
        // Literal bounds: formatting floats would grow the console's WASM.
        Err("The speed must be a number from 0.001 to 10000.".to_owned())
    }
}

/// Checks a span of simulated seconds named `name`: positive (or zero when
/// `zero_ok`) and at most [`MAX_SECONDS`].
///
/// # Errors
/// When it is not a finite number within those bounds.
pub fn check_seconds(name: &str, seconds: f64, zero_ok: bool) -> Result<(), String> {
    let low_ok = if zero_ok {
        seconds >= 0.0
    } else {
        seconds > 0.0
    };
    if seconds.is_finite() && low_ok && seconds <= MAX_SECONDS {
        Ok(())
    } else {
        let low = if zero_ok { "from 0" } else { "greater than 0" };
        Err(format!(
            "{name} must be a number of seconds {low} and at most 315360000 (ten years)."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_messages_name_the_bounds_the_checks_use() {
        assert!(check_speed(0.0).unwrap_err().contains("0.001 to 10000"));
        assert_eq!(*SPEED.start(), 0.001);
        assert_eq!(*SPEED.end(), 10_000.0);
        assert!(
            check_seconds("s", -1.0, true)
                .unwrap_err()
                .contains("315360000")
        );
        assert_eq!(MAX_SECONDS, 315_360_000.0);
    }
}
