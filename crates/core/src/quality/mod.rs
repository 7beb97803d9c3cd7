//! Messaging limits, the quality rating and blocks.
//!
//! - [`crate::model::tier`]: the portfolio's messaging limit tiers; a business-initiated template (outside a
//!   customer service window) to a customer not reached in the last 24 hours counts one unique
//!   customer; beyond the tier's limit the send fails with 131048. Automatic upgrade to the
//!   next tier once at least half the limit was used in the last 7 days, `check_interval`
//!   after that first happened, while every number of the business is GREEN.
//! - [`rating`]: GREEN / YELLOW / RED per number from blocks and spam reports.
//! - Blocks both ways: a customer blocks a business number (the business's messages then fail
//!   with 131026, uncharged); a business blocks users (`block_users`, [`blocklist`]).
//! - [`events`]: `phone_number_quality_update` and `business_capability_update`.
//! - [`service`]: the rules over storage and the clock; [`crate::store::QualityStore`]: what it stores.

pub mod blocklist;
pub mod events;
pub mod rating;
pub mod service;

use crate::clock::Millis;
use crate::model::{BlockSide, Tier};
pub use rating::RatingConfig;
pub use service::QualityService;

/// Settings of limits and quality.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityConfig {
    /// The tier of a business that has none yet.
    pub start_tier: Tier,
    /// Automatic upgrades on.
    pub upgrades: bool,
    /// How long after half the limit was first used the upgrade happens (Meta: within ~6 h).
    pub upgrade_delay_ms: Millis,
    pub rating: RatingConfig,
}

impl Default for QualityConfig {
    fn default() -> Self {
        QualityConfig {
            start_tier: Tier::T250,
            upgrades: true,
            upgrade_delay_ms: 6 * 3_600_000,
            rating: RatingConfig::default(),
        }
    }
}
