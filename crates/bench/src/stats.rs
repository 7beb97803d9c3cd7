//! Latency samples and the report each scenario prints.

use std::collections::BTreeMap;

use serde::Serialize;

/// Latencies in microseconds.
#[derive(Default, Clone)]
pub struct Samples(pub Vec<u32>);

impl Samples {
    pub fn push(&mut self, micros: u128) {
        self.0.push(micros.min(u32::MAX as u128) as u32);
    }

    pub fn extend(&mut self, other: Samples) {
        self.0.extend(other.0);
    }

    /// The q-quantile in milliseconds (0 when empty).
    pub fn quantile_ms(&mut self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.0.sort_unstable();
        let i = ((self.0.len() as f64 - 1.0) * q).round() as usize;
        self.0[i] as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.0.iter().max().copied().unwrap_or(0) as f64 / 1000.0
    }
}

/// One scenario's result: the table row and the `--json` object.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub scenario: String,
    pub engine: String,
    pub duration_s: f64,
    pub msg_per_s: f64,
    pub baseline_rps: f64,
    pub ratio: f64,
    pub accept_p50_ms: f64,
    pub accept_p99_ms: f64,
    pub webhook_p50_ms: f64,
    pub webhook_p99_ms: f64,
    pub webhook_max_ms: f64,
    pub webhooks_per_s: f64,
    /// The server's CPU time per message (per request or page load where that is the unit),
    /// in microseconds; 0 when the server's process is not known.
    pub server_us_per_msg: f64,
    /// The bench's own CPU time per message, in microseconds.
    pub bench_us_per_msg: f64,
    /// A local PostgreSQL's CPU time per message (all its processes), in microseconds; 0 on
    /// SQLite (inside the server's figure) or when the database is on another machine.
    pub database_us_per_msg: f64,
    pub errors: BTreeMap<String, u64>,
    /// Scenario-specific figures (RSS, bytes per connection, lost messages, …).
    pub extra: BTreeMap<String, serde_json::Value>,
}

fn fmt(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A CPU figure, or "-" for a scenario that has no unit of work to divide by.
fn cpu(us: f64) -> String {
    if us > 0.0 {
        format!("{us:.0}")
    } else {
        "-".into()
    }
}

/// A plain-text table of reports.
pub fn table(reports: &[Report]) -> String {
    let header = [
        "scenario",
        "engine",
        "msg/s",
        "baseline rps",
        "ratio",
        "accept p50",
        "accept p99",
        "webhook p50",
        "webhook p99",
        "webhook max",
        "webhooks/s",
        "server µs/msg",
        "bench µs/msg",
        "db µs/msg",
        "errors",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for r in reports {
        let errors = if r.errors.is_empty() {
            "0".to_string()
        } else {
            r.errors.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(",")
        };
        rows.push(vec![
            r.scenario.clone(),
            r.engine.clone(),
            fmt(r.msg_per_s),
            fmt(r.baseline_rps),
            format!("{:.2}", r.ratio),
            format!("{} ms", fmt(r.accept_p50_ms)),
            format!("{} ms", fmt(r.accept_p99_ms)),
            format!("{} ms", fmt(r.webhook_p50_ms)),
            format!("{} ms", fmt(r.webhook_p99_ms)),
            format!("{} ms", fmt(r.webhook_max_ms)),
            fmt(r.webhooks_per_s),
            cpu(r.server_us_per_msg),
            cpu(r.bench_us_per_msg),
            cpu(r.database_us_per_msg),
            errors,
        ]);
    }
    let widths: Vec<usize> =
        (0..header.len()).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        let line: Vec<String> = r.iter().enumerate().map(|(i, c)| format!("{c:>w$}", w = widths[i])).collect();
        out.push_str(&format!("| {} |\n", line.join(" | ")));
        if n == 0 {
            let sep: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&format!("|-{}-|\n", sep.join("-|-")));
        }
    }
    for r in reports {
        if !r.extra.is_empty() {
            let extra: Vec<String> = r.extra.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push_str(&format!("{}: {}\n", r.scenario, extra.join(" ")));
        }
    }
    out
}

/// What must never happen whatever the load: an acknowledged message lost across `kill -9`,
/// a webhook with a bad signature, or an accepted message whose webhook never came.
pub fn correctness_failures(reports: &[Report]) -> Vec<String> {
    let mut out = Vec::new();
    for r in reports {
        if let Some(lost) = r.extra.get("lost_after_kill9").and_then(|v| v.as_u64()) {
            if lost > 0 {
                out.push(format!("{}: {lost} acknowledged messages lost", r.scenario));
            }
        }
        for key in ["bad signature", "webhook missing", "recipients unaccounted", "failed sends"] {
            if let Some(n) = r.errors.get(key) {
                out.push(format!("{}: {n} × {key}", r.scenario));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles() {
        let mut s = Samples::default();
        for i in 1..=100 {
            s.push(i * 1000);
        }
        assert_eq!(s.quantile_ms(0.5), 51.0);
        assert_eq!(s.quantile_ms(0.99), 99.0);
        assert_eq!(s.max_ms(), 100.0);
        assert_eq!(Samples::default().quantile_ms(0.5), 0.0);
    }

    #[test]
    fn lost_messages_are_failures() {
        let mut r = Report { scenario: "send".into(), ..Report::default() };
        assert!(correctness_failures(std::slice::from_ref(&r)).is_empty());
        r.extra.insert("lost_after_kill9".into(), serde_json::json!(2));
        r.errors.insert("bad signature".into(), 1);
        assert_eq!(correctness_failures(&[r]).len(), 2);
    }
}
