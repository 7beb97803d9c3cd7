//! The customer pays in the web chat: the business sends order_details, the customer sees the
//! order (lines, total in the page's language, status) and pays with the sandbox provider;
//! a declined try first (offered in sandbox mode), then the payment; the business receives
//! the `payment` status webhooks. In English on a desktop and in Arabic on a phone.
//! Screenshots: `payments-*`.

use std::time::Duration;

use risala_testkit::browser::Session;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{Engine, TestApp};
use serde_json::{json, Value};

use super::payments::order_details;
use crate::web::app;
use crate::webchat::browser::{bubble, inbound, sign_in, statuses, subscribe, tap, wait_for};

fn payments(rcv: &WebhookReceiver) -> Vec<Value> {
    statuses(rcv).into_iter().filter(|s| s["type"] == "payment").collect()
}

/// Sign in as `phone`, open the business's chat, write; the business sends order `reference`;
/// returns its wamid once the page shows the order unpaid.
async fn order_on_page(
    s: &Session,
    app: &TestApp,
    rcv: &WebhookReceiver,
    (phone, name): (&str, &str),
    reference: &str,
    unpaid: &str,
) -> String {
    sign_in(s, app, "/chat/", phone, name).await;
    s.fill("wc-new-number", app.business_number()).await;
    s.find("#new-chat button[type=submit]").await.click().await;
    wait_for(s, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;
    s.fill("message", "I'd like to order").await;
    s.find("#send-button").await.click().await;
    // The customer's message opens the window (the business has it once its webhook arrives).
    let wrote = |r: &WebhookReceiver| inbound(r).iter().any(|m| m["from"] == phone);
    assert!(rcv.wait_until(Duration::from_secs(10), wrote).await, "the customer's message");
    let wamid = app.send_accepted(&order_details(phone, reference)).await;
    let state = format!("{} .order-card .order-state", bubble(&wamid));
    let js = "var e = document.querySelector(arguments[0]); return !!e && e.textContent === arguments[1]";
    wait_for(s, "the order, unpaid", js, json!([state, unpaid])).await;
    wamid
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_pays_an_order_in_the_web_chat() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;

    let s = Session::start("en", 1280, 860).await;
    let wamid = order_on_page(&s, &app, &rcv, ("15550003333", "Priya"), "web-1", "Not paid yet").await;
    let card = format!("{} .order-card", bubble(&wamid));
    // The lines and the total, as the language writes money.
    let text = s.find(&card).await.text().await;
    for part in [
        "Order web-1",
        "Green tea × 2",
        "₹10.00",
        "Cup × 1",
        "Subtotal",
        "₹20.00",
        "Tax (GST)",
        "₹1.50",
        "Discount (Welcome)",
        "−₹5.00",
        "Total",
        "₹19.50",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    s.screenshot("payments-order-en", true).await;

    // Sandbox mode offers a declined payment: the page says it failed, the business is told.
    tap(&s, &format!("{card} button[data-outcome=failure]")).await;
    let state = format!("{card} .order-state");
    let js = "var e = document.querySelector(arguments[0]); return !!e && e.textContent === arguments[1]";
    wait_for(&s, "the payment failed", js, json!([state, "Payment failed: try again"])).await;
    // Then the customer pays.
    tap(&s, &format!("{card} button.pay")).await;
    wait_for(&s, "paid", js, json!([state, "Paid ✓"])).await;
    assert_eq!(s.count(&format!("{card} button")).await, 0, "no button on a paid order");
    s.screenshot("payments-paid-en", true).await;
    let seen = |r: &WebhookReceiver| payments(r).len() >= 2;
    assert!(rcv.wait_until(Duration::from_secs(10), seen).await, "payment webhooks: {:?}", statuses(&rcv));
    let got = payments(&rcv);
    assert_eq!(got.iter().map(|p| p["status"].as_str().unwrap()).collect::<Vec<_>>(), ["failed", "captured"]);
    assert_eq!(
        (got[1]["id"].as_str(), got[1]["payment"]["reference_id"].as_str()),
        (Some(wamid.as_str()), Some("web-1"))
    );
    assert_eq!(got[1]["payment"]["amount"], json!({"value": 1950, "offset": 100}));

    // Arabic on a phone: right to left, the amounts in Arabic; paid in one tap.
    let s = Session::start("ar", 375, 812).await;
    let wamid = order_on_page(&s, &app, &rcv, ("201005550177", "سارة"), "web-2", "لم يُدفع بعد").await;
    assert_eq!(s.html_attr("dir").await, "rtl");
    let card = format!("{} .order-card", bubble(&wamid));
    let wide =
        "var e = document.querySelector(arguments[0]); return e.getBoundingClientRect().right <= window.innerWidth";
    assert_eq!(s.eval(wide, json!([card])).await, true, "the order fits a phone");
    // Counts in the same digits as the amounts beside them.
    let text = s.find(&card).await.text().await;
    assert!(text.contains("× ٢") && !text.contains("× 2"), "{text}");
    s.screenshot("payments-order-ar-phone", true).await;
    tap(&s, &format!("{card} button.pay")).await;
    let state = format!("{card} .order-state");
    wait_for(&s, "paid", js, json!([state, "تم الدفع ✓"])).await;
    s.screenshot("payments-paid-ar-phone", true).await;
    let seen = |r: &WebhookReceiver| payments(r).len() >= 3;
    assert!(rcv.wait_until(Duration::from_secs(10), seen).await, "the third payment webhook");
    assert_eq!(payments(&rcv)[2]["payment"]["reference_id"], "web-2");
}
