//! Sending limits kept in memory per process: the per-number throughput (messages per second,
//! 130429) and the pair rate limit per business number and customer (131056). Token buckets
//! in integer milli-tokens, refilled by the service's clock (so the sandbox clock refills them
//! too). On several nodes each node counts its own sends.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use crate::clock::Millis;

/// A token bucket per key: `capacity` tokens, refilled at `refill` tokens per `period_ms`.
pub struct RateLimiter<K> {
    capacity: i64,
    refill: i64,
    period_ms: i64,
    buckets: Mutex<HashMap<K, (i64, Millis)>>,
}

const MAX_KEYS: usize = 100_000;

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    pub fn new(capacity: u32, per_minute: u32) -> Self {
        Self::per_period(capacity, per_minute, 60_000)
    }

    /// `capacity` tokens, refilled at `refill` tokens every `period_ms` (at least 1 ms).
    pub fn per_period(capacity: u32, refill: u32, period_ms: Millis) -> Self {
        RateLimiter {
            capacity: capacity as i64 * 1000,
            refill: refill as i64,
            period_ms: period_ms.max(1),
            buckets: Mutex::default(),
        }
    }

    /// Milli-tokens gained in `elapsed` ms.
    fn gained(&self, elapsed: Millis) -> i64 {
        elapsed.max(0).saturating_mul(self.refill).saturating_mul(1000) / self.period_ms
    }

    /// Take one token for `key` at `now`; false when the bucket is empty.
    pub fn take(&self, key: &K, now: Millis) -> bool {
        self.try_take(key, now).is_ok()
    }

    /// Take one token for `key` at `now`; when the bucket is empty, how many milliseconds until
    /// it holds one again (for `Retry-After`).
    pub fn try_take(&self, key: &K, now: Millis) -> Result<(), Millis> {
        self.bucket(key, now, true)
    }

    /// Whether a token for `key` is there at `now`, without taking it: a limit on failures
    /// checks before the attempt and takes only when it failed.
    pub fn check(&self, key: &K, now: Millis) -> Result<(), Millis> {
        self.bucket(key, now, false)
    }

    fn bucket(&self, key: &K, now: Millis, take: bool) -> Result<(), Millis> {
        // A panic while the buckets were held leaves counts nobody can trust: refuse rather
        // than let a limit go unenforced.
        let Ok(mut buckets) = self.buckets.lock() else { return Err(self.period_ms) };
        if buckets.len() >= MAX_KEYS && !buckets.contains_key(key) {
            // Forget buckets that have refilled: they hold no information.
            buckets.retain(|_, (tokens, at)| *tokens + self.gained(now - *at) < self.capacity);
        }
        let (tokens, at) = buckets.entry(key.clone()).or_insert((self.capacity, now));
        *tokens = (*tokens + self.gained(now - *at)).min(self.capacity);
        *at = now.max(*at);
        if *tokens >= 1000 {
            if take {
                *tokens -= 1000;
            }
            Ok(())
        } else if self.refill == 0 {
            Err(self.period_ms)
        } else {
            // Ceiling of the time the missing milli-tokens take.
            let missing = 1000 - *tokens;
            Err((missing * self.period_ms + self.refill * 1000 - 1) / (self.refill * 1000))
        }
    }
}

/// Meta's default throughput of a business number: 80 messages per second.
pub const DEFAULT_THROUGHPUT_MPS: u32 = 80;
/// The pair rate limit: about one message every 6 seconds to the same customer, with short
/// bursts tolerated (Meta does not publish the burst; 45 here).
pub const PAIR_BURST: u32 = 45;
pub const PAIR_PER_MINUTE: u32 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poisoned_lock_refuses() {
        let l = std::sync::Arc::new(RateLimiter::<u8>::new(10, 60));
        assert!(l.take(&1, 0));
        let held = l.clone();
        let _ = std::thread::spawn(move || {
            let _guard = held.buckets.lock();
            panic!("poison the lock");
        })
        .join();
        assert!(l.buckets.is_poisoned());
        assert!(!l.take(&1, 0));
    }

    #[test]
    fn buckets_empty_and_refill() {
        let l = RateLimiter::new(3, 60); // one a second
        assert!(l.take(&"a", 0) && l.take(&"a", 0) && l.take(&"a", 0));
        assert!(!l.take(&"a", 0));
        assert!(l.take(&"b", 0), "keys are separate");
        assert!(!l.take(&"a", 999));
        assert!(l.take(&"a", 1000));
        assert!(!l.take(&"a", 1000));
        // A long pause refills up to the capacity, not beyond.
        assert!(l.take(&"a", 100_000) && l.take(&"a", 100_000) && l.take(&"a", 100_000));
        assert!(!l.take(&"a", 100_000));
    }

    #[test]
    fn an_empty_bucket_says_when_it_refills() {
        let l = RateLimiter::per_period(2, 2, 3_600_000); // two an hour: one per 30 minutes
        assert_eq!(l.try_take(&"a", 0), Ok(()));
        assert_eq!(l.try_take(&"a", 0), Ok(()));
        assert_eq!(l.try_take(&"a", 0), Err(1_800_000));
        // 555 of 1000 milli-tokens back: the rest takes 801 s more.
        assert_eq!(l.try_take(&"a", 1_000_000), Err(801_000));
        assert_eq!(l.try_take(&"a", 1_801_000), Ok(()));
    }
}
