//! The bots page in a real Chromium: an owner imports a bot whose definition has an error (told
//! which step), fixes it, sees the bot listed and uploads a second version; the page in Arabic
//! on a phone-sized screen. Screenshots `bots-en` and `bots-ar` (the docs' Bots chapter).

use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};
use serde_json::json;

use crate::web::steps::{sign_in, wait_url};
use crate::web::{app, OWNER};

fn definition(next: &str) -> String {
    json!({
        "name": "Front desk",
        "trigger": {"on": "new_conversation"},
        "start": "ask1",
        "steps": {
            "ask1": {"type": "ask", "text": "Hello! What can we do for you?", "variable": "topic",
                "options": [{"id": "sales", "title": "Buy something", "next": "email"},
                            {"id": "support", "title": "Get help", "next": next}]},
            "email": {"type": "collect", "kind": "email", "text": "Your email, please?", "variable": "email",
                "next": "human", "retry": 1},
            "human": {"type": "handoff", "label": "Sales", "assign": "round_robin"}
        }
    })
    .to_string()
}

async fn import(s: &Session, text: &str) {
    s.eval("document.getElementById('definition').value = arguments[0]", json!([text])).await;
    s.find("#import-h ~ form button[type=submit]").await.click().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_imports_a_bot_in_the_console() {
    let (_db, app) = app(Engine::Sqlite).await;
    let s = Session::start("en-US", 1280, 1000).await;
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&s, "/app/").await;
    s.goto(&app.url("/app/console")).await;
    s.find("nav.tabs a[href='/app/console/bots']").await.click().await;
    wait_url(&s, "/app/console/bots").await;
    let text = s.text().await;
    assert!(text.contains("No bot yet") && text.contains("step by step in the editor"), "{text}");

    // An error names the step; what was pasted is kept.
    import(&s, &definition("nowhere")).await;
    wait_url(&s, &format!("/app/console/bots/{}", app.phone_number_id())).await;
    let text = s.text().await.replace(['\u{2068}', '\u{2069}'], "");
    assert!(text.contains("Step ask1 › Options 2 › Next step: there is no step with this id."), "{text}");
    assert!(s.find("#definition").await.text().await.contains("nowhere"));

    // Fixed: listed as version 1; a second upload is version 2 of the same bot.
    s.goto(&app.url("/app/console/bots")).await;
    import(&s, &definition("email")).await;
    wait_url(&s, "saved=1").await;
    assert_eq!(s.count("table.bots tbody tr").await, 1);
    let (_, v) = app.get(&format!("/tools/v1/{}/bots", app.phone_number_id())).await;
    let id = v["data"][0]["id"].as_str().unwrap().to_string();
    s.goto(&app.url("/app/console/bots")).await;
    s.eval("document.getElementById('bot_id').value = arguments[0]", json!([id])).await;
    import(&s, &definition("email")).await;
    wait_url(&s, "saved=1").await;
    assert_eq!(s.count("table.bots tbody tr").await, 1);
    let (_, v) = app.get(&format!("/tools/v1/{}/bots/{id}", app.phone_number_id())).await;
    assert_eq!(v["version"], 2);
    s.eval("window.scrollTo(0, 0)", json!([])).await;
    s.screenshot("bots-en", true).await;

    // Arabic, on a phone-sized screen: nothing wider than the screen.
    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&ar, "/app/").await;
    ar.goto(&app.url("/app/console/bots")).await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    let text = ar.text().await;
    assert!(text.contains("روبوتات المحادثة") && text.contains("Front desk"), "{text}");
    let overflow = ar.eval("return document.documentElement.scrollWidth", json!([])).await;
    assert!(overflow.as_u64().unwrap() <= 375, "the page is {overflow} px wide");
    ar.screenshot("bots-ar", true).await;
}
