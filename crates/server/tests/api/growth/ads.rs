//! Click-to-WhatsApp ads through `/tools/v1/{phone-number-id}/ads…` and the customer API:
//! validation naming the field, the exact ad and feed shapes, pause/resume/edit/delete, another
//! business's token refused; impressions once per customer per day, taps, the referral's exact
//! shape on the first message and its webhook, the conversation counted with spend and cost per
//! conversation; the budget cap stops the ad; targeting by calling code; and the journey over
//! the billing ledger: the free entry point, then a paid template after 72 hours.

use risala_core::clock::Clock;
use risala_core::model::RateCard;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const US: &str = "15550001111";
const GB: &str = "447700900123";
const BR: &str = "5511987654321";

/// An 8×8 PNG.
pub const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x08\x00\x00\x00\x08\x08\x02\x00\x00\x00\x4b\x6d\x29\xdc\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63\x60\xc8\xf0\xc7\x8e\x86\x96\x04\x00\xcd\x07\x2d\xc1\x33\x78\xb2\xd5\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

pub fn ads_path(app: &TestApp) -> String {
    format!("/tools/v1/{}/ads", app.phone_number_id())
}

/// A valid ad: a Facebook ad with an image link, paid per conversation.
pub fn spring_ad() -> Value {
    json!({
        "name": "Spring sale",
        "placement": "facebook",
        "headline": "Fresh bread, 20% off",
        "body": "Order on WhatsApp and pick up today.",
        "media": {"type": "image", "link": "https://cdn.example.com/bread.jpg"},
        "prefilled_text": "Hi! I saw your spring sale.",
        "welcome_message": "Welcome! What would you like today?",
        "budget": {"amount": 5000, "currency": "USD"},
        "cost": {"per": "conversation", "amount": 150},
    })
}

fn details(e: &Value) -> String {
    e["error_data"]["details"].as_str().unwrap_or_default().to_string()
}

async fn delete(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let resp = reqwest::Client::new().delete(app.url(path)).bearer_auth(token).send().await.unwrap();
    risala_testkit::json_response(resp).await
}

async fn manage(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = ads_path(&app);
    let base = app.url("");
    assert_eq!(app.get(&path).await, (200, json!({"data": []})));

    // Bad input: Graph errors naming the field.
    let cases: Vec<(Value, i64, &str)> = vec![
        (json!({"headline": null}), 131008, "The parameter headline is required."),
        (json!({"placement": "tiktok"}), 131009, "placement: one of facebook, instagram, status"),
        (json!({"budget": {"amount": 0, "currency": "USD"}}), 131009, "budget.amount"),
        (json!({"budget": {"amount": 100, "currency": "usd"}}), 131009, "budget.currency"),
        (json!({"budget": {"amount": 100.5, "currency": "USD"}}), 131009, "budget.amount: a whole number"),
        (json!({"cost": {"per": "click", "amount": 1}}), 131009, "cost.per: one of impression, tap, conversation"),
        (json!({"cost": {"per": "tap", "amount": 6000}}), 131009, "cost.amount"),
        (json!({"target": {"countries": ["44", "999"]}}), 131009, "target.countries[1]"),
        (json!({"media": {"type": "gif", "link": "https://x.example/a.gif"}}), 131009, "media.type"),
        (json!({"media": {"type": "image", "id": "123456789012345"}}), 131009, "media.id: no media 123456789012345"),
        (json!({"media": {"type": "image", "link": "ftp://x"}}), 131009, "media.link: an http(s) URL"),
        (json!({"end_time": 1}), 131009, "end_time"),
        (json!({"headline": "x".repeat(101)}), 131009, "headline: at most 100 characters"),
        (json!({"colour": "red"}), 100, "colour: unknown field"),
        (
            json!({"product": {"catalog_id": "1", "product_retailer_id": "bread"}}),
            131009,
            "product.catalog_id: catalog 1 is not connected",
        ),
    ];
    for (patch, code, want) in cases {
        let mut body = spring_ad();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let e = assert_graph_error(&app.post(&path, &body).await, 400, code);
        assert!(details(&e).starts_with(want), "{patch}: {e}");
    }

    // Created: the exact shape.
    let (s, ad) = app.post(&path, &spring_ad()).await;
    assert_eq!(s, 200, "{ad}");
    let id = ad["id"].as_str().unwrap().to_string();
    let now = app.state.clock.now_ms() / 1000;
    assert!((now - 5..=now).contains(&ad["created_time"].as_i64().unwrap()), "{ad}");
    let mut want = json!({
        "id": id, "name": "Spring sale", "status": "ACTIVE", "effective_status": "ACTIVE",
        "placement": "facebook", "headline": "Fresh bread, 20% off",
        "body": "Order on WhatsApp and pick up today.",
        "media": {"type": "image", "link": "https://cdn.example.com/bread.jpg"},
        "media_url": "https://cdn.example.com/bread.jpg",
        "prefilled_text": "Hi! I saw your spring sale.",
        "welcome_message": "Welcome! What would you like today?",
        "budget": {"amount": 5000, "currency": "USD"}, "cost": {"per": "conversation", "amount": 150},
        "target": {"countries": []},
        "source_url": format!("{base}/wa/ads/{id}"),
        "insights": {"impressions": 0, "taps": 0, "conversations": 0, "spend": 0, "remaining": 5000,
                     "cost_per_conversation": null, "currency": "USD"},
    });
    for k in ["start_time", "created_time", "updated_time"] {
        want[k] = ad[k].clone();
    }
    assert_eq!(ad, want);
    assert_eq!(app.get(&format!("{path}/{id}")).await, (200, want.clone()));
    assert_eq!(app.get(&path).await, (200, json!({"data": [want]})));

    // Paused: out of the feed; resumed: back.
    let una = app.customer(US, "Una").await;
    let (s, v) = app.post(&format!("{path}/{id}"), &json!({"status": "PAUSED"})).await;
    assert_eq!((s, v["status"].as_str(), v["effective_status"].as_str()), (200, Some("PAUSED"), Some("PAUSED")), "{v}");
    assert_eq!(una.get("/customer/v1/ads").await, (200, json!({"data": []})));
    let e = assert_graph_error(&una.post(&format!("/customer/v1/ads/{id}/tap"), &json!({})).await, 400, 100);
    assert_eq!(e["error_subcode"], 33);
    app.post(&format!("{path}/{id}"), &json!({"status": "ACTIVE", "name": "Spring sale 2"})).await;
    let (_, feed) = una.get("/customer/v1/ads").await;
    assert_eq!(feed["data"].as_array().unwrap().len(), 1, "{feed}");
    // A later start: scheduled, not shown.
    let mut later = spring_ad();
    later["start_time"] = json!(now + 3600);
    later["end_time"] = json!(now + 7200);
    let (_, sched) = app.post(&path, &later).await;
    assert_eq!(sched["effective_status"], "SCHEDULED", "{sched}");
    assert_eq!(una.get("/customer/v1/ads").await.1["data"].as_array().unwrap().len(), 1);

    // Edits: a wrong status or currency, an unknown field.
    let e = assert_graph_error(&app.post(&format!("{path}/{id}"), &json!({"status": "DELETED"})).await, 400, 131009);
    assert!(details(&e).starts_with("status: ACTIVE or PAUSED"), "{e}");
    let bad = json!({"budget": {"amount": 10, "currency": "EUR"}});
    let e = assert_graph_error(&app.post(&format!("{path}/{id}"), &bad).await, 400, 131009);
    assert!(details(&e).starts_with("budget.currency: the ad's currency is USD"), "{e}");
    assert_graph_error(&app.post(&format!("{path}/{id}"), &json!({"placement": "status"})).await, 400, 100);

    // Another business's token finds nothing; the placement filter is checked.
    let (other_phone, other_token) = crate::tools::other_business(&app).await;
    assert_graph_error(&app.get_as(&format!("{path}/{id}"), Some(&other_token)).await, 400, 100);
    let theirs = format!("/tools/v1/{other_phone}/ads/{id}");
    assert_graph_error(&app.get_as(&theirs, Some(&other_token)).await, 400, 100);
    let e = assert_graph_error(&una.get("/customer/v1/ads?placement=facebook,tv").await, 400, 131009);
    assert!(details(&e).starts_with("placement: facebook, instagram or status, not tv"), "{e}");

    // Deleted: gone from the list, the feed and its link.
    assert_eq!(
        delete(&app, &format!("{path}/{id}"), risala_testkit::DEMO_TOKEN).await,
        (200, json!({"success": true}))
    );
    assert_graph_error(&app.get(&format!("{path}/{id}")).await, 400, 100);
    assert_eq!(app.get(&path).await.1["data"].as_array().unwrap().len(), 1);
    assert_eq!(una.get("/customer/v1/ads").await, (200, json!({"data": []})));
    let public = reqwest::get(app.url(&format!("/wa/ads/{id}"))).await.unwrap();
    assert_eq!(public.status(), 400);
    app.stop().await;
}
engine_test!(ads_are_managed_with_errors_naming_the_field, super::manage);

/// A customer sees the ad, is counted once a day, taps it and writes: the referral arrives,
/// the ad counts the conversation, the business answers free in the entry point window, and
/// after 72 hours a marketing template is charged: all over the billing ledger.
async fn journey(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let card =
        RateCard::parse_csv(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rates/sample.csv")), "sample")
            .unwrap();
    app.state.store.load_rate_card(&card, 0, 0).await.unwrap();
    let path = ads_path(&app);
    let base = app.url("");
    let media = app.upload("image/png", PNG).await;
    let mut body = spring_ad();
    body["media"] = json!({"type": "image", "id": media});
    body["placement"] = json!("instagram");
    let (s, ad) = app.post(&path, &body).await;
    assert_eq!(s, 200, "{ad}");
    let id = ad["id"].as_str().unwrap().to_string();
    let image_url = format!("{base}/wa/ads/{id}/media");
    assert_eq!(ad["media_url"], image_url.as_str());

    // The feed: the exact item; the image is served publicly.
    let bia = app.customer(BR, "Bia").await;
    let (s, feed) = bia.get("/customer/v1/ads").await;
    assert_eq!(s, 200);
    let item = json!({
        "id": id, "placement": "instagram", "sponsored": true,
        "business": {"wa_id": app.business_number(), "name": app.state.messaging.phone(app.phone_number_id()).await.unwrap().unwrap().verified_name.clone()},
        "headline": "Fresh bread, 20% off", "body": "Order on WhatsApp and pick up today.",
        "prefilled_text": "Hi! I saw your spring sale.",
        "media_type": "image", "image_url": image_url,
    });
    assert_eq!(feed, json!({"data": [item]}));
    let img = reqwest::get(&image_url).await.unwrap();
    assert_eq!((img.status().as_u16(), img.bytes().await.unwrap().as_ref()), (200, PNG));
    // Only Status ads among the Updates' sponsored, none here.
    assert_eq!(bia.get("/customer/v1/ads?placement=status").await, (200, json!({"data": []})));

    // An impression counts once a day per customer.
    let shown = format!("/customer/v1/ads/{id}/impression");
    assert_eq!(bia.post(&shown, &json!({})).await, (200, json!({"success": true, "counted": true})));
    assert_eq!(bia.post(&shown, &json!({})).await, (200, json!({"success": true, "counted": false})));

    // The tap: the chat, the prefilled text and Meta's referral, exactly.
    let (s, tap) = bia.post(&format!("/customer/v1/ads/{id}/tap"), &json!({})).await;
    assert_eq!(s, 200, "{tap}");
    let clid = tap["referral"]["ctwa_clid"].as_str().unwrap().to_string();
    assert!(clid.len() > 20 && clid.chars().all(|c| c.is_ascii_alphanumeric()), "{clid}");
    let referral = json!({
        "source_url": format!("{base}/wa/ads/{id}"),
        "source_id": id,
        "source_type": "ad",
        "body": "Order on WhatsApp and pick up today.",
        "headline": "Fresh bread, 20% off",
        "media_type": "image",
        "image_url": image_url,
        "ctwa_clid": clid,
        "welcome_message": {"text": "Welcome! What would you like today?"},
    });
    assert_eq!(
        tap,
        json!({"chat": app.business_number(), "name": item["business"]["name"],
               "prefilled_text": "Hi! I saw your spring sale.", "referral": referral})
    );
    let (_, v) = app.get(&format!("{path}/{id}")).await;
    assert_eq!(v["insights"]["taps"], 1);

    // The first message carries it: the webhook has the referral as it was given.
    let text = json!({"type": "text", "text": {"body": "Hi! I saw your spring sale."}, "referral": referral});
    let first = bia.send(app.business_number(), text).await;
    let inbound = app.queued_inbound().await;
    let m = &inbound.last().unwrap()["messages"][0];
    assert_eq!((m["id"].as_str(), &m["referral"]), (Some(first.as_str()), &referral), "{m}");
    assert_eq!(m["text"]["body"], "Hi! I saw your spring sale.");
    // The agent sees which ad the customer came from, above the message.
    let mut web = crate::web::Web::owner(&app).await;
    let page = web.get(&format!("/app/chats/{}/{BR}", app.phone_number_id())).await.body;
    let bubble = page.split(&format!(r#"id="m-{first}""#)).nth(1).unwrap().split("</div>").collect::<Vec<_>>().join("");
    assert!(bubble.contains("📣 From an ad") && bubble.contains("Fresh bread, 20% off"), "{bubble}");
    assert!(bubble.contains(&format!(r#"href="{base}/wa/ads/{id}""#)), "{bubble}");
    // The conversation counts once, even if the referral comes again.
    let again = json!({"type": "text", "text": {"body": "Hello?"}, "referral": referral});
    bia.send(app.business_number(), again).await;
    let (_, v) = app.get(&format!("{path}/{id}")).await;
    assert_eq!(
        v["insights"],
        json!({"impressions": 1, "taps": 1, "conversations": 1, "spend": 150, "remaining": 4850,
               "cost_per_conversation": 150, "currency": "USD"})
    );

    // The business answers: free, in the entry point window; a marketing template 30 hours
    // later is still free; 73 hours after the answer it is charged.
    app.advance_clock("1h").await;
    let answer = app.send_accepted(&risala_testkit::text_message(BR, "Welcome! Which bread?")).await;
    crate::pricing::create_templates(&app).await;
    app.advance_clock("30h").await;
    let inside = app.send_accepted(&crate::pricing::template_body(BR, "news")).await;
    app.advance_clock("43h").await;
    let after = app.send_accepted(&crate::pricing::template_body(BR, "news")).await;
    for id in [&answer, &inside, &after] {
        assert_eq!(bia.ack(id, "delivered").await.0, 200);
    }
    let ledger = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    let rows: Vec<(&str, &str, &str, i64)> = ledger
        .iter()
        .map(|r| (r.message_id.as_str(), r.pricing_type.as_str(), r.category.as_str(), r.amount_micros))
        .collect();
    let rate = card.rate("BR", risala_core::model::Category::Marketing).unwrap();
    assert!(rate > 0);
    assert_eq!(
        rows,
        [
            (answer.as_str(), "free_entry_point", "referral_conversion", 0),
            (inside.as_str(), "free_entry_point", "referral_conversion", 0),
            (after.as_str(), "regular", "marketing", rate),
        ]
    );
    // A new day: the impression counts again.
    assert_eq!(bia.post(&shown, &json!({})).await.1["counted"], true);
    app.stop().await;
}
engine_test!(an_ad_opens_a_free_entry_point_conversation_with_its_referral, super::journey);

/// Paid per impression: the spend stops at the budget and the ad is no longer shown; a target
/// of calling codes shows it only to those customers.
async fn budget_and_target(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = ads_path(&app);
    let mut body = spring_ad();
    body["cost"] = json!({"per": "impression", "amount": 100});
    body["budget"] = json!({"amount": 250, "currency": "EGP"});
    body["target"] = json!({"countries": ["1", "+44", "1"]});
    let (s, ad) = app.post(&path, &body).await;
    assert_eq!((s, &ad["target"]), (200, &json!({"countries": ["1", "44"]})), "{ad}");
    let id = ad["id"].as_str().unwrap().to_string();

    // A Brazilian customer is not targeted.
    let bia = app.customer(BR, "Bia").await;
    assert_eq!(bia.get("/customer/v1/ads").await, (200, json!({"data": []})));
    assert_graph_error(&bia.post(&format!("/customer/v1/ads/{id}/impression"), &json!({})).await, 400, 100);

    let shown = format!("/customer/v1/ads/{id}/impression");
    let una = app.customer(US, "Una").await;
    let gil = app.customer(GB, "Gil").await;
    let cam = app.customer("14165550199", "Cam").await;
    assert_eq!(una.post(&shown, &json!({})).await.1["counted"], true);
    assert_eq!(gil.post(&shown, &json!({})).await.1["counted"], true);
    let (_, v) = app.get(&format!("{path}/{id}")).await;
    assert_eq!((v["insights"]["spend"].as_i64(), v["effective_status"].as_str()), (Some(200), Some("ACTIVE")));
    assert_eq!(cam.post(&shown, &json!({})).await.1["counted"], true);
    // Three impressions at 100 against a budget of 250: 250 spent, the ad stops.
    let (_, v) = app.get(&format!("{path}/{id}")).await;
    assert_eq!(
        (&v["insights"], v["effective_status"].as_str()),
        (
            &json!({"impressions": 3, "taps": 0, "conversations": 0, "spend": 250, "remaining": 0,
                    "cost_per_conversation": null, "currency": "EGP"}),
            Some("BUDGET_SPENT")
        )
    );
    assert_eq!(una.get("/customer/v1/ads").await, (200, json!({"data": []})));
    assert_graph_error(&una.post(&format!("/customer/v1/ads/{id}/tap"), &json!({})).await, 400, 100);
    // A budget below what was spent is refused; a larger one shows the ad again.
    let e =
        assert_graph_error(&app.post(&format!("{path}/{id}"), &json!({"budget": {"amount": 200}})).await, 400, 131009);
    assert!(details(&e).contains("at least the 250 spent"), "{e}");
    let (_, v) = app.post(&format!("{path}/{id}"), &json!({"budget": {"amount": 1000}})).await;
    assert_eq!(v["effective_status"], "ACTIVE", "{v}");
    assert_eq!(una.get("/customer/v1/ads").await.1["data"][0]["id"], id.as_str());
    // An end in the past is refused; an end passed on the clock completes the ad.
    let now = app.state.clock.now_ms() / 1000;
    let (_, v) = app.post(&format!("{path}/{id}"), &json!({"end_time": now + 60})).await;
    assert_eq!(v["end_time"], now + 60, "{v}");
    app.advance_clock("2m").await;
    let (_, v) = app.get(&format!("{path}/{id}")).await;
    assert_eq!(v["effective_status"], "COMPLETED");
    assert_eq!(una.get("/customer/v1/ads").await, (200, json!({"data": []})));
    app.stop().await;
}
engine_test!(the_budget_stops_an_ad_and_the_target_picks_customers, super::budget_and_target);

/// A customer's erasure keeps the ad's figures (under the pseudonym) but no row names them.
async fn erasure(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = db.config();
    c.admin_token = Some("operator-secret-token".into());
    let app = TestApp::start_with(c).await.unwrap();
    let (_, ad) = app.post(&ads_path(&app), &spring_ad()).await;
    let id = ad["id"].as_str().unwrap().to_string();
    let una = app.customer(US, "Una").await;
    una.post(&format!("/customer/v1/ads/{id}/impression"), &json!({})).await;
    let (_, tap) = una.post(&format!("/customer/v1/ads/{id}/tap"), &json!({})).await;
    una.send(app.business_number(), json!({"type": "text", "text": {"body": "Hi"}, "referral": tap["referral"]})).await;
    let (s, v) =
        app.post_as(&format!("/admin/v1/customers/{US}/erase"), &json!({}), Some("operator-secret-token")).await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = app.get(&format!("{}/{id}", ads_path(&app))).await;
    assert_eq!(
        (&v["insights"]["impressions"], &v["insights"]["taps"], &v["insights"]["conversations"]),
        (&json!(1), &json!(1), &json!(1)),
        "{v}"
    );
    let store = risala_server::open_store(&app.config).await.unwrap();
    for sql in ["SELECT wa_id FROM ad_impressions", "SELECT wa_id FROM ad_taps"] {
        let rows = store.db().query(sql, vec![]).await.unwrap();
        let who: Vec<String> = rows.iter().map(|r| r.text(0).unwrap()).collect();
        assert!(who.len() == 1 && who[0] != US && who[0].starts_with("erased-"), "{sql}: {who:?}");
    }
    app.stop().await;
}
engine_test!(an_erased_customer_leaves_the_figures_but_not_their_number, super::erasure);

/// An ad made from a catalog item takes the product's name, description and image unless it
/// gives its own; the product must be in the catalog connected to the number's WABA, and
/// orderable.
async fn from_a_catalog_item(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = ads_path(&app);
    let catalog = crate::growth::catalogs::shop(&app).await;
    let mut body = spring_ad();
    let o = body.as_object_mut().unwrap();
    for k in ["headline", "body", "media"] {
        o.remove(k);
    }
    o.insert("product".into(), json!({"catalog_id": catalog, "product_retailer_id": "tea"}));
    let (s, ad) = app.post(&path, &body).await;
    assert_eq!(s, 200, "{ad}");
    let (s, ad) = app.get(&format!("{path}/{}", ad["id"].as_str().unwrap())).await;
    assert_eq!(s, 200, "{ad}");
    assert_eq!(ad["headline"], "Mint tea", "{ad}");
    assert_eq!(ad["body"], "Fresh mint", "{ad}");
    assert_eq!(ad["media"], json!({"type": "image", "link": "https://example.com/tea.png"}), "{ad}");
    assert_eq!(ad["product"], json!({"catalog_id": catalog, "product_retailer_id": "tea"}), "{ad}");
    // The ad's own headline wins over the product's name.
    body["headline"] = json!("Tea time");
    let (s, own) = app.post(&path, &body).await;
    assert_eq!(s, 200, "{own}");
    let (_, own) = app.get(&format!("{path}/{}", own["id"].as_str().unwrap())).await;
    assert_eq!((own["headline"].as_str(), own["body"].as_str()), (Some("Tea time"), Some("Fresh mint")), "{own}");
    // Out of stock, or not in the catalog: refused naming the product.
    for (rid, want) in [("honey", "product honey is out of stock"), ("bread", "no product bread in catalog")] {
        body["product"] = json!({"catalog_id": catalog, "product_retailer_id": rid});
        let e = assert_graph_error(&app.post(&path, &body).await, 400, 131009);
        assert!(details(&e).contains(want), "{rid}: {e}");
    }
}

engine_test!(an_ad_is_made_from_a_catalog_item, super::from_a_catalog_item);
