//! The bot steps that reach outside the conversation, and runs under concurrency: an `http`
//! step calling a fake business endpoint (signed body checked, its answer used in the next
//! message, a failing and a silent endpoint going to `on_fail`), a `flow` step completed by the
//! customer with its answers stored, a `wait` step resumed by moving the sandbox clock, two
//! messages of one customer at the same instant advancing the run once each, and the
//! round-robin turn kept in the database.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::Router;
use risala_core::clock::Clock;
use risala_core::model::{Message, Role};
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const ALICE: &str = "15550001111";

/// A request the fake endpoint received: method and path with query, signature, body.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    signature: Option<String>,
    body: Bytes,
}

/// The business's endpoint: `POST /orders` answers the order's status, `GET /fail` answers 500,
/// `GET /hang` never answers, `POST /slow` answers `{}` after 200 ms (long enough for a second
/// message to arrive meanwhile). Every request is recorded.
async fn endpoint() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let record = |seen: Arc<Mutex<Vec<Seen>>>| {
        move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok()).map(String::from);
                seen.lock().unwrap().push(Seen { target: uri.to_string(), signature, body });
            }
        }
    };
    let r = record(seen.clone());
    let orders = move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let r = r.clone();
        async move {
            r(uri, headers, body).await;
            axum::Json(json!({"order": {"status": "shipped", "items": 2}}))
        }
    };
    let r = record(seen.clone());
    let fail = move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let r = r.clone();
        async move {
            r(uri, headers, body).await;
            (StatusCode::INTERNAL_SERVER_ERROR, "down")
        }
    };
    let r = record(seen.clone());
    let hang = move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let r = r.clone();
        async move {
            r(uri, headers, body).await;
            std::future::pending::<()>().await;
        }
    };
    let r = record(seen.clone());
    let slow = move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let r = r.clone();
        async move {
            r(uri, headers, body).await;
            // The fake endpoint is slow; the test itself never waits for time.
            tokio::time::sleep(Duration::from_millis(200)).await;
            axum::Json(json!({}))
        }
    };
    let app = Router::new()
        .route("/orders", post(orders))
        .route("/fail", get(fail))
        .route("/hang", get(hang))
        .route("/slow", post(slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, seen)
}

fn bots_path(app: &TestApp) -> String {
    format!("/tools/v1/{}/bots", app.phone_number_id())
}

async fn create_bot(app: &TestApp, def: &Value) -> String {
    let (s, v) = app.post(&bots_path(app), def).await;
    assert_eq!(s, 200, "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// The chat's messages, oldest first.
async fn history(app: &TestApp, wa_id: &str) -> Vec<Message> {
    let mut m = app.state.store.chat_history(app.phone_number_id(), wa_id, None, 100).await.unwrap();
    m.reverse();
    m
}

/// What each message says: a text's body, an interactive message's body text.
fn said(msgs: &[Message]) -> Vec<String> {
    msgs.iter()
        .map(|m| {
            m.content["text"]["body"]
                .as_str()
                .or(m.content["body"].as_str())
                .or(m.content["body"]["text"].as_str())
                .or(m.content["interactive"]["body"]["text"].as_str())
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

async fn http_step(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let (url, seen) = endpoint().await;
    let def = json!({
        "name": "Orders", "trigger": {"on": "new_conversation"}, "start": "ask",
        "steps": {
            "ask": {"type": "collect", "kind": "text", "text": "Your order number?", "variable": "order", "next": "lookup"},
            "lookup": {"type": "http", "url": format!("{url}/orders"), "body": {"order": "{{order}}", "n": 1},
                "save": {"status": "/order/status", "items": "/order/items", "gone": "/order/nothing"},
                "next": "tell", "on_fail": "human"},
            "tell": {"type": "send", "message": {"type": "text", "text": {"body": "Order {{order}} is {{status}} ({{items}} items)."}},
                "next": "check"},
            "check": {"type": "http", "method": "GET", "url": format!("{url}/fail?order={{{{order}}}}"), "next": "human", "on_fail": "late"},
            "late": {"type": "http", "method": "GET", "url": format!("{url}/hang"), "timeout_ms": 300, "next": "human", "on_fail": "human"},
            "human": {"type": "handoff", "message": "Someone will tell you the delivery date."}
        }
    });
    let bot_id = create_bot(&app, &def).await;
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();
    alice.send(&num, json!({"type": "text", "text": {"body": "hi"}})).await;
    alice.send(&num, json!({"type": "text", "text": {"body": "A 17"}})).await;

    // The POST: the envelope with the step's body filled in, signed with the app secret.
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0].target, "/orders");
    let body: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(
        body,
        json!({"object": "risala_bot", "phone_number_id": app.phone_number_id(), "wa_id": ALICE,
            "bot": {"id": bot_id, "version": 1, "step": "lookup"}, "data": {"order": "A 17", "n": 1}})
    );
    let secret = &app.demo.app.app_secret;
    let signature = seen[0].signature.as_deref().expect("a signature");
    assert!(risala_testkit::webhooks::signature_matches(secret, &seen[0].body, signature), "{signature}");
    assert!(!risala_testkit::webhooks::signature_matches("another secret", &seen[0].body, signature));
    // The GET: the variable encoded into the URL, no body, the empty body signed.
    assert_eq!(seen[1].target, "/fail?order=A%2017");
    assert!(seen[1].body.is_empty());
    assert!(risala_testkit::webhooks::signature_matches(secret, b"", seen[1].signature.as_deref().unwrap()));
    assert_eq!(seen[2].target, "/hang");

    // The answer used in the next message; both failures went on to their on_fail.
    assert_eq!(
        said(&history(&app, ALICE).await),
        [
            "hi",
            "Your order number?",
            "A 17",
            "Order A 17 is shipped (2 items).",
            "Someone will tell you the delivery date."
        ]
    );
    let notes = app.state.store.notes(app.phone_number_id(), ALICE).await.unwrap();
    assert_eq!(notes.len(), 1);
    for line in [
        format!("Bot: called POST {url}/orders: HTTP 200"),
        "Bot: the answer has nothing at /order/nothing for gone".to_string(),
        format!("Bot: the call GET {url}/fail?order=A%2017 failed (HTTP 500)"),
        format!("Bot: the call GET {url}/hang failed (no answer within 300 ms)"),
    ] {
        assert!(notes[0].body.contains(&line), "{line} in {}", notes[0].body);
    }
    app.stop().await;
}
engine_test!(an_http_step_calls_the_business_signed_and_fails_over, super::http_step);

async fn flow_step(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let flow_id = crate::flows::published(&app, "signup").await;
    let draft = crate::flows::create_ok(
        &app,
        json!({"name": "draft", "categories": ["OTHER"], "flow_json": crate::flows::TWO_SCREENS}),
    )
    .await;
    let def = |id: &str| {
        json!({
            "name": "Sign up", "trigger": {"on": "new_conversation"}, "start": "form",
            "steps": {
                "form": {"type": "flow", "flow_id": id, "cta": "Sign up", "text": "Please sign up",
                    "screen": "SIGN_UP", "data": {"greeting": "Welcome"}, "next": "thanks"},
                "thanks": {"type": "end", "message": "Thanks {{full_name}} (news: {{news}})!"}
            }
        })
    };
    // The flow must be a published flow of the number's WABA.
    let e = assert_graph_error(&app.post(&bots_path(&app), &def("4242")).await, 400, 131009);
    assert_eq!(
        e["error_data"]["details"], "steps.form.flow_id: no flow of this WhatsApp Business Account has this id",
        "{e}"
    );
    let e = assert_graph_error(&app.post(&bots_path(&app), &def(draft["id"].as_str().unwrap())).await, 400, 131009);
    assert_eq!(e["error_data"]["details"], "steps.form.flow_id: the flow is DRAFT; a bot sends published flows only");
    let bot_id = create_bot(&app, &def(&flow_id)).await;

    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();
    alice.send(&num, json!({"type": "text", "text": {"body": "hi"}})).await;
    let msgs = history(&app, ALICE).await;
    let flow = msgs.last().unwrap();
    assert_eq!(flow.kind, "interactive");
    assert_eq!(
        flow.content,
        json!({"type": "flow", "body": {"text": "Please sign up"}, "action": {"name": "flow", "parameters": {
            "flow_message_version": "3", "flow_id": flow_id, "flow_cta": "Sign up",
            "flow_token": format!("risala-bot:{bot_id}:form"), "flow_action": "navigate",
            "flow_action_payload": {"screen": "SIGN_UP", "data": {"greeting": "Welcome"}}}}})
    );

    // Something else than the form: asked to fill it in, the form sent again.
    alice.send(&num, json!({"type": "text", "text": {"body": "what is this?"}})).await;
    let msgs = history(&app, ALICE).await;
    assert_eq!(said(&msgs[msgs.len() - 2..]), ["Please fill in the form.", "Please sign up"]);
    let again = msgs.last().unwrap().id.clone();

    // The customer completes it: its answers are the bot's variables.
    let (s, v) = alice
        .post(
            &format!("/customer/v1/flows/{again}/complete"),
            &json!({"screen": "DONE", "response": {"full_name": "Alice Smith", "news": true}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let msgs = history(&app, ALICE).await;
    assert_eq!(msgs[msgs.len() - 2].content["interactive"]["type"], "nfm_reply");
    assert_eq!(said(&msgs[msgs.len() - 1..]), ["Thanks Alice Smith (news: true)!"]);
    app.stop().await;
}
engine_test!(a_flow_step_stores_the_customers_answers, super::flow_step);

async fn wait_step(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let def = json!({
        "name": "Later", "trigger": {"on": "new_conversation"}, "start": "hello",
        "steps": {
            "hello": {"type": "send", "message": {"type": "text", "text": {"body": "We look into it."}}, "next": "w"},
            "w": {"type": "wait", "seconds": 3600, "next": "done"},
            "done": {"type": "handoff", "message": "An hour later: a colleague has it now."}
        }
    });
    create_bot(&app, &def).await;
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();
    alice.send(&num, json!({"type": "text", "text": {"body": "my parcel is late"}})).await;
    // Written during the wait: kept, not answered (the FAQ stays silent too).
    alice.send(&num, json!({"type": "text", "text": {"body": "hello?"}})).await;
    let bots = &app.state.bots;
    app.advance_clock("59m").await;
    assert_eq!(bots.resume_due().await.unwrap(), 0, "not due yet");
    assert_eq!(said(&history(&app, ALICE).await), ["my parcel is late", "We look into it.", "hello?"]);

    // The hour is over: the run goes on (here or by the background sweep, once).
    app.advance_clock("1m").await;
    bots.resume_due().await.unwrap();
    assert_eq!(bots.resume_due().await.unwrap(), 0, "resumed once");
    assert_eq!(
        said(&history(&app, ALICE).await),
        ["my parcel is late", "We look into it.", "hello?", "An hour later: a colleague has it now."]
    );
    let notes = app.state.store.notes(app.phone_number_id(), ALICE).await.unwrap();
    for line in ["Bot: We look into it.", "Bot: waits 3600 s", "Customer: hello?"] {
        assert!(notes[0].body.contains(line), "{line} in {}", notes[0].body);
    }

    // A hand-off keyword still works during a wait.
    let bob = app.customer("15550002222", "Bob").await;
    bob.send(&num, json!({"type": "text", "text": {"body": "hi"}})).await;
    bob.send(&num, json!({"type": "text", "text": {"body": "agent"}})).await;
    let bob_said = said(&history(&app, "15550002222").await);
    assert_eq!(bob_said.last().unwrap(), "Thank you. A person from our team will answer you here.");
    app.advance_clock("2h").await;
    bots.resume_due().await.unwrap();
    assert_eq!(said(&history(&app, "15550002222").await), bob_said, "a handed-off run does not resume");
    app.stop().await;
}
engine_test!(a_wait_step_resumes_when_the_clock_passes, super::wait_step);

async fn concurrent(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let (url, _seen) = endpoint().await;
    let def = json!({
        "name": "Two questions", "trigger": {"on": "new_conversation"}, "start": "a",
        "steps": {
            "a": {"type": "collect", "kind": "text", "text": "First?", "variable": "first", "next": "call"},
            "call": {"type": "http", "url": format!("{url}/slow"), "next": "b"},
            "b": {"type": "collect", "kind": "text", "text": "Second?", "variable": "second", "next": "done"},
            "done": {"type": "end", "message": "{{first}} then {{second}}"}
        }
    });
    create_bot(&app, &def).await;
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();
    alice.send(&num, json!({"type": "text", "text": {"body": "hi"}})).await;
    // Two messages at the same instant (two devices): each advances the run once.
    tokio::join!(
        alice.send(&num, json!({"type": "text", "text": {"body": "one"}})),
        alice.send(&num, json!({"type": "text", "text": {"body": "two"}})),
    );
    let all = said(&history(&app, ALICE).await);
    let bot: Vec<&String> = all.iter().filter(|s| !matches!(s.as_str(), "hi" | "one" | "two")).collect();
    assert!(bot == ["First?", "Second?", "one then two"] || bot == ["First?", "Second?", "two then one"], "{all:?}");
    app.stop().await;
}
engine_test!(two_messages_at_once_advance_the_run_once_each, super::concurrent);

async fn round_robin(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let business = app.demo.ids.business_id.clone();
    let accounts = &app.state.accounts;
    let a = accounts.create_user(&business, "a@rr.test", "Agent A", "agent-password-0123", Role::Agent).await.unwrap();
    let b = accounts.create_user(&business, "b@rr.test", "Agent B", "agent-password-0123", Role::Agent).await.unwrap();
    let off =
        accounts.create_user(&business, "c@rr.test", "Agent C", "agent-password-0123", Role::Agent).await.unwrap();
    assert!(app.state.store.set_user_disabled(&business, &off.id, Some(app.state.clock.now_ms())).await.unwrap());
    let def = json!({"name": "Desk", "trigger": {"on": "new_conversation"}, "start": "h",
        "steps": {"h": {"type": "handoff", "assign": "round_robin"}}});
    create_bot(&app, &def).await;
    let num = app.business_number().to_string();
    let mut assigned = Vec::new();
    for (i, wa_id) in ["15550002001", "15550002002", "15550002003"].into_iter().enumerate() {
        let c = app.customer(wa_id, &format!("Customer {i}")).await;
        c.send(&num, json!({"type": "text", "text": {"body": "hello"}})).await;
        let row = app.state.store.chat_row(app.phone_number_id(), wa_id).await.unwrap().unwrap();
        assigned.push(row.assignee_id.unwrap());
    }
    // The disabled agent is skipped; the turn is the database's, shared by every node.
    assert_eq!(assigned, [a.id.clone(), b.id.clone(), a.id.clone()]);
    assert_eq!(app.state.store.next_bot_turn(&business).await.unwrap(), 3);
    app.stop().await;
}
engine_test!(round_robin_takes_turns_from_the_database, super::round_robin);

/// Two servers on one PostgreSQL database: hand-offs on either take turns from the same count,
/// and a customer's two messages handled at once on the two servers still advance the run once
/// each (the second server finds the run advanced and handles its message again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_the_turn_and_the_run() {
    if !risala_testkit::postgres_or_skip() {
        return;
    }
    let db = Database::fresh(Engine::Postgres).await.unwrap();
    let one = TestApp::start(&db).await.unwrap();
    let two = TestApp::start(&db).await.unwrap();
    let business = one.demo.ids.business_id.clone();
    let accounts = &one.state.accounts;
    let a = accounts.create_user(&business, "a@rr.test", "Agent A", "agent-password-0123", Role::Agent).await.unwrap();
    let b = accounts.create_user(&business, "b@rr.test", "Agent B", "agent-password-0123", Role::Agent).await.unwrap();
    let (url, _seen) = endpoint().await;
    let def = json!({"name": "Desk", "trigger": {"on": "new_conversation"}, "start": "first",
    "steps": {
        "first": {"type": "collect", "kind": "text", "text": "First?", "variable": "first", "next": "call"},
        "call": {"type": "http", "url": format!("{url}/slow"), "next": "second"},
        "second": {"type": "collect", "kind": "text", "text": "Second?", "variable": "second", "next": "h"},
        "h": {"type": "handoff", "assign": "round_robin", "message": "{{first}} then {{second}}"}
    }});
    create_bot(&one, &def).await;
    let num = one.business_number().to_string();
    let mut assigned = Vec::new();
    for (i, (app, wa_id)) in
        [(&one, "15550002001"), (&two, "15550002002"), (&one, "15550002003")].into_iter().enumerate()
    {
        let c = app.customer(wa_id, &format!("Customer {i}")).await;
        for text in ["hello", "x", "y"] {
            c.send(&num, json!({"type": "text", "text": {"body": text}})).await;
        }
        let row = one.state.store.chat_row(one.phone_number_id(), wa_id).await.unwrap().unwrap();
        assigned.push(row.assignee_id.unwrap());
    }
    assert_eq!(assigned, [a.id.clone(), b.id.clone(), a.id.clone()]);

    // One message on each server at the same instant.
    let on_one = one.customer(ALICE, "Alice").await;
    let on_two = two.customer(ALICE, "Alice").await;
    on_one.send(&num, json!({"type": "text", "text": {"body": "hi"}})).await;
    tokio::join!(
        on_one.send(&num, json!({"type": "text", "text": {"body": "one"}})),
        on_two.send(&num, json!({"type": "text", "text": {"body": "two"}})),
    );
    let all = said(&history(&one, ALICE).await);
    let last = all.last().unwrap().as_str();
    assert!(last == "one then two" || last == "two then one", "{all:?}");
    assert_eq!(all.iter().filter(|s| s.contains(" then ")).count(), 1, "{all:?}");
    let row = one.state.store.chat_row(one.phone_number_id(), ALICE).await.unwrap().unwrap();
    assert_eq!(row.assignee_id.as_deref(), Some(b.id.as_str()), "the fourth hand-off");
    one.stop().await;
    two.stop().await;
}
