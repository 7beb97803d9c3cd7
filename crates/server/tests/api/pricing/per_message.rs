//! Per-message pricing, the ledger and invoices, on SQLite and PostgreSQL: service replies and
//! utility templates inside the window are free, templates are charged the card's rate for the
//! recipient's country (a +1 number by its real region) when delivered, once, never when
//! failed; free entry point windows; a customer's stop of marketing; volume tiers.

use std::collections::HashMap;

use risala_core::clock::Clock;
use risala_core::model::{Category, RateCard};
use risala_core::pricing::invoice_lines;
use risala_testkit::customer::TestCustomer;
use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{create_templates, load_sample, send, template_body, text_body, CA, GB, IN, US};

/// The statuses queued for one message, in order.
async fn statuses(app: &TestApp, id: &str) -> Vec<Value> {
    app.queued_statuses().await.into_iter().filter(|s| s["id"] == id).collect()
}

async fn sent_pricing(app: &TestApp, id: &str) -> Value {
    let s = statuses(app, id).await;
    assert_eq!(s[0]["status"], "sent", "{s:?}");
    s[0]["pricing"].clone()
}

async fn ledger_total(app: &TestApp) -> (i64, usize) {
    let rows = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    (rows.iter().map(|r| r.amount_micros).sum(), rows.len())
}

async fn pmp_pricing_and_invoice(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let card = load_sample(&app).await;
    create_templates(&app).await;
    let biz = app.business_number().to_string();
    let us = app.customer(US, "Una").await;
    let gb = app.customer(GB, "Gil").await;
    let ca = app.customer(CA, "Cam").await;
    let inn = app.customer(IN, "Ina").await;

    // A reply inside the window: service, free.
    us.send(&biz, json!({"type": "text", "text": {"body": "hi"}})).await;
    let reply = send(&app, &text_body(US)).await;
    assert_eq!(
        sent_pricing(&app, &reply).await,
        json!({"billable": false, "pricing_model": "PMP", "type": "free_customer_service", "category": "service"})
    );
    // A utility template inside the window: free.
    let utility_in = send(&app, &template_body(US, "shipped")).await;
    assert_eq!(
        sent_pricing(&app, &utility_in).await,
        json!({"billable": false, "pricing_model": "PMP", "type": "free_customer_service", "category": "utility"})
    );
    // A marketing template inside the window is charged all the same.
    let marketing_us = send(&app, &template_body(US, "news")).await;
    assert_eq!(
        sent_pricing(&app, &marketing_us).await,
        json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "marketing"})
    );
    // Outside any window: marketing to +44 at the GB rate, to a Toronto number at the CA rate,
    // utility charged, authentication to India at the international rate.
    let marketing_gb = send(&app, &template_body(GB, "news")).await;
    let marketing_ca = send(&app, &template_body(CA, "news")).await;
    let utility_gb = send(&app, &template_body(GB, "shipped")).await;
    let auth_in = send(&app, &template_body(IN, "login")).await;
    let auth_gb = send(&app, &template_body(GB, "login")).await;
    assert_eq!(
        sent_pricing(&app, &auth_in).await,
        json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "authentication-international"})
    );
    assert_eq!(sent_pricing(&app, &auth_gb).await["category"], "authentication");
    // A text outside the window fails (131047) and carries no pricing.
    let failed = send(&app, &text_body(GB)).await;
    let s = statuses(&app, &failed).await;
    assert_eq!(s[0]["status"], "failed");
    assert!(s[0].get("pricing").is_none(), "{s:?}");

    // Nothing is charged before delivery.
    assert_eq!(ledger_total(&app).await, (0, 0));
    let acks: [(&TestCustomer, &str); 8] = [
        (&us, &reply),
        (&us, &utility_in),
        (&us, &marketing_us),
        (&gb, &marketing_gb),
        (&ca, &marketing_ca),
        (&gb, &utility_gb),
        (&inn, &auth_in),
        (&gb, &auth_gb),
    ];
    for (c, id) in acks {
        assert_eq!(c.ack(id, "delivered").await.0, 200);
    }
    // Read after delivered, a second delivered, and a read straight from sent charge nothing more.
    assert_eq!(gb.ack(&marketing_gb, "read").await.0, 200);
    gb.ack(&marketing_gb, "delivered").await;
    // The failed message cannot be delivered, so is never charged.
    gb.ack(&failed, "delivered").await;

    let rate = |c: &str, cat: Category| card.rate(c, cat).unwrap();
    assert_eq!(rate("GB", Category::Marketing), 52_900);
    assert_ne!(rate("CA", Category::Marketing), rate("US", Category::Marketing));
    let expected = rate("US", Category::Marketing)
        + rate("GB", Category::Marketing)
        + rate("CA", Category::Marketing)
        + rate("GB", Category::Utility)
        + rate("IN", Category::AuthenticationInternational)
        + rate("GB", Category::Authentication);
    assert_eq!(ledger_total(&app).await, (expected, 8));

    let rows = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    let lines = invoice_lines(&rows);
    let gb_marketing = lines.iter().find(|l| l.country == "GB" && l.category == "marketing").unwrap();
    assert_eq!(
        (gb_marketing.messages, gb_marketing.amount_micros, gb_marketing.pricing_type.as_str()),
        (1, 52_900, "regular")
    );
    let free: i64 = lines.iter().filter(|l| l.pricing_type != "regular").map(|l| l.messages).sum();
    assert_eq!(free, 2);

    // The same ledger in pricing_analytics.
    let end = app.state.clock.now_ms() / 1000 + 86_400;
    let (s, v) = app
        .get(&format!(
            "/v23.0/{}?fields=pricing_analytics.start(0).end({end}).granularity(MONTHLY).dimensions([COUNTRY,PRICING_CATEGORY,PRICING_TYPE])",
            app.waba_id()
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], app.waba_id());
    let points = v["pricing_analytics"]["data"][0]["data_points"].as_array().unwrap().clone();
    let gb_point = points.iter().find(|p| p["country"] == "GB" && p["pricing_category"] == "MARKETING").unwrap();
    assert_eq!(
        (gb_point["volume"].clone(), gb_point["cost"].clone(), gb_point["pricing_type"].clone()),
        (json!(1), json!(0.0529), json!("REGULAR"))
    );
    let ca = points.iter().find(|p| p["country"] == "CA").unwrap();
    assert_eq!(ca["cost"], json!(0.026));
    let volume: i64 = points.iter().map(|p| p["volume"].as_i64().unwrap()).sum();
    assert_eq!(volume, 8);
    let (s, v) = app
        .get(&format!("/v23.0/{}?fields=pricing_analytics.start(0).end({end}).granularity(WEEKLY)", app.waba_id()))
        .await;
    assert_eq!((s, v["error"]["code"].clone()), (400, json!(100)), "{v}");

    // Messaging analytics: sent (not failed) and delivered per day; the failed one is not sent.
    let (s, v) =
        app.get(&format!("/v23.0/{}?fields=analytics.start(0).end({end}).granularity(MONTH)", app.waba_id())).await;
    assert_eq!(s, 200, "{v}");
    let points = v["analytics"]["data_points"].as_array().unwrap();
    let total = |k: &str| points.iter().map(|p| p[k].as_i64().unwrap()).sum::<i64>();
    assert_eq!((total("sent"), total("delivered")), (8, 8), "{v}");
    let (_, v) =
        app.get(&format!("/v23.0/{}?fields=analytics.start(0).end({end}).country_codes([GB])", app.waba_id())).await;
    let points = v["analytics"]["data_points"].as_array().unwrap();
    assert_eq!(points.iter().map(|p| p["sent"].as_i64().unwrap()).sum::<i64>(), 3, "{v}");

    // A read straight from sent charges too (delivered is implied), once.
    let later = send(&app, &template_body(GB, "news")).await;
    assert_eq!(gb.ack(&later, "read").await.0, 200);
    assert_eq!(ledger_total(&app).await, (expected + 52_900, 9));

    // A later card applies from its date on; messages sent before keep their price.
    let pending = send(&app, &template_body(GB, "news")).await;
    let newer = RateCard::parse_csv("country,marketing\nGB,0.06\n", "q1").unwrap();
    let from = app.state.clock.now_ms() + 3_600_000;
    app.state.store.load_rate_card(&newer, from, app.state.clock.now_ms()).await.unwrap();
    app.advance_clock("2h").await;
    let repriced = send(&app, &template_body(GB, "news")).await;
    gb.ack(&pending, "delivered").await;
    gb.ack(&repriced, "delivered").await;
    assert_eq!(ledger_total(&app).await, (expected + 52_900 * 2 + 60_000, 11));
}
engine_test!(pmp_pricing_and_invoice_works, super::pmp_pricing_and_invoice);

fn referral() -> Value {
    json!({"source_url": "https://fb.me/ad1", "source_id": "120200000001", "source_type": "ad",
           "headline": "Spring sale", "body": "Tap to chat", "ctwa_clid": "ARAkLkA8r"})
}

async fn free_entry_point(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let card = load_sample(&app).await;
    create_templates(&app).await;
    let biz = app.business_number().to_string();
    let br = "5511987654321";
    let de = "4915123456789";
    let brc = app.customer(br, "Bia").await;
    let dec = app.customer(de, "Dirk").await;
    let conversations = |wa: &str| format!("/v23.0/{}/conversations?wa_id={wa}", app.phone_number_id());

    // Until a customer arrives through an ad, the number has no entry points (remembered for
    // a few seconds, so its sends read none): an answer is priced as a service reply.
    dec.send(&biz, json!({"type": "text", "text": {"body": "hello"}})).await;
    let reply = send(&app, &text_body(de)).await;
    assert_eq!(statuses(&app, &reply).await[0]["pricing"]["type"], "free_customer_service");

    // The customer arrives through an ad: the business has 24 hours to answer.
    brc.send(&biz, json!({"type": "text", "text": {"body": "Is this still on sale?"}, "referral": referral()})).await;
    let (s, v) = app.get(&conversations(br)).await;
    assert_eq!(s, 200, "{v}");
    let w = &v["data"][0];
    assert_eq!(w["wa_id"], br);
    assert_eq!(w["customer_service_window"]["open"], true);
    assert_eq!(w["free_entry_point_window"]["open"], false);
    assert!(w["free_entry_point_window"]["pending_until"].is_i64(), "{v}");

    // The answer opens the 72-hour window: free, with the conversation object.
    app.advance_clock("2h").await;
    let answered_at = app.state.clock.now_ms();
    let answer = send(&app, &text_body(br)).await;
    let sent = statuses(&app, &answer).await.remove(0);
    assert_eq!(
        sent["pricing"],
        json!({"billable": false, "pricing_model": "PMP", "type": "free_entry_point", "category": "referral_conversion"})
    );
    let (_, v) = app.get(&conversations(br)).await;
    assert_eq!(v["data"][0]["free_entry_point_window"]["open"], true);
    // The sandbox clock runs on from the answer: allow for the request's own time.
    let expires_at = v["data"][0]["free_entry_point_window"]["expires_at"].as_i64().unwrap();
    assert!((0..5_000).contains(&(expires_at - answered_at - 72 * 3_600_000)), "{v}");
    assert_eq!(sent["conversation"]["expiration_timestamp"], (expires_at / 1000).to_string());
    assert_eq!(sent["conversation"]["origin"]["type"], "referral_conversion");
    assert!(sent["conversation"]["id"].as_str().is_some_and(|i| i.len() == 32));
    // The customer's chat list shows it too.
    let (_, chats) = brc.get("/customer/v1/chats").await;
    assert_eq!(chats["data"][0]["free_entry_point_window"]["open"], true, "{chats}");

    // After the service window closed, a marketing template is still free inside the FEP...
    app.advance_clock("30h").await;
    let inside = send(&app, &template_body(br, "news")).await;
    assert_eq!(statuses(&app, &inside).await[0]["pricing"]["type"], "free_entry_point");
    // ...and charged once the 72 hours are over.
    app.advance_clock("43h").await;
    let after = send(&app, &template_body(br, "news")).await;
    assert_eq!(statuses(&app, &after).await[0]["pricing"]["type"], "regular");
    assert!(statuses(&app, &after).await[0].get("conversation").is_none());
    for id in [&answer, &inside, &after] {
        assert_eq!(brc.ack(id, "delivered").await.0, 200);
    }

    // An answer more than 24 hours after the ad opens no window.
    dec.send(&biz, json!({"type": "text", "text": {"body": "hi"}, "referral": referral()})).await;
    app.advance_clock("25h").await;
    let late = send(&app, &template_body(de, "news")).await;
    assert_eq!(statuses(&app, &late).await[0]["pricing"]["type"], "regular");
    assert_eq!(dec.ack(&late, "delivered").await.0, 200);

    let expected = card.rate("BR", Category::Marketing).unwrap() + card.rate("DE", Category::Marketing).unwrap();
    assert_eq!(ledger_total(&app).await, (expected, 4));

    // The operator's view of the same windows (sandbox: the business's token works).
    let (s, v) = app.get(&format!("/admin/v1/phone_numbers/{}/conversations", app.phone_number_id())).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"].as_array().unwrap().len(), 2, "{v}");
}
engine_test!(free_entry_point_window, super::free_entry_point);

async fn stop_marketing(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let card = load_sample(&app).await;
    create_templates(&app).await;
    let biz = app.business_number().to_string();
    let gb = app.customer(GB, "Gil").await;
    let path = format!("/customer/v1/chats/{biz}/marketing");

    let (s, v) = gb.post(&path, &json!({"value": "stop"})).await;
    assert_eq!(s, 200, "{v}");
    let prefs: Vec<Value> =
        app.outbox().await.into_iter().filter(|(f, _)| f == "user_preferences").map(|(_, v)| v).collect();
    assert_eq!(prefs.len(), 1);
    let p = &prefs[0]["user_preferences"][0];
    assert_eq!(
        (p["wa_id"].as_str(), p["category"].as_str(), p["value"].as_str()),
        (Some(GB), Some("marketing_messages"), Some("stop"))
    );
    assert!(p["timestamp"].is_string() && prefs[0]["metadata"]["phone_number_id"] == app.phone_number_id());

    // Marketing fails with 131050 and is never charged; utility still goes out.
    let stopped = send(&app, &template_body(GB, "news")).await;
    let st = statuses(&app, &stopped).await;
    assert_eq!(
        (st[0]["status"].as_str(), st[0]["errors"][0]["code"].as_i64()),
        (Some("failed"), Some(131050)),
        "{st:?}"
    );
    assert!(st[0].get("pricing").is_none());
    gb.ack(&stopped, "delivered").await;
    let utility = send(&app, &template_body(GB, "shipped")).await;
    assert_eq!(statuses(&app, &utility).await[0]["status"], "sent");
    gb.ack(&utility, "delivered").await;

    // After resume, marketing is sent and charged again.
    let (s, _) = gb.post(&path, &json!({"value": "resume"})).await;
    assert_eq!(s, 200);
    let again = send(&app, &template_body(GB, "news")).await;
    assert_eq!(statuses(&app, &again).await[0]["status"], "sent");
    gb.ack(&again, "delivered").await;
    let expected = card.rate("GB", Category::Utility).unwrap() + card.rate("GB", Category::Marketing).unwrap();
    assert_eq!(ledger_total(&app).await, (expected, 2));

    let (s, v) = gb.post(&path, &json!({"value": "maybe"})).await;
    assert_eq!((s, v["error"]["code"].clone()), (400, json!(131009)), "{v}");
}
engine_test!(stop_marketing_fails_131050, super::stop_marketing);

async fn volume_tiers(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    create_templates(&app).await;
    let card = RateCard::parse_csv(
        "country,marketing,utility,authentication\nGB,0.0529,0.022,0.0358\ntier,GB,utility,3,0.015\ntier,GB,utility,5,0.01\n",
        "tiers",
    )
    .unwrap();
    app.state.store.load_rate_card(&card, 0, app.state.clock.now_ms()).await.unwrap();
    let gb = app.customer(GB, "Gil").await;
    // The n-th charged utility message of the month (counted on delivery) gets the n-th price.
    for _ in 0..6 {
        let id = send(&app, &template_body(GB, "shipped")).await;
        assert_eq!(gb.ack(&id, "delivered").await.0, 200);
    }
    // Marketing has no tiers; free messages do not count.
    let m = send(&app, &template_body(GB, "news")).await;
    gb.ack(&m, "delivered").await;
    let rows = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    let amounts: Vec<i64> = rows.iter().map(|r| r.amount_micros).collect();
    assert_eq!(amounts, [22_000, 22_000, 15_000, 15_000, 10_000, 10_000, 52_900]);
    // pricing_analytics' TIER dimension names each price's tier.
    let end = app.state.clock.now_ms() / 1000 + 3600;
    let (s, v) = app
        .get(&format!(
            "/v23.0/{}?fields=pricing_analytics.start(0).end({end}).granularity(MONTHLY).metric_types([VOLUME]).dimensions([TIER,PRICING_CATEGORY])",
            app.waba_id()
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    let mut tiers: HashMap<(String, String), i64> = HashMap::new();
    for p in v["pricing_analytics"]["data"][0]["data_points"].as_array().unwrap() {
        let key = (p["pricing_category"].as_str().unwrap().to_string(), p["tier"].as_str().unwrap().to_string());
        *tiers.entry(key).or_default() += p["volume"].as_i64().unwrap();
    }
    let want: HashMap<(String, String), i64> =
        [(("UTILITY", "0:2"), 2), (("UTILITY", "3:4"), 2), (("UTILITY", "5:MAX"), 2), (("MARKETING", "0:MAX"), 1)]
            .into_iter()
            .map(|((c, t), n)| ((c.to_string(), t.to_string()), n))
            .collect();
    assert_eq!(tiers, want, "{v}");
}
engine_test!(volume_tiers_per_business_month, super::volume_tiers);
