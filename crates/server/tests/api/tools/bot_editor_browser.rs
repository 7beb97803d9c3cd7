//! The bot editor in a real Chromium, issue #17's whole journey: an owner builds a three-step
//! bot with a hand-off in the console's editor by clicking and typing (a save with a missing
//! connection is refused and the error shows on the card it names, the edits kept; a deleted
//! step leaves its references flagged), saves it, and a customer runs it from the web chat: the
//! bot greets, asks with buttons and hands off. The owner takes the conversation in the inbox:
//! the customer writes again and only the owner's answer comes; the owner closes it, the
//! customer writes again and the bot answers again. Screenshots `bot-editor-en`,
//! `bot-editor-errors-en`, `bot-editor-ar` (Arabic, phone-sized).

use risala_testkit::browser::Session;
use risala_testkit::{Engine, TestApp, DEMO_OWNER_PASSWORD};
use serde_json::json;

use crate::web::steps::{live, open, sign_in, submit, wait_for, wait_text_in, wait_url, PATIENCE};
use crate::web::{app, OWNER};
use crate::webchat::browser as chat;

const CUSTOMER: &str = "447700900777";
const BACKSPACE: &str = "\u{E003}";
const ENTER: &str = "\u{E007}";

/// The card of step `id`, and a selector inside it.
fn card(id: &str, css: &str) -> String {
    format!("[data-step='{id}'] {css}")
}

/// The field `name` of step `id` (its input, textarea or select).
fn field(id: &str, name: &str) -> String {
    card(id, &format!(".be-field[data-field={name}] :is(input, textarea, select)"))
}

/// Add a step of `kind` from the editor's "add a step" box; it is named `<kind>1`.
async fn add_step(s: &Session, kind: &str) {
    s.find(&format!("#be-kind option[value={kind}]")).await.click().await;
    s.find("#be-add").await.click().await;
    wait_for(s, &format!("a {kind} card"), &format!("return !!document.querySelector(\"[data-step='{kind}1']\")"))
        .await;
}

/// Rename step `from` to `to` by typing over its id (Enter settles it, without saving).
async fn rename(s: &Session, from: &str, to: &str) {
    let keys = format!("{}{to}{ENTER}", BACKSPACE.repeat(from.len()));
    s.find(&card(from, ".be-id")).await.send_keys(&keys).await;
    wait_for(s, &format!("step {to}"), &format!("return !!document.querySelector(\"[data-step='{to}']\")")).await;
}

/// Choose `value` in the select `css`.
async fn choose(s: &Session, css: &str, value: &str) {
    s.find(&format!("{css} option[value='{value}']")).await.click().await;
}

async fn type_in(s: &Session, css: &str, text: &str) {
    s.find(css).await.send_keys(text).await;
}

/// The bodies of the chat's messages, oldest first (a question: its text).
async fn bodies(app: &TestApp) -> Vec<String> {
    let mut m = app.state.store.chat_history(app.phone_number_id(), CUSTOMER, None, 100).await.unwrap();
    m.reverse();
    m.iter()
        .map(|m| {
            let c = &m.content;
            let pressed = c["button_reply"]["title"].as_str().or(c["interactive"]["button_reply"]["title"].as_str());
            let body = c["body"].as_str().or(c["body"]["text"].as_str()).or(c["text"]["body"].as_str());
            body.or(pressed).map_or_else(|| c.to_string(), str::to_string)
        })
        .collect()
}

/// The chat's bodies once there are `n` (the bot answers after the customer's message is in).
async fn bodies_when(app: &TestApp, n: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let all = bodies(app).await;
        if all.len() >= n || std::time::Instant::now() > deadline {
            return all;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Wait until the web chat's thread shows `text` `n` times.
async fn shown(s: &Session, text: &str, n: usize) {
    let js = "var t = document.getElementById('thread'); \
        return !!t && t.innerText.split(arguments[0]).length - 1 === arguments[1]";
    chat::wait_for(s, &format!("{text:?} × {n} in the web chat"), js, json!([text, n])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_builds_a_bot_in_the_editor_and_a_customer_runs_it() {
    let (_db, app) = app(Engine::Sqlite).await;
    let pid = app.phone_number_id().to_string();
    let s = Session::start("en-US", 1280, 1000).await;
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    open(&app, &s, "/app/console/bots").await;
    s.find(&format!("a[href='/app/console/bots/{pid}/new']")).await.click().await;
    wait_url(&s, &format!("/app/console/bots/{pid}/new")).await;
    wait_for(&s, "the editor", "return !!document.getElementById('bot-name')").await;
    // The kind of a new step is chosen to begin with: never a step without one.
    wait_for(&s, "a kind chosen", "var k = document.getElementById('be-kind'); return !!k && k.value !== ''").await;

    // Three steps, added and named; the first is the start.
    s.fill("bot-name", "Bakery").await;
    add_step(&s, "send").await;
    rename(&s, "send1", "welcome").await;
    type_in(&s, &field("welcome", "message"), "Welcome to the bakery!").await;
    add_step(&s, "ask").await;
    type_in(&s, &field("ask1", "text"), "What would you like?").await;
    type_in(&s, &field("ask1", "variable"), "choice").await;
    type_in(&s, &card("ask1", ".be-row [data-field=title] input"), "Bread").await;
    s.find(&card("ask1", ".be-add-row")).await.click().await;
    type_in(&s, &card("ask1", ".be-row:nth-of-type(2) [data-field=title] input"), "Cake").await;
    add_step(&s, "handoff").await;
    rename(&s, "handoff1", "human").await;
    type_in(&s, &field("human", "message"), "A colleague takes it from here.").await;
    choose(&s, &field("welcome", "next"), "ask1").await;
    assert_eq!(s.count(".step-card.start[data-step=welcome]").await, 1);
    assert_eq!(s.find(&card("welcome", "ul.links")).await.text().await, "Next step → ask1");

    // Saved without the options' connections: refused, the error on the card it names, and
    // every edit still there.
    submit(&s, "#bot-save").await;
    let text = s.text().await.replace(['\u{2068}', '\u{2069}'], "");
    assert!(text.contains("Step ask1 › Options 1 › Next step: fill this in."), "{text}");
    assert_eq!(s.count(".step-card.has-error").await, 1);
    let errors = s.find(&card("ask1", "ul.errors")).await.text().await.replace(['\u{2068}', '\u{2069}'], "");
    assert_eq!(
        errors,
        "Step ask1 › Options 1 › Next step: fill this in.\nStep ask1 › Options 2 › Next step: fill this in."
    );
    assert_eq!(s.eval("return document.getElementById('bot-name').value", json!([])).await, "Bakery");
    assert_eq!(s.count("[data-step=human]").await, 1);
    s.eval("window.scrollTo(0, 0)", json!([])).await;
    s.screenshot("bot-editor-errors-en", true).await;

    // A step deleted leaves the references to it flagged.
    add_step(&s, "end").await;
    choose(&s, &card("ask1", ".be-row:nth-of-type(1) [data-field=next] select"), "end1").await;
    s.find(&card("end1", ".be-delete")).await.click().await;
    assert_eq!(s.count("[data-step=end1]").await, 0);
    assert_eq!(s.find(&card("ask1", "ul.links li.broken")).await.text().await, "Bread → end1 (no such step)");

    // Connected and saved: version 1, exactly what was built.
    for row in [1, 2] {
        choose(&s, &card("ask1", &format!(".be-row:nth-of-type({row}) [data-field=next] select")), "human").await;
    }
    assert_eq!(s.count(&card("ask1", "ul.links li.broken")).await, 0);
    submit(&s, "#bot-save").await;
    assert!(s.url().await.ends_with("/edit?saved=1"), "{}", s.url().await);
    let (_, v) = app.get(&format!("/tools/v1/{pid}/bots")).await;
    assert_eq!((v["data"][0]["version"].clone(), v["data"][0]["enabled"].clone()), (json!(1), json!(true)));
    assert_eq!(
        v["data"][0]["definition"],
        json!({"name": "Bakery", "trigger": {"on": "new_conversation"}, "start": "welcome", "steps": {
            "welcome": {"type": "send", "message": {"type": "text", "text": {"body": "Welcome to the bakery!"}}, "next": "ask1"},
            "ask1": {"type": "ask", "text": "What would you like?", "variable": "choice", "options": [
                {"id": "1", "title": "Bread", "next": "human"}, {"id": "2", "title": "Cake", "next": "human"}]},
            "human": {"type": "handoff", "message": "A colleague takes it from here."}}})
    );
    assert_eq!(s.find(&card("ask1", "ul.links")).await.text().await, "Bread → human\nCake → human");

    // The JSON view shows what is saved; a definition pasted there and applied is drawn.
    s.find("#bot-json summary").await.click().await;
    let shown_json: serde_json::Value = serde_json::from_str(
        s.eval("return document.getElementById('definition').value", json!([])).await.as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(shown_json["steps"], v["data"][0]["definition"]["steps"]);
    let mut pasted = shown_json.clone();
    pasted["steps"]["bye"] = json!({"type": "end", "message": "Bye!"});
    s.eval("document.getElementById('definition').value = arguments[0]", json!([pasted.to_string()])).await;
    s.find("#be-apply").await.click().await;
    assert_eq!(s.find(&card("bye", "p.main")).await.text().await, "Bye!");
    open(&app, &s, &format!("/app/console/bots/{pid}/{}/edit", v["data"][0]["id"].as_str().unwrap())).await;
    assert_eq!(s.count("[data-step=bye]").await, 0, "applied, not saved");
    // Side by side, each connection is also drawn: welcome → ask1, and both options → human.
    assert_eq!(s.count("#bot-graph svg.be-lines > path").await, 3);
    s.eval("document.querySelector('#steps-h').scrollIntoView()", json!([])).await;
    s.screenshot("bot-editor-en", true).await;

    // The customer writes from the web chat: greeted, asked with buttons; a button pressed
    // hands the conversation to the team.
    let c = Session::start("en", 390, 844).await;
    chat::sign_in(&c, &app, &format!("/chat/?phone={}", app.business_number()), CUSTOMER, "Mona").await;
    chat::wait_for(&c, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;
    c.fill("message", "Hi").await;
    c.find("#send-button").await.click().await;
    shown(&c, "What would you like?", 1).await;
    shown(&c, "Welcome to the bakery!", 1).await;
    let press = "var b = Array.from(document.querySelectorAll('#thread .buttons button.btn'))\
        .find(function (b) { return b.textContent.trim() === 'Cake'; }); if (b) { b.click(); } return !!b";
    assert_eq!(c.eval(press, json!([])).await, true);
    shown(&c, "A colleague takes it from here.", 1).await;

    // The owner takes it over; the customer writes again and only the owner answers.
    let chat_path = format!("/app/chats/{pid}/{CUSTOMER}");
    open(&app, &s, &chat_path).await;
    submit(&s, "form[action$='/take'] button").await;
    live(&s).await;
    c.fill("message", "Is the cake fresh?").await;
    c.find("#send-button").await.click().await;
    wait_text_in(&s, "#thread", "Is the cake fresh?").await;
    s.fill("compose-body", "Baked this morning.").await;
    submit(&s, "form.compose button[type=submit]").await;
    shown(&c, "Baked this morning.", 1).await;
    assert_eq!(
        bodies_when(&app, 7).await,
        [
            "Hi",
            "Welcome to the bakery!",
            "What would you like?",
            "Cake",
            "A colleague takes it from here.",
            "Is the cake fresh?",
            "Baked this morning."
        ]
    );

    // Closed by the owner: the customer's next message starts the bot again.
    submit(&s, "form[action$='/close'] button").await;
    c.fill("message", "Hello again").await;
    c.find("#send-button").await.click().await;
    shown(&c, "Welcome to the bakery!", 2).await;
    let all = bodies_when(&app, 10).await;
    assert_eq!(all[7..], ["Hello again", "Welcome to the bakery!", "What would you like?"]);

    // The editor in Arabic, on a phone-sized screen: right to left, nothing wider than the screen.
    let id = v["data"][0]["id"].as_str().unwrap();
    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    open(&app, &ar, &format!("/app/console/bots/{pid}/{id}/edit")).await;
    wait_for(&ar, "the editor", "return !!document.getElementById('bot-name')").await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    let text = ar.text().await;
    assert!(text.contains("تعديل الروبوت") && text.contains("سؤال بأزرار"), "{text}");
    assert_eq!(ar.eval("return document.getElementById('bot-name').value", json!([])).await, "Bakery");
    assert_eq!(ar.count("#bot-graph svg.be-lines").await, 0, "stacked cards: the lists alone");
    let overflow = ar.eval("return document.documentElement.scrollWidth", json!([])).await;
    assert!(overflow.as_u64().unwrap() <= 375, "the page is {overflow} px wide");
    ar.eval("document.querySelector('#steps-h').scrollIntoView()", json!([])).await;
    ar.screenshot("bot-editor-ar", true).await;
}
