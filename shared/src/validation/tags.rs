//! Tag keys and values.

use super::matchers::is_separator;
use super::{ValidationError, check_length, check_pattern};

/// Pattern of `TagKey` and `TagValue`.
const TAG_PATTERN: &str = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$";

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
fn is_tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || is_separator(c)
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

fn check_tag_key(s: &str) -> Result<(), ValidationError> {
    check_length(s, 1, 128)?;
    check_pattern(s, TAG_PATTERN, s.chars().all(is_tag_char))
}

fn check_tag_value(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 256)?;
    check_pattern(s, TAG_PATTERN, s.chars().all(is_tag_char))
}

string_newtype!(
    /// `TagKey`: 1-128 letters, numbers, spaces and `_.:/=+-@`.
    TagKey,
    check_tag_key
);
string_newtype!(
    /// `TagValue`: 0-256 letters, numbers, spaces and `_.:/=+-@`.
    TagValue,
    check_tag_value
);

impl TagKey {
    /// The model's pattern (shared with `TagValue`).
    pub const PATTERN: &'static str = TAG_PATTERN;
    /// Keys starting with this prefix are reserved by AWS.
    pub const RESERVED_PREFIX: &'static str = "aws:";
}

/// Why a request's set of tags is refused; each service answers it with its
/// own error code (OpsWorks CM: ValidationException; CloudHSM:
/// CloudHsmTagException), and the console shows it before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagSetViolation {
    /// A key starts with `aws:` (in any case).
    Reserved(String),
    /// A key appears twice.
    Duplicate(String),
    /// More tags than the resource may have.
    TooMany {
        /// The most allowed.
        limit: usize,
        /// How many were given.
        given: usize,
    },
}

impl std::fmt::Display for TagSetViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Reserved(key) => write!(
                f,
                "Tag key '{key}' uses the reserved prefix '{}'.",
                TagKey::RESERVED_PREFIX
            ),
            Self::Duplicate(key) => write!(f, "Tag key '{key}' appears more than once."),
            Self::TooMany { limit, given } => write!(
                f,
                "A resource can have at most {limit} tags; the request has {given}."
            ),
        }
    }
}

impl TagKey {
    /// Whether `key` starts with the reserved `aws:` prefix, in any case
    /// (AWS refuses `AWS:` and `Aws:` too).
    #[must_use]
    pub fn is_reserved(key: &str) -> bool {
        key.get(..Self::RESERVED_PREFIX.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(Self::RESERVED_PREFIX))
    }
}

/// Checks a request's tag keys as a set: none reserved, none twice, at most
/// `limit` (`None`: no limit here). The first violation, in key order.
///
/// # Errors
/// The first rule a key breaks, or [`TagSetViolation::TooMany`].
pub fn check_tag_set<'a>(
    keys: impl IntoIterator<Item = &'a str>,
    limit: Option<usize>,
) -> Result<(), TagSetViolation> {
    let mut seen: Vec<&str> = Vec::new();
    for key in keys {
        if TagKey::is_reserved(key) {
            return Err(TagSetViolation::Reserved(key.to_owned()));
        }
        if seen.contains(&key) {
            return Err(TagSetViolation::Duplicate(key.to_owned()));
        }
        seen.push(key);
    }
    match limit {
        Some(limit) if seen.len() > limit => Err(TagSetViolation::TooMany {
            limit,
            given: seen.len(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_set_is_checked_for_reserved_duplicate_and_too_many_keys() {
        assert_eq!(check_tag_set(["a", "b"], Some(2)), Ok(()));
        for reserved in ["aws:x", "AWS:x", "Aws:Owner"] {
            assert_eq!(
                check_tag_set(["ok", reserved], None),
                Err(TagSetViolation::Reserved(reserved.to_owned())),
                "{reserved}"
            );
        }
        assert_eq!(check_tag_set(["awsx", "aw"], None), Ok(()));
        assert_eq!(
            check_tag_set(["a", "b", "a"], None),
            Err(TagSetViolation::Duplicate("a".to_owned()))
        );
        assert_eq!(
            check_tag_set(["a", "b", "c"], Some(2)),
            Err(TagSetViolation::TooMany { limit: 2, given: 3 })
        );
        assert_eq!(
            TagSetViolation::Reserved("AWS:x".to_owned()).to_string(),
            "Tag key 'AWS:x' uses the reserved prefix 'aws:'."
        );
    }

    #[test]
    fn tag_key() {
        for ok in [
            "Stage",
            "cost center",
            "a:b/c=d+e-f@g_h.i",
            "Größe",
            "日本語",
            "٣",
            "\u{3000}x",
            &"k".repeat(128),
        ] {
            assert!(TagKey::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            TagKey::parse("").unwrap_err().constraint(),
            "Member must have length greater than or equal to 1"
        );
        assert!(TagKey::parse("k".repeat(129)).is_err());
        for bad in ["a*b", "a\tb", "a\nb", "😀", "a#b", "a,b"] {
            assert_eq!(
                TagKey::parse(bad).unwrap_err().constraint(),
                r"Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$",
                "{bad}"
            );
        }
    }

    #[test]
    fn tag_value() {
        assert!(TagValue::parse("").is_ok());
        assert!(TagValue::parse("v".repeat(256)).is_ok());
        assert!(TagValue::parse("v".repeat(257)).is_err());
        assert!(TagValue::parse("ça va").is_ok());
        assert!(TagValue::parse("a;b").is_err());
    }
}
