//! Playing skipped time cheaply: which occurrences of periodic work a clock
//! jump must still run for the state to be as if the time had passed.

use chrono::{DateTime, Duration, Utc};

/// Of the occurrences `first`, `first + period`, … up to `until`, the first
/// of the last `keep` (those whose results survive); `first` itself when
/// there are no more than `keep`.
pub(crate) fn first_kept(
    first: DateTime<Utc>,
    period: Duration,
    until: DateTime<Utc>,
    keep: usize,
) -> DateTime<Utc> {
    let period_s = period.num_seconds().max(1);
    let span = (until - first).num_seconds();
    if span < 0 {
        return first;
    }
    let occurrences = span / period_s + 1;
    let keep = i64::try_from(keep).unwrap_or(i64::MAX).max(1);
    let skip = occurrences.saturating_sub(keep);
    if skip <= 0 {
        return first;
    }
    first
        .checked_add_signed(Duration::seconds(skip.saturating_mul(period_s)))
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, d, 3, 0, 0).unwrap()
    }

    #[test]
    fn few_occurrences_are_all_kept() {
        assert_eq!(first_kept(day(1), Duration::days(1), day(3), 3), day(1));
        assert_eq!(first_kept(day(1), Duration::days(1), day(3), 5), day(1));
        assert_eq!(first_kept(day(5), Duration::days(1), day(3), 1), day(5));
    }

    #[test]
    fn only_the_last_kept_occurrences_run() {
        // Windows on the 1st..10th at 03:00; keep 2: the 9th and 10th.
        assert_eq!(first_kept(day(1), Duration::days(1), day(10), 2), day(9));
        // `until` between two windows counts the last one before it.
        let until = day(10) + Duration::hours(5);
        assert_eq!(first_kept(day(1), Duration::days(1), until, 1), day(10));
        // Weekly.
        assert_eq!(first_kept(day(1), Duration::days(7), day(29), 2), day(22));
    }

    #[test]
    fn a_ten_thousand_year_span_does_not_overflow() {
        let until = Utc.with_ymd_and_hms(9000, 1, 1, 0, 0, 0).unwrap();
        let kept = first_kept(day(1), Duration::days(1), until, 3);
        assert!(kept < until && until - kept < Duration::days(3));
    }
}
