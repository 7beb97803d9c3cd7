//! The inbox's chat view heads each day's first message with a separator (UTC, as its times):
//! Today, Yesterday, else the date, in the reader's language.

use risala_testkit::{engine_test, Engine};
use serde_json::json;

use super::{app, Web};

const CUSTOMER: &str = "15550003333";

async fn days(engine: Engine) {
    let (_db, app) = app(engine).await;
    let number = app.business_number().to_string();
    let customer = app.customer(CUSTOMER, "Huda").await;
    customer.send(&number, json!({"type": "text", "text": {"body": "Evening question"}})).await;
    app.advance_clock("1d").await;
    customer.send(&number, json!({"type": "text", "text": {"body": "Morning question"}})).await;
    let chat = format!("/app/chats/{}/{CUSTOMER}", app.phone_number_id());

    let mut web = Web::owner(&app).await;
    let page = web.get(&chat).await.body;
    let body = &page[page.find(r#"id="thread""#).unwrap()..];
    assert_eq!(body.matches(r#"class="day-sep""#).count(), 2, "{body}");
    let (yesterday, today) = (body.find(">Yesterday<").unwrap(), body.find(">Today<").unwrap());
    let (evening, morning) = (body.find("Evening question").unwrap(), body.find("Morning question").unwrap());
    assert!(yesterday < evening && evening < today && today < morning, "{body}");

    web.lang = "ar";
    let body = web.get(&chat).await.body;
    assert!(body.contains(">أمس<") && body.contains(">اليوم<"), "{body}");

    // Two days on, both are dates.
    app.advance_clock("2d").await;
    let mut web = Web::owner(&app).await;
    let body = web.get(&chat).await.body;
    assert!(!body.contains(">Today<") && !body.contains(">Yesterday<"), "{body}");
    assert_eq!(body.matches(r#"class="day-sep""#).count(), 2, "{body}");
    app.stop().await;
}

engine_test!(the_chat_view_separates_days, super::days);
