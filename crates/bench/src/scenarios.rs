//! The scenarios. Each returns a [`Report`] carrying the baseline measured in the same run.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message as Ws;

use crate::cpu::Meter;
use crate::http::{error_label, Conn};
use crate::server::{rss_bytes, ServerOptions, Spawned, Target};
use crate::sink::{self, Sink};
use crate::stats::{Report, Samples};

pub struct Env {
    /// The first node: every scenario sets up through it (and most measure only it).
    pub target: Target,
    /// Every node, the first included: `send` and `baseline` spread their connections over
    /// them (`--nodes N` or several `--server`).
    pub nodes: Vec<Target>,
    spawned: Option<Spawned>,
    /// The bench's own nodes after the first (`--nodes N`).
    more: Vec<Spawned>,
    sink: Option<(Arc<Sink>, String)>,
    /// Customers whose window is open, by number, with their session tokens.
    customers: Vec<(String, String)>,
    dir: Option<PathBuf>,
}

/// A scenario that fails still stops the server it started and removes its data.
impl Drop for Env {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Env {
    /// The servers given with `--server` (one file each), or the bench's own: `nodes` processes
    /// on one database (more than one needs PostgreSQL; they share its data directory's key).
    pub fn new(
        servers: &[PathBuf],
        nodes: usize,
        database_url: Option<&str>,
        options: ServerOptions,
    ) -> anyhow::Result<Env> {
        if !servers.is_empty() {
            anyhow::ensure!(
                !options.encrypt_at_rest,
                "--encrypt-at-rest applies to the server the bench starts: set encrypt_at_rest in the configuration of \
                 the server given with --server instead"
            );
            anyhow::ensure!(nodes == 1, "--nodes starts the bench's own servers: give either --nodes or --server");
            let mut targets = Vec::new();
            for file in servers {
                let text = std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
                targets.push(serde_json::from_str::<Target>(&text).with_context(|| format!("{}", file.display()))?);
            }
            return Ok(Env {
                target: targets[0].clone(),
                nodes: targets,
                spawned: None,
                more: Vec::new(),
                sink: None,
                customers: Vec::new(),
                dir: None,
            });
        }
        anyhow::ensure!(nodes >= 1, "--nodes is at least 1");
        anyhow::ensure!(
            nodes == 1 || database_url.is_some(),
            "--nodes {nodes}: several nodes share one PostgreSQL database: give --database-url"
        );
        let dir = std::env::temp_dir().join(format!("risala-bench-{:016x}", rand::random::<u64>()));
        private_dir(&dir)?;
        let spawned = Spawned::start(&dir, database_url, options)?;
        let mut more = Vec::new();
        for n in 2..=nodes {
            // Every node needs the first one's key to read the secrets it stored.
            let own = dir.join(format!("node{n}"));
            private_dir(&own)?;
            std::fs::copy(dir.join("risala.key"), own.join("risala.key"))?;
            more.push(Spawned::start(&own, database_url, options)?);
        }
        let mut all = vec![spawned.target.clone()];
        all.extend(more.iter().map(|s| s.target.clone()));
        Ok(Env {
            target: spawned.target.clone(),
            nodes: all,
            spawned: Some(spawned),
            more,
            sink: None,
            customers: Vec::new(),
            dir: Some(dir),
        })
    }

    /// ` nodes=N` in a scenario's name when it ran on several nodes.
    pub fn nodes_label(&self) -> String {
        match self.nodes.len() {
            1 => String::new(),
            n => format!(" nodes={n}"),
        }
    }

    /// Refuse a scenario that measures one node only when several were asked for.
    pub fn one_node(&self, scenario: &str) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.nodes.len() == 1,
            "{scenario} runs against one node: several nodes (--nodes, --server) are for send and baseline"
        );
        Ok(())
    }

    /// The bench's own server: its data directory, database URL and options (none with
    /// `--server`).
    pub fn spawned_store(&self) -> Option<(PathBuf, Option<String>, ServerOptions)> {
        self.spawned.as_ref().map(|s| (s.data_dir.clone(), s.database_url.clone(), s.options))
    }

    /// The process id of the bench's own server (none with `--server`).
    pub fn pid(&self) -> Option<u32> {
        self.spawned.as_ref().map(|s| s.pid())
    }

    /// A CPU meter on the servers (the bench's own, or `--server`s that named their `pid`; every
    /// node's CPU added up) and on the bench itself, started now.
    pub fn cpu_meter(&self) -> Meter {
        let mut pids: Vec<u32> = self.spawned.iter().chain(&self.more).map(Spawned::pid).collect();
        if pids.is_empty() {
            pids = self.nodes.iter().filter_map(|t| t.pid).collect();
        }
        Meter::start(&pids)
    }

    pub fn finish(&mut self) {
        for s in self.more.drain(..) {
            s.stop();
        }
        if let Some(s) = self.spawned.take() {
            s.stop();
        }
        if let Some(d) = self.dir.take() {
            let _ = std::fs::remove_dir_all(d);
        }
    }

    /// The webhook sink, subscribed as the app's callback.
    async fn sink(&mut self) -> anyhow::Result<Arc<Sink>> {
        if let Some((s, _)) = &self.sink {
            return Ok(s.clone());
        }
        let (sink, url) = sink::start().await?;
        sink.set_secret(&self.target.app_secret);
        let mut c = Conn::open(&self.target.base).await?;
        let body = json!({"object": "whatsapp_business_account", "callback_url": url, "verify_token": sink::VERIFY_TOKEN, "fields": "messages"});
        let a = c
            .request(
                "POST",
                &format!("/v23.0/{}/subscriptions", self.target.app_id),
                Some(&self.target.token),
                Some(Bytes::from(body.to_string())),
            )
            .await?;
        if a.status != 200 {
            bail!("subscribing the webhook sink failed: {} {}", a.status, String::from_utf8_lossy(&a.body));
        }
        self.sink = Some((sink.clone(), url));
        Ok(sink)
    }

    /// At least `n` customers with an open service window.
    async fn customers(&mut self, n: usize) -> anyhow::Result<Vec<(String, String)>> {
        let have = self.customers.len();
        if have < n {
            let target = self.target.clone();
            let numbers: Vec<String> = (have..n).map(|i| format!("1555{:07}", 2_000_000 + i)).collect();
            let chunks: Vec<Vec<String>> =
                numbers.chunks(numbers.len().div_ceil(16).max(1)).map(|c| c.to_vec()).collect();
            let mut tasks = Vec::new();
            for chunk in chunks {
                let target = target.clone();
                tasks.push(tokio::spawn(async move {
                    let mut c = Conn::open(&target.base).await?;
                    let mut out = Vec::new();
                    for number in chunk {
                        let a = c
                            .request(
                                "POST",
                                "/customer/v1/session",
                                None,
                                Some(Bytes::from(json!({"phone": number, "name": "Bench"}).to_string())),
                            )
                            .await?;
                        let v: Value = serde_json::from_slice(&a.body)?;
                        let token = v["token"].as_str().context("no session token")?.to_string();
                        let hello = json!({"to": target.business_number, "type": "text", "text": {"body": "hello"}});
                        let a = c
                            .request(
                                "POST",
                                "/customer/v1/messages",
                                Some(&token),
                                Some(Bytes::from(hello.to_string())),
                            )
                            .await?;
                        if a.status != 200 {
                            bail!("customer message failed: {}", String::from_utf8_lossy(&a.body));
                        }
                        out.push((number, token));
                    }
                    Ok::<_, anyhow::Error>(out)
                }));
            }
            for t in tasks {
                self.customers.extend(t.await??);
            }
        }
        Ok(self.customers[..n].to_vec())
    }
}

/// A data directory only this user reads, as the server asks of its own (it warns otherwise).
fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

/// Requests per second of `GET /healthz` over `connections` keep-alive connections, spread over
/// the nodes as `send` spreads its own.
async fn baseline(nodes: &[Target], duration: Duration, connections: usize) -> anyhow::Result<(f64, Samples)> {
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
fn baseline_for(duration: Duration) -> Duration {
    duration.min(Duration::from_secs(5))
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
        let body = format!(
            "{{\"messaging_product\":\"whatsapp\",\"to\":\"{to}\",\"type\":\"text\",\"text\":{{\"body\":\"bench message {k}\"}}}}"
        );
        k += 1;
        match conn.request("POST", &path, Some(&token), Some(Bytes::from(body))).await {
            Ok(a) if a.status == 200 => {
                let done = Instant::now();
                out.latency.push((done - scheduled).as_micros());
                let id = serde_json::from_slice::<Value>(&a.body)
                    .ok()
                    .and_then(|v| v["messages"][0]["id"].as_str().map(str::to_string));
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
async fn webhook_latency(
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
        errors,
        extra,
    })
}

fn ws_url(target: &Target, token: &str) -> String {
    format!("{}/customer/v1/stream?token={token}", target.base.replacen("http", "ws", 1))
}

pub async fn inbound(env: &mut Env, duration: Duration, customers: usize) -> anyhow::Result<Report> {
    let sink = env.sink().await?;
    let people = env.customers(customers).await?;
    let (baseline_rps, _) = baseline(&env.nodes, baseline_for(duration), customers.min(64)).await?;
    let meter = env.cpu_meter();
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for (_, token) in people {
        let url = ws_url(&env.target, &token);
        let to = env.target.business_number.clone();
        tasks.push(tokio::spawn(async move {
            let mut sent = Vec::new();
            let mut errors: BTreeMap<String, u64> = BTreeMap::new();
            let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await else {
                errors.insert("connect".into(), 1);
                return (sent, errors);
            };
            let mut k = 0u64;
            while Instant::now() < deadline {
                let frame =
                    json!({"action": "send", "to": to, "type": "text", "text": {"body": format!("inbound {k}")}});
                k += 1;
                let t = Instant::now();
                if ws.send(Ws::Text(frame.to_string().into())).await.is_err() {
                    *errors.entry("connection".into()).or_default() += 1;
                    break;
                }
                // Wait for this send's answer, skipping any other frames.
                loop {
                    match ws.next().await {
                        Some(Ok(Ws::Text(text))) => {
                            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                            match v["event"].as_str() {
                                Some("sent") => {
                                    if let Some(id) = v["id"].as_str() {
                                        sent.push((id.to_string(), t));
                                    }
                                    break;
                                }
                                Some("error") => {
                                    *errors.entry(format!("ws#{}", v["error"]["code"])).or_default() += 1;
                                    break;
                                }
                                _ => {}
                            }
                        }
                        Some(Ok(_)) => {}
                        _ => return (sent, errors),
                    }
                }
            }
            let _ = ws.close(None).await;
            (sent, errors)
        }));
    }
    let mut sent = Vec::new();
    let mut errors = BTreeMap::new();
    for t in tasks {
        let (s, e) = t.await?;
        sent.extend(s);
        for (k, v) in e {
            *errors.entry(k).or_default() += v;
        }
    }
    let (mut wl, missing, last) = webhook_latency(&sink.inbound, &sent, Duration::from_secs(30)).await;
    let cpu = meter.per_unit(sent.len() as u64);
    if missing > 0 {
        errors.insert("webhook missing".into(), missing);
    }
    let delivered = sent.len() as u64 - missing;
    let webhooks_per_s = last.map(|l| delivered as f64 / (l - start).as_secs_f64().max(0.001)).unwrap_or(0.0);
    let msg_per_s = sent.len() as f64 / duration.as_secs_f64();
    Ok(Report {
        scenario: format!("inbound customers={customers}"),
        engine: env.target.engine.clone(),
        duration_s: duration.as_secs_f64(),
        msg_per_s,
        baseline_rps,
        ratio: msg_per_s / baseline_rps.max(1.0),
        webhook_p50_ms: wl.quantile_ms(0.5),
        webhook_p99_ms: wl.quantile_ms(0.99),
        webhook_max_ms: wl.max_ms(),
        webhooks_per_s,
        server_us_per_msg: cpu.server_us,
        bench_us_per_msg: cpu.bench_us,
        errors,
        ..Report::default()
    })
}

pub async fn connections(env: &mut Env, count: usize, hold: Duration) -> anyhow::Result<Report> {
    let pid = env.pid().context("connections needs the bench's own server to read its memory")?;
    // Each side holds one descriptor per connection plus its own files and sockets: fail at
    // once rather than let connections hang on a full descriptor table.
    let (files, _) = rlimit::getrlimit(rlimit::Resource::NOFILE)?;
    const MARGIN: u64 = 64;
    if count as u64 + MARGIN > files {
        bail!(
            "connections {count} needs about {} open files in the bench and in the server; the limit here is {files} \
             (raise the hard limit, or hold at most {})",
            count as u64 + MARGIN,
            files.saturating_sub(MARGIN)
        );
    }
    let people = env.customers(count).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_bytes(pid).unwrap_or(0);
    let mut sockets = Vec::with_capacity(count);
    let mut errors = BTreeMap::new();
    let meter = env.cpu_meter();
    let started = Instant::now();
    for chunk in people.chunks(256) {
        let mut opening = Vec::new();
        for (_, token) in chunk {
            let url = ws_url(&env.target, token);
            opening.push(tokio::spawn(async move { tokio_tungstenite::connect_async(url.as_str()).await }));
        }
        for o in opening {
            match o.await? {
                Ok((ws, _)) => sockets.push(ws),
                Err(_) => *errors.entry("connect".to_string()).or_default() += 1,
            }
        }
    }
    let connect_s = started.elapsed().as_secs_f64();
    // CPU per connection opened (the WebSocket upgrade and the session check).
    let cpu = meter.per_unit(sockets.len() as u64);
    tokio::time::sleep(hold).await;
    let after = rss_bytes(pid).unwrap_or(0);
    let held = sockets.len();
    drop(sockets);
    let mut extra = BTreeMap::new();
    extra.insert("connections".into(), json!(held));
    extra.insert("server_rss_mb".into(), json!((after as f64 / 1_048_576.0 * 10.0).round() / 10.0));
    extra.insert("bytes_per_connection".into(), json!(after.saturating_sub(before) / held.max(1) as u64));
    extra.insert("connect_s".into(), json!((connect_s * 100.0).round() / 100.0));
    Ok(Report {
        scenario: format!("connections {count}"),
        engine: env.target.engine.clone(),
        duration_s: hold.as_secs_f64(),
        server_us_per_msg: cpu.server_us,
        bench_us_per_msg: cpu.bench_us,
        errors,
        extra,
        ..Report::default()
    })
}

/// Cold start on an existing database: stop the bench's server, then start it `runs` times on
/// the same data, timing process start to the first healthy `GET /healthz`. `fill` first sends
/// messages for that long, so the database is not empty.
pub async fn startup(env: &mut Env, runs: usize, fill: Duration) -> anyhow::Result<Report> {
    if env.spawned.is_none() {
        bail!("startup needs the bench's own server (it restarts it)");
    }
    let mut extra = BTreeMap::new();
    if !fill.is_zero() {
        let filled = send(env, fill, 32, 200, None, false).await?;
        extra.insert("messages_before".into(), json!((filled.msg_per_s * fill.as_secs_f64()).round()));
    }
    let (dir, url, encrypt) = {
        let s = env.spawned.as_ref().context("server")?;
        (s.data_dir.clone(), s.database_url.clone(), s.options)
    };
    let mut times = Samples::default();
    let mut errors = BTreeMap::new();
    for _ in 0..runs.max(1) {
        if let Some(s) = env.spawned.take() {
            s.stop();
        }
        let started = Instant::now();
        let spawned = Spawned::start(&dir, url.as_deref(), encrypt)?;
        let mut conn = Conn::open(&spawned.target.base).await?;
        let answer = conn.request("GET", "/healthz", None, None).await?;
        if answer.status == 200 {
            times.push(started.elapsed().as_micros());
        } else {
            *errors.entry(format!("healthz {}", answer.status)).or_default() += 1;
        }
        env.target = spawned.target.clone();
        env.spawned = Some(spawned);
    }
    env.sink = None; // a new process: the sink is subscribed again when next needed
    extra.insert("runs".into(), json!(times.0.len()));
    extra.insert("start_p50_ms".into(), json!((times.quantile_ms(0.5) * 10.0).round() / 10.0));
    extra.insert("start_max_ms".into(), json!((times.max_ms() * 10.0).round() / 10.0));
    Ok(Report { scenario: "startup".into(), engine: env.target.engine.clone(), errors, extra, ..Report::default() })
}
