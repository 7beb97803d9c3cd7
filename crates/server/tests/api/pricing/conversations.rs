//! Conversation-based pricing (CBP) as a WABA's pricing model, through HTTP on SQLite and
//! PostgreSQL with the sandbox clock: one charge per 24-hour conversation and category however
//! many templates it holds, a new charge after it expires, free service and free entry point
//! conversations, the `conversation` and `pricing` objects of status webhooks, the ledger and
//! invoice, and `conversation_analytics` with dimensions and filters.

use std::collections::HashMap;

use risala_core::clock::Clock;
use risala_core::model::Category;
use risala_core::pricing::invoice_lines;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{load_sample, send_to};

const GB: &str = "447700900123";
const US: &str = "15550001111";
const BR: &str = "5511987654321";
const DAY_MS: i64 = 86_400_000;

async fn create_templates(app: &TestApp) {
    app.create_approved_templates(&[
        ("news", "MARKETING", "Hello {{1}}, new arrivals are waiting for you in our store this week."),
        ("more_news", "MARKETING", "Hello {{1}}, our autumn collection has arrived in every store now."),
        ("shipped", "UTILITY", "Hello {{1}}, your order has shipped and is on its way to you."),
    ])
    .await;
}

/// The `sent` status of a message.
async fn sent(app: &TestApp, id: &str) -> Value {
    let s: Vec<Value> = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id).collect();
    assert_eq!(s[0]["status"], "sent", "{s:?}");
    s[0].clone()
}

fn cbp(billable: bool, category: &str) -> Value {
    json!({"billable": billable, "pricing_model": "CBP", "category": category})
}

async fn analytics(app: &TestApp, modifiers: &str) -> (u16, Value) {
    app.get(&format!("/v23.0/{}?fields=conversation_analytics{modifiers}", app.waba_id())).await
}

/// Data points summed by the given keys (`conversation`, `cost`).
fn totals(v: &Value, keys: &[&str]) -> HashMap<String, (i64, f64)> {
    let mut out: HashMap<String, (i64, f64)> = HashMap::new();
    for p in v["conversation_analytics"]["data"][0]["data_points"].as_array().unwrap() {
        let k = keys.iter().map(|k| p[*k].as_str().unwrap_or("-")).collect::<Vec<_>>().join("/");
        let e = out.entry(k).or_default();
        e.0 += p["conversation"].as_i64().unwrap_or(0);
        e.1 += p["cost"].as_f64().unwrap_or(0.0);
    }
    out
}

async fn conversation_pricing(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let card = load_sample(&app).await;
    create_templates(&app).await;
    let (s, v) =
        app.post(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({"pricing_model": "CBP"})).await;
    assert_eq!((s, v["pricing_model"].as_str()), (200, Some("CBP")), "{v}");
    let biz = app.business_number().to_string();
    let gb = app.customer(GB, "Gil").await;
    let us = app.customer(US, "Una").await;
    let br = app.customer(BR, "Bia").await;
    let start = app.state.clock.now_ms();

    // Three marketing templates in 24 hours: one marketing conversation. The first sent
    // status carries its expiry, the others only its id and origin.
    let m1 = send_to(&app, GB, Some("news")).await;
    let first = sent(&app, &m1).await;
    assert_eq!(first["pricing"], cbp(true, "marketing"));
    let conv = first["conversation"]["id"].as_str().unwrap().to_string();
    assert_eq!(conv.len(), 32);
    assert_eq!(first["conversation"]["origin"], json!({"type": "marketing"}));
    let expires: i64 = first["conversation"]["expiration_timestamp"].as_str().unwrap().parse().unwrap();
    assert!((0..5).contains(&(expires - (start + DAY_MS) / 1000)), "{first}");
    app.advance_clock("3h").await;
    let m2 = send_to(&app, GB, Some("more_news")).await;
    app.advance_clock("20h").await;
    let m3 = send_to(&app, GB, Some("news")).await;
    for id in [&m2, &m3] {
        let s = sent(&app, id).await;
        assert_eq!(s["pricing"], cbp(true, "marketing"));
        assert_eq!(s["conversation"], json!({"id": conv, "origin": {"type": "marketing"}}));
    }
    // A utility template opens its own conversation.
    let u1 = send_to(&app, GB, Some("shipped")).await;
    let u = sent(&app, &u1).await;
    assert_eq!(u["pricing"], cbp(true, "utility"));
    assert_ne!(u["conversation"]["id"], conv);
    assert!(u["conversation"]["expiration_timestamp"].is_string());
    // Delivered out of order: the conversation is charged once, by whichever comes first.
    for id in [&m2, &m3, &m1, &u1] {
        assert_eq!(gb.ack(id, "delivered").await.0, 200);
    }
    // Past 24 hours a new marketing conversation opens and is charged again.
    app.advance_clock("2h").await;
    let m4 = send_to(&app, GB, Some("news")).await;
    let s4 = sent(&app, &m4).await;
    assert_ne!(s4["conversation"]["id"], conv);
    assert!(s4["conversation"]["expiration_timestamp"].is_string());
    assert_eq!(gb.ack(&m4, "read").await.0, 200);

    // A customer writes: the reply opens a free service conversation; a utility template in
    // the window joins it; a marketing template opens a charged one, which later replies join.
    us.send(&biz, json!({"type": "text", "text": {"body": "hi"}})).await;
    let r1 = send_to(&app, US, None).await;
    let s = sent(&app, &r1).await;
    assert_eq!(s["pricing"], cbp(false, "service"));
    assert_eq!(s["conversation"]["origin"]["type"], "service");
    let service_conv = s["conversation"]["id"].clone();
    let u2 = send_to(&app, US, Some("shipped")).await;
    let s = sent(&app, &u2).await;
    assert_eq!((s["pricing"].clone(), s["conversation"]["id"].clone()), (cbp(false, "service"), service_conv));
    let m5 = send_to(&app, US, Some("news")).await;
    let s = sent(&app, &m5).await;
    assert_eq!(s["pricing"], cbp(true, "marketing"));
    let r2 = send_to(&app, US, None).await;
    assert_eq!(sent(&app, &r2).await["conversation"]["id"], s["conversation"]["id"]);
    for id in [&r1, &u2, &m5, &r2] {
        assert_eq!(us.ack(id, "delivered").await.0, 200);
    }

    // A customer from an ad: the answer opens a free entry point conversation for 72 hours,
    // in which templates are free too.
    br.send(
        &biz,
        json!({"type": "text", "text": {"body": "Still on sale?"},
        "referral": {"source_url": "https://fb.me/ad1", "source_id": "1202", "source_type": "ad", "ctwa_clid": "AR"}}),
    )
    .await;
    let f1 = send_to(&app, BR, None).await;
    let s = sent(&app, &f1).await;
    assert_eq!(s["pricing"], cbp(false, "referral_conversion"));
    assert_eq!(s["conversation"]["origin"]["type"], "referral_conversion");
    let fep_expires: i64 = s["conversation"]["expiration_timestamp"].as_str().unwrap().parse().unwrap();
    assert!((fep_expires - app.state.clock.now_ms() / 1000 - 72 * 3600).abs() < 5, "{s}");
    app.advance_clock("30h").await;
    let f2 = send_to(&app, BR, Some("news")).await;
    let s2 = sent(&app, &f2).await;
    assert_eq!(
        (s2["pricing"].clone(), s2["conversation"]["id"].clone()),
        (cbp(false, "referral_conversion"), s["conversation"]["id"].clone())
    );
    for id in [&f1, &f2] {
        assert_eq!(br.ack(id, "delivered").await.0, 200);
    }

    // The ledger: every delivered message has a row, the charges are per conversation.
    let gb_m = card.rate("GB", Category::Marketing).unwrap();
    let gb_u = card.rate("GB", Category::Utility).unwrap();
    let us_m = card.rate("US", Category::Marketing).unwrap();
    let rows = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    assert_eq!(rows.len(), 11);
    assert_eq!(rows.iter().map(|r| r.amount_micros).sum::<i64>(), 2 * gb_m + gb_u + us_m);
    assert_eq!(rows.iter().filter(|r| r.amount_micros > 0).count(), 4, "one charged row per conversation");
    let lines = invoice_lines(&rows);
    let marketing_gb = lines.iter().find(|l| l.category == "marketing" && l.country == "GB").unwrap();
    assert_eq!((marketing_gb.messages, marketing_gb.amount_micros), (4, 2 * gb_m));
    // A second delivery report changes nothing.
    assert_eq!(gb.ack(&m1, "read").await.0, 200);
    let again = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    assert_eq!(again.iter().map(|r| r.amount_micros).sum::<i64>(), 2 * gb_m + gb_u + us_m);

    // conversation_analytics from the same conversations.
    let end = app.state.clock.now_ms() / 1000 + 3600;
    let base = format!(".start({}).end({end}).granularity(MONTHLY)", start / 1000 - 60);
    let (s, v) =
        analytics(&app, &format!("{base}.dimensions([CONVERSATION_CATEGORY,CONVERSATION_TYPE,COUNTRY])")).await;
    assert_eq!(s, 200, "{v}");
    let t = totals(&v, &["conversation_category", "conversation_type", "country"]);
    let micros = |m: i64| m as f64 / 1_000_000.0;
    let want: HashMap<String, (i64, f64)> = [
        ("MARKETING/REGULAR/GB", (2, micros(2 * gb_m))),
        ("UTILITY/REGULAR/GB", (1, micros(gb_u))),
        ("MARKETING/REGULAR/US", (1, micros(us_m))),
        ("SERVICE/FREE_TIER/US", (1, 0.0)),
        ("REFERRAL_CONVERSION/FREE_ENTRY/BR", (1, 0.0)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(t.len(), want.len(), "{v}");
    for (k, (n, cost)) in &want {
        let got = t.get(k).unwrap_or_else(|| panic!("no {k} in {v}"));
        assert_eq!(got.0, *n, "{k}");
        assert!((got.1 - cost).abs() < 1e-9, "{k}: {got:?}");
    }
    // Filters: user-initiated conversations; regular ones' cost only; one phone number.
    let (_, v) = analytics(
        &app,
        &format!("{base}.conversation_directions([USER_INITIATED]).dimensions([CONVERSATION_DIRECTION])"),
    )
    .await;
    assert_eq!(totals(&v, &["conversation_direction"])["USER_INITIATED"].0, 2);
    let (_, v) = analytics(&app, &format!("{base}.conversation_types([REGULAR]).metric_types([COST])")).await;
    let points = v["conversation_analytics"]["data"][0]["data_points"].as_array().unwrap().clone();
    assert!(points.iter().all(|p| p.get("conversation").is_none() && p["cost"].is_f64()), "{v}");
    let cost: f64 = points.iter().map(|p| p["cost"].as_f64().unwrap()).sum();
    assert!((cost - micros(2 * gb_m + gb_u + us_m)).abs() < 1e-9, "{v}");
    let (_, v) = analytics(
        &app,
        &format!("{base}.phone_numbers([{biz}]).conversation_categories([MARKETING]).dimensions([PHONE])"),
    )
    .await;
    assert_eq!(totals(&v, &["phone_number"])[&biz].0, 3, "{v}");
    let (_, v) = analytics(&app, &format!("{base}.phone_numbers([15550000000])")).await;
    assert_eq!(v["conversation_analytics"]["data"][0]["data_points"], json!([]));
    for bad in [
        ".start(0).end(10)".to_string(),
        format!("{base}.granularity(WEEKLY)").replace(".granularity(MONTHLY)", ""),
        format!("{base}.conversation_types([PAID])"),
        format!("{base}.dimensions([TIER])"),
        format!("{base}.metric_types([VOLUME])"),
    ] {
        let e = assert_graph_error(&analytics(&app, &bad).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().is_some_and(|d| d.contains(':')), "{bad}: {e}");
    }

    // Back to per-message pricing: the next template is priced per message.
    app.post(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({"pricing_model": "PMP"})).await;
    let p = send_to(&app, GB, Some("news")).await;
    let s = sent(&app, &p).await;
    assert_eq!(s["pricing"]["pricing_model"], "PMP");
    assert!(s.get("conversation").is_none(), "{s}");
    assert_graph_error(
        &app.post(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({"pricing_model": "XBP"})).await,
        400,
        100,
    );
    app.stop().await;
}
engine_test!(conversation_based_pricing, super::conversation_pricing);
