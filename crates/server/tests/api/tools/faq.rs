//! FAQ answers: entries and settings through `/tools/v1/{phone-number-id}/faq…` (checked
//! field by field, another business's token refused), a customer's question answered through
//! the send path with a "talk to a person" button (free inside the window, echoed), a question
//! no entry answers with confidence and a press of the button handed to the inbox.

use risala_core::model::Permission;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const ALICE: &str = "15550001111";

fn faq_path(app: &TestApp) -> String {
    format!("/tools/v1/{}/faq", app.phone_number_id())
}

async fn delete(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let resp = reqwest::Client::new().delete(app.url(path)).bearer_auth(token).send().await.unwrap();
    risala_testkit::json_response(resp).await
}

/// The bakery's entries: opening hours in English and Arabic, and delivery.
async fn add_entries(app: &TestApp) -> Vec<String> {
    let mut ids = Vec::new();
    for body in [
        json!({"question": "What are your opening hours?", "answer": "Every day from 7 am to 10 pm.",
            "keywords": ["hours", "open"], "phrasings": ["When do you open?", "What time do you close?"]}),
        json!({"question": "متى تفتحون؟", "answer": "نفتح يومياً من ٧ صباحاً إلى ١٠ مساءً.",
            "keywords": ["دوام", "مواعيد"], "phrasings": ["ما هي مواعيد العمل؟"]}),
        json!({"question": "Do you deliver?", "answer": "Yes, within the city in 45 minutes.",
            "keywords": ["delivery"], "phrasings": ["Is there home delivery?"]}),
    ] {
        let (s, v) = app.post(&faq_path(app), &body).await;
        assert_eq!(s, 200, "{v}");
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    ids
}

async fn manage(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = faq_path(&app);
    let (s, v) = app.get(&path).await;
    assert_eq!((s, v), (200, json!({"data": []})));

    // Checked field by field.
    assert_graph_error(&app.post(&path, &json!({"answer": "x"})).await, 400, 131008);
    assert_graph_error(&app.post(&path, &json!({"question": "Hours?", "answer": ""})).await, 400, 131009);
    assert_graph_error(&app.post(&path, &json!({"question": "Hours?", "answer": "x".repeat(1025)})).await, 400, 131009);
    assert_graph_error(
        &app.post(&path, &json!({"question": "Hours?", "answer": "x", "keywords": "hours"})).await,
        400,
        100,
    );
    assert_graph_error(
        &app.post(&path, &json!({"question": "Hours?", "answer": "x", "colour": "red"})).await,
        400,
        100,
    );
    let e = assert_graph_error(&app.post(&path, &json!({"question": "what is it?", "answer": "x"})).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("no word to match"), "{e}");

    let ids = add_entries(&app).await;
    let (s, v) = app.get(&path).await;
    assert_eq!(s, 200);
    let questions: Vec<&str> = v["data"].as_array().unwrap().iter().map(|e| e["question"].as_str().unwrap()).collect();
    assert_eq!(questions, ["What are your opening hours?", "متى تفتحون؟", "Do you deliver?"]);
    let (s, one) = app.get(&format!("{path}/{}", ids[2])).await;
    assert_eq!((s, one["keywords"].clone(), one["enabled"].clone()), (200, json!(["delivery"]), json!(true)));

    // Changed, then switched off.
    let (s, v) = app
        .post(
            &format!("{path}/{}", ids[2]),
            &json!({"question": "Do you deliver?", "answer": "Yes, free above 100 SAR.",
            "keywords": ["delivery", "shipping"], "enabled": false}),
        )
        .await;
    assert_eq!((s, v["answer"].clone(), v["enabled"].clone()), (200, json!("Yes, free above 100 SAR."), json!(false)));

    // Scored, not sent: the disabled entry is not among them.
    let (s, v) = app.post(&format!("{path}/try"), &json!({"question": "when do you OPEN?"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["data"][0]["entry_id"].as_str(), v["data"][0]["answers"].clone()),
        (Some(ids[0].as_str()), json!(true))
    );
    let (_, v) = app.post(&format!("{path}/try"), &json!({"question": "home delivery"})).await;
    assert!(v["data"].as_array().unwrap().iter().all(|t| t["entry_id"] != ids[2].as_str()), "{v}");
    assert_graph_error(&app.post(&format!("{path}/try"), &json!({})).await, 400, 131008);

    // Settings: the defaults, then changed; out of range refused.
    let (s, v) = app.get(&format!("{path}/settings")).await;
    assert_eq!((s, v), (200, json!({"enabled": true, "threshold": 50, "handoff_button": "", "handoff_reply": ""})));
    let (s, v) =
        app.post(&format!("{path}/settings"), &json!({"threshold": 65, "handoff_button": "Agent please"})).await;
    assert_eq!(
        (s, v["threshold"].clone(), v["handoff_button"].clone(), v["enabled"].clone()),
        (200, json!(65), json!("Agent please"), json!(true))
    );
    assert_graph_error(&app.post(&format!("{path}/settings"), &json!({"threshold": 0})).await, 400, 131009);
    assert_graph_error(&app.post(&format!("{path}/settings"), &json!({"threshold": "high"})).await, 400, 100);
    assert_graph_error(
        &app.post(&format!("{path}/settings"), &json!({"handoff_button": "x".repeat(21)})).await,
        400,
        131009,
    );
    assert_eq!(app.get(&format!("{path}/settings")).await.1["threshold"], 65);

    // Another business's token reaches none of it: the answer for an unknown id.
    let other = app.state.tenancy.create_business("Other Shop").await.unwrap();
    let (_, token) = app.state.tenancy.create_token(&other.id, "o", &Permission::ALL, None).await.unwrap();
    for resp in [
        app.get_as(&path, Some(&token)).await,
        app.get_as(&format!("{path}/{}", ids[0]), Some(&token)).await,
        app.post_as(&path, &json!({"question": "Hours?", "answer": "x"}), Some(&token)).await,
        app.post_as(&format!("{path}/settings"), &json!({"enabled": false}), Some(&token)).await,
        delete(&app, &format!("{path}/{}", ids[0]), &token).await,
    ] {
        assert_eq!(assert_graph_error(&resp, 400, 100)["error_subcode"], 33, "{resp:?}");
    }
    assert_graph_error(&app.get_as(&path, None).await, 400, 104);
    assert_eq!(app.get(&path).await.1["data"].as_array().unwrap().len(), 3);

    // Deleted once; then it is an unknown id.
    let demo = risala_testkit::DEMO_TOKEN;
    assert_eq!(delete(&app, &format!("{path}/{}", ids[1]), demo).await, (200, json!({"success": true})));
    assert_eq!(
        assert_graph_error(&delete(&app, &format!("{path}/{}", ids[1]), demo).await, 400, 100)["error_subcode"],
        33
    );
    assert_graph_error(&app.get(&format!("{path}/{}", ids[1])).await, 400, 100);
    app.stop().await;
}
engine_test!(entries_and_settings_through_the_api, super::manage);

/// The chat's messages, oldest first.
async fn history(app: &TestApp) -> Vec<risala_core::model::Message> {
    let mut m = app.state.store.chat_history(app.phone_number_id(), ALICE, None, 100).await.unwrap();
    m.reverse();
    m
}

/// The names of the chat's labels.
async fn labels(app: &TestApp) -> Vec<String> {
    let row = app.state.store.chat_row(app.phone_number_id(), ALICE).await.unwrap().unwrap();
    let all = app.state.store.labels(&row.conversation.business_id).await.unwrap();
    all.into_iter().filter(|l| row.label_ids.contains(&l.id)).map(|l| l.name).collect()
}

async fn answers(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    add_entries(&app).await;
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();

    // A confident match: answered at once, quoting the question, with the button.
    let q = alice.send(&num, json!({"type": "text", "text": {"body": "When do you OPEN tomorrow?"}})).await;
    let msgs = history(&app).await;
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    let a = &msgs[1];
    assert_eq!((a.kind.as_str(), a.context_id.as_deref()), ("interactive", Some(q.as_str())));
    assert_eq!(a.content["body"]["text"], "Every day from 7 am to 10 pm.", "{}", a.content);
    let button = &a.content["action"]["buttons"][0]["reply"];
    assert_eq!(
        (button["id"].as_str(), button["title"].as_str()),
        (Some("risala_faq_handoff"), Some("Talk to a person"))
    );
    assert!(labels(&app).await.is_empty());

    // Arabic, with tashkeel and a letter variant: the Arabic entry, the button in Arabic.
    alice.send(&num, json!({"type": "text", "text": {"body": "مَتى تفتحونَ اليوم؟"}})).await;
    let msgs = history(&app).await;
    let a = msgs.last().unwrap();
    assert_eq!(a.content["body"]["text"], "نفتح يومياً من ٧ صباحاً إلى ١٠ مساءً.");
    assert_eq!(a.content["action"]["buttons"][0]["reply"]["title"], "التحدث مع موظف");

    // The send path: a free service message inside the window, echoed like a web-app send.
    let outbox = app.outbox().await;
    let echoes: Vec<&Value> = outbox.iter().filter(|(f, _)| f == "smb_message_echoes").map(|(_, v)| v).collect();
    assert_eq!(echoes.len(), 2, "{outbox:?}");
    let sent = app
        .queued_statuses()
        .await
        .into_iter()
        .find(|s| s["id"] == a.id.as_str() && s["status"] == "sent")
        .expect("a sent status for the answer");
    assert_eq!(sent["pricing"]["category"], "service");
    assert_eq!(sent["pricing"]["billable"], false);

    // Not confident: nothing sent; the chat is reopened and marked for the team.
    app.state.store.close_chat(&a.business_id, app.phone_number_id(), ALICE, Some(1)).await.unwrap();
    let before = history(&app).await.len();
    alice.send(&num, json!({"type": "text", "text": {"body": "my cat likes the rain"}})).await;
    assert_eq!(history(&app).await.len(), before + 1);
    assert_eq!(labels(&app).await, ["FAQ: no confident answer"]);
    let row = app.state.store.chat_row(app.phone_number_id(), ALICE).await.unwrap().unwrap();
    assert_eq!((row.closed_at, row.assignee_id), (None, None));

    // The button: marked, and the number's reply to it sent.
    let (s, _) = app
        .post(
            &format!("{}/settings", faq_path(&app)),
            &json!({"handoff_reply": "A colleague will answer you shortly."}),
        )
        .await;
    assert_eq!(s, 200);
    let answer_id = msgs.last().unwrap().id.clone();
    alice
        .send(
            &num,
            json!({"type": "interactive", "context": {"id": answer_id},
                "interactive": {"type": "button_reply", "button_reply": {"id": "risala_faq_handoff", "title": "التحدث مع موظف"}}}),
        )
        .await;
    let msgs = history(&app).await;
    assert_eq!(msgs.last().unwrap().content["body"], "A colleague will answer you shortly.");
    let mut names = labels(&app).await;
    names.sort();
    assert_eq!(names, ["FAQ: asked for a person", "FAQ: no confident answer"]);

    // While a person holds the conversation, the FAQ is silent.
    app.state.store.assign_chat(&a.business_id, app.phone_number_id(), ALICE, Some("agent-1")).await.unwrap();
    let before = history(&app).await.len();
    alice.send(&num, json!({"type": "text", "text": {"body": "what are your opening hours?"}})).await;
    assert_eq!(history(&app).await.len(), before + 1, "no answer while assigned");

    // Switched off: silent too.
    app.state.store.assign_chat(&a.business_id, app.phone_number_id(), ALICE, None).await.unwrap();
    let (s, _) = app.post(&format!("{}/settings", faq_path(&app)), &json!({"enabled": false})).await;
    assert_eq!(s, 200);
    let before = history(&app).await.len();
    alice.send(&num, json!({"type": "text", "text": {"body": "what are your opening hours?"}})).await;
    assert_eq!(history(&app).await.len(), before + 1, "no answer when off");
    app.stop().await;
}
engine_test!(questions_are_answered_or_handed_to_the_team, super::answers);

/// The defaults in the reader's language: the button's title under an answer without letters
/// follows the customer's question; the labels the FAQ puts on a chat keep their English name
/// (the API's, and what the FAQ finds them by) and pages show them in the page's language.
async fn readers_language(engine: Engine) {
    let (_db, app) = crate::web::app(engine).await;
    let entry = json!({"question": "What is your phone number?", "answer": "+966 11 000 0000",
        "keywords": ["phone", "هاتف"], "phrasings": ["ما رقم الهاتف؟"]});
    let (s, v) = app.post(&faq_path(&app), &entry).await;
    assert_eq!(s, 200, "{v}");
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();
    let mut titles = Vec::new();
    for q in ["ما رقم الهاتف؟", "What is your phone number?"] {
        alice.send(&num, json!({"type": "text", "text": {"body": q}})).await;
        let a = history(&app).await.pop().unwrap();
        assert_eq!(a.content["body"]["text"], "+966 11 000 0000", "{}", a.content);
        titles.push(a.content["action"]["buttons"][0]["reply"]["title"].as_str().unwrap().to_string());
    }
    assert_eq!(titles, ["التحدث مع موظف", "Talk to a person"]);

    alice.send(&num, json!({"type": "text", "text": {"body": "my cat likes the rain"}})).await;
    assert_eq!(labels(&app).await, ["FAQ: no confident answer"]);
    let mut web = crate::web::Web::owner(&app).await;
    let chat = format!("/app/chats/{}/{ALICE}", app.phone_number_id());
    for (lang, shown) in [("en", "FAQ: no confident answer"), ("ar", "الأسئلة الشائعة: لا إجابة واثقة")]
    {
        web.lang = lang;
        let page = web.get(&chat).await;
        let head = page.body.split("class=\"chat-head\"").nth(1).unwrap().split("</header>").next().unwrap();
        assert!(head.contains(&format!(">{shown}</span>")), "{lang}: {head}");
        let list = web.get("/app/").await;
        assert!(list.body.contains(&format!(">{shown}</option>")), "{lang}: the label filter: {}", list.body);
    }
    // The Arabic chip keeps the stored name as its title.
    assert!(web.get(&chat).await.body.contains("title=\"FAQ: no confident answer\""));
    app.stop().await;
}
engine_test!(faq_defaults_in_the_readers_language, super::readers_language);
