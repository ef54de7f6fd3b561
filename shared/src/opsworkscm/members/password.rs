//! Admin passwords of the Chef Automate and Puppet Enterprise dashboards.

use crate::validation::ValidationError;

/// The special characters a password may (and must) use.
const SPECIALS: &str = "!/@#$%^&+=_";

/// The rule, as a `ValidationError` constraint.
const CONSTRAINT: &str = "Member must be 8-32 characters long, use only letters, digits and the special characters !/@#$%^&+=_, and contain at least one lower-case letter, one upper-case letter, one digit and one special character";

/// An admin password (`CHEF_AUTOMATE_ADMIN_PASSWORD`, `PUPPET_ADMIN_PASSWORD`):
/// 8-32 characters of ASCII letters, digits and `!/@#$%^&+=_`, with at least one
/// lower-case letter, one upper-case letter, one digit and one special character.
///
/// Sensitive: `Debug` prints `"***"` and validation errors do not echo the value.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AdminPassword(String);

impl AdminPassword {
    /// Checks the password rules.
    ///
    /// # Errors
    /// The rule (without echoing the password) when it is not met.
    pub fn parse(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        let allowed = |c: char| c.is_ascii_alphanumeric() || SPECIALS.contains(c);
        let ok = (8..=32).contains(&value.len())
            && value.chars().all(allowed)
            && value.chars().any(|c| c.is_ascii_lowercase())
            && value.chars().any(|c| c.is_ascii_uppercase())
            && value.chars().any(|c| c.is_ascii_digit())
            && value.chars().any(|c| SPECIALS.contains(c));
        if ok {
            Ok(Self(value))
        } else {
            Err(ValidationError::sensitive(CONSTRAINT))
        }
    }

    /// The rule as a sentence for forms.
    #[must_use]
    pub fn rules() -> &'static str {
        "The password must be 8 to 32 characters long and contain at least one lower-case letter, one upper-case letter, one number and one special character from !/@#$%^&+=_ (no other characters are allowed)."
    }

    /// The password.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Unwraps the password.
    #[must_use]
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for AdminPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

impl std::fmt::Display for AdminPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for AdminPassword {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for AdminPassword {
    type Err = ValidationError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl TryFrom<String> for AdminPassword {
    type Error = ValidationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<AdminPassword> for String {
    fn from(value: AdminPassword) -> Self {
        value.0
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
