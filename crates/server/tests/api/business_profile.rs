//! The business profile (`/{phone-number-id}/whatsapp_business_profile`) and conversational
//! components (`/{phone-number-id}/conversational_automation`) through HTTP on SQLite and
//! PostgreSQL: Meta's shapes and field rules, `fields=`, the picture from a resumable-upload
//! handle, what the customer sees, and `request_welcome` the first time a customer opens the
//! chat while the welcome message is on.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use crate::uploads::{png, upload_handle};

const CUSTOMER: &str = "15550004242";

fn profile_path(app: &TestApp) -> String {
    format!("/v23.0/{}/whatsapp_business_profile", app.phone_number_id())
}

async fn update(app: &TestApp, body: Value) -> (u16, Value) {
    let mut body = body;
    body["messaging_product"] = json!("whatsapp");
    app.post(&profile_path(app), &body).await
}

async fn profile(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    // Nothing set yet: only the vertical (UNDEFINED) and the product.
    let (s, v) = app.get(&profile_path(&app)).await;
    assert_eq!((s, v), (200, json!({"data": [{"vertical": "UNDEFINED", "messaging_product": "whatsapp"}]})));
    let body = json!({
        "about": "Fresh bread daily",
        "address": "1 Baker St",
        "description": "A bakery",
        "email": "hello@bakery.example",
        "websites": ["https://bakery.example", "https://instagram.com/bakery"],
        "vertical": "RESTAURANT",
    });
    assert_eq!(update(&app, body.clone()).await, (200, json!({"success": true})));
    let (s, v) = app.get(&profile_path(&app)).await;
    assert_eq!(s, 200);
    let mut want = body.clone();
    want["messaging_product"] = json!("whatsapp");
    assert_eq!(v, json!({"data": [want]}));
    // fields= selects; an unknown field is 100.
    let (_, v) = app.get(&format!("{}?fields=about,websites", profile_path(&app))).await;
    assert_eq!(v, json!({"data": [{"about": "Fresh bread daily", "websites": body["websites"]}]}));
    assert_graph_error(&app.get(&format!("{}?fields=colour", profile_path(&app))).await, 400, 100);
    // A partial update keeps the rest; "" clears a field (not `about`, which cannot be empty).
    assert_eq!(update(&app, json!({"about": "Open 7-19", "address": ""})).await.0, 200);
    let (_, v) = app.get(&profile_path(&app)).await;
    assert_eq!(v["data"][0]["about"], "Open 7-19");
    assert_eq!(v["data"][0]["description"], "A bakery");
    assert!(v["data"][0].get("address").is_none(), "{v}");

    // Meta's rules, each 100 naming the field; nothing changes.
    for (bad, field) in [
        (json!({"websites": ["https://a.example", "https://b.example", "https://c.example"]}), "websites"),
        (json!({"websites": ["bakery.example"]}), "websites[0]"),
        (json!({"vertical": "BAKERY"}), "vertical"),
        (json!({"email": "not an email"}), "email"),
        (json!({"about": "x".repeat(140)}), "about"),
        (json!({"about": ""}), "about"),
        (json!({"address": "x".repeat(257)}), "address"),
        (json!({"description": "x".repeat(513)}), "description"),
        (json!({"favourite_colour": "red"}), "favourite_colour"),
        (json!({"profile_picture_handle": "4::aW1hZ2UvcG5n:made-up"}), "profile_picture_handle"),
    ] {
        let e = assert_graph_error(
            &update(&app, bad.clone()).await,
            400,
            if field == "profile_picture_handle" { 131009 } else { 100 },
        );
        assert!(e["error_data"]["details"].as_str().unwrap().contains(field), "{bad}: {e}");
    }
    let e = assert_graph_error(&app.post(&profile_path(&app), &json!({"about": "x"})).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("messaging_product"), "{e}");
    let (_, v) = app.get(&profile_path(&app)).await;
    assert_eq!(v["data"][0]["about"], "Open 7-19");

    // The picture: a handle of this business's upload, JPEG or PNG; the URL serves it.
    let pdf = {
        let mut b = b"%PDF-1.4 ".to_vec();
        b.resize(64, b' ');
        b
    };
    let pdf_handle = upload_handle(&app, "application/pdf", pdf).await;
    let e = assert_graph_error(&update(&app, json!({"profile_picture_handle": pdf_handle})).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("image/"), "{e}");
    let picture = png(300);
    let h = upload_handle(&app, "image/png", picture.clone()).await;
    assert_eq!(update(&app, json!({"profile_picture_handle": h})).await.0, 200);
    let (_, v) = app.get(&profile_path(&app)).await;
    let url = v["data"][0]["profile_picture_url"].as_str().unwrap().to_string();
    let r = app.client.get(&url).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (200, "image/png"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), picture.as_slice());
    // A new picture replaces it: the old URL is gone.
    let h2 = upload_handle(&app, "image/png", png(200)).await;
    assert_eq!(update(&app, json!({"profile_picture_handle": h2})).await.0, 200);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 400);
    // The picture outlives the upload's 30 days.
    app.advance_clock("40d").await;
    let (_, v) = app.get(&profile_path(&app)).await;
    let url = v["data"][0]["profile_picture_url"].as_str().unwrap().to_string();
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 200);

    // The customer sees the profile.
    let c = app.customer(CUSTOMER, "Alice").await;
    let (s, v) = c.get(&format!("/customer/v1/chats/{}/profile", app.business_number())).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["profile"]["about"], "Open 7-19");
    assert_eq!(v["profile"]["vertical"], "RESTAURANT");
    assert_eq!(v["profile"]["websites"], body["websites"]);
    assert_eq!(v["profile"]["profile_picture_url"], url.as_str());
    assert_eq!(v["business_number"], app.business_number());
    app.stop().await;
}
engine_test!(business_profile_get_update_picture, super::profile);

fn automation_path(app: &TestApp) -> String {
    format!("/v23.0/{}/conversational_automation", app.phone_number_id())
}

async fn automation(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let read = format!("/v23.0/{}?fields=conversational_automation", app.phone_number_id());
    let (s, v) = app.get(&read).await;
    assert_eq!(s, 200, "{v}");
    let id = app.phone_number_id();
    assert_eq!(
        v,
        json!({"conversational_automation": {"enable_welcome_message": false, "prompts": [], "commands": [], "id": id}, "id": id})
    );
    // pywa's shape: prompts as a list, commands as a JSON string.
    let commands = json!([{"command_name": "help", "command_description": "Get help"},
                          {"command_name": "hours", "command_description": "Opening hours"}]);
    let body = json!({"prompts": ["Plan a trip", "Track my order"], "commands": commands.to_string()});
    assert_eq!(app.post(&automation_path(&app), &body).await, (200, json!({"success": true})));
    assert_eq!(
        app.post(&automation_path(&app), &json!({"enable_welcome_message": true})).await,
        (200, json!({"success": true}))
    );
    let (_, v) = app.get(&read).await;
    assert_eq!(
        v["conversational_automation"],
        json!({"enable_welcome_message": true, "prompts": ["Plan a trip", "Track my order"], "commands": commands, "id": id})
    );
    // Meta's limits, 100 naming the field.
    let many: Vec<Value> =
        (0..31).map(|i| json!({"command_name": format!("c{i}"), "command_description": "d"})).collect();
    for (bad, field) in [
        (json!({"prompts": ["a", "b", "c", "d", "e"]}), "prompts"),
        (json!({"prompts": ["x".repeat(81)]}), "prompts[0]"),
        (json!({"commands": many}), "commands"),
        (json!({"commands": [{"command_name": "x".repeat(33), "command_description": "d"}]}), "command_name"),
        (json!({"commands": [{"command_name": "x", "command_description": "d".repeat(257)}]}), "command_description"),
        (json!({"enable_welcome_message": "sometimes"}), "enable_welcome_message"),
        (json!({"welcome": true}), "welcome"),
    ] {
        let e = assert_graph_error(&app.post(&automation_path(&app), &bad).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(field), "{bad}: {e}");
    }

    // The customer sees the ice breakers and commands.
    let c = app.customer(CUSTOMER, "Alice").await;
    let chat = format!("/customer/v1/chats/{}", app.business_number());
    let (_, v) = c.get(&format!("{chat}/profile")).await;
    assert_eq!(v["ice_breakers"], json!(["Plan a trip", "Track my order"]));
    assert_eq!(v["commands"], commands);

    // First open: request_welcome to the business, in Meta's shape; the window opens.
    let before = app.queued_inbound().await.len();
    assert_eq!(c.post(&format!("{chat}/open"), &json!({})).await, (200, json!({"request_welcome": true})));
    let inbound = app.queued_inbound().await;
    assert_eq!(inbound.len(), before + 1);
    let value = inbound.last().unwrap();
    let m = &value["messages"][0];
    assert_eq!(m["type"], "request_welcome");
    assert_eq!(m["from"], CUSTOMER);
    assert!(m["id"].as_str().unwrap().starts_with("wamid."), "{m}");
    // id, from, timestamp, type, and the business-scoped user id of every inbound message.
    assert_eq!(m.as_object().unwrap().len(), 5, "{m}");
    assert_eq!(value["contacts"][0]["wa_id"], CUSTOMER);
    assert_eq!(m["from_user_id"], value["contacts"][0]["user_id"]);
    let reply = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": "Welcome!"}});
    app.send_accepted(&reply).await;
    // Not the first time any more: nothing.
    assert_eq!(c.post(&format!("{chat}/open"), &json!({})).await, (200, json!({"request_welcome": false})));
    assert_eq!(app.queued_inbound().await.len(), before + 1);
    // Choosing an ice breaker sends it as a normal text message.
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "Plan a trip"}})).await;
    let inbound = app.queued_inbound().await;
    assert_eq!(inbound.last().unwrap()["messages"][0]["text"]["body"], "Plan a trip");

    // Welcome message off: a new customer's first open asks for nothing.
    assert_eq!(app.post(&automation_path(&app), &json!({"enable_welcome_message": false})).await.0, 200);
    let d = app.customer("15550004343", "Dana").await;
    assert_eq!(d.post(&format!("{chat}/open"), &json!({})).await, (200, json!({"request_welcome": false})));
    // An unknown business number.
    let e = d.post("/customer/v1/chats/15550009999/open", &json!({})).await;
    assert_eq!(e.0, 400, "{e:?}");
    app.stop().await;
}
engine_test!(conversational_automation_and_request_welcome, super::automation);
