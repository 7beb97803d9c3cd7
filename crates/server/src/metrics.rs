//! Prometheus metrics, kept in the app state (no global recorder, so tests can run many
//! servers in one process). Requests and latency by operation (method + route pattern).

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use risala_delivery::stats::LATENCY_BUCKETS;
use risala_delivery::DeliveryStats;

/// Latency bucket bounds in seconds.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// One operation's requests: how many answered each status, and their latency.
#[derive(Default)]
struct Operation {
    statuses: Vec<(u16, u64)>,
    latency: Histogram,
}

#[derive(Default)]
pub struct Metrics {
    /// By operation (`POST /{id}/messages`): every request passes here, so one lock, and no
    /// allocation once the operation has been seen.
    operations: Mutex<HashMap<String, Operation>>,
    gauges: Mutex<HashMap<&'static str, (String, f64)>>,
    /// Webhook delivery figures, shared with the delivery worker.
    pub webhooks: Arc<DeliveryStats>,
}

impl Metrics {
    pub fn observe_request(&self, operation: &str, status: u16, seconds: f64) {
        let Ok(mut m) = self.operations.lock() else { return };
        let op = match m.get_mut(operation) {
            Some(op) => op,
            None => m.entry(operation.to_string()).or_default(),
        };
        match op.statuses.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => op.statuses.push((status, 1)),
        }
        let h = &mut op.latency;
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                h.counts[i] += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    /// Set a gauge (name, help, value).
    pub fn set_gauge(&self, name: &'static str, help: &str, value: f64) {
        if let Ok(mut g) = self.gauges.lock() {
            g.insert(name, (help.to_string(), value));
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP risala_http_requests_total HTTP requests by operation and status.\n");
        out.push_str("# TYPE risala_http_requests_total counter\n");
        // Counters first, then the latency histograms, both from one look at the operations.
        let mut latency = String::new();
        if let Ok(operations) = self.operations.lock() {
            let mut ops: Vec<_> = operations.iter().collect();
            ops.sort_by(|a, b| a.0.cmp(b.0));
            for (op, o) in ops {
                let mut statuses = o.statuses.clone();
                statuses.sort();
                for (status, n) in statuses {
                    let _ = writeln!(
                        out,
                        "risala_http_requests_total{{operation=\"{}\",status=\"{status}\"}} {n}",
                        esc(op)
                    );
                }
                let (op, h) = (esc(op), &o.latency);
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        latency,
                        "risala_http_request_duration_seconds_bucket{{operation=\"{op}\",le=\"{b}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    latency,
                    "risala_http_request_duration_seconds_bucket{{operation=\"{op}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(latency, "risala_http_request_duration_seconds_sum{{operation=\"{op}\"}} {}", h.sum);
                let _ =
                    writeln!(latency, "risala_http_request_duration_seconds_count{{operation=\"{op}\"}} {}", h.count);
            }
        }
        out.push_str("# HELP risala_http_request_duration_seconds Request latency by operation.\n");
        out.push_str("# TYPE risala_http_request_duration_seconds histogram\n");
        out.push_str(&latency);
        render_webhooks(&mut out, &self.webhooks);
        if let Ok(g) = self.gauges.lock() {
            let mut rows: Vec<_> = g.iter().collect();
            rows.sort_by(|a, b| a.0.cmp(b.0));
            for (name, (help, v)) in rows {
                let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
            }
        }
        out
    }
}

/// Webhook delivery: queue depth, dead letters, oldest undelivered age, deliveries, failures by
/// kind, attempt latency.
fn render_webhooks(out: &mut String, w: &DeliveryStats) {
    let pending = w.queue_pending.load(Ordering::Relaxed) as f64;
    let dead = w.queue_dead.load(Ordering::Relaxed) as f64;
    let age = w.oldest_pending_age_ms.load(Ordering::Relaxed) as f64 / 1000.0;
    for (name, help, v) in [
        ("risala_webhook_queue_depth", "Webhook changes waiting for delivery.", pending),
        ("risala_webhook_dead_letters", "Webhook changes that gave up (replayable).", dead),
        ("risala_webhook_oldest_undelivered_seconds", "Age of the oldest webhook change not yet delivered.", age),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
    }
    for (name, help, v) in [
        ("risala_webhook_posts_total", "Webhook POSTs answered 2xx.", DeliveryStats::get(&w.posts_ok)),
        (
            "risala_webhook_events_delivered_total",
            "Webhook changes acknowledged.",
            DeliveryStats::get(&w.events_delivered),
        ),
        (
            "risala_webhook_events_dead_total",
            "Webhook changes parked as dead letters.",
            DeliveryStats::get(&w.events_dead),
        ),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}");
    }
    out.push_str("# HELP risala_webhook_failures_total Failed webhook POST attempts by kind.\n");
    out.push_str("# TYPE risala_webhook_failures_total counter\n");
    for (kind, n) in w.failures() {
        let _ = writeln!(out, "risala_webhook_failures_total{{kind=\"{}\"}} {n}", kind.as_str());
    }
    let h = w.latency();
    out.push_str("# HELP risala_webhook_attempt_duration_seconds Webhook POST latency.\n");
    out.push_str("# TYPE risala_webhook_attempt_duration_seconds histogram\n");
    for (i, b) in LATENCY_BUCKETS.iter().enumerate() {
        let _ = writeln!(out, "risala_webhook_attempt_duration_seconds_bucket{{le=\"{b}\"}} {}", h.counts[i]);
    }
    let _ = writeln!(out, "risala_webhook_attempt_duration_seconds_bucket{{le=\"+Inf\"}} {}", h.count);
    let _ = writeln!(out, "risala_webhook_attempt_duration_seconds_sum {}", h.sum);
    let _ = writeln!(out, "risala_webhook_attempt_duration_seconds_count {}", h.count);
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.observe_request("GET /{id}", 200, 0.002);
        m.observe_request("GET /{id}", 200, 0.2);
        m.observe_request("GET /{id}", 404, 0.001);
        let text = m.render();
        assert!(text.contains("risala_http_requests_total{operation=\"GET /{id}\",status=\"200\"} 2"));
        assert!(text.contains("risala_http_request_duration_seconds_bucket{operation=\"GET /{id}\",le=\"0.0025\"} 2"));
        assert!(text.contains("risala_http_request_duration_seconds_count{operation=\"GET /{id}\"} 3"));
    }
}
