//! The console's Payments page in a real Chromium: an owner switches the number to Stripe
//! without a webhook secret (told why), then with both keys (shown masked, never again in
//! full, stored encrypted with the settings); the orders the number sent are listed with their
//! payment status. In Arabic on a phone-sized screen. Screenshots `payments-console-*`.

use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::payments::{order_details, ALICE};
use crate::web::steps::{sign_in, wait_url};
use crate::web::{app, OWNER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_sets_the_payment_provider_in_the_console() {
    let (_db, app) = app(Engine::Sqlite).await;
    // An order, paid: the page lists it.
    let alice = app.customer(ALICE, "Alice").await;
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    app.send_accepted(&order_details(ALICE, "ord-c1")).await;
    let pay = format!("/customer/v1/chats/{}/orders/ord-c1/pay", app.business_number());
    assert_eq!(alice.post(&pay, &json!({})).await.1["payment_status"], "captured");

    let s = Session::start("en-US", 1280, 1000).await;
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&s, "/app/").await;
    s.goto(&app.url("/app/console")).await;
    s.find("nav.tabs a[href='/app/console/payments']").await.click().await;
    wait_url(&s, "/app/console/payments").await;
    assert_eq!(
        s.eval("return document.querySelector('input[name=provider][value=sandbox]').checked", json!([])).await,
        true
    );
    let row = "table.orders tr[data-reference='ord-c1']";
    let text = s.find(row).await.text().await;
    assert!(text.contains("19.50 INR") && text.contains("captured"), "{text}");

    // Stripe without the webhook secret: refused, with the reason.
    s.find("input[name=provider][value=stripe]").await.click().await;
    s.fill("stripe_secret_key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc").await;
    s.find("#payments-save").await.click().await;
    wait_url(&s, &format!("/app/console/payments/{}", app.phone_number_id())).await;
    assert!(s.text().await.contains("Stripe needs both its secret key and its webhook signing secret."));
    // With both keys: saved, the key masked.
    s.find("input[name=provider][value=stripe]").await.click().await;
    s.fill("stripe_secret_key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc").await;
    s.fill("stripe_webhook_secret", "whsec_console_secret_0123").await;
    s.find("#payments-save").await.click().await;
    wait_url(&s, "saved=1").await;
    let text = s.text().await;
    assert!(text.contains("sk_test_…p7dc") && !text.contains("4eC39HqLyjWDarjtT1zdp7dc"), "{text}");
    let (_, v) = app.get(&format!("/tools/v1/{}/payments/settings", app.phone_number_id())).await;
    assert_eq!((v["provider"].as_str(), v["stripe"]["webhook_secret_set"].as_bool()), (Some("stripe"), Some(true)));
    s.eval("window.scrollTo(0, 0)", json!([])).await;
    s.screenshot("payments-console-en", true).await;

    // Arabic, on a phone-sized screen: nothing wider than the screen.
    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&ar, "/app/").await;
    ar.goto(&app.url("/app/console/payments")).await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    assert!(ar.text().await.contains("مزوّد الدفع"));
    let overflow = ar.eval("return document.documentElement.scrollWidth", json!([])).await;
    assert!(overflow.as_u64().unwrap() <= 375, "the page is {overflow} px wide");
    ar.screenshot("payments-console-ar", true).await;
}
