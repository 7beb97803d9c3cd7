//! The `broadcast` scenario: one broadcast of the sandbox's `hello_world` template to
//! `recipients` new customers (an imported CSV) through `/tools/v1/{phone-number-id}/broadcasts`,
//! sent by the server's runner at the number's throughput (Meta's default of 80 messages a
//! second: the bench's server enforces no throughput of its own, so the runner paces at 80).
//! It reports the time from creation to completion against the pacing's expected time
//! (`recipients / 80` s) and whether it is within ±5 %, and checks that every recipient is
//! accounted for in the report (sent, delivered, read, failed or skipped; none left queued,
//! none twice).

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use serde_json::{json, Value};

use crate::env::Env;
use crate::http::Conn;
use crate::stats::Report;

/// The pace the runner keeps when the server sets no throughput: Meta's default per number.
const RATE: f64 = risala_core::limits::DEFAULT_THROUGHPUT_MPS as f64;

async fn call(conn: &mut Conn, method: &str, path: &str, token: &str, body: Option<Value>) -> anyhow::Result<Value> {
    let body = body.map(|b| Bytes::from(b.to_string()));
    let a = conn.request(method, path, Some(token), body).await?;
    let v: Value = serde_json::from_slice(&a.body).with_context(|| format!("{method} {path}: not JSON"))?;
    if a.status != 200 {
        bail!("{method} {path}: HTTP {}: {v}", a.status);
    }
    Ok(v)
}

pub async fn broadcast(env: &mut Env, recipients: usize) -> anyhow::Result<Report> {
    let t = env.target.clone();
    let mut conn = Conn::open(&t.base).await?;
    let csv: String = std::iter::once("phone".to_string())
        .chain((0..recipients).map(|n| format!("+9715{n:08}")))
        .collect::<Vec<_>>()
        .join("\n");
    let base = format!("/tools/v1/{}/broadcasts", t.phone_number_id);
    let body = json!({"name": "bench", "template": {"name": "hello_world", "language": {"code": "en_US"}},
                      "audience": {"csv": csv}});
    let started = Instant::now();
    let created = call(&mut conn, "POST", &base, &t.token, Some(body)).await?;
    let id = created["id"].as_str().context("no broadcast id")?.to_string();
    if created["total"].as_u64() != Some(recipients as u64) {
        bail!("the broadcast kept {} of {recipients} recipients: {}", created["total"], created["rejected"]);
    }
    let done = loop {
        let v = call(&mut conn, "GET", &format!("{base}/{id}"), &t.token, None).await?;
        match v["status"].as_str() {
            Some("completed") => break v,
            Some("running") | Some("scheduled") => {}
            other => bail!("the broadcast stopped as {other:?}: {v}"),
        }
        if started.elapsed() > Duration::from_secs_f64(recipients as f64 / RATE * 3.0 + 60.0) {
            bail!("the broadcast did not finish in three times the expected time: {v}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let elapsed = started.elapsed().as_secs_f64();
    // Every recipient, once, in a final state.
    let mut seen = HashSet::new();
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    let mut after = 0i64;
    loop {
        let page =
            call(&mut conn, "GET", &format!("{base}/{id}/recipients?limit=1000&after={after}"), &t.token, None).await?;
        let rows = page["data"].as_array().cloned().unwrap_or_default();
        for r in &rows {
            seen.insert(r["wa_id"].as_str().unwrap_or_default().to_string());
            *statuses.entry(r["status"].as_str().unwrap_or("?").to_string()).or_default() += 1;
        }
        match page["paging"]["cursors"]["after"].as_str().and_then(|a| a.parse().ok()) {
            Some(a) => after = a,
            None => break,
        }
    }
    let reported: u64 = statuses.values().sum();
    let accounted = reported as usize == recipients && seen.len() == recipients && !statuses.contains_key("queued");
    let expected = recipients as f64 / RATE;
    let deviation = (elapsed - expected) / expected * 100.0;
    let mut errors = BTreeMap::new();
    if !accounted {
        errors.insert("recipients unaccounted".to_string(), (recipients as u64).abs_diff(reported).max(1));
    }
    if done["counts"]["failed"].as_u64().unwrap_or(0) > 0 {
        errors.insert("failed sends".to_string(), done["counts"]["failed"].as_u64().unwrap_or(0));
    }
    let mut extra = BTreeMap::new();
    extra.insert("recipients".into(), json!(recipients));
    extra.insert("rate_per_s".into(), json!(RATE));
    extra.insert("expected_s".into(), json!((expected * 100.0).round() / 100.0));
    extra.insert("elapsed_s".into(), json!((elapsed * 100.0).round() / 100.0));
    extra.insert("deviation_pct".into(), json!((deviation * 100.0).round() / 100.0));
    extra.insert("within_5pct".into(), json!(deviation.abs() <= 5.0));
    extra.insert("accounted".into(), json!(accounted));
    extra.insert("statuses".into(), json!(statuses));
    Ok(Report {
        scenario: "broadcast".into(),
        engine: t.engine.clone(),
        duration_s: elapsed,
        msg_per_s: recipients as f64 / elapsed,
        errors,
        extra,
        ..Report::default()
    })
}
