//! Validation of constrained input members ("parse, don't validate").
//!
//! The machinery both services' members are built with: [`ValidationError`]
//! renders the AWS wording (`Value '...' failed to satisfy constraint:
//! ...`); `string_newtype!` and `bounded_u32!` declare newtypes whose only
//! constructor checks length and pattern, or range; the patterns are matched
//! by hand (`matchers`), equivalently to Java's `String.matches`; and one
//! tag-set parser whose violations each service maps to its own error code.
//! The newtypes themselves live with their service (`crate::opsworkscm`'s
//! members, `crate::cloudhsmv2`'s ids).

use std::fmt;

/// Declares a validating `String` newtype.
///
/// `string_newtype!(/// doc\n Name, check_fn);` or, for sensitive members whose
/// value must never be echoed, `string_newtype!(/// doc\n sensitive Name, check_fn);`.
/// `check_fn: fn(&str) -> Result<(), ValidationError>`.
macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident, $check:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        string_newtype!(@impls $name, $check, false);
    };
    ($(#[$meta:meta])* sensitive $name:ident, $check:path) => {
        $(#[$meta])*
        ///
        /// Sensitive: `Debug` prints `"***"` and validation errors do not echo the value.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"***\"")
            }
        }

        string_newtype!(@impls $name, $check, true);
    };
    (@impls $name:ident, $check:path, $sensitive:expr) => {
        impl $name {
            /// Validates `value` against the member's constraints and wraps it.
            ///
            /// # Errors
            /// The first violated constraint, in AWS wording.
            pub fn parse(value: impl Into<String>) -> Result<Self, $crate::validation::ValidationError> {
                let value = value.into();
                match $check(&value) {
                    Ok(()) => Ok(Self(value)),
                    Err(error) if $sensitive => Err(error.redacted()),
                    Err(error) => Err(error),
                }
            }

            /// The validated string.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the validated string.
            #[must_use]
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::validation::ValidationError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::parse(value)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::validation::ValidationError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::validation::ValidationError;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

pub(crate) use string_newtype;

mod integers;
pub(crate) mod matchers;
mod tags;

pub(crate) use integers::bounded_u32;
pub use tags::{TagKey, TagSetViolation, TagValue, check_tag_set};

/// A member value that violates its shape's constraint.
///
/// `Display` is exactly `Value '{value}' failed to satisfy constraint: {constraint}`,
/// with `***` in place of the value of sensitive members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    value: Option<String>,
    constraint: String,
}

impl ValidationError {
    /// An error echoing `value`.
    pub fn new(value: impl Into<String>, constraint: impl Into<String>) -> Self {
        Self {
            value: Some(value.into()),
            constraint: constraint.into(),
        }
    }

    /// An error for a sensitive member: the value is not kept.
    pub fn sensitive(constraint: impl Into<String>) -> Self {
        Self {
            value: None,
            constraint: constraint.into(),
        }
    }

    /// `Member must satisfy regular expression pattern: {pattern}`.
    pub fn pattern(value: impl Into<String>, pattern: &str) -> Self {
        Self::new(
            value,
            format!("Member must satisfy regular expression pattern: {pattern}"),
        )
    }

    /// `Member must have length less than or equal to {max}`.
    pub fn max_length(value: impl Into<String>, max: usize) -> Self {
        Self::new(
            value,
            format!("Member must have length less than or equal to {max}"),
        )
    }

    /// `Member must have length greater than or equal to {min}`.
    pub fn min_length(value: impl Into<String>, min: usize) -> Self {
        Self::new(
            value,
            format!("Member must have length greater than or equal to {min}"),
        )
    }

    /// `Member must have value greater than or equal to {min}`.
    pub fn min_value(value: impl Into<String>, min: i64) -> Self {
        Self::new(
            value,
            format!("Member must have value greater than or equal to {min}"),
        )
    }

    /// `Member must have value less than or equal to {max}`.
    pub fn max_value(value: impl Into<String>, max: i64) -> Self {
        Self::new(
            value,
            format!("Member must have value less than or equal to {max}"),
        )
    }

    /// `Member must satisfy enum value set: [A, B]`.
    pub fn enum_value(value: impl Into<String>, allowed: &[&str]) -> Self {
        Self::new(
            value,
            format!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            ),
        )
    }

    /// The same error without the offending value (for sensitive members).
    #[must_use]
    pub fn redacted(self) -> Self {
        Self {
            value: None,
            constraint: self.constraint,
        }
    }

    /// The offending value, `None` when the member is sensitive.
    #[must_use]
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The violated constraint, in AWS wording.
    #[must_use]
    pub fn constraint(&self) -> &str {
        &self.constraint
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.value.as_deref().unwrap_or("***");
        let constraint = &self.constraint;
        write!(
            f,
            "Value '{value}' failed to satisfy constraint: {constraint}"
        )
    }
}

impl std::error::Error for ValidationError {}

/// Length as AWS (Java) counts it: UTF-16 code units.
#[must_use]
pub fn aws_length(value: &str) -> usize {
    value.encode_utf16().count()
}

/// Checks `min <= aws_length(value) <= max`, in AWS order (min first).
///
/// # Errors
/// The length constraint that fails.
pub fn check_length(value: &str, min: usize, max: usize) -> Result<(), ValidationError> {
    let length = aws_length(value);
    if length < min {
        return Err(ValidationError::min_length(value, min));
    }
    if length > max {
        return Err(ValidationError::max_length(value, max));
    }
    Ok(())
}

/// Checks a pattern predicate, reporting `pattern` on failure.
///
/// # Errors
/// The pattern constraint when `matches` is false.
pub fn check_pattern(value: &str, pattern: &str, matches: bool) -> Result<(), ValidationError> {
    if matches {
        Ok(())
    } else {
        Err(ValidationError::pattern(value, pattern))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_echoes_value_and_constraint() {
        let error = ValidationError::max_length("x".repeat(41), 40);
        assert_eq!(
            error.to_string(),
            format!(
                "Value '{}' failed to satisfy constraint: Member must have length less than or equal to 40",
                "x".repeat(41)
            )
        );
        assert_eq!(
            ValidationError::min_length("", 1).to_string(),
            "Value '' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
        assert_eq!(
            ValidationError::min_value("0", 1).to_string(),
            "Value '0' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        assert_eq!(
            ValidationError::enum_value("X", &["A", "B"]).to_string(),
            "Value 'X' failed to satisfy constraint: Member must satisfy enum value set: [A, B]"
        );
    }

    #[test]
    fn sensitive_errors_hide_the_value() {
        let error = ValidationError::pattern("secret", "p").redacted();
        assert_eq!(error.value(), None);
        assert_eq!(
            error.to_string(),
            "Value '***' failed to satisfy constraint: Member must satisfy regular expression pattern: p"
        );
        assert_eq!(
            ValidationError::sensitive("c").to_string(),
            "Value '***' failed to satisfy constraint: c"
        );
    }

    #[test]
    fn length_counts_utf16_units() {
        assert_eq!(aws_length("ab"), 2);
        assert_eq!(aws_length("é"), 1);
        assert_eq!(aws_length("😀"), 2);
        assert!(check_length("abc", 1, 3).is_ok());
        assert!(check_length("", 1, 3).is_err());
    }
}
