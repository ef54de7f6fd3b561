//! Admin passwords: generation and validation.
//!
//! Chef Automate (`CHEF_DELIVERY_ADMIN_PASSWORD`, also spelled
//! `CHEF_AUTOMATE_ADMIN_PASSWORD`): 8 to 32 characters from letters, digits
//! and `!/@#$%^&+=_`, with at least one lower-case letter, one upper-case
//! letter, one digit and one special character. Puppet
//! (`PUPPET_ADMIN_PASSWORD`): ASCII characters.

use rand::Rng as _;
use rand::seq::{IndexedRandom as _, SliceRandom as _};

use super::ArtifactError;

/// The special characters allowed in Chef Automate admin passwords.
pub const SPECIAL_CHARACTERS: &str = "!/@#$%^&+=_";
/// Minimum admin password length.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Maximum admin password length.
pub const MAX_PASSWORD_LEN: usize = 32;

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";

fn generate() -> String {
    let mut rng = rand::rng();
    let special = SPECIAL_CHARACTERS.as_bytes();
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, special].concat();
    let len = rng.random_range(16..=24);
    let mut chars: Vec<u8> = [LOWER, UPPER, DIGITS, special]
        .iter()
        .filter_map(|class| class.choose(&mut rng).copied())
        .collect();
    while chars.len() < len {
        if let Some(c) = all.choose(&mut rng) {
            chars.push(*c);
        }
    }
    chars.shuffle(&mut rng);
    chars.into_iter().map(char::from).collect()
}

/// Generates a Chef Automate admin password: 16 to 24 characters that
/// satisfy [`validate_admin_password`].
pub fn generate_admin_password() -> String {
    generate()
}

/// Generates a Puppet Enterprise admin password (ASCII; the same shape as
/// [`generate_admin_password`], so it also satisfies the Chef rules).
pub fn generate_puppet_admin_password() -> String {
    generate()
}

fn invalid(attribute: &str, reason: impl Into<String>) -> ArtifactError {
    ArtifactError::InvalidPassword {
        attribute: attribute.to_owned(),
        reason: reason.into(),
    }
}

/// Checks a user-supplied Chef Automate admin password
/// (`CHEF_DELIVERY_ADMIN_PASSWORD`) against the service's rules.
pub fn validate_admin_password(password: &str) -> Result<(), ArtifactError> {
    const ATTRIBUTE: &str = "CHEF_DELIVERY_ADMIN_PASSWORD";
    let len = password.chars().count();
    if !(MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&len) {
        return Err(invalid(
            ATTRIBUTE,
            format!(
                "it must be {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters long (it has {len})"
            ),
        ));
    }
    if let Some(bad) = password
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !SPECIAL_CHARACTERS.contains(*c))
    {
        let shown = if bad.is_ascii_graphic() {
            format!("'{bad}'")
        } else {
            format!("U+{:04X}", u32::from(bad))
        };
        return Err(invalid(
            ATTRIBUTE,
            format!(
                "the character {shown} is not allowed; use letters, numbers and {SPECIAL_CHARACTERS}"
            ),
        ));
    }
    let has = |check: fn(&char) -> bool| password.chars().any(|c| check(&c));
    let missing = if !has(char::is_ascii_lowercase) {
        Some("one lower case letter")
    } else if !has(char::is_ascii_uppercase) {
        Some("one upper case letter")
    } else if !has(char::is_ascii_digit) {
        Some("one number")
    } else if !password.chars().any(|c| SPECIAL_CHARACTERS.contains(c)) {
        Some("one special character")
    } else {
        None
    };
    if let Some(what) = missing {
        return Err(invalid(
            ATTRIBUTE,
            format!("it must contain at least {what}"),
        ));
    }
    Ok(())
}

/// Checks a user-supplied Puppet admin password (`PUPPET_ADMIN_PASSWORD`).
/// The reference only requires ASCII characters; control characters and the
/// empty string are rejected as well.
pub fn validate_puppet_admin_password(password: &str) -> Result<(), ArtifactError> {
    const ATTRIBUTE: &str = "PUPPET_ADMIN_PASSWORD";
    if let Some(bad) = password
        .chars()
        .find(|c| !c.is_ascii() || c.is_ascii_control())
    {
        return Err(invalid(
            ATTRIBUTE,
            format!(
                "it must use printable ASCII characters (found U+{:04X})",
                u32::from(bad)
            ),
        ));
    }
    if password.is_empty() {
        return Err(invalid(ATTRIBUTE, "it must not be empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_follow_the_rules() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            for pw in [generate_admin_password(), generate_puppet_admin_password()] {
                assert!((16..=24).contains(&pw.len()), "{pw}");
                validate_admin_password(&pw).unwrap_or_else(|e| panic!("{pw}: {e}"));
                validate_puppet_admin_password(&pw).unwrap_or_else(|e| panic!("{pw}: {e}"));
                assert!(pw.chars().any(|c| c.is_ascii_lowercase()));
                assert!(pw.chars().any(|c| c.is_ascii_uppercase()));
                assert!(pw.chars().any(|c| c.is_ascii_digit()));
                assert!(pw.chars().any(|c| SPECIAL_CHARACTERS.contains(c)));
                seen.insert(pw);
            }
        }
        assert_eq!(seen.len(), 2000, "passwords repeat");
    }

    #[test]
    fn bad_chef_passwords_are_rejected() {
        for (pw, fragment) in [
            ("Ab1!", "8 to 32"),
            ("Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!Ab1!x", "8 to 32"),
            ("abcdefg1!", "upper case"),
            ("ABCDEFG1!", "lower case"),
            ("Abcdefgh!", "number"),
            ("Abcdefgh1", "special"),
            ("Abcdefg1! ", "U+0020"),
            ("Abcdefg1!é", "U+00E9"),
            ("Abcdefg1*", "'*'"),
        ] {
            let err = validate_admin_password(pw).expect_err(pw);
            let msg = err.to_string();
            assert!(
                msg.starts_with("CHEF_DELIVERY_ADMIN_PASSWORD is not a valid password: "),
                "{msg}"
            );
            assert!(msg.contains(fragment), "{pw}: {msg}");
            assert!(err.is_validation());
        }
        validate_admin_password("Passw0rd!").unwrap();
        validate_admin_password("aA1!/@#$%^&+=_").unwrap();
    }

    #[test]
    fn puppet_passwords() {
        validate_puppet_admin_password("any ascii * works 1").unwrap();
        assert!(validate_puppet_admin_password("").is_err());
        assert!(validate_puppet_admin_password("pässwörter").is_err());
        assert!(validate_puppet_admin_password("tab\there!!").is_err());
    }
}
