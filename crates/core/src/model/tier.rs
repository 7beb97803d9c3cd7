//! Messaging limit tiers: how many unique customers a business portfolio may reach with
//! business-initiated template messages (outside a customer service window) in a moving
//! 24 hours. Meta's portfolio tiers: 250 → 2,000 → 10,000 → 100,000 → unlimited.

use std::fmt;

/// A messaging limit tier, Meta's names (`whatsapp_business_manager_messaging_limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    T250,
    T2K,
    T10K,
    T100K,
    Unlimited,
}

impl Tier {
    /// Every tier, lowest first.
    pub const ALL: &'static [Tier] = &[Tier::T250, Tier::T2K, Tier::T10K, Tier::T100K, Tier::Unlimited];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::T250 => "TIER_250",
            Tier::T2K => "TIER_2K",
            Tier::T10K => "TIER_10K",
            Tier::T100K => "TIER_100K",
            Tier::Unlimited => "TIER_UNLIMITED",
        }
    }

    /// `TIER_250` … `TIER_UNLIMITED` (case-insensitive).
    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.iter().copied().find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Unique customers per moving 24 hours; `None` for unlimited.
    pub fn limit(self) -> Option<i64> {
        match self {
            Tier::T250 => Some(250),
            Tier::T2K => Some(2_000),
            Tier::T10K => Some(10_000),
            Tier::T100K => Some(100_000),
            Tier::Unlimited => None,
        }
    }

    /// The legacy numeric limit (`max_daily_conversation_per_phone`): -1 for unlimited.
    pub fn legacy_number(self) -> i64 {
        self.limit().unwrap_or(-1)
    }

    /// The tier an automatic upgrade moves to.
    pub fn next(self) -> Option<Tier> {
        let i = Tier::ALL.iter().position(|t| *t == self)?;
        Tier::ALL.get(i + 1).copied()
    }

    /// Registered numbers a portfolio may have: 2 at the first tier, 20 from 2K on.
    pub fn max_phone_numbers(self) -> i64 {
        if self == Tier::T250 {
            2
        } else {
            20
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_limits_and_order() {
        assert_eq!(Tier::parse("tier_2k"), Some(Tier::T2K));
        assert_eq!(Tier::parse("TIER_50"), None);
        assert_eq!(Tier::T250.limit(), Some(250));
        assert_eq!(Tier::Unlimited.legacy_number(), -1);
        assert_eq!(Tier::T250.next(), Some(Tier::T2K));
        assert_eq!(Tier::T100K.next(), Some(Tier::Unlimited));
        assert_eq!(Tier::Unlimited.next(), None);
        assert!(Tier::T2K > Tier::T250);
        for t in Tier::ALL {
            assert_eq!(Tier::parse(t.as_str()), Some(*t));
        }
    }
}
