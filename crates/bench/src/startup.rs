//! `startup`: cold starts on an existing database, start to healthy.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::json;

use crate::env::Env;
use crate::http::Conn;
use crate::scenarios::send;
use crate::server::Spawned;
use crate::stats::{Report, Samples};

/// Cold start on an existing database: stop the bench's server, then start it `runs` times on
/// the same data, timing process start to the first healthy `GET /healthz`. `fill` first sends
/// messages for that long, so the database is not empty.
pub async fn startup(env: &mut Env, runs: usize, fill: Duration) -> anyhow::Result<Report> {
    if env.spawned.is_none() {
        bail!("startup needs the bench's own server (it restarts it)");
    }
    let mut extra = BTreeMap::new();
    if !fill.is_zero() {
        let filled = send(env, fill, 32, 200, None, false, &crate::scenarios::Payload::Text).await?;
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
