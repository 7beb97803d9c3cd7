//! The `inbox` scenario: the team inbox's first page with a large business. The bench seeds
//! the store of its own server directly (fast: no HTTP, many writes in flight so the store's
//! writer batches them) with `conversations` customers writing to the demo number and
//! `messages` messages among them (half inbound, half answers), signs in to the web app as the
//! demo owner, and times `GET /app/` (the list page: the newest 50 open conversations with
//! their last message, unread counts, assignees and labels) `loads` times on one keep-alive
//! connection over loopback: the median and p99 are the server's time plus a loopback round
//! trip.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use bytes::Bytes;
use risala_core::model::{Customer, Direction, Message, MessageStatus};
use risala_core::store::{NewMessage, Store};
use serde_json::json;

use crate::env::Env;
use crate::http::Conn;
use crate::stats::{Report, Samples};

/// Messages written at once.
const IN_FLIGHT: usize = 64;

/// Fill the store: `conversations` customers, `messages` messages spread over them.
async fn seed(store: Arc<dyn Store>, env: &Env, conversations: usize, messages: usize) -> anyhow::Result<()> {
    let t = &env.target;
    let now = risala_core::clock::system_now_ms();
    let start = now - (messages as i64) * 1000;
    let wa = |i: usize| format!("9665{:08}", i);
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in (0..conversations).collect::<Vec<_>>().chunks(conversations.div_ceil(IN_FLIGHT).max(1)) {
        let (store, chunk) = (store.clone(), chunk.to_vec());
        let names: Vec<String> = chunk.iter().map(|i| wa(*i)).collect();
        tasks.spawn(async move {
            for (i, w) in chunk.iter().zip(names) {
                let c = Customer { wa_id: w, profile_name: format!("Customer {i}"), created_at: start };
                store.upsert_customer(&c, true).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    let per_task = messages.div_ceil(IN_FLIGHT).max(1);
    for task in 0..IN_FLIGHT {
        let (store, phone, business) = (store.clone(), t.phone_number_id.clone(), t.business_id.clone());
        let from = task * per_task;
        let to = ((task + 1) * per_task).min(messages);
        tasks.spawn(async move {
            for n in from..to {
                let customer = wa(n % conversations);
                let direction = if (n / conversations).is_multiple_of(2) { Direction::Inbound } else { Direction::Outbound };
                let at = start + n as i64 * 1000;
                let id = format!("wamid.bench.{n}");
                let body = format!("Message {n}: is order {} ready for pickup?", 1000 + n % 977);
                let (content, status) = match direction {
                    Direction::Inbound => (
                        json!({"from": customer, "id": id, "timestamp": (at / 1000).to_string(), "type": "text", "text": {"body": body}}),
                        MessageStatus::Received,
                    ),
                    Direction::Outbound => (json!({"body": body}), MessageStatus::Delivered),
                };
                let m = Message {
                    id,
                    seq: at * 1000,
                    phone_number_id: phone.clone(),
                    business_id: business.clone(),
                    wa_id: customer,
                    direction,
                    kind: "text".into(),
                    content,
                    context_id: None,
                    biz_opaque: None,
                    status,
                    error: None,
                    created_at: at,
                    updated_at: at,
                    expires_at: None,
                };
                store.record_message(&NewMessage::plain(&m)).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    Ok(())
}

/// Sign in as the demo owner: the session cookie's `name=value`.
async fn sign_in(conn: &mut Conn, base: &str) -> anyhow::Result<String> {
    let form = format!("email=owner%40demo.test&password={}", crate::server::OWNER_PASSWORD);
    let b = hyper::Request::builder()
        .method("POST")
        .uri("/app/sign-in")
        .header("origin", base)
        .header("content-type", "application/x-www-form-urlencoded");
    let (status, headers, _) = conn.send(b, Bytes::from(form)).await?;
    let cookie = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("risala_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    match (status, cookie) {
        (303, Some(c)) => Ok(c),
        (s, _) => bail!("signing in answered {s}"),
    }
}

pub async fn inbox(env: &mut Env, conversations: usize, messages: usize, loads: usize) -> anyhow::Result<Report> {
    let Some((dir, url, encrypt)) = env.spawned_store() else {
        bail!("inbox seeds the store of the bench's own server: it cannot run with --server");
    };
    let config = crate::server::config(dir, url, encrypt);
    let sql = risala_server::open_store(&config).await.context("opening the store")?;
    let db = sql.db().clone();
    let store: Arc<dyn Store> = Arc::new(sql);
    let started = Instant::now();
    seed(store, env, conversations.max(1), messages).await?;
    let seed_s = started.elapsed().as_secs_f64();
    // What PostgreSQL's autovacuum does shortly after a bulk load, done now: the planner's
    // statistics of the seeded tables.
    if db.engine() == risala_store::Engine::Postgres {
        db.write(risala_store::Plan::one("ANALYZE", vec![])).await?;
    }

    let base = env.target.base.clone();
    let mut conn = Conn::open(&base).await?;
    let cookie = sign_in(&mut conn, &base).await?;
    let mut times = Samples::default();
    let mut errors = BTreeMap::new();
    let mut bytes = 0;
    let mut meter = None;
    // The first load warms the server's caches; it is not counted.
    for i in 0..=loads {
        let b = hyper::Request::builder().method("GET").uri("/app/").header("cookie", &cookie);
        let t0 = Instant::now();
        let (status, _, body) = conn.send(b, Bytes::new()).await?;
        let took = t0.elapsed().as_micros();
        if i == 0 {
            meter = Some(env.cpu_meter());
        }
        if status != 200 {
            *errors.entry(format!("http{status}")).or_default() += 1;
        } else if i > 0 {
            times.push(took);
            bytes = body.len();
        }
    }
    let mut extra = BTreeMap::new();
    extra.insert("conversations".into(), json!(conversations));
    extra.insert("messages".into(), json!(messages));
    extra.insert("seed_s".into(), json!((seed_s * 10.0).round() / 10.0));
    extra.insert("loads".into(), json!(times.0.len()));
    extra.insert("page_p50_ms".into(), json!((times.quantile_ms(0.5) * 100.0).round() / 100.0));
    extra.insert("page_p99_ms".into(), json!((times.quantile_ms(0.99) * 100.0).round() / 100.0));
    extra.insert("page_max_ms".into(), json!((times.max_ms() * 100.0).round() / 100.0));
    extra.insert("page_kb".into(), json!(bytes / 1024));
    // CPU per page load (the unit of this scenario), the warm-up load excluded.
    let cpu = meter.map(|m| m.per_unit(loads as u64)).unwrap_or_default();
    Ok(Report {
        scenario: "inbox".into(),
        engine: env.target.engine.clone(),
        server_us_per_msg: cpu.server_us,
        bench_us_per_msg: cpu.bench_us,
        errors,
        extra,
        ..Report::default()
    })
}
