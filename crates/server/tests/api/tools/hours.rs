//! Business hours, the away message and the greeting, on SQLite and PostgreSQL: the away
//! message goes once per closed period (not inside the hours, again after the business opened
//! and closed, on a closure day, and after `resend_after_hours`); the greeting on a customer's
//! first message and after days of silence; local times follow the zone across a daylight
//! saving change; both go through the send path (a free service message, an echo, a status
//! carrying their tag); bad settings are 131009 naming the field; another business's token is
//! refused. Time moves with the sandbox clock.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use risala_core::model::Direction;
use risala_core::tools::hours::{AWAY_TAG, GREETING_TAG};
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

fn path(app: &TestApp) -> String {
    format!("/tools/v1/{}/business_hours", app.phone_number_id())
}

async fn set(app: &TestApp, body: Value) -> Value {
    let (s, v) = app.post(&path(app), &body).await;
    assert_eq!(s, 200, "{body}: {v}");
    v
}

async fn now_ms(app: &TestApp) -> i64 {
    let (s, v) = app.get("/sandbox/v1/clock").await;
    assert_eq!(s, 200, "{v}");
    v["now_ms"].as_i64().unwrap()
}

/// Move the sandbox clock to `at` (which must be ahead).
async fn advance_to(app: &TestApp, at: Timestamp) {
    let by = at.as_millisecond() - now_ms(app).await;
    assert!(by > 0, "the clock is already past {at}");
    let (s, v) = app.post("/sandbox/v1/clock/advance", &json!({"ms": by})).await;
    assert_eq!(s, 200, "{v}");
}

/// The instant of local `date` at `hh:mm` in `tz`.
fn at(tz: &str, date: Date, hh: i8, mm: i8) -> Timestamp {
    date.to_datetime(Time::new(hh, mm, 0, 0).unwrap()).to_zoned(TimeZone::get(tz).unwrap()).unwrap().timestamp()
}

/// The first `weekday` (Monday = 1) at least two days after the sandbox clock's date in `tz`.
async fn next_weekday(app: &TestApp, tz: &str, weekday: i8) -> Date {
    let now = Timestamp::from_millisecond(now_ms(app).await).unwrap().to_zoned(TimeZone::get(tz).unwrap());
    let mut d = now.date().checked_add(2.days()).unwrap();
    while d.weekday().to_monday_one_offset() != weekday {
        d = d.tomorrow().unwrap();
    }
    d
}

/// The automatic messages the number sent to `wa_id`, oldest first: (tag, text body).
async fn automatic(app: &TestApp, wa_id: &str) -> Vec<(String, String)> {
    let history = app.state.store.chat_history(app.phone_number_id(), wa_id, None, 200).await.unwrap();
    history
        .iter()
        .rev()
        .filter(|m| m.direction == Direction::Outbound)
        .filter_map(|m| {
            let tag = m.biz_opaque.clone()?;
            [AWAY_TAG, GREETING_TAG]
                .contains(&tag.as_str())
                .then(|| (tag, m.content["body"].as_str().unwrap_or("").into()))
        })
        .collect()
}

fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

async fn away_once_per_closed_period(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    const TZ: &str = "Asia/Riyadh";
    // Sunday to Thursday, 09:00–17:00 Riyadh time (UTC+3).
    let monday = next_weekday(&app, TZ, 1).await;
    let wednesday = monday.checked_add(2.days()).unwrap();
    let day = json!([{"open": "09:00", "close": "17:00"}]);
    let v = set(
        &app,
        json!({"hours": {"time_zone": TZ, "weekly": {"sunday": day, "monday": day, "tuesday": day, "wednesday": day,
            "thursday": day}, "closures": [{"from": wednesday.to_string(), "name": "National day"}]},
            "away_message": {"enabled": true, "message": text("Sorry {{customer_name}}, {{business_name}} is closed.")}}),
    )
    .await;
    assert_eq!(v["hours"]["weekly"]["friday"], json!([]), "{v}");
    assert_eq!(v["hours"]["closures"][0]["to"], wednesday.to_string(), "{v}");
    assert_eq!(v["away_message"]["resend_after_hours"], 0);

    let alice = app.customer("15550001111", "Alice").await;
    let to = app.business_number().to_string();
    // Monday 20:00 Riyadh (17:00 UTC: inside the hours if the zone were ignored).
    advance_to(&app, at(TZ, monday, 20, 0)).await;
    let (_, v) = app.get(&path(&app)).await;
    assert_eq!(v["open_now"], false, "{v}");
    alice.send(&to, text("hello?")).await;
    let sent = automatic(&app, &alice.wa_id).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, AWAY_TAG);
    assert!(sent[0].1.starts_with("Sorry Alice, "), "{sent:?}");
    // It went through the send path: a free service message, echoed to the webhook.
    let outbox = app.outbox().await;
    let status = outbox
        .iter()
        .filter(|(f, _)| f == "messages")
        .map(|(_, v)| v["statuses"][0].clone())
        .find(|s| s["biz_opaque_callback_data"] == AWAY_TAG)
        .expect("the away message's status");
    assert_eq!((status["status"].as_str(), status["pricing"]["category"].as_str()), (Some("sent"), Some("service")));
    assert_eq!(status["pricing"]["billable"], false, "{status}");
    assert!(
        outbox
            .iter()
            .any(|(f, v)| f == "smb_message_echoes" && v["message_echoes"][0]["text"]["body"] == sent[0].1.as_str()),
        "no echo of the away message"
    );

    // The same closed period: once only.
    advance_to(&app, at(TZ, monday, 23, 0)).await;
    alice.send(&to, text("anyone?")).await;
    assert_eq!(automatic(&app, &alice.wa_id).await.len(), 1);
    // Inside the hours: nothing.
    let tuesday = monday.tomorrow().unwrap();
    advance_to(&app, at(TZ, tuesday, 10, 0)).await;
    alice.send(&to, text("good morning")).await;
    assert_eq!(automatic(&app, &alice.wa_id).await.len(), 1);
    // Closed again after having opened: a new period, a new away message.
    advance_to(&app, at(TZ, tuesday, 18, 0)).await;
    alice.send(&to, text("one more thing")).await;
    assert_eq!(automatic(&app, &alice.wa_id).await.len(), 2);

    // The closure day: closed during the usual hours. Bob writes for the first time.
    advance_to(&app, at(TZ, wednesday, 11, 0)).await;
    let (_, v) = app.get(&path(&app)).await;
    assert_eq!(v["open_now"], false, "a closure day is closed: {v}");
    let bob = app.customer("15550002222", "Bob").await;
    bob.send(&to, text("are you open?")).await;
    let sent = automatic(&app, &bob.wa_id).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.starts_with("Sorry Bob, "), "{sent:?}");
    // Alice's closed period has gone on since Tuesday 17:00: no second message…
    alice.send(&to, text("still there?")).await;
    assert_eq!(automatic(&app, &alice.wa_id).await.len(), 2);
    // …unless the number asks for one after 12 hours of it (Tuesday 18:00 → Wednesday 11:00).
    set(&app, json!({"away_message": {"resend_after_hours": 12}})).await;
    alice.send(&to, text("hello again")).await;
    assert_eq!(automatic(&app, &alice.wa_id).await.len(), 3);

    // Turned off: nothing.
    set(&app, json!({"away_message": {"enabled": false}})).await;
    advance_to(&app, at(TZ, wednesday, 23, 30)).await;
    bob.send(&to, text("hm")).await;
    assert_eq!(automatic(&app, &bob.wa_id).await.len(), 1);
    app.stop().await;
}
engine_test!(away_message_is_sent_once_per_closed_period, super::away_once_per_closed_period);

async fn greeting(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let to = app.business_number().to_string();
    // Carol wrote before the greeting was on.
    let carol = app.customer("15550003333", "Carol").await;
    carol.send(&to, text("hi")).await;
    set(&app, json!({"greeting_message": {"enabled": true, "message": text("Welcome {{customer_name}}!"), "inactive_days": 3}}))
        .await;

    let dan = app.customer("15550004444", "Dan").await;
    dan.send(&to, text("first message")).await;
    assert_eq!(automatic(&app, &dan.wa_id).await, vec![(GREETING_TAG.to_string(), "Welcome Dan!".to_string())]);
    dan.send(&to, text("second")).await;
    // Carol's earlier message counts: not her first, and not after a silence.
    carol.send(&to, text("me again")).await;
    assert!(automatic(&app, &carol.wa_id).await.is_empty());
    app.advance_clock("2d").await;
    dan.send(&to, text("two days later")).await;
    assert_eq!(automatic(&app, &dan.wa_id).await.len(), 1, "greeted once while they keep writing");
    // Three days of silence: greeted again.
    app.advance_clock("3d").await;
    dan.send(&to, text("back again")).await;
    assert_eq!(automatic(&app, &dan.wa_id).await.len(), 2);
    // With no hours set the business is always open: no away message even when it is on.
    let (s, v) = app.post(&path(&app), &json!({"away_message": {"enabled": true, "message": text("closed")}})).await;
    assert_graph_error(&(s, v), 400, 131009);
    app.stop().await;
}
engine_test!(greeting_on_the_first_message_and_after_days_of_silence, super::greeting);

async fn daylight_saving(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    const TZ: &str = "America/New_York";
    // The second Sunday of March next year: clocks go from EST (UTC-5) to EDT (UTC-4).
    let year = Timestamp::from_millisecond(now_ms(&app).await).unwrap().to_zoned(TimeZone::UTC).year() + 1;
    let mut sunday = Date::new(year, 3, 8).unwrap();
    while sunday.weekday().to_monday_one_offset() != 7 {
        sunday = sunday.tomorrow().unwrap();
    }
    let friday = sunday.checked_sub(2.days()).unwrap();
    let monday = sunday.tomorrow().unwrap();
    let week = json!([{"open": "09:00", "close": "17:00"}]);
    set(
        &app,
        json!({"hours": {"time_zone": TZ, "weekly": {"monday": week, "tuesday": week, "wednesday": week,
            "thursday": week, "friday": week}}, "away_message": {"enabled": true, "message": text("We open at 9.")}}),
    )
    .await;
    let to = app.business_number().to_string();
    let utc = |d: Date, h: i8, m: i8| at("UTC", d, h, m);
    // Friday 13:30 UTC is 08:30 EST: closed.
    advance_to(&app, utc(friday, 13, 30)).await;
    let erin = app.customer("15550005555", "Erin").await;
    erin.send(&to, text("hello")).await;
    assert_eq!(automatic(&app, &erin.wa_id).await.len(), 1);
    // Friday 14:30 UTC is 09:30 EST: open.
    advance_to(&app, utc(friday, 14, 30)).await;
    let (_, v) = app.get(&path(&app)).await;
    assert_eq!(v["open_now"], true, "{v}");
    // Friday 22:30 UTC is 17:30 EST: closed, a new period.
    advance_to(&app, utc(friday, 22, 30)).await;
    erin.send(&to, text("evening")).await;
    assert_eq!(automatic(&app, &erin.wa_id).await.len(), 2);
    // Monday 13:30 UTC is 09:30 EDT (it would be 08:30 without the change): open, no message.
    advance_to(&app, utc(monday, 13, 30)).await;
    let (_, v) = app.get(&path(&app)).await;
    assert_eq!(v["open_now"], true, "{v}");
    erin.send(&to, text("monday")).await;
    assert_eq!(automatic(&app, &erin.wa_id).await.len(), 2);
    // Monday 21:30 UTC is 17:30 EDT: closed (16:30 without the change).
    advance_to(&app, utc(monday, 21, 30)).await;
    erin.send(&to, text("after work")).await;
    assert_eq!(automatic(&app, &erin.wa_id).await.len(), 3);
    app.stop().await;
}
engine_test!(local_hours_follow_daylight_saving, super::daylight_saving);

async fn refused(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let p = path(&app);
    let bad = [
        (json!({"hours": {"time_zone": "Mars/Olympus"}}), "time_zone"),
        (
            json!({"hours": {"time_zone": "UTC", "weekly": {"monday": [{"open": "18:00", "close": "09:00"}]}}}),
            "weekly.monday[0]",
        ),
        (json!({"hours": {"time_zone": "UTC", "closures": [{"from": "25/12/2026"}]}}), "closures[0].from"),
        (json!({"greeting_message": {"enabled": true}}), "greeting_message.message"),
        (
            json!({"greeting_message": {"message": {"type": "template", "template": {"name": "x"}}}}),
            "greeting_message.message.type",
        ),
        (json!({"greeting_message": {"message": {"type": "text", "text": {}}}}), "greeting_message.message"),
        (json!({"greeting_message": {"inactive_days": 0}}), "inactive_days"),
        (json!({"away_message": {"resend_after_hours": "soon"}}), "resend_after_hours"),
        (json!({"opening_hours": {}}), "opening_hours"),
        // A variable the greeting cannot fill would reach the customer in braces.
        (
            json!({"greeting_message": {"message": text("Hi {{foo}}")}}),
            "greeting_message.message.text.body: unknown variable {{foo}} (use {{customer_name}}, {{business_name}})",
        ),
        (
            json!({"away_message": {"message": {"type": "image", "image": {"id": "1", "caption": "{{agent_name}}"}}}}),
            "away_message.message.image.caption: unknown variable {{agent_name}}",
        ),
    ];
    for (body, field) in bad {
        let r = app.post(&p, &body).await;
        // A missing part is 131008, a wrong value 131009.
        let code = r.1["error"]["code"].as_i64().unwrap_or_default();
        assert!([131008, 131009].contains(&code), "{body}: {}", r.1);
        let e = assert_graph_error(&r, 400, code);
        let details = e["error_data"]["details"].as_str().unwrap_or_default();
        assert!(details.contains(field), "{body}: {details}");
    }
    // Nothing was saved.
    let (_, v) = app.get(&p).await;
    assert_eq!((v["hours"].clone(), v["greeting_message"]["enabled"].clone()), (Value::Null, json!(false)), "{v}");

    // No token, and another business's token.
    assert_graph_error(&app.get_as(&p, None).await, 400, 104);
    let (_, other) = super::other_business(&app).await;
    assert_graph_error(&app.get_as(&p, Some(&other)).await, 400, 100);
    assert_graph_error(&app.post_as(&p, &json!({"hours": null}), Some(&other)).await, 400, 100);
    assert_eq!(app.get_as(&p, Some(DEMO_TOKEN)).await.0, 200);
    app.stop().await;
}
engine_test!(bad_settings_and_other_businesses_are_refused, super::refused);
