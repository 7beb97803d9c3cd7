//! Chatbots with hand-off: definitions through `/tools/v1/{phone-number-id}/bots…` (validated
//! with errors that name the step, versioned, exported, another business's token refused), and
//! a three-step bot run by a customer: asked with buttons, an email collected (a wrong answer
//! asked again, the FAQ silent meanwhile), handed to the team with a label, an agent by round
//! robin and the transcript as a note; silent while the agent holds the conversation, and
//! started again after the team closes it.

use risala_core::model::Role;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const ALICE: &str = "15550001111";

fn bots_path(app: &TestApp) -> String {
    format!("/tools/v1/{}/bots", app.phone_number_id())
}

async fn delete(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let resp = reqwest::Client::new().delete(app.url(path)).bearer_auth(token).send().await.unwrap();
    risala_testkit::json_response(resp).await
}

/// Ask sales or support (buttons), collect an email (one retry), hand off to "Sales" by round robin.
fn three_steps() -> Value {
    json!({
        "name": "Front desk",
        "trigger": {"on": "new_conversation"},
        "start": "ask1",
        "steps": {
            "ask1": {"type": "ask", "text": "Hello! What can we do for you?", "variable": "topic",
                "options": [{"id": "sales", "title": "Buy something", "next": "email"},
                            {"id": "support", "title": "Get help", "next": "email"}]},
            "email": {"type": "collect", "kind": "email", "text": "Your email, please?", "variable": "email",
                "retry": 1, "error": "That is not an email address."},
            "human": {"type": "handoff", "label": "Sales", "assign": "round_robin",
                "message": "Thanks, {{email}}! A colleague takes it from here."}
        }
    })
}

async fn manage(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = bots_path(&app);
    assert_eq!(app.get(&path).await, (200, json!({"data": []})));

    // Errors point at the step: validate answers them, create refuses with 131009.
    let mut bad = three_steps();
    bad["steps"]["email"]["next"] = json!("human");
    bad["steps"]["ask1"]["options"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "other", "title": "Other", "next": "nowhere"}));
    let (s, v) = app.post(&format!("{path}/validate"), &bad).await;
    assert_eq!((s, v["valid"].clone()), (200, json!(false)), "{v}");
    assert_eq!(v["errors"], json!(["steps.ask1.options[2].next: no such step"]));
    let e = assert_graph_error(&app.post(&path, &bad).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("steps.ask1.options[2].next: no such step"), "{e}");
    let (_, v) = app.post(&format!("{path}/validate"), &json!({"name": "x", "steps": {"a": {"type": "jump"}}})).await;
    let errors: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    assert!(errors.contains(&"trigger.on: new_conversation or keywords"), "{errors:?}");
    assert!(errors.contains(&"start: required, the first step's id"), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("steps.a.type: one of send")), "{errors:?}");
    bad["steps"]["ask1"]["options"][2]["next"] = json!("human");
    let (s, v) = app.post(&format!("{path}/validate"), &bad).await;
    assert_eq!((s, v), (200, json!({"valid": true, "errors": []})));
    let (s, v) = app.post(&format!("{path}/validate"), &json!({"name": "x"})).await;
    assert_eq!(s, 200);
    assert!(!v["errors"].as_array().unwrap().is_empty());

    // Created as version 1; a new upload is version 2 of the same bot; export gives the JSON back.
    let mut def = three_steps();
    def["steps"]["email"]["next"] = json!("human");
    let (s, v) = app.post(&path, &def).await;
    assert_eq!((s, v["version"].clone(), v["enabled"].clone()), (200, json!(1), json!(true)), "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    def["name"] = json!("Front desk v2");
    let (s, v) = app.post(&format!("{path}/{id}"), &def).await;
    assert_eq!((s, v["version"].clone(), v["id"].as_str()), (200, json!(2), Some(id.as_str())), "{v}");
    let (_, list) = app.get(&path).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        (list["data"][0]["version"].clone(), list["data"][0]["name"].clone()),
        (json!(2), json!("Front desk v2"))
    );
    let (s, exported) = app.get(&format!("{path}/{id}/export")).await;
    let mut expected = def.clone();
    expected["enabled"] = json!(true);
    assert_eq!((s, exported), (200, expected));
    assert_graph_error(&app.post(&format!("{path}/{id}"), &json!({"name": "x"})).await, 400, 131009);
    assert_graph_error(&app.post(&format!("{path}/nope"), &def).await, 400, 100);

    // Another business's token reaches none of it.
    let (_, token) = super::other_business(&app).await;
    for resp in [
        app.get_as(&path, Some(&token)).await,
        app.get_as(&format!("{path}/{id}"), Some(&token)).await,
        app.get_as(&format!("{path}/{id}/export"), Some(&token)).await,
        app.post_as(&path, &def, Some(&token)).await,
        app.post_as(&format!("{path}/validate"), &def, Some(&token)).await,
        delete(&app, &format!("{path}/{id}"), &token).await,
    ] {
        assert_eq!(assert_graph_error(&resp, 400, 100)["error_subcode"], 33, "{resp:?}");
    }

    // Deleted, every version.
    let demo = risala_testkit::DEMO_TOKEN;
    assert_eq!(delete(&app, &format!("{path}/{id}"), demo).await, (200, json!({"success": true})));
    assert_graph_error(&app.get(&format!("{path}/{id}")).await, 400, 100);
    assert_eq!(app.get(&path).await, (200, json!({"data": []})));
    app.stop().await;
}
engine_test!(bots_are_validated_versioned_and_kept_per_business, super::manage);

/// The chat's messages, oldest first.
async fn history(app: &TestApp) -> Vec<risala_core::model::Message> {
    let mut m = app.state.store.chat_history(app.phone_number_id(), ALICE, None, 100).await.unwrap();
    m.reverse();
    m
}

async fn labels(app: &TestApp) -> Vec<String> {
    let row = app.state.store.chat_row(app.phone_number_id(), ALICE).await.unwrap().unwrap();
    let all = app.state.store.labels(&row.conversation.business_id).await.unwrap();
    all.into_iter().filter(|l| row.label_ids.contains(&l.id)).map(|l| l.name).collect()
}

async fn run(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let business = app.demo.ids.business_id.clone();
    let accounts = &app.state.accounts;
    let owner =
        accounts.create_user(&business, "owner@bots.test", "Owner", "owner-password-0123", Role::Owner).await.unwrap();
    let agent =
        accounts.create_user(&business, "agent@bots.test", "Agent", "agent-password-0123", Role::Agent).await.unwrap();
    let mut def = three_steps();
    def["steps"]["email"]["next"] = json!("human");
    let (s, v) = app.post(&bots_path(&app), &def).await;
    assert_eq!(s, 200, "{v}");
    // An FAQ entry that would answer the question Alice asks mid-run.
    let faq = json!({"question": "What are your opening hours?", "answer": "7 to 10.", "keywords": ["hours"]});
    assert_eq!(app.post(&format!("/tools/v1/{}/faq", app.phone_number_id()), &faq).await.0, 200);
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();

    // A new conversation starts the bot: the question with its buttons.
    alice.send(&num, json!({"type": "text", "text": {"body": "hi"}})).await;
    let msgs = history(&app).await;
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    let ask = &msgs[1];
    assert_eq!(ask.kind, "interactive");
    assert_eq!(ask.content["body"]["text"], "Hello! What can we do for you?");
    assert_eq!(ask.content["action"]["buttons"][0]["reply"]["id"], "sales");

    // The button pressed: the email is asked.
    alice
        .send(
            &num,
            json!({"type": "interactive", "context": {"id": ask.id},
                "interactive": {"type": "button_reply", "button_reply": {"id": "sales", "title": "Buy something"}}}),
        )
        .await;
    assert_eq!(history(&app).await.last().unwrap().content["body"], "Your email, please?");

    // Not an email: told so and asked again; the FAQ stays silent while the bot has the
    // conversation.
    let before = history(&app).await.len();
    alice.send(&num, json!({"type": "text", "text": {"body": "what are your opening hours?"}})).await;
    let msgs = history(&app).await;
    assert_eq!(msgs.len(), before + 3, "{msgs:?}");
    assert_eq!(msgs[before + 1].content["body"], "That is not an email address.");
    assert_eq!(msgs[before + 2].content["body"], "Your email, please?");

    // The email: handed off with the label, the agent by round robin, the transcript noted.
    alice.send(&num, json!({"type": "text", "text": {"body": "alice@example.com"}})).await;
    let msgs = history(&app).await;
    assert_eq!(msgs.last().unwrap().content["body"], "Thanks, alice@example.com! A colleague takes it from here.");
    assert_eq!(labels(&app).await, ["Sales"]);
    let row = app.state.store.chat_row(app.phone_number_id(), ALICE).await.unwrap().unwrap();
    assert_eq!(row.assignee_id.as_deref(), Some(agent.id.as_str()));
    let notes = app.state.store.notes(app.phone_number_id(), ALICE).await.unwrap();
    assert_eq!(notes.len(), 1);
    for line in
        ["Customer: hi", "Customer: Buy something", "Bot: That is not an email address.", "Customer: alice@example.com"]
    {
        assert!(notes[0].body.contains(line), "{line} in {}", notes[0].body);
    }

    // Every bot message went through the send path: echoed, free inside the window.
    let outbox = app.outbox().await;
    let echoes = outbox.iter().filter(|(f, _)| f == "smb_message_echoes").count();
    assert_eq!(echoes, 5, "{outbox:?}");
    let sent = app
        .queued_statuses()
        .await
        .into_iter()
        .find(|s| s["id"] == ask.id.as_str() && s["status"] == "sent")
        .expect("a sent status for the question");
    assert_eq!(
        (sent["pricing"]["category"].clone(), sent["pricing"]["billable"].clone()),
        (json!("service"), json!(false))
    );

    // While the agent holds it, neither the bot nor the FAQ answers.
    let before = history(&app).await.len();
    alice.send(&num, json!({"type": "text", "text": {"body": "hi, what are your opening hours?"}})).await;
    assert_eq!(history(&app).await.len(), before + 1, "silent while assigned");

    // Closed by the team: the next message starts the bot again (the agent still assigned).
    app.state.inbox.set_closed(&owner, app.phone_number_id(), ALICE, true).await.unwrap();
    alice.send(&num, json!({"type": "text", "text": {"body": "hello again"}})).await;
    let msgs = history(&app).await;
    assert_eq!(msgs.last().unwrap().content["body"]["text"], "Hello! What can we do for you?");
    let row = app.state.store.chat_row(app.phone_number_id(), ALICE).await.unwrap().unwrap();
    assert_eq!(row.assignee_id, None, "the bot has it back");

    // The customer's "agent" keyword hands off at once, with the default label.
    alice.send(&num, json!({"type": "text", "text": {"body": "Agent"}})).await;
    let mut names = labels(&app).await;
    names.sort();
    assert_eq!(names, ["Bot: handed off", "Sales"]);
    assert_eq!(app.state.store.notes(app.phone_number_id(), ALICE).await.unwrap().len(), 2);
    let before = history(&app).await.len();
    alice.send(&num, json!({"type": "text", "text": {"body": "hello?"}})).await;
    assert_eq!(history(&app).await.len(), before + 1, "silent after the hand-off");
    app.stop().await;
}
engine_test!(a_bot_asks_collects_and_hands_off, super::run);

/// A keyword starts a bot at any time; outside business hours its hand-off leaves the customer
/// with the away message (sent once, by the hours, for the same message).
async fn keyword_outside_hours(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let hours = json!({"hours": {"time_zone": "UTC", "weekly": {}},
        "away_message": {"enabled": true, "message": {"type": "text", "text": {"body": "We are closed now."}}}});
    let (s, v) = app.post(&format!("/tools/v1/{}/business_hours", app.phone_number_id()), &hours).await;
    assert_eq!(s, 200, "{v}");
    let def = json!({
        "name": "Prices", "trigger": {"on": "keywords", "keywords": ["price", "السعر"]}, "start": "s1",
        "steps": {
            "s1": {"type": "send", "message": {"type": "text", "text": {"body": "Bread is 5 SAR."}}, "next": "h"},
            "h": {"type": "handoff", "message": "Someone will call you."}
        }
    });
    assert_eq!(app.post(&bots_path(&app), &def).await.0, 200);
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();

    // Not a keyword: no bot.
    alice.send(&num, json!({"type": "text", "text": {"body": "good morning"}})).await;
    let bodies = |msgs: &[risala_core::model::Message]| -> Vec<String> {
        msgs.iter()
            .map(|m| m.content["body"].as_str().or(m.content["text"]["body"].as_str()).unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(bodies(&history(&app).await), ["good morning", "We are closed now."]);

    // The keyword, in a sentence: the bot sends, hands off; the away message was already sent
    // for this period, so the hand-off sends it now (once).
    alice.send(&num, json!({"type": "text", "text": {"body": "What is the price?"}})).await;
    assert_eq!(
        bodies(&history(&app).await),
        ["good morning", "We are closed now.", "What is the price?", "Bread is 5 SAR.", "We are closed now."]
    );
    assert_eq!(labels(&app).await, ["Bot: handed off"]);

    // A customer whose first message is the keyword: the hours' away message answers it, and
    // the hand-off does not send it a second time.
    let bob = app.customer("15550002222", "Bob").await;
    bob.send(&num, json!({"type": "text", "text": {"body": "السعر"}})).await;
    let mut msgs = app.state.store.chat_history(app.phone_number_id(), "15550002222", None, 100).await.unwrap();
    msgs.reverse();
    assert_eq!(bodies(&msgs), ["السعر", "We are closed now.", "Bread is 5 SAR."]);

    // A list: sent as an interactive list; the row chosen (here by its number) leads on.
    let menu = json!({
        "name": "Menu", "trigger": {"on": "keywords", "keywords": ["menu"]}, "start": "pick", "handoff_keywords": [],
        "steps": {
            "pick": {"type": "ask", "style": "list", "button": "Breads", "text": "Which bread?", "variable": "bread",
                "options": [{"id": "khubz", "title": "Khubz", "next": "done"}, {"id": "samoon", "title": "Samoon", "next": "done"}]},
            "done": {"type": "end", "message": "{{bread_title}} it is ({{bread}})."}
        }
    });
    assert_eq!(app.post(&bots_path(&app), &menu).await.0, 200);
    let carol = app.customer("15550003333", "Carol").await;
    carol.send(&num, json!({"type": "text", "text": {"body": "menu"}})).await;
    let store = &app.state.store;
    let list = store.chat_history(app.phone_number_id(), "15550003333", None, 1).await.unwrap().remove(0);
    assert_eq!((list.kind.as_str(), list.content["type"].as_str()), ("interactive", Some("list")), "{}", list.content);
    assert_eq!(list.content["action"]["sections"][0]["rows"][1]["id"], "samoon");
    carol.send(&num, json!({"type": "text", "text": {"body": "2"}})).await;
    let done = store.chat_history(app.phone_number_id(), "15550003333", None, 1).await.unwrap().remove(0);
    assert_eq!(done.content["body"], "Samoon it is (samoon).");
    app.stop().await;
}
engine_test!(a_keyword_starts_a_bot_and_hours_apply_to_its_hand_off, super::keyword_outside_hours);
