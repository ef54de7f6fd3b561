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

#[cfg(test)]
mod tests {
    use super::*;

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
