//! The team inbox over HTTP, on both engines: the list (newest first, unread counts, the
//! filters and the search), opening a conversation reads it; the team's work (take, assign,
//! labels, notes that never reach the customer, close and the reopening by the customer's next
//! message); and the live feed (`/app/events`) with presence that expires on the sandbox clock.

use std::time::Duration;

use risala_core::model::Role;
use risala_testkit::{engine_test, Engine, TestApp};
use serde_json::{json, Value};

use super::{app, Web};

const ALICE: &str = "15550001111";
const BOB: &str = "15550002222";

fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

pub fn chat_path(app: &TestApp, wa_id: &str) -> String {
    format!("/app/chats/{}/{wa_id}", app.phone_number_id())
}

engine_test!(the_list_is_newest_first_with_unread_counts_filters_and_search, super::list);

async fn list(engine: Engine) {
    let (_db, app) = app(engine).await;
    let alice = app.customer(ALICE, "Alice").await;
    let bob = app.customer(BOB, "Bob").await;
    alice.send(app.business_number(), text("Where is order 1042?")).await;
    alice.send(app.business_number(), text("Hello?")).await;
    app.advance_clock("1s").await;
    bob.send(app.business_number(), text("Thanks!")).await;

    let mut owner = Web::owner(&app).await;
    let home = owner.get("/app/").await;
    assert_eq!(home.status, 200);
    let (a, b) = (home.body.find("Alice").unwrap(), home.body.find("Bob").unwrap());
    assert!(b < a, "Bob wrote last: first in the list");
    assert!(home.body.contains(r#"aria-label="2 unread""#) && home.body.contains(r#"aria-label="1 unread""#));
    assert!(home.body.contains("Hello?"), "the last message is the preview");

    let only = |body: &str, want: &str, not: &str| body.contains(want) && !body.contains(not);
    assert!(only(&owner.get("/app/?q=ALI").await.body, "Alice", "Bob"), "by name");
    assert!(only(&owner.get("/app/?q=%2B1+555+000+2222").await.body, "Bob", "Alice"), "by number");
    assert!(only(&owner.get("/app/?q=order+1042").await.body, "Alice", "Bob"), "by an earlier message's text");
    // An empty result of a search says so, not that there are no conversations.
    let none = owner.get("/app/?q=nothing+like+this").await.body;
    assert!(none.contains("No conversations match these filters.") && !none.contains("No open conversations"));
    // A search says how far back it read message text; the plain list does not.
    assert!(none.contains("Message text is searched in the latest 5,000 messages"), "{none}");
    assert!(!home.body.contains("Message text is searched"));
    let other_number = owner.get("/app/?number=123").await;
    assert!(!other_number.body.contains("Alice") && !other_number.body.contains("Bob"));

    // Opening the conversation reads it, for the whole team.
    let p = owner.get(&chat_path(&app, ALICE)).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Where is order 1042?") && p.body.contains("Hello?"));
    assert!(p.body.contains(r#"id="composer""#), "the composer");
    let home = owner.get("/app/").await;
    assert!(!home.body.contains(r#"aria-label="2 unread""#) && home.body.contains(r#"aria-label="1 unread""#));
}

engine_test!(agents_take_assign_label_note_and_close, super::team);

async fn team(engine: Engine) {
    let (_db, app) = app(engine).await;
    let alice = app.customer(ALICE, "Alice").await;
    alice.send(app.business_number(), text("hi")).await;
    let business = app.demo.ids.business_id.clone();
    let accounts = &app.state.accounts;
    accounts.create_user(&business, "sara@demo.test", "Sara", "sara-password-1", Role::Agent).await.unwrap();
    let mut owner = Web::owner(&app).await;
    let mut agent = Web::signed_in(&app, "sara@demo.test", "sara-password-1").await;
    let (oc, ac) = (owner.csrf().await, agent.csrf().await);
    let path = chat_path(&app, ALICE);

    // Sara takes it: hers, no longer unassigned.
    let p = agent.post(&format!("{path}/take"), &[("csrf", &ac)]).await;
    assert_eq!((p.status, p.location()), (303, path.as_str()));
    assert!(agent.get("/app/?assigned=mine").await.body.contains("Alice"));
    assert!(!owner.get("/app/?assigned=mine").await.body.contains("Alice"));
    assert!(!owner.get("/app/?assigned=unassigned").await.body.contains("Alice"));
    assert!(owner.get(&path).await.body.contains(r#"<p class="assignee-now"><strong><bdi>Sara</bdi>"#));
    // Nobody of another business can be assigned; the owner gives it back to nobody.
    let other = app.state.tenancy.create_business("Other Shop").await.unwrap();
    let stranger = accounts.create_user(&other.id, "x@other.test", "X", "x-password-1", Role::Agent).await.unwrap();
    let p = owner.post(&format!("{path}/assign"), &[("csrf", &oc), ("assignee", &stranger.id)]).await;
    assert_eq!(p.status, 400);
    owner.post(&format!("{path}/assign"), &[("csrf", &oc), ("assignee", "")]).await;
    assert!(owner.get("/app/?assigned=unassigned").await.body.contains("Alice"));

    // Labels: owners and admins make them, anyone puts them on.
    let p = agent.post("/app/labels", &[("csrf", &ac), ("name", "VIP"), ("colour", "#b3261e")]).await;
    assert_eq!(p.status, 403);
    let p = owner.post("/app/labels", &[("csrf", &oc), ("name", "VIP"), ("colour", "red")]).await;
    assert_eq!(p.status, 400, "not a colour of the palette");
    let p = owner.post("/app/labels", &[("csrf", &oc), ("name", "VIP"), ("colour", "#b3261e")]).await;
    assert_eq!((p.status, p.location()), (303, "/app/labels"));
    assert!(owner.get("/app/labels").await.body.contains(r#"class="chip lc-4""#));
    let label = app.state.store.labels(&business).await.unwrap().remove(0);
    let p = agent.post(&format!("{path}/labels"), &[("csrf", &ac), ("label", &label.id), ("on", "1")]).await;
    assert_eq!(p.status, 303);
    let by_label = owner.get(&format!("/app/?label={}", label.id)).await.body;
    assert!(by_label.contains("Alice") && by_label.contains(">VIP</span>"));
    let p = agent.post(&format!("{path}/labels"), &[("csrf", &ac), ("label", "nope"), ("on", "1")]).await;
    assert_eq!(p.status, 404, "not a label of the business");

    // A note: the team sees it, the customer never does.
    let p = agent.post(&format!("{path}/notes"), &[("csrf", &ac), ("body", "Prefers Arabic, call after 5")]).await;
    assert_eq!(p.status, 303);
    assert_eq!(agent.post(&format!("{path}/notes"), &[("csrf", &ac), ("body", "   ")]).await.status, 400);
    let page = owner.get(&path).await.body;
    assert!(page.contains("Prefers Arabic, call after 5") && page.contains("<bdi>Sara</bdi>"));
    let (_, msgs) = alice.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    assert!(!msgs.to_string().contains("Prefers Arabic"), "{msgs}");
    assert!(app.outbox().await.iter().all(|(_, v)| !v.to_string().contains("Prefers Arabic")));

    // Closed: out of the open list, in the closed one; the customer's next message reopens it.
    assert_eq!(owner.post(&format!("{path}/close"), &[("csrf", &oc)]).await.status, 303);
    assert!(!owner.get("/app/").await.body.contains("Alice"));
    assert!(owner.get("/app/?state=closed").await.body.contains("Alice"));
    alice.send(app.business_number(), text("one more thing")).await;
    assert!(owner.get("/app/").await.body.contains("Alice"));
    owner.post(&format!("{path}/close"), &[("csrf", &oc)]).await;
    assert_eq!(owner.post(&format!("{path}/reopen"), &[("csrf", &oc)]).await.status, 303);
    assert!(owner.get("/app/?state=open").await.body.contains("Alice"));
    // The label comes off; deleting it takes it off everywhere.
    agent.post(&format!("{path}/labels"), &[("csrf", &ac), ("label", &label.id), ("on", "0")]).await;
    let row = app.state.store.chat_row(app.phone_number_id(), ALICE).await.unwrap().unwrap();
    assert!(row.label_ids.is_empty());
    assert_eq!(owner.post(&format!("/app/labels/{}/delete", label.id), &[("csrf", &oc)]).await.status, 303);
    assert!(app.state.store.labels(&business).await.unwrap().is_empty());
}

/// The server-sent events of one signed-in page.
pub struct Events {
    resp: reqwest::Response,
    buf: String,
}

impl Events {
    pub async fn open(app: &TestApp, web: &Web) -> Events {
        let resp = reqwest::Client::new()
            .get(app.url("/app/events"))
            .header("cookie", format!("risala_session={}", web.cookie.as_deref().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        Events { resp, buf: String::new() }
    }

    /// The next event's JSON (comments skipped), within five seconds.
    pub async fn next(&mut self) -> Value {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf.drain(..end + 2).collect();
                if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data:")) {
                    return serde_json::from_str(data.trim()).unwrap();
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(5), self.resp.chunk()).await;
            let chunk = chunk.expect("an event within 5 s").unwrap().expect("the stream stays open");
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

engine_test!(pages_hear_messages_team_work_and_presence_live, super::live);

async fn live(engine: Engine) {
    let (_db, app) = app(engine).await;
    let alice = app.customer(ALICE, "Alice").await;
    alice.send(app.business_number(), text("hi")).await;
    let mut owner = Web::owner(&app).await;
    let agent = Web::owner(&app).await;
    let mut events = Events::open(&app, &agent).await;
    let chat = json!({"kind": "chat", "phone_number_id": app.phone_number_id()});

    alice.send(app.business_number(), text("are you there?")).await;
    assert_eq!(events.next().await, chat, "a new message");
    let path = chat_path(&app, ALICE);
    owner.get(&path).await;
    assert_eq!(events.next().await, chat, "read by the owner: the unread count went");
    let csrf = owner.csrf().await;
    owner.post(&format!("{path}/take"), &[("csrf", &csrf)]).await;
    assert_eq!(events.next().await, chat, "assigned");

    // Presence: the owner types; the agent's page is told, and it expires.
    let base = app.base.clone();
    let p = owner.post_from(&format!("{path}/presence"), &[("state", "typing")], &base, Some(&csrf)).await;
    assert_eq!(p.status, 204);
    let e = events.next().await;
    assert_eq!((e["kind"].as_str(), e["wa_id"].as_str()), (Some("presence"), Some(ALICE)));
    let people = e["people"].as_array().unwrap();
    assert_eq!((people.len(), people[0]["typing"].as_bool()), (1, Some(true)), "{e}");
    let business = &app.demo.ids.business_id;
    app.state.accounts.create_user(business, "sara@demo.test", "Sara", "sara-password-1", Role::Agent).await.unwrap();
    let mut reader = Web::signed_in(&app, "sara@demo.test", "sara-password-1").await;
    assert!(reader.get(&path).await.body.contains(r#"class="typing""#), "the page shows who types");
    app.advance_clock("31s").await;
    assert!(!reader.get(&path).await.body.contains(r#"class="typing""#), "presence expires");
    let p = owner.post_from(&format!("{path}/presence"), &[("state", "dancing")], &base, Some(&csrf)).await;
    assert_eq!(p.status, 400);
}
