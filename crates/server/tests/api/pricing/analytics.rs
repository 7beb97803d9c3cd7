//! Pricing analytics and regions through HTTP on SQLite and PostgreSQL with the sandbox clock:
//! a +1 number outside the US and Canada priced by its own region, the filters and
//! granularities of `pricing_analytics` and `analytics`, the service window closing in the
//! Graph-style conversations read, and status webhooks with `pricing` delivered by the delivery
//! engine to a subscribed receiver.

use std::collections::HashMap;
use std::time::Duration;

use risala_core::clock::Clock;
use risala_core::model::Category;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{load_sample, send_to};

const GB: &str = "447700900123";
/// San Juan, Puerto Rico: +1 like the US, its own region.
const PR: &str = "17872345678";
const US: &str = "12125550199";
const VERIFY: &str = "pricing-analytics-verify";

async fn create_templates(app: &TestApp) {
    app.create_approved_templates(&[
        ("news", "MARKETING", "Hello {{1}}, new arrivals are waiting for you in our store this week."),
        ("shipped", "UTILITY", "Hello {{1}}, your order has shipped and is on its way to you."),
    ])
    .await;
}

/// `pricing_analytics` data points for the given extra modifiers, over everything so far.
async fn pricing(app: &TestApp, modifiers: &str) -> Vec<Value> {
    let end = app.state.clock.now_ms() / 1000 + 3600;
    let (s, v) =
        app.get(&format!("/v23.0/{}?fields=pricing_analytics.start(0).end({end}){modifiers}", app.waba_id())).await;
    assert_eq!(s, 200, "{modifiers}: {v}");
    v["pricing_analytics"]["data"][0]["data_points"].as_array().unwrap().clone()
}

/// Volume and cost summed per value of `key` (`-` when the points do not have it).
fn by(points: &[Value], key: &str) -> HashMap<String, (i64, f64)> {
    let mut out: HashMap<String, (i64, f64)> = HashMap::new();
    for p in points {
        let e = out.entry(p[key].as_str().unwrap_or("-").to_string()).or_default();
        e.0 += p["volume"].as_i64().unwrap_or(0);
        e.1 += p["cost"].as_f64().unwrap_or(0.0);
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

async fn window_open(app: &TestApp, wa_id: &str) -> Value {
    let (s, v) = app.get(&format!("/v23.0/{}/conversations?wa_id={wa_id}", app.phone_number_id())).await;
    assert_eq!(s, 200, "{v}");
    v["data"][0]["customer_service_window"].clone()
}

async fn analytics_and_regions(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let card = load_sample(&app).await;
    create_templates(&app).await;
    let rcv = WebhookReceiver::start(VERIFY).await.unwrap();
    rcv.set_app_secret(&app.demo.app.app_secret);
    let sub = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": VERIFY, "fields": "messages"});
    let (s, v) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &sub).await;
    assert_eq!(s, 200, "{v}");
    let biz = app.business_number().to_string();
    let gb = app.customer(GB, "Gil").await;
    let pr = app.customer(PR, "Pia").await;
    let us = app.customer(US, "Una").await;

    // Day one: a free reply to GB, marketing to GB, Puerto Rico and New York.
    let wrote_at = app.state.clock.now_ms();
    gb.send(&biz, json!({"type": "text", "text": {"body": "hi"}})).await;
    let w = window_open(&app, GB).await;
    assert_eq!(w["open"], true, "{w}");
    let expires = w["expires_at"].as_i64().unwrap();
    assert!((0..5_000).contains(&(expires - wrote_at - 24 * 3_600_000)), "{w}");
    let reply = send_to(&app, GB, None).await;
    let m_gb = send_to(&app, GB, Some("news")).await;
    let m_pr = send_to(&app, PR, Some("news")).await;
    let m_us = send_to(&app, US, Some("news")).await;
    for (c, id) in [(&gb, &reply), (&gb, &m_gb), (&pr, &m_pr), (&us, &m_us)] {
        assert_eq!(c.ack(id, "delivered").await.0, 200);
    }
    // Day two: the window has closed, in the Graph-style read too; utility is charged.
    app.advance_clock("25h").await;
    assert_eq!(window_open(&app, GB).await["open"], false);
    let u_gb = send_to(&app, GB, Some("shipped")).await;
    let m_gb2 = send_to(&app, GB, Some("news")).await;
    for id in [&u_gb, &m_gb2] {
        assert_eq!(gb.ack(id, "delivered").await.0, 200);
    }

    // Puerto Rico is not the US: the card has no PR row, so the default row prices it.
    let rows = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    let row = |id: &str| rows.iter().find(|r| r.message_id == id).unwrap_or_else(|| panic!("no ledger row for {id}"));
    assert_eq!((row(&m_pr).country.as_str(), row(&m_pr).amount_micros), ("PR", 74_000));
    assert_eq!((row(&m_us).country.as_str(), row(&m_us).amount_micros), ("US", 25_000));
    assert_ne!(card.rate("US", Category::Marketing), Some(74_000));
    assert_eq!(rows.len(), 6);

    // Granularities: every point is one bucket long and aligned; the two days are apart.
    let daily = pricing(&app, ".granularity(DAILY)").await;
    // (Three only if day one's few seconds straddle midnight UTC.)
    assert!((2..=3).contains(&daily.len()), "{daily:?}");
    for p in &daily {
        let (s, e) = (p["start"].as_i64().unwrap(), p["end"].as_i64().unwrap());
        assert_eq!((e - s, s % 86_400), (86_400, 0), "{p}");
    }
    let half = pricing(&app, ".granularity(HALF_HOUR)").await;
    assert!(half.len() >= 2, "{half:?}");
    for p in &half {
        let (s, e) = (p["start"].as_i64().unwrap(), p["end"].as_i64().unwrap());
        assert_eq!((e - s, s % 1_800), (1_800, 0), "{p}");
    }
    assert_eq!(half.iter().map(|p| p["volume"].as_i64().unwrap()).sum::<i64>(), 6);

    // Filters.
    let g = ".granularity(MONTHLY)";
    let u = by(
        &pricing(&app, &format!("{g}.pricing_categories([UTILITY]).dimensions([PRICING_CATEGORY])")).await,
        "pricing_category",
    );
    assert_eq!(u.len(), 1, "{u:?}");
    assert!(u["UTILITY"].0 == 1 && close(u["UTILITY"].1, 0.022), "{u:?}");
    let f = by(
        &pricing(&app, &format!("{g}.pricing_types([FREE_CUSTOMER_SERVICE]).dimensions([PRICING_TYPE])")).await,
        "pricing_type",
    );
    assert_eq!(f, HashMap::from([("FREE_CUSTOMER_SERVICE".to_string(), (1, 0.0))]));
    let c = by(&pricing(&app, &format!("{g}.country_codes([PR,US]).dimensions([COUNTRY])")).await, "country");
    assert_eq!(c.len(), 2, "{c:?}");
    assert!(c["PR"].0 == 1 && close(c["PR"].1, 0.074), "{c:?}");
    assert!(c["US"].0 == 1 && close(c["US"].1, 0.025), "{c:?}");
    let gbm = by(&pricing(&app, &format!("{g}.country_codes([GB]).pricing_categories([MARKETING])")).await, "-");
    assert!(gbm["-"].0 == 2 && close(gbm["-"].1, 2.0 * 0.0529), "{gbm:?}");
    let p = by(&pricing(&app, &format!("{g}.phone_numbers([{biz}]).dimensions([PHONE])")).await, "phone_number");
    assert_eq!(p[&biz].0, 6, "{p:?}");
    assert!(pricing(&app, &format!("{g}.phone_numbers([15550000000])")).await.is_empty());
    let cost_only = pricing(&app, &format!("{g}.metric_types([COST])")).await;
    assert!(cost_only.iter().all(|p| p.get("volume").is_none() && p["cost"].is_f64()), "{cost_only:?}");
    let total: f64 = cost_only.iter().map(|p| p["cost"].as_f64().unwrap()).sum();
    assert!(close(total, 0.0529 * 2.0 + 0.074 + 0.025 + 0.022), "{total}");
    let end = app.state.clock.now_ms() / 1000 + 3600;
    for bad in [
        ".pricing_categories([GOLD])",
        ".pricing_types([PAID])",
        ".granularity(HOURLY)",
        ".metric_types([CONVERSATION])",
    ] {
        let path = format!("/v23.0/{}?fields=pricing_analytics.start(0).end({end}){bad}", app.waba_id());
        assert_graph_error(&app.get(&path).await, 400, 100);
    }

    // Messaging analytics by half hour and by day, filtered by number.
    let app_ref = &app;
    let a = |mods: String| {
        let path = format!("/v23.0/{}?fields=analytics.start(0).end({end}){mods}", app_ref.waba_id());
        async move {
            let (s, v) = app_ref.get(&path).await;
            assert_eq!(s, 200, "{v}");
            v["analytics"].clone()
        }
    };
    let v = a(".granularity(HALF_HOUR)".into()).await;
    let points = v["data_points"].as_array().unwrap();
    assert!(points.iter().all(|p| p["end"].as_i64().unwrap() - p["start"].as_i64().unwrap() == 1_800), "{v}");
    let sum = |pts: &[Value], k: &str| pts.iter().map(|p| p[k].as_i64().unwrap()).sum::<i64>();
    assert_eq!((sum(points, "sent"), sum(points, "delivered")), (6, 6), "{v}");
    let v = a(format!(".granularity(DAY).phone_numbers([{biz}])")).await;
    assert_eq!(v["granularity"], "DAY");
    assert_eq!(sum(v["data_points"].as_array().unwrap(), "sent"), 6, "{v}");
    let v = a(".granularity(DAY).phone_numbers([15550000000])".into()).await;
    assert_eq!(sum(v["data_points"].as_array().unwrap(), "sent"), 0, "{v}");

    // The status webhooks the receiver got carry the same pricing.
    let want = [
        (
            &reply,
            json!({"billable": false, "pricing_model": "PMP", "type": "free_customer_service", "category": "service"}),
        ),
        (&m_pr, json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "marketing"})),
        (&u_gb, json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "utility"})),
    ];
    let statuses = |r: &WebhookReceiver| -> Vec<Value> {
        r.accepted()
            .into_iter()
            .filter(|(_, f, _)| f == "messages")
            .flat_map(|(_, _, v)| v["statuses"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    let delivered_all =
        |r: &WebhookReceiver| statuses(r).iter().filter(|s| s["status"] == "delivered").count() >= rows.len();
    assert!(rcv.wait_until(Duration::from_secs(15), delivered_all).await, "{:?}", statuses(&rcv));
    let got = statuses(&rcv);
    for (id, pricing) in want {
        let sent = got.iter().find(|s| s["id"] == id.as_str() && s["status"] == "sent").unwrap();
        assert_eq!(sent["pricing"], pricing, "{sent}");
        assert!(sent["recipient_id"].is_string(), "{sent}");
    }
    assert!(rcv.posts().iter().all(|p| p.signature_valid == Some(true)));
    app.stop().await;
}
engine_test!(regions_analytics_filters_and_delivered_pricing, super::analytics_and_regions);
