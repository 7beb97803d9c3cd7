//! The quality rating of a business number, from its customers' blocks and spam reports of the
//! last 7 days, recency-weighted and relative to the messages the number sent:
//!
//! ```text
//! weight(signal) = kind_weight × (168 − whole hours of age) / 168    block 1, report `report_weight`
//! score          = 1000 × Σ weight / max(sent in 7 days, min_messages)
//! rating         = RED if score ≥ red_per_1000, YELLOW if ≥ yellow_per_1000, else GREEN
//! restricted     = score ≥ restrict_per_1000 (and RED): business-initiated sends fail 131048
//! ```
//!
//! Each customer counts at most once per kind (their latest block, their latest report), so
//! one customer cannot sink a number alone.

use crate::clock::Millis;
use crate::model::{Rating, Score, Signal, SignalKind};

/// The signals' look-back: 7 days.
pub const WINDOW_MS: Millis = 7 * 86_400_000;

/// Thresholds of the rating, in weighted signals per 1,000 messages sent.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingConfig {
    pub yellow_per_1000: f64,
    pub red_per_1000: f64,
    pub restrict_per_1000: f64,
    /// The divisor is at least this many messages, so a small sender is not RED from one block.
    pub min_messages: i64,
    /// Weight of a spam report (a block weighs 1).
    pub report_weight: f64,
}

impl Default for RatingConfig {
    fn default() -> Self {
        RatingConfig {
            yellow_per_1000: 20.0,
            red_per_1000: 40.0,
            restrict_per_1000: 80.0,
            min_messages: 250,
            report_weight: 2.0,
        }
    }
}

/// Recency weight: 1 during a signal's first hour, then 1/168 less each full hour, 0 at 7 days.
/// Whole hours keep a fresh signal at exactly 1, so thresholds are met by whole counts.
pub fn recency(age: Millis) -> f64 {
    let hours = WINDOW_MS / 3_600_000;
    let age_hours = (age.max(0) / 3_600_000).min(hours);
    (hours - age_hours) as f64 / hours as f64
}

/// The recency-weighted sum of signals at `now`.
pub fn weighted(signals: &[Signal], now: Millis, cfg: &RatingConfig) -> f64 {
    signals
        .iter()
        .map(|s| {
            let kind = if s.kind == SignalKind::Report { cfg.report_weight } else { 1.0 };
            kind * recency(now - s.at)
        })
        .fold(0.0, |a, b| a + b)
}

/// How many sent messages need counting: beyond this the number is GREEN whatever the rest.
pub fn sent_cap(weighted: f64, cfg: &RatingConfig) -> i64 {
    let needed = (weighted * 1000.0 / cfg.yellow_per_1000.max(0.001)).ceil() as i64 + 1;
    needed.max(cfg.min_messages).max(1)
}

/// Rate a number.
pub fn score(signals: &[Signal], sent: i64, now: Millis, cfg: &RatingConfig) -> Score {
    let live: Vec<Signal> = signals.iter().copied().filter(|s| now - s.at < WINDOW_MS).collect();
    let per_1000 = weighted(&live, now, cfg) * 1000.0 / sent.max(cfg.min_messages).max(1) as f64;
    let rating = if per_1000 >= cfg.red_per_1000 {
        Rating::Red
    } else if per_1000 >= cfg.yellow_per_1000 {
        Rating::Yellow
    } else {
        Rating::Green
    };
    Score {
        rating,
        restricted: rating == Rating::Red && per_1000 >= cfg.restrict_per_1000,
        per_1000,
        blocks: live.iter().filter(|s| s.kind == SignalKind::Block).count() as i64,
        reports: live.iter().filter(|s| s.kind == SignalKind::Report).count() as i64,
        sent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Millis = 3_600_000;

    fn blocks(n: usize, at: Millis) -> Vec<Signal> {
        vec![Signal { kind: SignalKind::Block, at }; n]
    }

    #[test]
    fn thresholds_relative_to_volume() {
        let cfg = RatingConfig::default();
        let now = 100 * 86_400_000;
        // 250 messages floor: 5 fresh blocks = 20 per 1000 = YELLOW, 10 = RED, 20 = restricted.
        assert_eq!(score(&blocks(4, now), 10, now, &cfg).rating, Rating::Green);
        assert_eq!(score(&blocks(5, now), 10, now, &cfg).rating, Rating::Yellow);
        let red = score(&blocks(10, now), 10, now, &cfg);
        assert_eq!((red.rating, red.restricted), (Rating::Red, false));
        assert!(score(&blocks(20, now), 10, now, &cfg).restricted);
        // A big sender with the same blocks stays GREEN.
        assert_eq!(score(&blocks(20, now), 100_000, now, &cfg).rating, Rating::Green);
        // A report weighs two blocks.
        let reports = vec![Signal { kind: SignalKind::Report, at: now }; 5];
        let s = score(&reports, 0, now, &cfg);
        assert_eq!((s.rating, s.reports, s.blocks), (Rating::Red, 5, 0));
    }

    #[test]
    fn signals_fade_over_seven_days() {
        let cfg = RatingConfig::default();
        let t0 = 100 * 86_400_000;
        let s = blocks(10, t0);
        assert_eq!(score(&s, 0, t0, &cfg).rating, Rating::Red);
        // Half-way through the week they weigh half: 5 blocks' worth, YELLOW.
        assert_eq!(score(&s, 0, t0 + 84 * H, &cfg).rating, Rating::Yellow);
        assert_eq!(score(&s, 0, t0 + 7 * 24 * H, &cfg).rating, Rating::Green);
        assert_eq!(score(&s, 0, t0 + 7 * 24 * H, &cfg).blocks, 0);
        assert!(recency(0) == 1.0 && recency(H - 1) == 1.0 && recency(WINDOW_MS) == 0.0 && recency(-5) == 1.0);
        assert!((recency(84 * H) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn cap_covers_the_yellow_threshold() {
        let cfg = RatingConfig::default();
        assert_eq!(sent_cap(0.0, &cfg), 250);
        assert_eq!(sent_cap(100.0, &cfg), 5001);
        assert_eq!(Rating::parse("NA"), Rating::Green);
    }
}
