//! `wire_enum!`: closed string enums with one exact wire name per variant.
//!
//! Generates `ALL`, `as_str()`, `Display`, `FromStr` (failing with the AWS
//! enum constraint text) and serde as the wire string.

/// Declares a `Copy` enum whose variants map one-to-one to wire strings.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $wire:expr,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                #[doc = concat!("`", $wire, "`")]
                $(#[$vmeta])*
                $variant,
            )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [Self; [$($wire),+].len()] = [$(Self::$variant),+];

            /// The exact wire string.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }

            /// Looks a variant up by its exact wire string.
            fn lookup(value: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|variant| variant.as_str() == value)
            }

            /// The constraint text listing every wire string.
            fn constraint() -> String {
                let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                format!("Member must satisfy enum value set: [{}]", names.join(", "))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::validation::ValidationError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::lookup(value)
                    .ok_or_else(|| $crate::validation::ValidationError::new(value, Self::constraint()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                value.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use wire_enum;
