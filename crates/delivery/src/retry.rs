//! The retry schedule: exponential backoff with jitter, until the retry window closes.
//! Meta retries "with decreasing frequency" for up to 7 days; so do we, by default.

use rand::Rng;
use risala_core::clock::Millis;

use crate::config::DeliveryConfig;

/// Delay before the next attempt after `attempts` failed attempts (1 = the first failed):
/// `initial · 2^(attempts-1)`, capped at `max`, times a random factor in [0.8, 1.2].
pub fn backoff(cfg: &DeliveryConfig, attempts: i64, rng: &mut impl Rng) -> Millis {
    let exp = attempts.clamp(1, 40) - 1;
    let base = cfg.backoff_initial.0.saturating_mul(1i64 << exp.min(30)).min(cfg.backoff_max.0);
    let factor: f64 = rng.gen_range(0.8..=1.2);
    ((base as f64) * factor).round().max(1.0) as Millis
}

/// When to try next, or `None` when the retry window (from `retry_from`) has closed.
pub fn next_attempt(
    cfg: &DeliveryConfig,
    attempts: i64,
    now: Millis,
    retry_from: Millis,
    rng: &mut impl Rng,
) -> Option<Millis> {
    let next = now + backoff(cfg, attempts, rng);
    (next <= retry_from + cfg.max_retry_age.0).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps_with_jitter() {
        let cfg = DeliveryConfig::default();
        let mut rng = rand::thread_rng();
        for _ in 0..100 {
            let d1 = backoff(&cfg, 1, &mut rng);
            assert!((1600..=2400).contains(&d1), "{d1}");
            let d3 = backoff(&cfg, 3, &mut rng);
            assert!((6400..=9600).contains(&d3), "{d3}");
            let d30 = backoff(&cfg, 30, &mut rng);
            assert!((2_880_000..=4_320_000).contains(&d30), "{d30}");
        }
    }

    #[test]
    fn window_closes_after_max_age() {
        let cfg = DeliveryConfig::default();
        let mut rng = rand::thread_rng();
        assert!(next_attempt(&cfg, 1, 1_000, 0, &mut rng).is_some());
        let week = cfg.max_retry_age.0;
        assert!(next_attempt(&cfg, 50, week - 1_000, 0, &mut rng).is_none());
    }
}
