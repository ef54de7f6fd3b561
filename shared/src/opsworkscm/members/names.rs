//! Names, ids and free-text members of the OpsWorks CM model.

use crate::validation::matchers::is_single_line;
use crate::validation::string_newtype;
use crate::validation::{ValidationError, check_length, check_pattern};

/// Pattern of `ServerName`.
const SERVER_NAME_PATTERN: &str = r"[a-zA-Z][a-zA-Z0-9\-]*";
/// Pattern of `BackupId`.
const BACKUP_ID_PATTERN: &str = r"[a-zA-Z][a-zA-Z0-9\-\.\:]*";
/// Pattern of `NodeName`.
const NODE_NAME_PATTERN: &str = r"^[\-\p{Alnum}_:.]+$";
/// Pattern of `KeyPair`.
const KEY_PAIR_PATTERN: &str = ".*";
/// Pattern of `AttributeName`.
const ATTRIBUTE_NAME_PATTERN: &str = "[A-Z][A-Z0-9_]*";
/// Maximum length of the generic `String` shape and most free-text members.
const TEXT_MAX: usize = 10_000;

/// A first character from `first` followed by characters from `rest`.
fn head_tail(s: &str, first: impl Fn(char) -> bool, rest: impl Fn(char) -> bool) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(first) && chars.all(rest)
}

fn check_server_name(s: &str) -> Result<(), ValidationError> {
    check_length(s, 1, 40)?;
    let ok = head_tail(
        s,
        |c| c.is_ascii_alphabetic(),
        |c| c.is_ascii_alphanumeric() || c == '-',
    );
    check_pattern(s, SERVER_NAME_PATTERN, ok)
}

fn check_backup_id(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 79)?;
    let ok = head_tail(
        s,
        |c| c.is_ascii_alphabetic(),
        |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':'),
    );
    check_pattern(s, BACKUP_ID_PATTERN, ok)
}

fn check_node_name(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, TEXT_MAX)?;
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'));
    check_pattern(s, NODE_NAME_PATTERN, ok)
}

fn check_key_pair(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, TEXT_MAX)?;
    check_pattern(s, KEY_PAIR_PATTERN, is_single_line(s))
}

fn check_attribute_name(s: &str) -> Result<(), ValidationError> {
    check_length(s, 1, 64)?;
    let ok = head_tail(
        s,
        |c| c.is_ascii_uppercase(),
        |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_',
    );
    check_pattern(s, ATTRIBUTE_NAME_PATTERN, ok)
}

fn check_text(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, TEXT_MAX)
}

string_newtype!(
    /// `ServerName`: 1-40 characters, `[a-zA-Z][a-zA-Z0-9\-]*`.
    ServerName,
    check_server_name
);
string_newtype!(
    /// `BackupId`: at most 79 characters, `[a-zA-Z][a-zA-Z0-9\-\.\:]*`
    /// (the service generates `ServerName-yyyyMMddHHmmssSSS`).
    BackupId,
    check_backup_id
);
string_newtype!(
    /// `NodeName`: at most 10000 characters, `^[\-\p{Alnum}_:.]+$`.
    NodeName,
    check_node_name
);
string_newtype!(
    /// `KeyPair`: an EC2 key pair name, at most 10000 characters, one line.
    KeyPair,
    check_key_pair
);
string_newtype!(
    /// `AttributeName` (UpdateServerEngineAttributes): 1-64 characters, `[A-Z][A-Z0-9_]*`.
    AttributeName,
    check_attribute_name
);
string_newtype!(
    /// `NextToken`: an opaque pagination token, at most 10000 characters.
    NextToken,
    check_text
);
string_newtype!(
    /// The model's generic `String` shape: at most 10000 characters of anything.
    ///
    /// Used for Engine, EngineModel, EngineVersion, InstanceType, Description,
    /// ExportAttributeName, NodeAssociationStatusToken, security group and subnet ids.
    Text,
    check_text
);
string_newtype!(
    /// `EngineAttributeName`: at most 10000 characters.
    EngineAttributeName,
    check_text
);
string_newtype!(
    /// `EngineAttributeValue`: at most 10000 characters.
    sensitive EngineAttributeValue,
    check_text
);

impl ServerName {
    /// Maximum length.
    pub const MAX_LENGTH: usize = 40;
    /// The model's pattern.
    pub const PATTERN: &'static str = SERVER_NAME_PATTERN;
}

impl BackupId {
    /// Maximum length.
    pub const MAX_LENGTH: usize = 79;
    /// The model's pattern.
    pub const PATTERN: &'static str = BACKUP_ID_PATTERN;
}

impl NodeName {
    /// The model's pattern.
    pub const PATTERN: &'static str = NODE_NAME_PATTERN;
}

impl AttributeName {
    /// The model's pattern.
    pub const PATTERN: &'static str = ATTRIBUTE_NAME_PATTERN;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_name() {
        for ok in ["a", "MyServer-1", &"a".repeat(40), "Z-"] {
            assert!(ServerName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["1bad", "-a", "a_b", "a b", "ä", "a\n"] {
            let error = ServerName::parse(bad).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!(
                    "Value '{bad}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9\\-]*"
                )
            );
        }
        assert_eq!(
            ServerName::parse("").unwrap_err().constraint(),
            "Member must have length greater than or equal to 1"
        );
        assert_eq!(
            ServerName::parse("a".repeat(41)).unwrap_err().constraint(),
            "Member must have length less than or equal to 40"
        );
    }

    #[test]
    fn server_name_conversions() {
        let name: ServerName = "web".parse().unwrap();
        assert_eq!(name.as_str(), "web");
        assert_eq!(name.to_string(), "web");
        assert_eq!(String::from(name.clone()), "web");
        assert_eq!(ServerName::try_from("web".to_owned()).unwrap(), name);
        assert_eq!(serde_json::to_string(&name).unwrap(), r#""web""#);
        let error = serde_json::from_str::<ServerName>(r#""9x""#).unwrap_err();
        assert!(
            error.to_string().contains("failed to satisfy constraint"),
            "{error}"
        );
    }

    #[test]
    fn backup_id() {
        for ok in ["web-20240101120000123", "a", "a.b:c-d", &"a".repeat(79)] {
            assert!(BackupId::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1a", "a/b", "a_b"] {
            assert!(
                BackupId::parse(bad)
                    .unwrap_err()
                    .constraint()
                    .contains("pattern"),
                "{bad}"
            );
        }
        assert_eq!(
            BackupId::parse("a".repeat(80)).unwrap_err().constraint(),
            "Member must have length less than or equal to 79"
        );
    }

    #[test]
    fn node_name() {
        for ok in ["i-44de882p", "node_1:a.b", "-", "Z"] {
            assert!(NodeName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "ü", "a/b", "a\n"] {
            assert!(NodeName::parse(bad).is_err(), "{bad}");
        }
        assert!(NodeName::parse("a".repeat(10_001)).is_err());
    }

    #[test]
    fn key_pair_and_text() {
        assert!(KeyPair::parse("my key").is_ok());
        assert!(KeyPair::parse("").is_ok());
        assert!(KeyPair::parse("a\nb").is_err());
        assert!(Text::parse("multi\nline ✓").is_ok());
        assert!(Text::parse("x".repeat(10_000)).is_ok());
        assert_eq!(
            Text::parse("x".repeat(10_001)).unwrap_err().constraint(),
            "Member must have length less than or equal to 10000"
        );
        assert!(NextToken::parse("").is_ok());
        assert!(EngineAttributeName::parse("CHEF_ORGANIZATION").is_ok());
    }

    #[test]
    fn attribute_name() {
        for ok in ["CHEF_PIVOTAL_KEY", "A", "A1_"] {
            assert!(AttributeName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a", "_A", "1A", "A-B", &"A".repeat(65)] {
            assert!(AttributeName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn engine_attribute_value_is_sensitive() {
        let value = EngineAttributeValue::parse("hunter2").unwrap();
        assert_eq!(format!("{value:?}"), r#""***""#);
        assert_eq!(value.as_str(), "hunter2");
        let error = EngineAttributeValue::parse("s".repeat(10_001)).unwrap_err();
        assert_eq!(error.value(), None);
        assert!(error.to_string().starts_with("Value '***' failed"));
        let json_error =
            serde_json::from_str::<EngineAttributeValue>(&format!("\"{}\"", "s".repeat(10_001)))
                .unwrap_err()
                .to_string();
        assert!(!json_error.contains("sss"), "{json_error}");
    }
}
