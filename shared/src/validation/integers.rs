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
