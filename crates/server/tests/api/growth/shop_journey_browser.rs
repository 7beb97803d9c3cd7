//! One shopping journey in a real Chromium, as issue #18 asks: the customer buys two products
//! from a product list and pays with the sandbox provider, and the business gets the order and
//! the payment webhooks. The business sends a product list; the customer adds two products to
//! the cart and sends it; the business receives Meta's `order` (catalog prices), reads the
//! order's reference, and bills it with `order_details` under that reference; the customer pays
//! in one tap; the business receives the `payment` webhook for that reference and amount.
//! Screenshot: `shop-journey-paid`.

use std::time::Duration;

use risala_testkit::browser::Session;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::Engine;
use serde_json::{json, Value};

use super::catalogs_browser::product_list_on_page;
use crate::web::app;
use crate::webchat::browser::{bubble, inbound, statuses, subscribe, tap, wait_for};

const CUSTOMER: &str = "971500000888";

/// Meta's India `order_details` billing the items of an order (amounts in cents, USD).
fn bill(reference: &str, items: &[(&str, &str, i64, i64)]) -> Value {
    let lines: Vec<Value> = items
        .iter()
        .map(|(rid, name, cents, qty)| {
            json!({"retailer_id": rid, "name": name, "amount": {"value": cents, "offset": 100}, "quantity": qty})
        })
        .collect();
    let total: i64 = items.iter().map(|(_, _, cents, qty)| cents * qty).sum();
    json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "interactive", "interactive": {
        "type": "order_details",
        "body": {"text": "Thank you! Here is your bill."},
        "action": {"name": "review_and_pay", "parameters": {
            "reference_id": reference, "type": "physical-goods", "payment_type": "upi",
            "payment_configuration": "shop", "currency": "USD",
            "total_amount": {"value": total, "offset": 100},
            "order": {"status": "pending", "items": lines, "subtotal": {"value": total, "offset": 100},
                "tax": {"value": 0, "offset": 100, "description": "Included"}}}}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_buys_two_products_and_pays_for_them() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let s = Session::start("en", 390, 844).await;
    // A product list answers the customer's question; two products go into the cart.
    product_list_on_page(&s, &app, &rcv, CUSTOMER).await;
    let card = |rid: &str| format!("[data-interactive=product_list] .shop-card[data-retailer-id={rid}]");
    tap(&s, "[data-interactive=product_list] details summary").await;
    tap(&s, &format!("{} .shop-add", card("tea"))).await;
    tap(&s, &format!("{} .shop-add", card("cake"))).await;
    tap(&s, "#cart-button").await;
    wait_for(&s, "the cart", "return document.getElementById('shop-dialog').open", json!([])).await;
    let total = s.eval("return document.getElementById('shop-total').textContent", json!([])).await;
    assert_eq!(total, "Total: $16.50");
    tap(&s, "#shop-send").await;

    // The business gets the order with the catalog's prices and reads its reference.
    assert!(rcv.wait_until(Duration::from_secs(10), |r| inbound(r).len() == 2).await, "the order webhook");
    let order = inbound(&rcv)[1].clone();
    assert_eq!(
        order["order"]["product_items"],
        json!([{"product_retailer_id": "tea", "quantity": 1, "item_price": 12.5, "currency": "USD"},
               {"product_retailer_id": "cake", "quantity": 1, "item_price": 4, "currency": "USD"}]),
        "{order}"
    );
    let (st, orders) = app.get(&format!("/v23.0/{}/orders?wa_id={CUSTOMER}", app.phone_number_id())).await;
    assert_eq!(st, 200, "{orders}");
    let reference = orders["data"][0]["reference_id"].as_str().expect("the order's reference").to_string();
    assert!(reference.starts_with("ORD-"), "{orders}");

    // It bills that order; the customer sees the bill and pays in one tap.
    let wamid =
        app.send_accepted(&bill(&reference, &[("tea", "Mint tea", 1250, 1), ("cake", "Date cake", 400, 1)])).await;
    let bill_card = format!("{} .order-card", bubble(&wamid));
    let state = format!("{bill_card} .order-state");
    let js = "var e = document.querySelector(arguments[0]); return !!e && e.textContent === arguments[1]";
    wait_for(&s, "the bill, unpaid", js, json!([state, "Not paid yet"])).await;
    let text = s.find(&bill_card).await.text().await;
    for part in ["Mint tea × 1", "Date cake × 1", "$16.50"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    tap(&s, &format!("{bill_card} button.pay")).await;
    wait_for(&s, "paid", js, json!([state, "Paid ✓"])).await;
    s.screenshot("shop-journey-paid", true).await;

    // The business is told: one captured payment for the order's reference and amount.
    let captured = |r: &WebhookReceiver| {
        statuses(r).into_iter().filter(|p| p["type"] == "payment" && p["status"] == "captured").collect::<Vec<_>>()
    };
    assert!(rcv.wait_until(Duration::from_secs(10), |r| !captured(r).is_empty()).await, "{:?}", statuses(&rcv));
    let paid = captured(&rcv);
    assert_eq!(paid.len(), 1, "{paid:?}");
    assert_eq!(paid[0]["id"], wamid.as_str());
    assert_eq!(paid[0]["recipient_id"], CUSTOMER);
    assert_eq!(paid[0]["payment"]["reference_id"], reference.as_str());
    assert_eq!(paid[0]["payment"]["amount"], json!({"value": 1650, "offset": 100}));
    assert_eq!(paid[0]["payment"]["currency"], "USD");
}
