//! Throughput (130429) and pair rate (131056) for a fleet of nodes: the buckets live in the
//! database ([`SharedBudget`]), and each node takes a few tokens at a time and spends them from
//! memory. A node's unspent tokens lapse after [`LEASE_MS`], so the fleet together sends at most
//! what one bucket allows plus what was taken in the last [`LEASE_MS`] (taken earlier, spent
//! later); tokens a node took and did not spend are lost to the others until they refill.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::clock::Millis;
use crate::error::ApiError;
use crate::ports::SharedBudget;

/// How long tokens taken from the fleet's bucket may be spent.
pub const LEASE_MS: Millis = 200;

/// One fleet bucket per key of one limit.
pub struct FleetLimiter {
    budget: Arc<dyn SharedBudget>,
    /// The limit's name, which prefixes its keys in the database.
    name: &'static str,
    capacity: u32,
    refill: u32,
    period_ms: Millis,
    /// Tokens taken at once: a quarter of what refills in [`LEASE_MS`] (at least one).
    chunk: u32,
    /// Per key: tokens in hand and until when they may be spent, or (no tokens) until when
    /// the bucket was found empty and is not asked again.
    held: Mutex<HashMap<String, Hand>>,
}

/// What a node holds of one key's bucket.
#[derive(Clone, Copy)]
enum Hand {
    /// Tokens it may spend until then.
    Tokens(u32, Millis),
    /// The bucket was empty; not asked again until then.
    Empty(Millis),
}

impl FleetLimiter {
    pub fn new(
        budget: Arc<dyn SharedBudget>,
        name: &'static str,
        capacity: u32,
        refill: u32,
        period_ms: Millis,
    ) -> Self {
        // A quarter of what refills while tokens may be spent: a node sending a quarter of the
        // limit or more spends what it takes before it lapses.
        let per_lease = (refill as i64 * LEASE_MS / period_ms.max(1) / 4).clamp(1, capacity.max(1) as i64) as u32;
        FleetLimiter { budget, name, capacity, refill, period_ms, chunk: per_lease, held: Mutex::default() }
    }

    /// Take one token for `key` at `now`: from this node's hand, else a few from the fleet's
    /// bucket; false when the bucket is empty.
    pub async fn take(&self, key: &str, now: Millis) -> Result<bool, ApiError> {
        if let Ok(mut held) = self.held.lock() {
            match held.get_mut(key) {
                Some(Hand::Tokens(n, until)) if *n > 0 && now < *until => {
                    *n -= 1;
                    return Ok(true);
                }
                // Found empty a moment ago: refused without asking again.
                Some(Hand::Empty(until)) if now < *until => return Ok(false),
                _ => {}
            }
        }
        let full_key = format!("{}:{key}", self.name);
        let got = self.budget.take(&full_key, self.chunk, self.capacity, self.refill, self.period_ms, now).await?;
        if let Ok(mut held) = self.held.lock() {
            if held.len() > 100_000 {
                held.retain(|_, h| match h {
                    Hand::Tokens(n, until) => *n > 0 && now < *until,
                    Hand::Empty(until) => now < *until,
                });
            }
            let hand = match got {
                // Empty: not asked again until a token could have come back.
                0 => Hand::Empty(now + (self.period_ms / self.refill.max(1) as Millis).clamp(1, LEASE_MS)),
                n => Hand::Tokens(n - 1, now + LEASE_MS),
            };
            held.insert(key.to_string(), hand);
        }
        Ok(got > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Milli-tokens and when, per key.
    type Buckets = HashMap<String, (i64, Millis)>;

    /// A bucket in memory, counting the takes.
    #[derive(Default)]
    struct Memory(Mutex<(Buckets, u32)>);

    #[async_trait::async_trait]
    impl SharedBudget for Memory {
        async fn take(
            &self,
            key: &str,
            want: u32,
            capacity: u32,
            refill: u32,
            period_ms: Millis,
            now: Millis,
        ) -> Result<u32, crate::StoreError> {
            let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
            m.1 += 1;
            let cap = capacity as i64 * 1000;
            let (tokens, at) = m.0.entry(key.to_string()).or_insert((cap, now));
            let avail = (*tokens + (now - *at).max(0) * refill as i64 * 1000 / period_ms).min(cap);
            let granted = (want as i64 * 1000).min(avail / 1000 * 1000);
            *tokens = avail - granted;
            *at = now.max(*at);
            Ok((granted / 1000) as u32)
        }
    }

    #[tokio::test]
    async fn two_nodes_share_one_bucket_with_a_take_per_chunk() {
        let budget = Arc::new(Memory::default());
        // 80 a second: 4 tokens a take.
        let a = FleetLimiter::new(budget.clone(), "t", 80, 80, 1000);
        let b = FleetLimiter::new(budget.clone(), "t", 80, 80, 1000);
        let mut sent = 0;
        for i in 0..200 {
            let node = if i % 2 == 0 { &a } else { &b };
            if node.take("n", 0).await.unwrap() {
                sent += 1;
            }
        }
        assert_eq!(sent, 80, "the fleet sends what one bucket holds");
        assert_eq!(budget.0.lock().unwrap().1, 20 + 2, "20 takes of 4, then one refusal a node");
        // Refused until a token could be back (12 ms at 80 a second), then asked again.
        assert!(!a.take("n", 11).await.unwrap());
        assert!(a.take("n", 13).await.unwrap());
        assert_eq!(budget.0.lock().unwrap().1, 23);
    }
}
