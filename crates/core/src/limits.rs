//! Sending limits kept in memory per process: the per-number throughput (messages per second,
//! 130429) and the pair rate limit per business number and customer (131056). Token buckets
//! in integer milli-tokens, refilled by the service's clock (so the sandbox clock refills them
//! too). On several nodes each node counts its own sends.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use crate::clock::Millis;

/// A token bucket per key: `capacity` tokens, refilled at `per_minute` tokens a minute.
pub struct RateLimiter<K> {
    capacity: i64,
    per_minute: i64,
    buckets: Mutex<HashMap<K, (i64, Millis)>>,
}

const MAX_KEYS: usize = 100_000;

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    pub fn new(capacity: u32, per_minute: u32) -> Self {
        RateLimiter { capacity: capacity as i64 * 1000, per_minute: per_minute as i64, buckets: Mutex::default() }
    }

    /// Take one token for `key` at `now`; false when the bucket is empty.
    pub fn take(&self, key: &K, now: Millis) -> bool {
        // A panic while the buckets were held leaves counts nobody can trust: refuse rather
        // than let a limit go unenforced.
        let Ok(mut buckets) = self.buckets.lock() else { return false };
        if buckets.len() >= MAX_KEYS && !buckets.contains_key(key) {
            // Forget buckets that have refilled: they hold no information.
            let (cap, rate) = (self.capacity, self.per_minute);
            buckets.retain(|_, (tokens, at)| *tokens + (now - *at).max(0) * rate / 60 < cap);
        }
        let (tokens, at) = buckets.entry(key.clone()).or_insert((self.capacity, now));
        let refill = (now - *at).max(0).saturating_mul(self.per_minute) / 60;
        *tokens = (*tokens + refill).min(self.capacity);
        *at = now.max(*at);
        if *tokens >= 1000 {
            *tokens -= 1000;
            true
        } else {
            false
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
}
