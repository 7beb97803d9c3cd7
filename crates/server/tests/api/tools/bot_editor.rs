//! The bot editor's pages over HTTP, on both engines: the new and edit pages draw the bot as
//! cards (readable without JavaScript) with the definition in the form; a save with errors is
//! refused with the page again, what was typed kept and the errors on the cards they name; a
//! save creates the bot, and a save from its edit page uploads a new version. Agents and other
//! businesses' bots are refused.

use risala_core::model::Role;
use risala_testkit::{engine_test, Engine};
use serde_json::json;

use crate::web::{app, Web};

fn definition(next: &str) -> String {
    json!({"name": "Front desk", "trigger": {"on": "new_conversation"}, "start": "ask1", "steps": {
        "ask1": {"type": "ask", "text": "Hello!", "variable": "topic",
            "options": [{"id": "sales", "title": "Buy something", "next": next}]},
        "human": {"type": "handoff", "label": "Sales"}}})
    .to_string()
}

async fn editor(engine: Engine) {
    let (_db, app) = app(engine).await;
    let pid = app.phone_number_id().to_string();
    let mut owner = Web::owner(&app).await;
    let csrf = owner.csrf().await;
    let new = format!("/app/console/bots/{pid}/new");

    // The new page: an empty bot in the form, the script that edits it.
    let p = owner.get(&new).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains(r#"<form class="bot-editor" method="post" action="/app/console/bots/"#), "{}", p.body);
    assert!(p.body.contains("&quot;start&quot;: &quot;&quot;") && p.body.contains("/app/assets/bot-editor."));
    assert!(p.body.contains(r#"&quot;kinds&quot;:[{&quot;fields&quot;:[&quot;message&quot;,&quot;next&quot;],&quot;type&quot;:&quot;send&quot;}"#), "{}", p.body);

    // Errors: the page again (400), what was typed kept, the error on the card it names.
    let bad = definition("nowhere");
    let p = owner.post(&new, &[("csrf", &csrf), ("definition", &bad)]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains(r#"<article class="step-card start has-error" data-step="ask1">"#), "{}", p.body);
    let said = "<li>Step \u{2068}ask1\u{2069} › Options 1 › Next step: there is no step with this id.</li>";
    assert!(p.body.contains(said), "{}", p.body);
    assert!(p.body.contains(r#"<article class="step-card" data-step="human">"#), "{}", p.body);
    assert!(p.body.contains("&quot;next&quot;:&quot;nowhere&quot;"), "what was typed is kept: {}", p.body);
    let p = owner.post(&new, &[("csrf", &csrf), ("definition", "{not json")]).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("The definition is not JSON (line 1, column 2)."), "{}", p.body);
    assert_eq!(app.get(&format!("/tools/v1/{pid}/bots")).await.1, json!({"data": []}));

    // Saved: the edit page of the new bot; its cards name the connections.
    let p = owner.post(&new, &[("csrf", &csrf), ("definition", &definition("human"))]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let (_, v) = app.get(&format!("/tools/v1/{pid}/bots")).await;
    let id = v["data"][0]["id"].as_str().unwrap().to_string();
    let edit = format!("/app/console/bots/{pid}/{id}/edit");
    assert_eq!(p.location(), format!("{edit}?saved=1"));
    let p = owner.get(&format!("{edit}?saved=1")).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Saved."), "{}", p.body);
    assert!(
        p.body.contains(r#"<ul class="links"><li><bdi>Buy something</bdi> → <bdi dir="ltr">human</bdi></li></ul>"#),
        "{}",
        p.body
    );

    // Saved from the edit page: version 2 of the same bot.
    let mut two: serde_json::Value = serde_json::from_str(&definition("human")).unwrap();
    two["steps"]["ask1"]["text"] = json!("Welcome!");
    let p = owner.post(&edit, &[("csrf", &csrf), ("definition", &two.to_string())]).await;
    assert_eq!((p.status, p.location()), (303, format!("{edit}?saved=1").as_str()));
    let (_, v) = app.get(&format!("/tools/v1/{pid}/bots/{id}")).await;
    assert_eq!((v["version"].clone(), v["definition"]["steps"]["ask1"]["text"].clone()), (json!(2), json!("Welcome!")));

    // An unknown bot is not found; an agent may not edit bots.
    assert_eq!(owner.get(&format!("/app/console/bots/{pid}/nobot/edit")).await.status, 404);
    let p = owner.post(&format!("/app/console/bots/{pid}/nobot/edit"), &[("csrf", &csrf), ("definition", "{}")]).await;
    assert_eq!(p.status, 404);
    let business = &app.demo.ids.business_id;
    app.state
        .accounts
        .create_user(business, "agent@bots.test", "Agent", "agent-password-0123", Role::Agent)
        .await
        .unwrap();
    let mut agent = Web::signed_in(&app, "agent@bots.test", "agent-password-0123").await;
    assert_eq!(agent.get(&edit).await.status, 403);
    app.stop().await;
}
engine_test!(the_editor_saves_bots_and_shows_errors_on_their_steps, super::editor);
