//! Admin passwords of the Chef Automate and Puppet Enterprise dashboards.

use crate::validation::{ValidationError, string_newtype};

/// The special characters a password may (and must) use.
const SPECIALS: &str = "!/@#$%^&+=_";

/// The rule, as a `ValidationError` constraint.
const CONSTRAINT: &str = "Member must be 8-32 characters long, use only letters, digits and the special characters !/@#$%^&+=_, and contain at least one lower-case letter, one upper-case letter, one digit and one special character";

/// The password rules: 8-32 characters of ASCII letters, digits and
/// `!/@#$%^&+=_`, with at least one of each kind.
fn check_admin_password(value: &str) -> Result<(), ValidationError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || SPECIALS.contains(c);
    let ok = (8..=32).contains(&value.len())
        && value.chars().all(allowed)
        && value.chars().any(|c| c.is_ascii_lowercase())
        && value.chars().any(|c| c.is_ascii_uppercase())
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| SPECIALS.contains(c));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::sensitive(CONSTRAINT))
    }
}

string_newtype!(
    /// An admin password (`CHEF_AUTOMATE_ADMIN_PASSWORD`, `PUPPET_ADMIN_PASSWORD`):
    /// 8-32 characters of ASCII letters, digits and `!/@#$%^&+=_`, with at least one
    /// lower-case letter, one upper-case letter, one digit and one special character.
    sensitive AdminPassword,
    check_admin_password
);

impl AdminPassword {
    /// The rule as a sentence for forms.
    #[must_use]
    pub fn rules() -> &'static str {
        "The password must be 8 to 32 characters long and contain at least one lower-case letter, one upper-case letter, one number and one special character from !/@#$%^&+=_ (no other characters are allowed)."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_strong_passwords() {
        for ok in ["Passw0rd!", "aA1_aaaa", &format!("aA1@{}", "x".repeat(28))] {
            assert!(AdminPassword::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_weak_passwords_without_echo() {
        for bad in [
            "aA1!",
            "password1!",
            "PASSWORD1!",
            "Password!!",
            "Password11",
            "Pass word1!",
            "Passw0rd!*",
            "Pässw0rd!",
            &format!("aA1@{}", "x".repeat(29)),
        ] {
            let error = AdminPassword::parse(bad).unwrap_err();
            assert_eq!(error.value(), None, "{bad}");
            assert!(
                error
                    .to_string()
                    .starts_with("Value '***' failed to satisfy constraint: Member must be 8-32")
            );
        }
        assert_eq!(
            format!("{:?}", AdminPassword::parse("Passw0rd!").unwrap()),
            r#""***""#
        );
        assert!(AdminPassword::rules().contains("!/@#$%^&+=_"));
    }
}
