//! Plain data: the domain's types and the enums of its statuses, with no storage and no rules.
//! The lowest layer above the foundation (`clock`, `ids`, `phone`, `error`, `cache`, `limits`,
//! `graph`); `store` and every service build on it.

/// Defines a string-valued enum with Meta's names: `as_str`, `parse`, `ALL`, `Display`.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Meta's name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            /// Meta's name back to the value (exact match).
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::model::WireName for $name {
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn parse(s: &str) -> Option<Self> {
                $name::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown value '{s}'")))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// An enum stored and sent by its Meta name (statuses, quality scores): lets the store read
/// and write any of them with one piece of code.
pub trait WireName: Copy + Sized + 'static {
    fn as_str(self) -> &'static str;
    fn parse(s: &str) -> Option<Self>;
}

pub mod accounts;
pub mod currency;
pub mod flows;
pub mod messages;
pub mod numbers;
pub mod payments;
pub mod pricing;
pub mod privacy;
pub mod profile;
pub mod quality;
pub mod rate_card;
pub mod settings;
pub mod templates;
pub mod tenancy;
pub mod tier;
pub mod user_ids;
pub mod webhooks;

pub use accounts::*;
pub use flows::*;
pub use messages::*;
pub use numbers::{NumberState, QrCode};
pub use pricing::*;
pub use privacy::*;
pub use profile::*;
pub use quality::*;
pub use rate_card::{RateCard, RateCardError};
pub use settings::WabaSettings;
pub use templates::*;
pub use tenancy::*;
pub use tier::Tier;
pub use user_ids::*;
pub use webhooks::*;
