//! Buying from a product list in the web chat, in a real Chromium at phone width: the business
//! sends a product list through `/messages`; the customer sees real product cards (name, price
//! in the reader's language, description, stock), adds two products, sets a quantity in the
//! cart, sees the total and sends the cart; the business's webhook receives Meta's `order` with
//! the catalog's prices, and the inbox shows the order's bubble and lists it in the contact
//! panel. The same chat in Arabic. Screenshots: `catalog-*`.

use std::time::Duration;

use risala_testkit::browser::Session;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{Engine, TestApp, DEMO_OWNER_PASSWORD};
use serde_json::{json, Value};

use super::catalogs::shop;
use crate::web::inbox::chat_path;
use crate::web::{app, OWNER};
use crate::webchat::browser::{inbound, sign_in, subscribe, tap, wait_for};

const CUSTOMER: &str = "971500000777";

/// The shop's catalog (see `shop`); `customer` signs in to the web chat on `s`, asks, and the
/// business answers with a product list of the tea ("Drinks") and the cake ("Sweets"), drawn as
/// cards. Returns the catalog's id.
pub(crate) async fn product_list_on_page(s: &Session, app: &TestApp, rcv: &WebhookReceiver, customer: &str) -> String {
    let catalog = shop(app).await;
    sign_in(s, app, &format!("/chat/?phone={}", app.business_number()), customer, "Mariam").await;
    wait_for(s, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;
    s.fill("message", "Do you have tea?").await;
    s.find("#send-button").await.click().await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| inbound(r).len() == 1).await, "the customer's question");
    let list = json!({"messaging_product": "whatsapp", "to": customer, "type": "interactive", "interactive": {
        "type": "product_list", "header": {"type": "text", "text": "Our picks"}, "body": {"text": "Fresh today"},
        "action": {"catalog_id": catalog, "sections": [
            {"title": "Drinks", "product_items": [{"product_retailer_id": "tea"}]},
            {"title": "Sweets", "product_items": [{"product_retailer_id": "cake"}]}]}}});
    app.send_accepted(&list).await;
    let card = "[data-interactive=product_list] .shop-card[data-retailer-id=tea]";
    wait_for(s, "the tea card", "return !!document.querySelector(arguments[0])", json!([card])).await;
    catalog
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_buys_two_products_from_a_product_list() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let s = Session::start("en", 390, 844).await;
    // The business sends a product list: real cards, with names, prices in the reader's format,
    // descriptions; a cart button in the header.
    let catalog = product_list_on_page(&s, &app, &rcv, CUSTOMER).await;
    let card = "[data-interactive=product_list] .shop-card[data-retailer-id=tea]";
    tap(&s, "[data-interactive=product_list] details summary").await;
    let text = s.eval("return document.querySelector('[data-interactive=product_list]').innerText", json!([])).await;
    let text = text.as_str().unwrap();
    for want in ["Mint tea", "$12.50", "Fresh mint", "Date cake", "$4.00", "Drinks", "Sweets"] {
        assert!(text.contains(want), "{want} in {text}");
    }
    wait_for(&s, "the cart button", "return !document.getElementById('cart-button').hidden", json!([])).await;

    // Two products into the cart, then one more tea in the cart itself.
    tap(&s, "[data-interactive=product_list] .shop-card[data-retailer-id=tea] .shop-add").await;
    tap(&s, "[data-interactive=product_list] .shop-card[data-retailer-id=cake] .shop-add").await;
    let count = s.eval("return document.getElementById('cart-button').textContent", json!([])).await;
    assert_eq!(count, "🛒 2");
    s.screenshot("catalog-cards", true).await;
    tap(&s, "#cart-button").await;
    wait_for(&s, "the cart", "return document.getElementById('shop-dialog').open", json!([])).await;
    tap(&s, "[data-line=tea] .shop-stepper button:last-child").await;
    let total = s.eval("return document.getElementById('shop-total').textContent", json!([])).await;
    assert_eq!(total, "Total: $29.00");
    s.screenshot("catalog-cart", true).await;
    tap(&s, "#shop-send").await;

    // The business gets Meta's order with the catalog's prices.
    assert!(rcv.wait_until(Duration::from_secs(10), |r| inbound(r).len() == 2).await, "the order webhook");
    let order: Value = inbound(&rcv)[1].clone();
    assert_eq!(order["type"], "order");
    assert_eq!(
        order["order"],
        json!({"catalog_id": catalog, "text": "", "product_items": [
            {"product_retailer_id": "tea", "quantity": 2, "item_price": 12.5, "currency": "USD"},
            {"product_retailer_id": "cake", "quantity": 1, "item_price": 4, "currency": "USD"}]})
    );
    let bubble = format!("[id='m-{}']", order["id"].as_str().unwrap());
    wait_for(
        &s,
        "the order in the chat",
        "return !!document.querySelector(arguments[0] + ' .shop-order')",
        json!([bubble]),
    )
    .await;
    let mine = s.eval("return document.querySelector(arguments[0]).innerText", json!([bubble])).await;
    assert!(mine.as_str().unwrap().contains("Total: $29.00"), "{mine}");
    s.screenshot("catalog-order-sent", true).await;

    // The inbox: the order's bubble and the panel's list with the reference.
    let agent = Session::start("en", 1280, 900).await;
    crate::web::steps::sign_in(&app, &agent, OWNER, DEMO_OWNER_PASSWORD).await;
    crate::web::steps::open(&app, &agent, &chat_path(&app, CUSTOMER)).await;
    crate::web::steps::wait_text_in(&agent, "#orders-list", "ORD-").await;
    crate::web::steps::wait_text_in(&agent, "#orders-list", "29.00 USD").await;
    crate::web::steps::wait_text_in(&agent, "#orders-list", "Mint tea × 2").await;
    crate::web::steps::wait_text_in(&agent, ".order-bubble", "Total: 29.00 USD").await;
    agent.screenshot("catalog-inbox-order", true).await;
    crate::web::steps::open(&app, &agent, &format!("/app/console/catalogs/{catalog}")).await;
    crate::web::steps::wait_text_in(&agent, "table.products", "Sidr honey").await;
    agent.screenshot("catalog-console", true).await;

    // The same chat in Arabic: Arabic-Indic digits and right to left.
    let ar = Session::start("ar", 390, 844).await;
    sign_in(&ar, &app, &format!("/chat/?lang=ar&phone={}", app.business_number()), CUSTOMER, "Mariam").await;
    wait_for(&ar, "the cards in Arabic", "return !!document.querySelector(arguments[0])", json!([card])).await;
    tap(&ar, "[data-interactive=product_list] details summary").await;
    let price =
        ar.eval("return document.querySelector(arguments[0] + ' .shop-price').textContent", json!([card])).await;
    assert!(price.as_str().unwrap().contains("١٢٫٥٠"), "{price}");
    let list = ar.eval("return document.querySelector('[data-interactive=product_list]').textContent", json!([])).await;
    assert!(list.as_str().unwrap().contains("٢ منتجات"), "the count in the same digits: {list}");
    tap(&ar, "[data-interactive=product_list] .shop-card[data-retailer-id=cake] .shop-add").await;
    tap(&ar, "#cart-button").await;
    wait_for(&ar, "the cart in Arabic", "return document.getElementById('shop-dialog').open", json!([])).await;
    ar.screenshot("catalog-cart-ar", true).await;
}

/// A product the business adds after the customer opened the chat is drawn as a card (name and
/// price) when it is sent, without a reload: the page reads the catalog again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_added_while_the_chat_is_open_is_drawn_as_a_card() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let s = Session::start("en", 1024, 768).await;
    let catalog = product_list_on_page(&s, &app, &rcv, CUSTOMER).await;
    s.eval("window.__kept = 1; return 1;", json!([])).await;
    let (st, v) = app
        .post(
            &format!("/v23.0/{catalog}/items_batch"),
            &json!({"item_type": "PRODUCT_ITEM", "requests": [{"method": "CREATE", "data": {"id": "dates",
                "title": "Ajwa dates", "price": 900, "currency": "USD", "availability": "in stock"}}]}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let one = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "interactive", "interactive": {
        "type": "product", "body": {"text": "New in"},
        "action": {"catalog_id": catalog, "product_retailer_id": "dates"}}});
    app.send_accepted(&one).await;
    let card = "[data-interactive=product] .shop-card[data-retailer-id=dates]";
    let named = "var c = document.querySelector(arguments[0]); return !!c && c.textContent.indexOf('Ajwa dates') >= 0";
    wait_for(&s, "the new product's card, named", named, json!([card])).await;
    assert_eq!(s.eval("return window.__kept || 0;", json!([])).await, json!(1), "no reload");
}
