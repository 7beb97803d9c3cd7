//! Messaging limits, quality rating and blocks through HTTP, on SQLite and PostgreSQL: unique
//! customers of business-initiated templates in a moving 24 hours (131048 beyond the tier),
//! automatic upgrades with `business_capability_update` and `phone_number_quality_update`,
//! operator tier changes, blocks and reports turning a number YELLOW, RED (FLAGGED) and
//! restricted (131048) and recovering, customers blocking a business (131026, not charged),
//! and the business's `block_users`.

use std::time::Duration;

use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{assert_graph_error, engine_test, text_message, Database, Engine, TestApp};
use serde_json::{json, Value};

const TOKEN: &str = "limits-verify-token";
const US: &str = "15550001111";
const GB: &str = "447700900123";

async fn start(engine: Engine, tweak: impl FnOnce(&mut risala_server::Config)) -> (Database, TestApp) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    tweak(&mut config);
    let app = TestApp::start_with(config).await.unwrap();
    let (s, v) = app
        .post(
            &format!("/v23.0/{}/message_templates", app.waba_id()),
            &json!({"name": "notice", "language": "en_US", "category": "UTILITY",
                    "components": [{"type": "BODY", "text": "Your account statement for this month is ready to view."}]}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("APPROVED")), "{v}");
    (db, app)
}

async fn template_to(app: &TestApp, to: &str) -> (u16, Value) {
    let body = json!({"messaging_product": "whatsapp", "to": to, "type": "template",
                      "template": {"name": "notice", "language": {"code": "en_US"}}});
    app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await
}

async fn text_to(app: &TestApp, to: &str) -> (u16, Value) {
    let body = json!({"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": "hello"}});
    app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await
}

async fn template_ok(app: &TestApp, to: &str) -> String {
    let (s, v) = template_to(app, to).await;
    assert_eq!(s, 200, "template to {to}: {v}");
    v["messages"][0]["id"].as_str().unwrap().to_string()
}

/// The n-th made-up customer number.
fn customer(n: usize) -> String {
    format!("1555200{n:04}")
}

/// The demo number's `health_status`.
async fn health(app: &TestApp) -> Value {
    let (s, v) = app.get(&format!("/v23.0/{}?fields=health_status", app.phone_number_id())).await;
    assert_eq!(s, 200, "{v}");
    v["health_status"].clone()
}

async fn number_fields(app: &TestApp) -> Value {
    let (s, v) = app
        .get(&format!(
            "/v23.0/{}?fields=quality_rating,status,whatsapp_business_manager_messaging_limit,messaging_limit_tier",
            app.phone_number_id()
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    v
}

async fn tier(app: &TestApp) -> String {
    let v = number_fields(app).await;
    assert_eq!(v["messaging_limit_tier"], v["whatsapp_business_manager_messaging_limit"]);
    v["whatsapp_business_manager_messaging_limit"].as_str().unwrap().to_string()
}

async fn limit_view(app: &TestApp) -> Value {
    let (s, v) = app.get(&format!("/admin/v1/businesses/{}/messaging_limit", app.demo.ids.business_id)).await;
    assert_eq!(s, 200, "{v}");
    v
}

/// Subscribe the demo app to the limit and quality fields only.
async fn receiver(app: &TestApp) -> WebhookReceiver {
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": TOKEN,
                      "fields": "phone_number_quality_update,business_capability_update"});
    let (s, v) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{v}");
    rcv
}

/// `(field, value)` of every change received so far.
fn received(rcv: &WebhookReceiver) -> Vec<(String, Value)> {
    rcv.accepted().into_iter().map(|(_, f, v)| (f, v)).collect()
}

async fn wait_for(rcv: &WebhookReceiver, n: usize) -> Vec<(String, Value)> {
    assert!(rcv.wait_until(Duration::from_secs(10), |r| r.accepted().len() >= n).await, "{:?}", received(rcv));
    received(rcv)
}

async fn tier_counts_unique_customers(engine: Engine) {
    let (_db, app) = start(engine, |c| c.messaging_limit_upgrades = false).await;
    assert_eq!(tier(&app).await, "TIER_250");
    // The same customer twice counts once.
    template_ok(&app, &customer(0)).await;
    template_ok(&app, &customer(0)).await;
    assert_eq!(limit_view(&app).await["unique_customers_24h"], 1);
    // A template inside an open window is not business-initiated: it does not count.
    let inside = app.customer("15553000001", "Inside").await;
    inside.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    template_ok(&app, &inside.wa_id).await;
    assert_eq!(limit_view(&app).await["unique_customers_24h"], 1);

    for n in 1..200 {
        template_ok(&app, &customer(n)).await;
    }
    app.advance_clock("12h").await;
    for n in 200..250 {
        template_ok(&app, &customer(n)).await;
    }
    let view = limit_view(&app).await;
    assert_eq!((view["tier"].as_str(), view["unique_customers_24h"].as_i64()), (Some("TIER_250"), Some(250)));
    // The number's health says so: its business is LIMITED (sends work, new customers do not).
    let business =
        |h: &Value| h["entities"].as_array().unwrap().iter().find(|e| e["entity_type"] == "BUSINESS").cloned();
    let h = health(&app).await;
    assert_eq!(h["can_send_message"], "LIMITED", "{h}");
    let b = business(&h).unwrap();
    assert_eq!(b["can_send_message"], "LIMITED");
    assert!(b["additional_info"][0].as_str().unwrap().contains("250 unique customers"), "{b}");
    // The 251st new customer is refused; customers already reached are not.
    let e = assert_graph_error(&template_to(&app, &customer(250)).await, 400, 131048);
    let details = e["error_data"]["details"].as_str().unwrap();
    assert!(details.contains("Messaging limit") && details.contains("TIER_250"), "{details}");
    template_ok(&app, &customer(3)).await;
    template_ok(&app, &customer(220)).await;
    // Text and other service messages inside a window are never limited.
    let (s, v) = text_to(&app, &inside.wa_id).await;
    assert_eq!(s, 200, "{v}");

    // 12 h later only the 50 reached at 12 h and customer 3 (reached again) are in the window.
    app.advance_clock("12h1m").await;
    assert_eq!(limit_view(&app).await["unique_customers_24h"], 51);
    let h = health(&app).await;
    assert_eq!(
        (&h["can_send_message"], &business(&h).unwrap()["can_send_message"]),
        (&json!("AVAILABLE"), &json!("AVAILABLE"))
    );
    template_ok(&app, &customer(250)).await;
    assert_eq!(tier(&app).await, "TIER_250", "upgrades are off in this test");
    app.stop().await;
}
engine_test!(tier_counts_unique_customers_in_a_moving_day, super::tier_counts_unique_customers);

async fn upgrade_after_half_used(engine: Engine) {
    let (_db, app) = start(engine, |_| {}).await;
    let rcv = receiver(&app).await;
    for n in 0..124 {
        template_ok(&app, &customer(n)).await;
    }
    app.advance_clock("7h").await;
    assert_eq!(tier(&app).await, "TIER_250", "124 of 250 is less than half");
    // The 125th unique customer makes half; the upgrade comes 6 hours later.
    template_ok(&app, &customer(124)).await;
    let view = limit_view(&app).await;
    assert!(view["upgrade_due_at"].is_i64(), "{view}");
    app.advance_clock("5h59m").await;
    assert_eq!(tier(&app).await, "TIER_250");
    app.advance_clock("2m").await;
    assert_eq!(tier(&app).await, "TIER_2K");
    let got = wait_for(&rcv, 2).await;
    assert_eq!(
        got[0],
        (
            "business_capability_update".to_string(),
            json!({"max_daily_conversation_per_phone": 2000, "max_daily_conversations_per_business": "TIER_2K",
                   "max_phone_numbers_per_business": 20})
        )
    );
    assert_eq!(
        got[1],
        (
            "phone_number_quality_update".to_string(),
            json!({"display_phone_number": app.business_number(), "event": "UPGRADE", "current_limit": "TIER_2K",
                   "old_limit": "TIER_250", "max_daily_conversations_per_business": "TIER_2K"})
        )
    );
    assert!(rcv.accepted().iter().all(|(_, f, _)| f != "messages"), "only subscribed fields are delivered");
    assert_eq!(limit_view(&app).await["upgrade_due_at"], Value::Null, "usage starts over in the new tier");

    // The operator sets tiers: up to unlimited, back down to 250.
    let path = format!("/admin/v1/businesses/{}/messaging_limit", app.demo.ids.business_id);
    let (s, v) = app.post(&path, &json!({"tier": "TIER_UNLIMITED"})).await;
    assert_eq!((s, v["previous_tier"].as_str(), v["tier"].as_str()), (200, Some("TIER_2K"), Some("TIER_UNLIMITED")));
    assert_eq!(v["max_daily_conversation_per_phone"], -1);
    let (s, v) = app.post(&path, &json!({"tier": "TIER_250"})).await;
    assert_eq!((s, v["previous_tier"].as_str()), (200, Some("TIER_UNLIMITED")), "{v}");
    assert_graph_error(&app.post(&path, &json!({"tier": "TIER_50"})).await, 400, 131009);
    let got = wait_for(&rcv, 6).await;
    let events: Vec<_> = got
        .iter()
        .filter(|(f, _)| f == "phone_number_quality_update")
        .map(|(_, v)| (v["event"].as_str().unwrap().to_string(), v["current_limit"].as_str().unwrap().to_string()))
        .collect();
    let want = [("UPGRADE", "TIER_2K"), ("UPGRADE", "TIER_UNLIMITED"), ("DOWNGRADE", "TIER_250")];
    assert_eq!(events, want.map(|(a, b)| (a.to_string(), b.to_string())));
    assert_eq!(got[4].1["max_daily_conversation_per_phone"], 250);
    assert_eq!(tier(&app).await, "TIER_250");
    app.stop().await;
}
engine_test!(upgrade_after_half_the_limit_with_webhooks, super::upgrade_after_half_used);

async fn blocks_lower_quality(engine: Engine) {
    // Template pauses (the template's own feedback) are kept out of the way here.
    let (_db, app) = start(engine, |c| c.template_pause_after_feedback = 1000).await;
    let rcv = receiver(&app).await;
    let mut customers = Vec::new();
    for n in 0..16 {
        let c = app.customer(&customer(n), "C").await;
        template_ok(&app, &c.wa_id).await;
        customers.push(c);
    }
    let block = |i: usize| {
        let c = &customers[i];
        let path = format!("/customer/v1/chats/{}/block", app.business_number());
        async move {
            let (s, v) = c.post(&path, &json!({})).await;
            assert_eq!((s, v["blocked"].as_bool()), (200, Some(true)), "{v}");
            assert!(v["template_id"].is_string(), "the feedback also goes to the template: {v}");
        }
    };
    let report = |i: usize| {
        let c = &customers[i];
        let path = format!("/customer/v1/chats/{}/report", app.business_number());
        async move {
            let (s, v) = c.post(&path, &json!({"block": true})).await;
            assert_eq!((s, v["blocked"].as_bool()), (200, Some(true)), "{v}");
        }
    };
    // 16 messages, divided by at least 250: 4 blocks = 16 per 1000, GREEN; 5 = 20, YELLOW.
    for i in 0..4 {
        block(i).await;
    }
    assert_eq!(number_fields(&app).await["quality_rating"], "GREEN");
    block(4).await;
    // Blocking again counts nothing.
    block(4).await;
    let v = number_fields(&app).await;
    assert_eq!((v["quality_rating"].as_str(), v["status"].as_str()), (Some("YELLOW"), Some("CONNECTED")));
    // 9 blocks and a report with a block (weight 2 + 1): 12 per 250 = 48 per 1000, RED.
    for i in 5..9 {
        block(i).await;
    }
    report(9).await;
    let v = number_fields(&app).await;
    assert_eq!((v["quality_rating"].as_str(), v["status"].as_str()), (Some("RED"), Some("FLAGGED")));
    let got = wait_for(&rcv, 1).await;
    assert_eq!(got[0].0, "phone_number_quality_update");
    assert_eq!(got[0].1["event"], "FLAGGED");
    assert_eq!(got[0].1["current_limit"], "TIER_250");
    // RED alone does not stop sends; past 80 per 1000 business-initiated sends fail with 131048.
    template_ok(&app, &customer(100)).await;
    for i in 10..13 {
        report(i).await;
    }
    assert_eq!(number_fields(&app).await["status"], "RESTRICTED");
    let h = health(&app).await;
    assert_eq!((&h["can_send_message"], &h["entities"][0]["entity_type"]), (&json!("LIMITED"), &json!("PHONE_NUMBER")));
    assert_eq!(h["entities"][0]["can_send_message"], "LIMITED", "{h}");
    let e = assert_graph_error(&template_to(&app, &customer(101)).await, 400, 131048);
    let details = e["error_data"]["details"].as_str().unwrap();
    assert!(details.contains("13 blocks and 4 spam reports"), "{details}");
    // Replies inside a customer service window still go out.
    let talker = &customers[15];
    talker.send(app.business_number(), json!({"type": "text", "text": {"body": "are you open?"}})).await;
    assert_eq!(text_to(&app, &talker.wa_id).await.0, 200);
    // Signals fade over 7 days: YELLOW (no webhook) half-way through, then GREEN.
    app.advance_clock("4d").await;
    let v = number_fields(&app).await;
    assert_eq!((v["quality_rating"].as_str(), v["status"].as_str()), (Some("YELLOW"), Some("CONNECTED")), "{v}");
    let got = wait_for(&rcv, 2).await;
    assert_eq!(got[1].1["event"], "UNFLAGGED");
    app.advance_clock("3d").await;
    assert_eq!(number_fields(&app).await["quality_rating"], "GREEN");
    assert_eq!(health(&app).await["can_send_message"], "AVAILABLE");
    template_ok(&app, &customer(101)).await;
    assert_eq!(received(&rcv).len(), 2);
    app.stop().await;
}
engine_test!(blocks_and_reports_rate_the_number, super::blocks_lower_quality);

/// The `blocked` flag of the customer's (only) chat.
async fn blocked_in_chats(c: &risala_testkit::customer::TestCustomer) -> Value {
    c.get("/customer/v1/chats").await.1["data"][0]["blocked"].clone()
}

async fn customer_blocks_business(engine: Engine) {
    let (_db, app) = start(engine, |_| {}).await;
    let c = app.customer("15553000100", "Dana").await;
    let number = app.business_number().to_string();
    c.send(&number, json!({"type": "text", "text": {"body": "hi"}})).await;
    assert_eq!(blocked_in_chats(&c).await, false);
    let (s, v) = c.post(&format!("/customer/v1/chats/{number}/block"), &json!({})).await;
    assert_eq!((s, v["blocked"].as_bool(), v["template_id"].clone()), (200, Some(true), Value::Null), "{v}");
    assert_eq!(blocked_in_chats(&c).await, true);

    // The business's message is accepted, then fails with 131026 and is not priced.
    let (s, v) = text_to(&app, &c.wa_id).await;
    assert_eq!(s, 200, "{v}");
    let id = v["messages"][0]["id"].as_str().unwrap().to_string();
    let statuses: Vec<Value> = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id.as_str()).collect();
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    assert_eq!(statuses[0]["status"], "failed");
    assert_eq!(statuses[0]["errors"][0]["code"], 131026);
    assert!(statuses[0].get("pricing").is_none());
    // The customer cannot write to a number they blocked.
    let (s, v) = c.post("/customer/v1/messages", &json!({"to": number, "type": "text", "text": {"body": "x"}})).await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(131026)), "{v}");
    assert!(v["error"]["error_data"]["details"].as_str().unwrap().contains("unblock"));

    let (s, v) = c.post(&format!("/customer/v1/chats/{number}/unblock"), &json!({})).await;
    assert_eq!((s, v["was_blocked"].as_bool()), (200, Some(true)), "{v}");
    assert_eq!(blocked_in_chats(&c).await, false);
    let id = text_to(&app, &c.wa_id).await.1["messages"][0]["id"].as_str().unwrap().to_string();
    let statuses: Vec<Value> = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id.as_str()).collect();
    assert_eq!(statuses[0]["status"], "sent");
    assert_eq!(statuses[0]["pricing"]["billable"], false);

    // A report without a block leaves the chat open; with one, it blocks.
    let (s, v) = c.post(&format!("/customer/v1/chats/{number}/report"), &json!({})).await;
    assert_eq!((s, v["blocked"].as_bool()), (200, Some(false)), "{v}");
    assert_eq!(blocked_in_chats(&c).await, false);
    let (s, v) = c.post(&format!("/customer/v1/chats/{number}/report"), &json!({"block": true})).await;
    assert_eq!((s, v["blocked"].as_bool()), (200, Some(true)), "{v}");
    assert_eq!(blocked_in_chats(&c).await, true);
    assert_graph_error(
        &c.post(&format!("/customer/v1/chats/{number}/report"), &json!({"block": "yes"})).await,
        400,
        100,
    );
    app.stop().await;
}
engine_test!(customer_block_fails_sends_uncharged_until_unblocked, super::customer_blocks_business);

async fn business_block_users(engine: Engine) {
    let (_db, app) = start(engine, |_| {}).await;
    let path = format!("/v23.0/{}/block_users", app.phone_number_id());
    let number = app.business_number().to_string();
    let a = app.customer("15553000201", "A").await;
    let b = app.customer("15553000202", "B").await;
    let quiet = app.customer("15553000203", "Quiet").await;
    for c in [&a, &b] {
        c.send(&number, json!({"type": "text", "text": {"body": "hi"}})).await;
    }
    let users = |list: &[&str]| json!({"messaging_product": "whatsapp", "block_users": list.iter().map(|u| json!({"user": u})).collect::<Vec<_>>()});

    // Mixed: one blocked, the others fail each with its own error, and the request answers 400.
    let plus_a = format!("+{}", a.wa_id);
    let plus_number = format!("+{number}");
    let (s, v) = app.post(&path, &users(&[&plus_a, &quiet.wa_id, "not-a-number", &plus_number])).await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["messaging_product"], "whatsapp");
    assert_eq!(v["block_users"]["added_users"], json!([{"input": plus_a, "wa_id": a.wa_id}]));
    let failed = v["block_users"]["failed_users"].as_array().unwrap();
    let codes: Vec<_> = failed.iter().map(|f| f["errors"][0]["code"].as_i64().unwrap()).collect();
    assert_eq!(codes, [131047, 100, 131021]);
    assert_eq!(failed[0]["wa_id"], quiet.wa_id.as_str());
    assert!(failed[1].get("wa_id").is_none());
    assert!(failed[0]["errors"][0]["error_data"]["details"].as_str().unwrap().contains("24 hours"));
    assert_eq!(v["error"]["code"], 139100);
    assert!(v["error"]["fbtrace_id"].is_string());

    let (s, v) = app.post(&path, &users(&[&b.wa_id])).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v,
        json!({"messaging_product": "whatsapp", "block_users": {"added_users": [{"input": b.wa_id, "wa_id": b.wa_id}]}})
    );
    let (s, v) = app.get(&format!("{path}?limit=1")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"], json!([{"messaging_product": "whatsapp", "wa_id": a.wa_id}]));
    let after = v["paging"]["cursors"]["after"].as_str().unwrap();
    assert!(v["paging"]["next"].is_string());
    let (_, v) = app.get(&format!("{path}?limit=1&after={after}")).await;
    assert_eq!(v["data"], json!([{"messaging_product": "whatsapp", "wa_id": b.wa_id}]));

    // A blocked user's message does not reach the business, and the business cannot message them.
    let inbound_before = app.queued_inbound().await.len();
    let (s, v) = a.post("/customer/v1/messages", &json!({"to": number, "type": "text", "text": {"body": "x"}})).await;
    assert_eq!((s, v["error"]["code"].as_i64()), (400, Some(131026)), "{v}");
    assert!(v["error"]["error_data"]["details"].as_str().unwrap().contains("has blocked you"));
    assert_eq!(app.queued_inbound().await.len(), inbound_before);
    let e = assert_graph_error(&text_to(&app, &a.wa_id).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("blocked"));

    // Unblocking: DELETE with the same body.
    let r = app.client.delete(app.url(&path)).bearer_auth(risala_testkit::DEMO_TOKEN).json(&users(&[&plus_a])).send();
    let (s, v) = risala_testkit::json_response(r.await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["block_users"]["removed_users"], json!([{"input": plus_a, "wa_id": a.wa_id}]));
    a.send(&number, json!({"type": "text", "text": {"body": "back"}})).await;
    assert_eq!(app.queued_inbound().await.len(), inbound_before + 1);
    assert_eq!(text_to(&app, &a.wa_id).await.0, 200);
    let (_, v) = app.get(&path).await;
    assert_eq!(v["data"], json!([{"messaging_product": "whatsapp", "wa_id": b.wa_id}]));

    // Bad requests.
    assert_graph_error(&app.post(&path, &json!({"messaging_product": "whatsapp"})).await, 400, 131008);
    assert_graph_error(
        &app.post(&path, &json!({"messaging_product": "sms", "block_users": [{"user": "1"}]})).await,
        400,
        100,
    );
    assert_graph_error(&app.post(&path, &json!({"messaging_product": "whatsapp", "block_users": []})).await, 400, 100);
    app.stop().await;
}
engine_test!(business_blocks_users, super::business_block_users);

async fn throughput_and_pair_rate(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.throughput_mps = 5;
    let app = TestApp::start_with(config).await.unwrap();
    // A burst far above 5 per second: some sends are refused synchronously with 130429.
    let mut tasks = Vec::new();
    for i in 0..30 {
        let (client, url) = (app.client.clone(), app.url(&format!("/v23.0/{}/messages", app.phone_number_id())));
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(risala_testkit::DEMO_TOKEN)
                .json(&text_message(&format!("4477009001{i:02}"), "Thanks!"))
                .send()
                .await
                .unwrap();
            risala_testkit::json_response(r).await
        }));
    }
    let mut limited = 0;
    for t in tasks {
        let (s, v) = t.await.unwrap();
        if s == 429 {
            assert_eq!(v["error"]["code"], 130429, "{v}");
            assert!(v["error"]["error_data"]["details"].as_str().is_some_and(|d| d.contains("5 messages per second")));
            limited += 1;
        } else {
            assert_eq!(s, 200, "{v}");
        }
    }
    assert!(limited >= 10, "{limited} of 30 were limited");
    app.stop().await;

    let mut config = db.config();
    config.pair_rate_limit = true;
    let app = TestApp::start_with(config).await.unwrap();
    let us = app.customer(US, "Una").await;
    us.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    for _ in 0..45 {
        app.send_accepted(&text_message(US, "Thanks!")).await;
    }
    let path = format!("/v23.0/{}/messages", app.phone_number_id());
    let (s, v) = app.post(&path, &text_message(US, "Thanks!")).await;
    assert_eq!((s, v["error"]["code"].clone()), (400, json!(131056)), "{v}");
    // Another customer is not affected; time refills the pair's bucket.
    app.send_accepted(&text_message(GB, "Thanks!")).await;
    app.advance_clock("7s").await;
    app.send_accepted(&text_message(US, "Thanks!")).await;
}
engine_test!(throughput_130429_and_pair_rate_131056, super::throughput_and_pair_rate);
