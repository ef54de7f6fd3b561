//! Constrained integer members.

/// Declares a `u32` newtype bounded to `min..=max`, deserialized from any
/// JSON integer; out of range is a [`ValidationError`] naming the bound.
macro_rules! bounded_u32 {
    ($(#[$meta:meta])* $name:ident, $min:literal ..= $max:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name(u32);

        impl $name {
            /// The smallest accepted value.
            pub const MIN: u32 = $min;
            /// The largest accepted value.
            pub const MAX: u32 = $max;

            /// Validates the range.
            ///
            /// # Errors
            /// The violated range constraint.
            pub fn parse(value: i64) -> Result<Self, $crate::validation::ValidationError> {
                use $crate::validation::ValidationError;
                if value < i64::from(Self::MIN) {
                    return Err(ValidationError::min_value(value.to_string(), i64::from(Self::MIN)));
                }
                if value > i64::from(Self::MAX) {
                    return Err(ValidationError::max_value(value.to_string(), i64::from(Self::MAX)));
                }
                Ok(Self(u32::try_from(value).unwrap_or(Self::MAX)))
            }

            /// The value.
            #[must_use]
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = $crate::validation::ValidationError;

            fn try_from(value: i64) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> Self {
                i64::from(value.0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

pub(crate) use bounded_u32;

bounded_u32!(
    /// `MaxResults`: a page size of at least 1 (up to an AWS `Integer`).
    MaxResults,
    1 ..= 2147483647
);
bounded_u32!(
    /// `BackupRetentionCountDefinition` (CreateServer): at least 1 (up to
    /// an AWS `Integer`).
    BackupRetentionCount,
    1 ..= 2147483647
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_results() {
        assert_eq!(MaxResults::parse(1).unwrap().get(), 1);
        assert_eq!(
            MaxResults::parse(0).unwrap_err().to_string(),
            "Value '0' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        assert!(MaxResults::parse(-5).is_err());
        assert!(MaxResults::parse(i64::from(i32::MAX) + 1).is_err());
        let parsed: MaxResults = serde_json::from_str("25").unwrap();
        assert_eq!(parsed.get(), 25);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "25");
        let error = serde_json::from_str::<MaxResults>("0")
            .unwrap_err()
            .to_string();
        assert!(error.contains("greater than or equal to 1"), "{error}");
        assert!(BackupRetentionCount::parse(0).is_err());
        assert_eq!(BackupRetentionCount::parse(30).unwrap().to_string(), "30");
    }
}
