//! The HTTP scenarios, `baseline` and `send`. Each returns a [`Report`] carrying the baseline
//! measured in the same run.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use serde_json::json;

use crate::env::Env;
use crate::http::{error_label, Conn};
use crate::server::{Spawned, Target};
use crate::stats::{Report, Samples};

/// Requests per second of `GET /healthz` over `connections` keep-alive connections, spread over
/// the nodes as `send` spreads its own.
pub(crate) async fn baseline(
    nodes: &[Target],
    duration: Duration,
    connections: usize,
) -> anyhow::Result<(f64, Samples)> {
    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..connections {
        let base = nodes[i % nodes.len()].base.clone();
        tasks.push(tokio::spawn(async move {
            let mut c = Conn::open(&base).await?;
            let mut n = 0u64;
            let mut lat = Samples::default();
            while Instant::now() < deadline {
                let t = Instant::now();
                c.request("GET", "/healthz", None, None).await?;
                lat.push(t.elapsed().as_micros());
                n += 1;
            }
            Ok::<_, anyhow::Error>((n, lat))
        }));
    }
    let mut total = 0;
    let mut lat = Samples::default();
    for t in tasks {
        let (n, l) = t.await??;
        total += n;
        lat.extend(l);
    }
    Ok((total as f64 / start.elapsed().as_secs_f64(), lat))
}

/// Baseline alone, as its own report.
pub async fn baseline_report(env: &mut Env, duration: Duration, connections: usize) -> anyhow::Result<Report> {
    let meter = env.cpu_meter();
    let (rps, mut lat) = baseline(&env.nodes, duration, connections).await?;
    let cpu = meter.per_unit((rps * duration.as_secs_f64()) as u64);
    Ok(Report {
        scenario: format!("baseline c={connections}{}", env.nodes_label()),
        server_us_per_msg: cpu.server_us,
        bench_us_per_msg: cpu.bench_us,
        engine: env.target.engine.clone(),
        duration_s: duration.as_secs_f64(),
        msg_per_s: rps,
        baseline_rps: rps,
        ratio: 1.0,
        accept_p50_ms: lat.quantile_ms(0.5),
        accept_p99_ms: lat.quantile_ms(0.99),
        ..Report::default()
    })
}

/// The baseline duration that goes with a scenario.
pub(crate) fn baseline_for(duration: Duration) -> Duration {
    duration.min(Duration::from_secs(5))
}

/// What `send` sends.
#[derive(Clone)]
pub enum Payload {
    Text,
    /// An approved template without parameters, by name (language `en_US`).
    Template(String),
}

impl Payload {
    pub fn new(template: Option<String>) -> Payload {
        template.map_or(Payload::Text, Payload::Template)
    }

    /// The request body of message `k` to `to`.
    fn body(&self, to: &str, k: u64) -> String {
        match self {
            Payload::Text => format!(
                "{{\"messaging_product\":\"whatsapp\",\"to\":\"{to}\",\"type\":\"text\",\"text\":{{\"body\":\"bench message {k}\"}}}}"
            ),
            Payload::Template(name) => serde_json::json!({
                "messaging_product": "whatsapp", "to": to, "type": "template",
                "template": {"name": name, "language": {"code": "en_US"}}
            })
            .to_string(),
        }
    }
}

struct SendOutcome {
    accepted: Vec<(String, Instant)>,
    latency: Samples,
    errors: BTreeMap<String, u64>,
}

#[allow(clippy::too_many_arguments)]
async fn send_task(
    base: String,
    token: String,
    path: String,
    customers: Vec<String>,
    deadline: Instant,
    start: Instant,
    interval: Option<Duration>,
    offset: usize,
    payload: Arc<Payload>,
) -> SendOutcome {
    let mut out = SendOutcome { accepted: Vec::new(), latency: Samples::default(), errors: BTreeMap::new() };
    let mut conn = match Conn::open(&base).await {
        Ok(c) => c,
        Err(_) => {
            *out.errors.entry("connect".into()).or_default() += 1;
            return out;
        }
    };
    let mut k: u64 = 0;
    loop {
        let scheduled = match interval {
            Some(iv) => {
                let at = start + iv * (k as u32);
                if at >= deadline {
                    break;
                }
                tokio::time::sleep_until(at.into()).await;
                at
            }
            None => {
                let now = Instant::now();
                if now >= deadline {
                    break;
                }
                now
            }
        };
        let to = &customers[(offset + k as usize) % customers.len()];
        let body = payload.body(to, k);
        k += 1;
        match conn.request("POST", &path, Some(&token), Some(Bytes::from(body))).await {
            Ok(a) if a.status == 200 => {
                let done = Instant::now();
                out.latency.push((done - scheduled).as_micros());
                let id = serde_json::from_slice::<crate::sink::Accepted>(&a.body)
                    .ok()
                    .and_then(|v| v.messages.into_iter().next().map(|m| m.id.into_owned()));
                match id {
                    Some(id) => out.accepted.push((id, done)),
                    None => *out.errors.entry("no id".into()).or_default() += 1,
                }
            }
            Ok(a) => *out.errors.entry(error_label(&a)).or_default() += 1,
            Err(_) => {
                *out.errors.entry("connection".into()).or_default() += 1;
                // The server went away (kill check) or the connection broke: reconnect once.
                match Conn::open(&base).await {
                    Ok(c) => conn = c,
                    Err(_) => break,
                }
            }
        }
    }
    out
}

/// Wait until the sink saw every id (or `timeout`), then compute webhook latencies.
pub(crate) async fn webhook_latency(
    seen: &std::sync::Mutex<HashMap<String, Instant>>,
    sent: &[(String, Instant)],
    timeout: Duration,
) -> (Samples, u64, Option<Instant>) {
    let until = Instant::now() + timeout;
    loop {
        let missing = {
            let g = seen.lock().unwrap_or_else(|e| e.into_inner());
            sent.iter().filter(|(id, _)| !g.contains_key(id)).count()
        };
        if missing == 0 || Instant::now() > until {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let g = seen.lock().unwrap_or_else(|e| e.into_inner());
    let mut lat = Samples::default();
    let mut missing = 0;
    let mut last = None;
    for (id, at) in sent {
        match g.get(id) {
            Some(w) => {
                lat.push(w.saturating_duration_since(*at).as_micros());
                last = Some(last.map_or(*w, |l: Instant| l.max(*w)));
            }
            None => missing += 1,
        }
    }
    (lat, missing, last)
}

pub async fn send(
    env: &mut Env,
    duration: Duration,
    connections: usize,
    customers: usize,
    rate: Option<f64>,
    kill_check: bool,
    payload: &Payload,
) -> anyhow::Result<Report> {
    if kill_check && (env.spawned.is_none() || env.nodes.len() > 1) {
        bail!("--kill-check needs the bench's own server, one node (no --server, no --nodes)");
    }
    let sink = env.sink().await?;
    let numbers: Vec<String> = env.customers(customers).await?.into_iter().map(|(n, _)| n).collect();
    let (baseline_rps, _) = baseline(&env.nodes, baseline_for(duration), connections).await?;
    let meter = env.cpu_meter();
    let start = Instant::now();
    let deadline = start + duration;
    let interval = rate.map(|r| Duration::from_secs_f64(connections as f64 / r.max(1.0)));
    let path = format!("/v23.0/{}/messages", env.target.phone_number_id);
    let payload = Arc::new(payload.clone());
    let mut tasks = Vec::new();
    for i in 0..connections {
        let stagger = interval.map(|iv| iv.mul_f64(i as f64 / connections as f64)).unwrap_or_default();
        tasks.push(tokio::spawn(send_task(
            env.nodes[i % env.nodes.len()].base.clone(),
            env.target.token.clone(),
            path.clone(),
            numbers.clone(),
            deadline,
            start + stagger,
            interval,
            i * 7,
            payload.clone(),
        )));
    }
    let mut extra = BTreeMap::new();
    if kill_check {
        tokio::time::sleep(duration / 2).await;
        if let Some(s) = env.spawned.as_mut() {
            s.kill9();
        }
    }
    let mut accepted = Vec::new();
    let mut latency = Samples::default();
    let mut errors = BTreeMap::new();
    for t in tasks {
        let o = t.await?;
        accepted.extend(o.accepted);
        latency.extend(o.latency);
        for (k, v) in o.errors {
            *errors.entry(k).or_default() += v;
        }
    }
    let elapsed = if kill_check { duration / 2 } else { duration };
    let (mut wl, missing, last) = if kill_check {
        // Restart on the same data and check every acknowledged id is there.
        let (dir, url, encrypt) = {
            let s = env.spawned.as_ref().context("server")?;
            (s.data_dir.clone(), s.database_url.clone(), s.options)
        };
        let restarted = Spawned::start(&dir, url.as_deref(), encrypt)?;
        env.target = restarted.target.clone();
        env.spawned = Some(restarted);
        // The spawned sandbox server's key file, in its data directory.
        let keys = risala_store::Keyring::file(&dir.join("risala.key"), false)?;
        let store = risala_store::SqlStore::open(url.as_deref(), &dir.join("risala.db"), "NORMAL", keys).await?;
        let mut lost = 0u64;
        for (id, _) in &accepted {
            use risala_core::store::MessageStore;
            if store.message(id).await?.is_none() {
                lost += 1;
            }
        }
        extra.insert("acknowledged".into(), json!(accepted.len()));
        extra.insert("lost_after_kill9".into(), json!(lost));
        env.sink = None; // the new process needs the sink subscribed again (same database, so it is)
        (Samples::default(), 0, None)
    } else {
        webhook_latency(&sink.sent, &accepted, Duration::from_secs(30)).await
    };
    // Until every webhook arrived: a message's CPU includes its delivery. After a kill the
    // server process is a new one, so there is no figure.
    let cpu = if kill_check { Default::default() } else { meter.per_unit(accepted.len() as u64) };
    if missing > 0 {
        errors.insert("webhook missing".into(), missing);
    }
    let bad = sink.bad_signatures.swap(0, Ordering::Relaxed);
    if bad > 0 {
        errors.insert("bad signature".into(), bad);
    }
    let msg_per_s = accepted.len() as f64 / elapsed.as_secs_f64();
    let webhooks_per_s = match last {
        Some(l) => (accepted.len() as u64 - missing) as f64 / (l - start).as_secs_f64().max(0.001),
        None => 0.0,
    };
    let scenario = match (rate, kill_check) {
        (_, true) => format!("send kill-9 c={connections}"),
        (Some(r), _) => format!("send rate={r} c={connections}{}", env.nodes_label()),
        (None, _) => format!("send c={connections}{}", env.nodes_label()),
    };
    Ok(Report {
        scenario,
        engine: env.target.engine.clone(),
        duration_s: elapsed.as_secs_f64(),
        msg_per_s,
        baseline_rps,
        ratio: msg_per_s / baseline_rps.max(1.0),
        accept_p50_ms: latency.quantile_ms(0.5),
        accept_p99_ms: latency.quantile_ms(0.99),
        webhook_p50_ms: wl.quantile_ms(0.5),
        webhook_p99_ms: wl.quantile_ms(0.99),
        webhook_max_ms: wl.max_ms(),
        webhooks_per_s,
        server_us_per_msg: cpu.server_us,
        bench_us_per_msg: cpu.bench_us,
        database_us_per_msg: cpu.database_us,
        errors,
        extra,
    })
}
