//! Delivery settings: the `[webhooks]` table of the server configuration.

use std::fmt;

use risala_core::clock::{parse_duration_ms, Millis};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Meta's payload ceiling: a POST body never exceeds 3 MB.
pub const MAX_BATCH_BYTES_LIMIT: usize = 3 * 1024 * 1024;

/// A duration written as `10s`, `90m`, `7d`, `1500ms` (a bare number means seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub Millis);

impl Duration {
    pub const fn ms(ms: Millis) -> Self {
        Duration(ms)
    }
    pub const fn secs(s: Millis) -> Self {
        Duration(s * 1000)
    }
    pub fn as_std(self) -> std::time::Duration {
        std::time::Duration::from_millis(self.0.max(0) as u64)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        for (unit, n) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)] {
            if ms != 0 && ms % n == 0 {
                return write!(f, "{}{unit}", ms / n);
            }
        }
        write!(f, "{ms}ms")
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Num(n) if n >= 0 => Ok(Duration::secs(n)),
            Raw::Num(n) => Err(serde::de::Error::custom(format!("negative duration {n}"))),
            Raw::Text(t) => parse_duration_ms(&t)
                .map(Duration)
                .ok_or_else(|| serde::de::Error::custom(format!("'{t}' is not a duration such as 10s, 5m, 7d"))),
        }
    }
}

/// Sandbox fault injection, so a business can exercise its own retry and duplicate handling.
/// Applied per POST; ignored outside sandbox mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Share (0–1) of attempts that fail before reaching the receiver, recorded as `fail_status`
    /// and retried later. Default 0.
    pub fail_rate: f64,
    /// HTTP status recorded for an injected failure. Default 500.
    pub fail_status: u16,
    /// Share (0–1) of attempts held back by `delay` before they are sent. Default 0.
    pub delay_rate: f64,
    /// How long a delayed attempt waits (real time). Default `2s`.
    pub delay: Duration,
    /// Share (0–1) of attempts that are sent but recorded as timed out whatever the answer, so
    /// the receiver gets the same events again on the retry (as with a slow receiver). Default 0.
    pub timeout_rate: f64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults { fail_rate: 0.0, fail_status: 500, delay_rate: 0.0, delay: Duration::secs(2), timeout_rate: 0.0 }
    }
}

impl Faults {
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in
            [("fail_rate", self.fail_rate), ("delay_rate", self.delay_rate), ("timeout_rate", self.timeout_rate)]
        {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("{name} must be between 0 and 1, not {v}"));
            }
        }
        // A failure the receiver could have answered: 2xx is a delivery and 3xx is never
        // followed, so only 4xx and 5xx make a simulated failure.
        if !(400..=599).contains(&self.fail_status) {
            return Err(format!("fail_status must be an HTTP error status (400-599), not {}", self.fail_status));
        }
        Ok(())
    }

    pub fn any(&self) -> bool {
        self.fail_rate > 0.0 || self.delay_rate > 0.0 || self.timeout_rate > 0.0
    }
}

/// Webhook delivery settings. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryConfig {
    /// Time limit of one POST (connect + answer; for POSTs sharing a connection to an `http`
    /// callback, of them all). Default `10s`.
    pub timeout: Duration,
    /// How long a change is retried before it becomes a dead letter. Default `7d`.
    pub max_retry_age: Duration,
    /// Delay before the first retry; it doubles per failed attempt (with ±20% jitter). Default `2s`.
    pub backoff_initial: Duration,
    /// Longest delay between two attempts. Default `1h`.
    pub backoff_max: Duration,
    /// Most changes in one POST. Default 1: many client libraries read only
    /// `entry[0].changes[0]` and would silently drop the rest of a batch.
    pub batch_max_count: usize,
    /// Most bytes of changes in one POST (at most 3 MB, Meta's limit). Default 1000000.
    pub batch_max_bytes: usize,
    /// Most POSTs in flight to one callback URL. Default 32. With one change per POST this
    /// bounds the webhooks a second to 32 divided by the receiver's answer time: Meta asks
    /// receivers to take concurrent requests and answer within 250 ms at the median, which
    /// 4 in flight would have held to 16 a second.
    pub max_in_flight_per_endpoint: usize,
    /// Fallback poll of the outbox when nothing wakes the worker. Default `1s`.
    pub poll_interval: Duration,
    /// Most rows claimed from the outbox at once. Default 500.
    pub claim_limit: usize,
    /// How long claimed rows stay reserved for this node (longer than `timeout`). Default `2m`.
    pub lease: Duration,
    /// How long delivered rows are kept for the inspector. Default `7d`.
    pub retention: Duration,
    /// Hosts (`hooks.internal`), addresses (`10.1.2.3`) or networks (`10.0.0.0/8`) a callback (or
    /// a bot's `http` step) may resolve to although they are private, loopback or link-local.
    /// Default empty.
    pub allow_private: Vec<String>,
    /// Sandbox fault injection (see [`Faults`]).
    pub faults: Faults,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            timeout: Duration::secs(10),
            max_retry_age: Duration::secs(7 * 86_400),
            backoff_initial: Duration::secs(2),
            backoff_max: Duration::secs(3600),
            batch_max_count: 1,
            batch_max_bytes: 1_000_000,
            max_in_flight_per_endpoint: 32,
            poll_interval: Duration::secs(1),
            claim_limit: 500,
            lease: Duration::secs(120),
            retention: Duration::secs(7 * 86_400),
            allow_private: Vec::new(),
            faults: Faults::default(),
        }
    }
}

impl DeliveryConfig {
    /// Reject settings the worker cannot run with.
    pub fn validate(&self) -> Result<(), String> {
        if self.batch_max_bytes == 0 || self.batch_max_bytes > MAX_BATCH_BYTES_LIMIT {
            return Err(format!("webhooks.batch_max_bytes must be 1..={MAX_BATCH_BYTES_LIMIT}"));
        }
        if self.batch_max_count == 0 || self.batch_max_count > 1000 {
            return Err("webhooks.batch_max_count must be 1..=1000".into());
        }
        if self.max_in_flight_per_endpoint == 0 || self.claim_limit == 0 {
            return Err("webhooks.max_in_flight_per_endpoint and claim_limit must be positive".into());
        }
        if self.timeout.0 <= 0 || self.poll_interval.0 <= 0 || self.backoff_initial.0 <= 0 {
            return Err("webhooks.timeout, poll_interval and backoff_initial must be positive".into());
        }
        if self.lease <= self.timeout {
            return Err("webhooks.lease must be longer than webhooks.timeout".into());
        }
        crate::guard::Guard::new(false, &self.allow_private)?;
        self.faults.validate().map_err(|e| format!("webhooks.faults: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_and_parse() {
        assert_eq!(Duration::secs(7 * 86_400).to_string(), "7d");
        assert_eq!(Duration::secs(90).to_string(), "90s");
        assert_eq!(Duration::ms(1500).to_string(), "1500ms");
        let d: Duration = serde_json::from_str("\"2m\"").unwrap();
        assert_eq!(d, Duration::secs(120));
        let d: Duration = serde_json::from_str("10").unwrap();
        assert_eq!(d, Duration::secs(10));
        assert!(serde_json::from_str::<Duration>("\"soon\"").is_err());
    }

    #[test]
    fn defaults_are_valid() {
        DeliveryConfig::default().validate().unwrap();
        let c = DeliveryConfig { batch_max_bytes: 4 * 1024 * 1024, ..Default::default() };
        assert!(c.validate().is_err());
    }
}
