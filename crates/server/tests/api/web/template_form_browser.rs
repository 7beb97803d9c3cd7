//! The console's template form in a browser: typing a body with `{{1}} {{2}}` brings an example
//! field per variable as the preview follows the typing (no Preview, no failed submit first),
//! examples typed are kept when the body changes, and a bad name is refused with its rule, not
//! only the browser's "Please match the requested format.".

use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::browser::sign_in;
use super::steps::{wait_for, wait_text_in, wait_url};
use super::{app, OWNER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_fields_follow_the_typing_and_the_name_states_its_rule() {
    let (_db, app) = app(Engine::Sqlite).await;
    let s = Session::start("en-US", 1280, 900).await;
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&s, "/app/").await;
    s.goto(&app.url("/app/console/templates")).await;
    assert_eq!(s.count("input[data-var]").await, 0);
    assert!(s.text().await.contains("Lower case letters, digits and underscores only"), "the rule beside the field");

    s.fill("body", "Hi {{1}}, your order {{2}} is ready.").await;
    wait_for(&s, "two example fields", "return document.querySelectorAll('input[data-var]').length === 2").await;
    assert_eq!(s.find("label[for=example_2]").await.text().await, "Example for {{2}}");
    s.fill("example_1", "Layla").await;
    s.fill("example_2", "#1042").await;
    wait_text_in(&s, "[data-preview]", "Hi Layla, your order #1042 is ready.").await;
    // A third variable adds a field; the examples typed stay with their variables.
    s.fill("body", " Pick it up at {{3}}.").await;
    wait_for(&s, "three example fields", "return document.querySelectorAll('input[data-var]').length === 3").await;
    let values = s
        .eval(
            "return Array.from(document.querySelectorAll('input[data-var]')).map(function (i) { return i.value; })",
            json!([]),
        )
        .await;
    assert_eq!(values, json!(["Layla", "#1042", ""]));
    s.screenshot("console-template-examples-en", false).await;

    // A name with capitals and a space: the browser refuses it with the rule.
    s.fill("name", "Order Ready").await;
    s.find("button[value=create]").await.click().await;
    let message = s.eval("return document.getElementById('name').validationMessage", json!([])).await;
    assert!(message.as_str().unwrap_or("").contains("Lower case letters, digits and underscores only"), "{message}");
    assert!(s.url().await.ends_with("/app/console/templates"), "not submitted");
    app.stop().await;
}
