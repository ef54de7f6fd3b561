//! Timestamps in the AWS JSON protocol format: epoch seconds as a JSON number.
//!
//! The awsJson default timestamp format is a number of seconds since the Unix
//! epoch, possibly fractional (`1469799527.52`). These helpers keep millisecond
//! precision: whole seconds serialize as an integer, anything else as a float.

use chrono::{DateTime, Utc};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

/// Serializes a timestamp as epoch seconds (millisecond precision).
fn serialize_time<S: Serializer>(value: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    let millis = value.timestamp_millis();
    if millis % 1000 == 0 {
        serializer.serialize_i64(millis / 1000)
    } else {
        #[expect(
            clippy::cast_precision_loss,
            reason = "epoch milliseconds fit in the 53-bit mantissa until year 285616"
        )]
        let seconds = millis as f64 / 1000.0;
        serializer.serialize_f64(seconds)
    }
}

/// Converts epoch seconds (possibly fractional) to a timestamp, rounded to
/// the millisecond.
fn from_seconds_f64(seconds: f64) -> Option<DateTime<Utc>> {
    if !seconds.is_finite() {
        return None;
    }
    let millis = (seconds * 1000.0).round();
    if millis.abs() > 9.0e15 {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "range checked above and the value is already rounded"
    )]
    let millis = millis as i64;
    DateTime::from_timestamp_millis(millis)
}

/// Visitor accepting integer or float epoch seconds.
struct EpochVisitor;

impl Visitor<'_> for EpochVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp in epoch seconds")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        DateTime::from_timestamp(v, 0).ok_or_else(|| E::custom("timestamp out of range"))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let v = i64::try_from(v).map_err(|_| E::custom("timestamp out of range"))?;
        self.visit_i64(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        from_seconds_f64(v).ok_or_else(|| E::custom("timestamp out of range"))
    }
}

/// Visitor for an optional timestamp.
struct OptionEpochVisitor;

impl<'de> Visitor<'de> for OptionEpochVisitor {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp in epoch seconds or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(EpochVisitor).map(Some)
    }
}

/// `#[serde(with = "shared::time::epoch_seconds")]` for `DateTime<Utc>`.
pub mod epoch_seconds {
    use chrono::{DateTime, Utc};
    use serde::{Deserializer, Serializer};

    /// Serializes as epoch seconds (integer when whole, else a float).
    ///
    /// # Errors
    /// Only the serializer's own errors.
    pub fn serialize<S: Serializer>(
        value: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::serialize_time(value, serializer)
    }

    /// Deserializes integer or fractional epoch seconds.
    ///
    /// # Errors
    /// When the input is not a number or is out of range.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        deserializer.deserialize_any(super::EpochVisitor)
    }
}

/// `#[serde(default, with = "shared::time::epoch_seconds_option")]` for
/// `Option<DateTime<Utc>>` (in a `#[serde_with::skip_serializing_none]`
/// structure, which leaves `None` out).
pub mod epoch_seconds_option {
    use chrono::{DateTime, Utc};
    use serde::{Deserializer, Serializer};

    /// Serializes `Some` as epoch seconds and `None` as `null`.
    ///
    /// # Errors
    /// Only the serializer's own errors.
    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::serialize_time(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes epoch seconds or `null`.
    ///
    /// # Errors
    /// When the input is neither a number nor null, or is out of range.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        deserializer.deserialize_option(super::OptionEpochVisitor)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use serde::{Deserialize, Serialize};

    #[serde_with::skip_serializing_none]
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Stamp {
        #[serde(with = "super::epoch_seconds")]
        at: DateTime<Utc>,
        #[serde(default, with = "super::epoch_seconds_option")]
        maybe: Option<DateTime<Utc>>,
    }

    #[test]
    fn whole_seconds_serialize_as_integer() {
        let at = Utc.timestamp_opt(1_469_799_527, 0).unwrap();
        let json = serde_json::to_string(&Stamp { at, maybe: None }).unwrap();
        assert_eq!(json, r#"{"at":1469799527}"#);
    }

    #[test]
    fn fractional_seconds_round_trip() {
        let stamp: Stamp =
            serde_json::from_str(r#"{"at":1469799527.52,"maybe":1469799527}"#).unwrap();
        assert_eq!(stamp.at.timestamp_millis(), 1_469_799_527_520);
        assert_eq!(stamp.maybe.unwrap().timestamp(), 1_469_799_527);
        let json = serde_json::to_string(&stamp).unwrap();
        assert_eq!(json, r#"{"at":1469799527.52,"maybe":1469799527}"#);
        let again: Stamp = serde_json::from_str(&json).unwrap();
        assert_eq!(again, stamp);
    }

    #[test]
    fn optional_null_and_missing() {
        let stamp: Stamp = serde_json::from_str(r#"{"at":0,"maybe":null}"#).unwrap();
        assert_eq!(stamp.maybe, None);
        let stamp: Stamp = serde_json::from_str(r#"{"at":0}"#).unwrap();
        assert_eq!(stamp.maybe, None);
    }

    #[test]
    fn strings_are_rejected() {
        assert!(serde_json::from_str::<Stamp>(r#"{"at":"2016-07-29"}"#).is_err());
    }
}
