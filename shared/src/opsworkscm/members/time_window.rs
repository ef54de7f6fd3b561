//! `TimeWindowDefinition`: `DDD:HH:MM` (weekly) or `HH:MM` (daily), in UTC.

use crate::validation::ValidationError;
use chrono::{DateTime, Datelike, Days, NaiveTime, Utc, Weekday};
use std::cmp::Ordering;
use std::fmt;

/// Pattern of `TimeWindowDefinition`.
const TIME_WINDOW_PATTERN: &str =
    "^((Mon|Tue|Wed|Thu|Fri|Sat|Sun):)?([0-1][0-9]|2[0-3]):[0-5][0-9]$";

/// A maintenance or backup window start: daily `HH:MM` or weekly `DDD:HH:MM` (UTC).
///
/// Serializes as its canonical string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeWindow {
    day: Option<Weekday>,
    hour: u8,
    minute: u8,
}

/// The three-letter day names of the pattern.
fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Mon",
        Weekday::Tue => "Tue",
        Weekday::Wed => "Wed",
        Weekday::Thu => "Thu",
        Weekday::Fri => "Fri",
        Weekday::Sat => "Sat",
        Weekday::Sun => "Sun",
    }
}

/// Parses exactly two ASCII digits.
fn two_digits(s: &str) -> Option<u8> {
    let bytes = s.as_bytes();
    (bytes.len() == 2 && bytes.iter().all(u8::is_ascii_digit))
        .then(|| (bytes[0] - b'0') * 10 + (bytes[1] - b'0'))
}

impl TimeWindow {
    /// The model's pattern.
    pub const PATTERN: &'static str = TIME_WINDOW_PATTERN;

    /// Parses `HH:MM` or `DDD:HH:MM`.
    ///
    /// # Errors
    /// The pattern constraint when `value` is not a window.
    pub fn parse(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        Self::parse_str(&value).ok_or_else(|| ValidationError::pattern(value, TIME_WINDOW_PATTERN))
    }

    /// Parses without building an error.
    fn parse_str(value: &str) -> Option<Self> {
        let (day, time) = match value.len() {
            5 => (None, value),
            9 => {
                let day = match value.get(..4)? {
                    "Mon:" => Weekday::Mon,
                    "Tue:" => Weekday::Tue,
                    "Wed:" => Weekday::Wed,
                    "Thu:" => Weekday::Thu,
                    "Fri:" => Weekday::Fri,
                    "Sat:" => Weekday::Sat,
                    "Sun:" => Weekday::Sun,
                    _ => return None,
                };
                (Some(day), value.get(4..)?)
            }
            _ => return None,
        };
        let (hour, minute) = time.split_once(':')?;
        Self::build(day, two_digits(hour)?, two_digits(minute)?)
    }

    /// Builds a window when hour and minute are in range.
    fn build(day: Option<Weekday>, hour: u8, minute: u8) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(Self { day, hour, minute })
    }

    /// A daily window `HH:MM`.
    ///
    /// # Errors
    /// When `hour > 23` or `minute > 59`.
    pub fn daily(hour: u8, minute: u8) -> Result<Self, ValidationError> {
        Self::build(None, hour, minute).ok_or_else(|| {
            ValidationError::pattern(format!("{hour:02}:{minute:02}"), TIME_WINDOW_PATTERN)
        })
    }

    /// A weekly window `DDD:HH:MM`.
    ///
    /// # Errors
    /// When `hour > 23` or `minute > 59`.
    pub fn weekly(day: Weekday, hour: u8, minute: u8) -> Result<Self, ValidationError> {
        Self::build(Some(day), hour, minute).ok_or_else(|| {
            let day = day_name(day);
            ValidationError::pattern(format!("{day}:{hour:02}:{minute:02}"), TIME_WINDOW_PATTERN)
        })
    }

    /// The weekday of a weekly window.
    #[must_use]
    pub fn day(&self) -> Option<Weekday> {
        self.day
    }

    /// Hour, 0-23 (UTC).
    #[must_use]
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// Minute, 0-59.
    #[must_use]
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// How often the window comes round: a day, or a week for a weekly one.
    #[must_use]
    pub fn period(&self) -> chrono::Duration {
        chrono::Duration::days(if self.day.is_some() { 7 } else { 1 })
    }

    /// The first start of this window strictly after `after`.
    #[must_use]
    pub fn next_start_after(&self, after: DateTime<Utc>) -> DateTime<Utc> {
        let time =
            NaiveTime::from_hms_opt(self.hour.into(), self.minute.into(), 0).unwrap_or_default();
        let mut date = after.date_naive();
        // A weekly window comes round within eight days. Near the end of
        // chrono's calendar there may be none: never, instead of a loop
        // that never ends.
        for _ in 0..=8 {
            let candidate = date.and_time(time).and_utc();
            if candidate > after && self.day.is_none_or(|d| d == date.weekday()) {
                return candidate;
            }
            match date.checked_add_days(Days::new(1)) {
                Some(next) => date = next,
                None => break,
            }
        }
        DateTime::<Utc>::MAX_UTC
    }

    /// Sort key: weekly windows by weekday from Monday, daily ones first.
    fn key(&self) -> (Option<u32>, u8, u8) {
        (
            self.day.map(|d| d.num_days_from_monday()),
            self.hour,
            self.minute,
        )
    }
}

impl PartialOrd for TimeWindow {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TimeWindow {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for TimeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (hour, minute) = (self.hour, self.minute);
        if let Some(day) = self.day {
            let day = day_name(day);
            write!(f, "{day}:")?;
        }
        write!(f, "{hour:02}:{minute:02}")
    }
}

impl std::str::FromStr for TimeWindow {
    type Err = ValidationError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl TryFrom<String> for TimeWindow {
    type Error = ValidationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<TimeWindow> for String {
    fn from(value: TimeWindow) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn at_the_end_of_the_calendar_there_is_no_next_start_and_no_endless_loop() {
        let last_day = DateTime::<Utc>::MAX_UTC;
        for window in ["Mon:08:00", "Sun:23:59", "08:00"] {
            let window = TimeWindow::parse(window).unwrap();
            assert_eq!(window.next_start_after(last_day), DateTime::<Utc>::MAX_UTC);
        }
    }

    #[test]
    fn parses_daily_and_weekly() {
        let daily = TimeWindow::parse("08:00").unwrap();
        assert_eq!((daily.day(), daily.hour(), daily.minute()), (None, 8, 0));
        let weekly = TimeWindow::parse("Tue:23:59").unwrap();
        assert_eq!(
            (weekly.day(), weekly.hour(), weekly.minute()),
            (Some(Weekday::Tue), 23, 59)
        );
        assert_eq!(weekly.to_string(), "Tue:23:59");
        assert_eq!(
            TimeWindow::weekly(Weekday::Sun, 0, 5).unwrap().to_string(),
            "Sun:00:05"
        );
        assert_eq!(TimeWindow::daily(7, 30).unwrap().to_string(), "07:30");
        assert!(TimeWindow::daily(24, 0).is_err());
        assert!(TimeWindow::weekly(Weekday::Mon, 1, 60).is_err());
    }

    #[test]
    fn rejects_off_pattern() {
        for bad in [
            "",
            "8:00",
            "24:00",
            "23:60",
            "tue:08:00",
            "Tues:08:00",
            "Tue-08:00",
            "08:00 ",
            "Mon:",
            "0800",
            "+8:00",
            "Mon:8:000",
        ] {
            assert_eq!(
                TimeWindow::parse(bad).unwrap_err().to_string(),
                format!(
                    "Value '{bad}' failed to satisfy constraint: Member must satisfy regular expression pattern: {TIME_WINDOW_PATTERN}"
                )
            );
        }
    }

    #[test]
    fn serde_as_string() {
        let window: TimeWindow = serde_json::from_str(r#""Wed:17:00""#).unwrap();
        assert_eq!(serde_json::to_string(&window).unwrap(), r#""Wed:17:00""#);
        assert!(serde_json::from_str::<TimeWindow>(r#""Wed:25:00""#).is_err());
    }

    #[test]
    fn next_start() {
        // 2024-01-03 is a Wednesday.
        let now = Utc.with_ymd_and_hms(2024, 1, 3, 10, 0, 0).unwrap();
        let daily = TimeWindow::daily(9, 0).unwrap();
        assert_eq!(
            daily.next_start_after(now),
            Utc.with_ymd_and_hms(2024, 1, 4, 9, 0, 0).unwrap()
        );
        let later = TimeWindow::daily(11, 0).unwrap();
        assert_eq!(
            later.next_start_after(now),
            Utc.with_ymd_and_hms(2024, 1, 3, 11, 0, 0).unwrap()
        );
        let weekly = TimeWindow::weekly(Weekday::Wed, 10, 0).unwrap();
        assert_eq!(
            weekly.next_start_after(now),
            Utc.with_ymd_and_hms(2024, 1, 10, 10, 0, 0).unwrap()
        );
        let monday = TimeWindow::weekly(Weekday::Mon, 3, 0).unwrap();
        assert_eq!(
            monday.next_start_after(now),
            Utc.with_ymd_and_hms(2024, 1, 8, 3, 0, 0).unwrap()
        );
    }
}
