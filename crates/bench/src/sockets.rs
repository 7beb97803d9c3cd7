//! The WebSocket scenarios: `inbound` (customers send, webhooks are timed) and `connections`
//! (idle customer sockets, server memory per connection).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message as Ws;

use crate::env::Env;
use crate::scenarios::{baseline, baseline_for, webhook_latency};
use crate::server::{rss_bytes, Target};
use crate::stats::Report;

fn ws_url(target: &Target, token: &str) -> String {
    format!("{}/customer/v1/stream?token={token}", target.base.replacen("http", "ws", 1))
}

/// A customer device's socket with small buffers, like the server's side of it. The bench shares
/// the machine with the server it measures: with the default 128 KiB read buffer, which the
/// client zeroes again for every frame it reads, a quarter of the bench's CPU on `inbound` went
/// to that zeroing, and 128 KiB buffers per idle socket made `connections` slower than the server.
async fn connect(url: &str) -> tokio_tungstenite::tungstenite::Result<Device> {
    let config = WebSocketConfig::default().read_buffer_size(4 * 1024).write_buffer_size(4 * 1024);
    Ok(tokio_tungstenite::connect_async_with_config(url, Some(config), false).await?.0)
}

/// The parts of a device's frame the bench reads, borrowed from the frame.
#[derive(serde::Deserialize)]
struct Answer<'a> {
    #[serde(borrow, default)]
    event: Option<&'a str>,
    #[serde(borrow, default)]
    id: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    error: Option<AnswerError>,
}

#[derive(serde::Deserialize)]
struct AnswerError {
    #[serde(default)]
    code: serde_json::Value,
}

type Device = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

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
            let Ok(mut ws) = connect(&url).await else {
                errors.insert("connect".into(), 1);
                return (sent, errors);
            };
            let mut k = 0u64;
            while Instant::now() < deadline {
                // The number and the text need no escaping: written out without a JSON tree.
                let frame = format!(r#"{{"action":"send","to":"{to}","type":"text","text":{{"body":"inbound {k}"}}}}"#);
                k += 1;
                let t = Instant::now();
                if ws.send(Ws::Text(frame.into())).await.is_err() {
                    *errors.entry("connection".into()).or_default() += 1;
                    break;
                }
                // Wait for this send's answer, skipping any other frames.
                loop {
                    match ws.next().await {
                        Some(Ok(Ws::Text(text))) => match serde_json::from_str::<Answer>(&text) {
                            Ok(Answer { event: Some("sent"), id, .. }) => {
                                if let Some(id) = id {
                                    sent.push((id.into_owned(), t));
                                }
                                break;
                            }
                            Ok(Answer { event: Some("error"), error, .. }) => {
                                let code = error.map_or_else(|| "null".to_string(), |e| e.code.to_string());
                                *errors.entry(format!("ws#{code}")).or_default() += 1;
                                break;
                            }
                            _ => {}
                        },
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
            opening.push(tokio::spawn(async move { connect(&url).await }));
        }
        for o in opening {
            match o.await? {
                Ok(ws) => sockets.push(ws),
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
