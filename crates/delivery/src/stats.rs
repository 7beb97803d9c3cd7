//! Delivery figures for `/metrics`, kept in the app state (no global recorder). The server's
//! metrics module renders them.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

/// Attempt latency bucket bounds in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Why an attempt failed, as a metrics label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureKind {
    /// The receiver answered, but not 2xx.
    Status,
    Timeout,
    Connect,
    /// Sandbox fault injection.
    Injected,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Status => "status",
            FailureKind::Timeout => "timeout",
            FailureKind::Connect => "connect",
            FailureKind::Injected => "injected",
        }
    }
}

#[derive(Default, Debug, Clone)]
pub struct LatencyHistogram {
    pub counts: [u64; LATENCY_BUCKETS.len()],
    pub sum: f64,
    pub count: u64,
}

#[derive(Default)]
pub struct DeliveryStats {
    /// POSTs answered 2xx.
    pub posts_ok: AtomicU64,
    /// Changes acknowledged.
    pub events_delivered: AtomicU64,
    /// Changes that became dead letters.
    pub events_dead: AtomicU64,
    failures: Mutex<Vec<(FailureKind, u64)>>,
    latency: Mutex<LatencyHistogram>,
    /// Pending rows (refreshed by the worker about once a second).
    pub queue_pending: AtomicI64,
    /// Dead letters.
    pub queue_dead: AtomicI64,
    /// Age in ms of the oldest pending row (0 when none).
    pub oldest_pending_age_ms: AtomicI64,
}

impl DeliveryStats {
    pub fn failed(&self, kind: FailureKind) {
        if let Ok(mut f) = self.failures.lock() {
            match f.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => f.push((kind, 1)),
            }
        }
    }

    pub fn observe_attempt(&self, seconds: f64) {
        if let Ok(mut h) = self.latency.lock() {
            for (i, b) in LATENCY_BUCKETS.iter().enumerate() {
                if seconds <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += seconds;
            h.count += 1;
        }
    }

    /// Failed attempts by kind, sorted.
    pub fn failures(&self) -> Vec<(FailureKind, u64)> {
        let mut f = self.failures.lock().map(|f| f.clone()).unwrap_or_default();
        f.sort();
        f
    }

    pub fn latency(&self) -> LatencyHistogram {
        self.latency.lock().map(|h| h.clone()).unwrap_or_default()
    }

    pub fn get(v: &AtomicU64) -> u64 {
        v.load(Ordering::Relaxed)
    }
}
