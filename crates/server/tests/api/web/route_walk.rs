//! Every path of the web app's router (`risala_web::routes::paths()`, so a new page or action
//! is checked without being listed here), walked three ways: without a session each answers a
//! redirect to sign-in (a page) or 401 (an action); signed in, each state-changing request is
//! refused without the session's CSRF token, with a wrong one, and from another origin; and the
//! owner of another business gets 404 for every id of this business in a path (conversation,
//! label, person, template, media, webhook delivery) and none of its data on a page.

use std::time::Duration;

use risala_core::model::Role;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{engine_test, Engine, TestApp, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::composer::{order_template, PNG};
use super::{app, Page, Web, OWNER};

const CUSTOMER: &str = "15550001111";
/// Paths that answer without a session: signing in, a reset or invitation link (their token is
/// the credential), the language switch, the assets, `/app` itself and the "not found" page.
const PUBLIC: &[&str] = &[
    "/app",
    "/app/sign-in",
    "/app/reset",
    "/app/reset/{token}",
    "/app/invite/{token}",
    "/app/lang/{code}",
    "/app/assets/{file}",
    "/app/{*rest}",
    // The customers' web chat: its page signs customers in itself and then speaks the
    // customer API with the customer's token (tests/api/webchat).
    "/chat",
    "/chat/",
];
/// A form with every field an action reads, so that the answer is about the request's right
/// to it, not a missing field.
const FIELDS: &[(&str, &str)] = &[
    ("assignee", ""),
    ("body", "walk"),
    ("label", "x"),
    ("on", "1"),
    ("state", "viewing"),
    ("message_id", "x"),
    ("emoji", "👍"),
    ("role", "agent"),
    ("email", "walk@shop.example"),
    ("name", "walk"),
    ("colour", "#1f7a5c"),
    ("password", "walk-password-1"),
];

/// The demo business's objects a path can name.
struct Ids {
    phone_number_id: String,
    template: String,
    label: String,
    person: String,
    media: String,
    delivery: String,
    quick_reply: String,
    contact_field: String,
    faq_entry: String,
    bot: String,
    broadcast: String,
    ad: String,
    status: String,
    catalog: String,
}

/// `path` with its parameters named from `ids`; `None` for a parameter the walk does not know
/// (the test then fails: say what the new parameter names).
fn fill(path: &str, ids: &Ids) -> String {
    let id = if path.starts_with("/app/people/") {
        &ids.person
    } else if path.starts_with("/app/labels/") {
        &ids.label
    } else if path.starts_with("/app/media/") {
        &ids.media
    } else if path.starts_with("/app/console/webhooks/") {
        &ids.delivery
    } else if path.starts_with("/app/console/quick-replies/") {
        &ids.quick_reply
    } else if path.starts_with("/app/console/contacts/fields/") {
        &ids.contact_field
    } else if path.starts_with("/app/tools/broadcasts/") {
        &ids.broadcast
    } else {
        "{id}"
    };
    let filled = path
        .replace("{phone_number_id}", &ids.phone_number_id)
        .replace("{wa_id}", CUSTOMER)
        .replace("{template_id}", &ids.template)
        .replace("{entry_id}", &ids.faq_entry)
        .replace("{bot_id}", &ids.bot)
        .replace("{ad_id}", &ids.ad)
        .replace("{status_id}", &ids.status)
        .replace("{catalog_id}", &ids.catalog)
        .replace("{id}", id);
    assert!(!filled.contains('{'), "the walk does not know what {path} names: teach `fill`");
    filled
}

fn guarded() -> Vec<String> {
    let paths = risala_web::routes::paths();
    for p in PUBLIC {
        assert!(paths.iter().any(|r| r == p), "{p} is no route any more: take it off PUBLIC");
    }
    assert!(paths.len() > 40, "the router's paths: {paths:?}");
    // The operator console has a session of its own (the admin token): growth::badge_console
    // walks its paths with it.
    paths.into_iter().filter(|p| !PUBLIC.contains(&p.as_str()) && !p.starts_with("/app/operator")).collect()
}

/// The demo business with one of everything a path can name.
async fn demo(app: &TestApp) -> Ids {
    let rcv = WebhookReceiver::start("walk-verify").await.unwrap();
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": "walk-verify"});
    let (s, v) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{v}");
    let template = order_template(app).await;
    let customer = app.customer(CUSTOMER, "Layla Haddad").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "secret of the demo"}})).await;
    let (s, v) = app.upload_raw("image/png", "receipt.png", PNG.to_vec()).await;
    assert_eq!(s, 200, "{v}");
    let owner = app.state.store.user_by_email(OWNER).await.unwrap().unwrap();
    let label = app.state.inbox.create_label(&owner, "Demo only", "#1f7a5c").await.unwrap();
    let phone = app.phone_number_id().to_string();
    app.state.inbox.add_note(&owner, &phone, CUSTOMER, "note of the demo").await.unwrap();
    let agent = app
        .state
        .accounts
        .create_user(&app.demo.ids.business_id, "agent@demo.test", "Agent", "agent-password-1", Role::Agent)
        .await
        .unwrap();
    // One of each business tool's objects: a quick reply, a contact field, the customer as a
    // contact, an FAQ entry, a bot.
    let tools = format!("/tools/v1/{phone}");
    let (s, reply) = app.post(&format!("{tools}/quick_replies"), &json!({"shortcut": "/walk", "text": "Hi"})).await;
    assert_eq!(s, 200, "{reply}");
    let (s, field) =
        app.post(&format!("{tools}/contacts/fields"), &json!({"key": "tier", "label": "Tier", "kind": "text"})).await;
    assert_eq!(s, 200, "{field}");
    let (s, contact) =
        app.post(&format!("{tools}/contacts"), &json!({"wa_id": CUSTOMER, "name": "Layla Haddad"})).await;
    assert_eq!(s, 200, "{contact}");
    let (s, entry) =
        app.post(&format!("{tools}/faq"), &json!({"question": "When do you open?", "answer": "At nine."})).await;
    assert_eq!(s, 200, "{entry}");
    // A bot that only a keyword nobody writes starts.
    let bot = json!({"name": "walk", "trigger": {"on": "keywords", "keywords": ["walkbot"]}, "start": "a",
        "steps": {"a": {"type": "end", "message": "Bye"}}});
    let (s, bot) = app.post(&format!("{tools}/bots"), &bot).await;
    assert_eq!(s, 200, "{bot}");
    // A broadcast list scheduled far ahead, so that it sends nothing during the walk.
    let later = risala_core::clock::Clock::now_ms(app.state.clock.as_ref()) / 1000 + 30 * 86_400;
    let later = json!({"name": "walk", "mode": "list", "text": "Hi", "audience": {"wa_ids": [CUSTOMER]},
        "send_at": later});
    let (s, broadcast) = app.post(&format!("{tools}/broadcasts"), &later).await;
    assert_eq!(s, 200, "{broadcast}");
    // An ad and a Status update (issue #18).
    let ad = json!({"name": "walk", "placement": "facebook", "headline": "Walk", "prefilled_text": "Hi",
        "budget": {"amount": 100, "currency": "USD"}, "cost": {"per": "tap", "amount": 1}});
    let (s, ad) = app.post(&format!("{tools}/ads"), &ad).await;
    assert_eq!(s, 200, "{ad}");
    let (s, status) = app.post(&format!("{tools}/status"), &json!({"type": "text", "text": {"body": "walk"}})).await;
    assert_eq!(s, 200, "{status}");
    let (s, catalog) = app
        .post(&format!("/v23.0/{}/owned_product_catalogs", app.demo.ids.business_id), &json!({"name": "Walk"}))
        .await;
    assert_eq!(s, 200, "{catalog}");
    assert!(rcv.wait_accepted(1, Duration::from_secs(20)).await, "a webhook delivered");
    let mut web = Web::owner(app).await;
    let page = web.get("/app/console/webhooks").await;
    let delivery = page.body.split("data-delivery=\"").nth(1).map(|s| s.split('"').next().unwrap().to_string());
    Ids {
        phone_number_id: phone,
        template,
        label: label.id,
        person: agent.id,
        media: v["id"].as_str().unwrap().to_string(),
        delivery: delivery.unwrap_or_else(|| panic!("no delivery: {}", page.body)),
        quick_reply: id_of(&reply),
        contact_field: id_of(&field),
        faq_entry: id_of(&entry),
        bot: id_of(&bot),
        broadcast: id_of(&broadcast),
        ad: id_of(&ad),
        status: id_of(&status),
        catalog: id_of(&catalog),
    }
}

/// The `id` of an object in a tools API answer (a string or a number).
fn id_of(v: &serde_json::Value) -> String {
    match &v["id"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        other => panic!("no id in {v} ({other})"),
    }
}

/// A POST of `form` with the session's cookie, from the server's own origin, the CSRF token
/// in the query too (where the attachment form sends it).
async fn post(web: &mut Web, path: &str, csrf: Option<&str>, header: Option<&str>) -> Page {
    let mut form: Vec<(&str, &str)> = FIELDS.to_vec();
    let path = match csrf {
        Some(c) => {
            form.push(("csrf", c));
            format!("{path}?csrf={c}")
        }
        None => path.to_string(),
    };
    let base = web.base.clone();
    web.post_from(&path, &form, &base, header).await
}

engine_test!(every_route_needs_a_session_the_csrf_token_and_the_business_own_ids, super::walk);

async fn walk(engine: Engine) {
    let (_db, app) = app(engine).await;
    let ids = demo(&app).await;
    let paths = guarded();

    // Without a session: a page sends to sign-in, an action answers 401.
    let mut anonymous = Web::new(&app);
    for path in &paths {
        let url = fill(path, &ids);
        let get = anonymous.get(&url).await;
        let post = post(&mut anonymous, &url, Some("x"), None).await;
        assert!(get.status != 405 || post.status != 405, "{url} answers neither GET nor POST");
        if get.status != 405 {
            assert_eq!((get.status, get.location()), (303, "/app/sign-in"), "GET {url}: {}", get.body);
        }
        if post.status != 405 {
            assert_eq!(post.status, 401, "POST {url}: {}", post.body);
        }
    }

    // Signed in: no state change without the session's token, with a wrong one, or with
    // another session's, or from another origin.
    let mut owner = Web::owner(&app).await;
    let csrf = owner.csrf().await;
    let other = Web::owner(&app).await.csrf().await;
    let wrong = "0".repeat(64);
    let mut actions = 0;
    for path in &paths {
        let url = fill(path, &ids);
        let p = post(&mut owner, &url, None, None).await;
        if p.status == 405 {
            continue;
        }
        actions += 1;
        assert_eq!(p.status, 403, "POST {url} without a token: {}", p.body);
        for (token, header) in
            [(Some(wrong.as_str()), None), (None, Some(wrong.as_str())), (Some(other.as_str()), None)]
        {
            let p = post(&mut owner, &url, token, header).await;
            assert_eq!(p.status, 403, "POST {url} with a wrong token: {}", p.body);
        }
        let mut form: Vec<(&str, &str)> = FIELDS.to_vec();
        form.push(("csrf", &csrf));
        let p = owner.post_from(&format!("{url}?csrf={csrf}"), &form, "http://evil.example", None).await;
        assert_eq!(p.status, 403, "POST {url} from another origin: {}", p.body);
    }
    assert!(actions > 20, "{actions} actions walked");
    // The forms that come before a session refuse another origin too.
    for path in ["/app/sign-in", "/app/reset", "/app/reset/x", "/app/invite/x"] {
        let creds = [("email", OWNER), ("password", DEMO_OWNER_PASSWORD), ("name", "x")];
        let p = anonymous.post_from(path, &creds, "http://evil.example", None).await;
        assert_eq!(p.status, 403, "POST {path} from another origin");
    }

    // Another business's owner: every id of the demo business is not found, and no page shows
    // its data.
    let b = app.state.tenancy.create_business("Other Shop").await.unwrap();
    app.state.accounts.create_user(&b.id, "owner@b.example", "Owner B", "owner-b-password", Role::Owner).await.unwrap();
    let mut them = Web::signed_in(&app, "owner@b.example", "owner-b-password").await;
    let csrf = them.csrf().await;
    for path in &paths {
        let url = fill(path, &ids);
        let named = path.contains('{');
        if path != risala_web::routes::EVENTS {
            let p = them.get(&url).await;
            match (p.status, named) {
                (405, _) => {}
                (status, true) => assert_eq!(status, 404, "GET {url} as another business: {}", p.body),
                (status, false) => {
                    assert_eq!(status, 200, "GET {url}: {}", p.body);
                    for secret in ["Layla Haddad", "secret of the demo", "note of the demo", "Demo only", "order_ready"]
                    {
                        assert!(!p.body.contains(secret), "GET {url} shows {secret:?} of another business");
                    }
                }
            }
        }
        if named {
            let p = post(&mut them, &url, Some(&csrf), None).await;
            assert!(matches!(p.status, 404 | 405), "POST {url} as another business: {} {}", p.status, p.body);
        }
    }
    // Nothing of the demo business changed.
    let row = app.state.store.chat_row(&ids.phone_number_id, CUSTOMER).await.unwrap().unwrap();
    assert!(row.assignee_id.is_none() && row.closed_at.is_none() && row.label_ids.is_empty(), "{row:?}");
    let notes = app.state.store.notes(&ids.phone_number_id, CUSTOMER).await.unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(app.state.store.user(&ids.person).await.unwrap().unwrap().disabled_at.is_none());
    assert!(app.state.inbox.labels(&app.demo.ids.business_id).await.unwrap().iter().any(|l| l.id == ids.label));
}
