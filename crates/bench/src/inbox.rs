//! The `inbox` scenario: the team inbox's first page with a large business. The bench seeds
//! the store of its own server directly (fast: no HTTP, many writes in flight so the store's
//! writer batches them) with `conversations` customers writing to the demo number and
//! `messages` messages among them (half inbound, half answers), signs in to the web app as the
//! demo owner, and times `GET /app/` (the list page: the newest 50 open conversations with
//! their last message, unread counts, assignees and labels) `loads` times on one keep-alive
//! connection over loopback: the median and p99 are the server's time plus a loopback round
//! trip. One more customer's chat holds `chat_messages` messages; its page (`GET
//! /app/chats/…`: the latest messages of the chat) is timed the same way.

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
    let (phone, business) = (t.phone_number_id.clone(), t.business_id.clone());
    record_all(store, IN_FLIGHT, messages, move |n| {
        let direction = if (n / conversations).is_multiple_of(2) { Direction::Inbound } else { Direction::Outbound };
        message(&phone, &business, wa(n % conversations), n, start + n as i64 * 1000, direction)
    })
    .await
}

/// Record messages `0..count` (each made by `make`) with `writers` writers at once, writer `w`
/// taking `w`, `w + writers`, …: about in the order of their times, as they arrive.
async fn record_all(
    store: Arc<dyn Store>,
    writers: usize,
    count: usize,
    make: impl Fn(usize) -> Message + Send + Sync + 'static,
) -> anyhow::Result<()> {
    let make = Arc::new(make);
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..writers {
        let (store, make) = (store.clone(), make.clone());
        tasks.spawn(async move {
            for n in (w..count).step_by(writers) {
                store.record_message(&NewMessage::plain(&make(n))).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    Ok(())
}

/// Message `n` of the seed, written at `at`.
fn message(phone: &str, business: &str, customer: String, n: usize, at: i64, direction: Direction) -> Message {
    let id = format!("wamid.bench.{n}");
    let body = format!("Message {n}: is order {} ready for pickup?", 1000 + n % 977);
    let (content, status) = match direction {
        Direction::Inbound => (
            json!({"from": customer, "id": id, "timestamp": (at / 1000).to_string(), "type": "text", "text": {"body": body}}),
            MessageStatus::Received,
        ),
        Direction::Outbound => (json!({"body": body}), MessageStatus::Delivered),
    };
    Message {
        id,
        seq: at * 1000,
        phone_number_id: phone.into(),
        business_id: business.into(),
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
    }
}

/// The long chat: `messages` messages of customer [`LONG_CHAT`], the last written just before
/// the seed's first (so the chat is not among the list page's), each answered. As in a chat
/// that grew over time, its messages are written a few at once, about in the order of their
/// times.
async fn seed_chat(store: Arc<dyn Store>, env: &Env, messages: usize) -> anyhow::Result<()> {
    let t = &env.target;
    let c = Customer { wa_id: LONG_CHAT.into(), profile_name: "Long chat".into(), created_at: 0 };
    store.upsert_customer(&c, true).await?;
    let start = risala_core::clock::system_now_ms() - 10 * (messages as i64 + 1_000_000) * 1000;
    let (phone, business) = (t.phone_number_id.clone(), t.business_id.clone());
    record_all(store, 8, messages, move |n| {
        let direction = if n.is_multiple_of(2) { Direction::Inbound } else { Direction::Outbound };
        message(&phone, &business, LONG_CHAT.into(), 10_000_000 + n, start + n as i64 * 1000, direction)
    })
    .await
}

/// The customer whose chat is long.
const LONG_CHAT: &str = "966599999999";

/// `GET uri` `loads` times: the times of the loads answered 200, the others counted by status
/// in `errors`, the size of the last page.
async fn time_page(
    conn: &mut Conn,
    cookie: &str,
    uri: &str,
    loads: usize,
    errors: &mut BTreeMap<String, u64>,
) -> anyhow::Result<(Samples, usize)> {
    let (mut times, mut bytes) = (Samples::default(), 0);
    for _ in 0..loads {
        let b = hyper::Request::builder().method("GET").uri(uri).header("cookie", cookie);
        let t0 = Instant::now();
        let (status, _, body) = conn.send(b, Bytes::new()).await?;
        let took = t0.elapsed().as_micros();
        if status != 200 {
            *errors.entry(format!("http{status}")).or_default() += 1;
        } else {
            times.push(took);
            bytes = body.len();
        }
    }
    Ok((times, bytes))
}

/// The median, p99 and largest of `times` in ms, under `{name}_p50_ms` and so on.
fn quantiles(extra: &mut BTreeMap<String, serde_json::Value>, name: &str, times: &mut Samples) {
    let ms = |v: f64| json!((v * 100.0).round() / 100.0);
    extra.insert(format!("{name}_p50_ms"), ms(times.quantile_ms(0.5)));
    extra.insert(format!("{name}_p99_ms"), ms(times.quantile_ms(0.99)));
    extra.insert(format!("{name}_max_ms"), ms(times.max_ms()));
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

pub async fn inbox(
    env: &mut Env,
    conversations: usize,
    messages: usize,
    chat_messages: usize,
    loads: usize,
) -> anyhow::Result<Report> {
    let Some((dir, url, encrypt)) = env.spawned_store() else {
        bail!("inbox seeds the store of the bench's own server: it cannot run with --server");
    };
    let config = crate::server::config(dir, url, encrypt);
    let sql = risala_server::open_store(&config).await.context("opening the store")?;
    let db = sql.db().clone();
    let store: Arc<dyn Store> = Arc::new(sql);
    let started = Instant::now();
    seed_chat(store.clone(), env, chat_messages).await?;
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
    let mut errors = BTreeMap::new();
    // Each page's first load warms the server's caches; it is neither timed nor metered.
    time_page(&mut conn, &cookie, "/app/", 1, &mut errors).await?;
    let meter = env.cpu_meter();
    let (mut times, bytes) = time_page(&mut conn, &cookie, "/app/", loads, &mut errors).await?;
    let cpu = meter.per_unit(loads as u64);
    let chat = format!("/app/chats/{}/{LONG_CHAT}", env.target.phone_number_id);
    time_page(&mut conn, &cookie, &chat, 1, &mut errors).await?;
    let (mut chat_times, chat_bytes) = time_page(&mut conn, &cookie, &chat, loads, &mut errors).await?;
    let mut extra = BTreeMap::new();
    extra.insert("conversations".into(), json!(conversations));
    extra.insert("messages".into(), json!(messages));
    extra.insert("chat_messages".into(), json!(chat_messages));
    extra.insert("seed_s".into(), json!((seed_s * 10.0).round() / 10.0));
    extra.insert("loads".into(), json!(times.0.len()));
    quantiles(&mut extra, "page", &mut times);
    extra.insert("page_kb".into(), json!(bytes / 1024));
    quantiles(&mut extra, "chat", &mut chat_times);
    extra.insert("chat_kb".into(), json!(chat_bytes / 1024));
    // CPU per page load of the list (the unit of this scenario), the warm-up load excluded.
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
