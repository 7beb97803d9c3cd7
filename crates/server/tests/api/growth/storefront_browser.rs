//! The shop without the API, in a real Chromium: the customer opens the connected catalog from
//! the chat's header button, before the business sent any product message, and orders from it;
//! an agent sends the catalog from the inbox's composer and bills the customer's order from
//! there, and the customer sees the bill. Screenshots: `catalog-storefront*`,
//! `shop-inbox-*`.

use std::time::Duration;

use risala_testkit::browser::Session;
use risala_testkit::{TestApp, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::catalogs::shop;
use crate::web::inbox::chat_path;
use crate::web::{app, steps, OWNER};
use crate::webchat::browser::{inbound, sign_in, subscribe, tap, wait_for};

const CUSTOMER: &str = "971500000999";

/// Signed in to the business's chat on `s` (in `lang`) with its header button shown.
async fn chat_open(s: &Session, app: &TestApp, lang: &str) {
    sign_in(s, app, &format!("/chat/?lang={lang}&phone={}", app.business_number()), CUSTOMER, "Mariam").await;
    wait_for(s, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;
    let shown = "var b = document.getElementById('cart-button'); return !!b && !b.hidden";
    wait_for(s, "the shop button", shown, json!([])).await;
}

/// The storefront's card of `rid` is in the open dialog.
const CARD: &str = "var d = document.getElementById('shop-dialog'); \
    return !!d && d.open && !!d.querySelector('#shop-body .shop-card[data-retailer-id=' + arguments[0] + '] .shop-add')";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_browses_the_catalog_from_the_chat_and_orders() {
    let (_db, app) = app(risala_testkit::Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let catalog = shop(&app).await;
    let s = Session::start("en", 390, 844).await;
    chat_open(&s, &app, "en").await;
    // An empty cart: the button opens the storefront, every product of the catalog.
    tap(&s, "#cart-button").await;
    wait_for(&s, "the storefront", CARD, json!(["tea"])).await;
    let text = s.eval("return document.getElementById('shop-dialog').innerText", json!([])).await;
    for want in ["Souk", "Mint tea", "$12.50", "Date cake", "Sidr honey", "Out of stock"] {
        assert!(text.as_str().unwrap().contains(want), "{want} in {text}");
    }
    s.screenshot("catalog-storefront", true).await;
    // The page's policy lets a product's https image in, and an http one not.
    let probe = "window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) { \
        window.__csp.push(e.blockedURI); }); ['http', 'https'].forEach(function (scheme) { \
        var i = new Image(); i.referrerPolicy = 'no-referrer'; i.src = scheme + '://127.0.0.1:9/p.png'; }); return 1";
    s.eval(probe, json!([])).await;
    wait_for(&s, "the http image blocked", "return window.__csp.length >= 1", json!([])).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let blocked = s.eval("return window.__csp", json!([])).await;
    assert_eq!(blocked, json!(["http://127.0.0.1:9/p.png"]), "only the http image is refused");
    tap(&s, "#shop-body .shop-card[data-retailer-id=tea] .shop-add").await;
    tap(&s, "#shop-body .shop-card[data-retailer-id=cake] .shop-add").await;
    // From the storefront to the cart, and back.
    tap(&s, "#shop-to-cart").await;
    let total = "var t = document.getElementById('shop-total'); return !!t && t.textContent === arguments[0]";
    wait_for(&s, "the cart's total", total, json!(["Total: $16.50"])).await;
    assert_eq!(s.eval("return document.getElementById('shop-browse').hidden", json!([])).await, json!(false));
    s.screenshot("catalog-storefront-cart", false).await;
    tap(&s, "#shop-browse").await;
    wait_for(&s, "the storefront again", CARD, json!(["cake"])).await;
    tap(&s, "#shop-to-cart").await;
    wait_for(&s, "the cart again", total, json!(["Total: $16.50"])).await;
    tap(&s, "#shop-send").await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| inbound(r).len() == 1).await, "the order webhook");
    let order = inbound(&rcv)[0].clone();
    assert_eq!(order["order"]["catalog_id"], catalog.as_str(), "{order}");
    assert_eq!(order["order"]["product_items"].as_array().map(Vec::len), Some(2), "{order}");

    // In Arabic, wide: the same storefront, right to left.
    let ar = Session::start("ar", 1280, 900).await;
    chat_open(&ar, &app, "ar").await;
    tap(&ar, "#cart-button").await;
    wait_for(&ar, "the storefront in Arabic", CARD, json!(["tea"])).await;
    let add = ar.eval("return document.querySelector('#shop-body .shop-add').textContent", json!([])).await;
    assert!(add.as_str().unwrap().contains("أضف إلى السلة"), "{add}");
    // A price's currency keeps its letters in order: `US$`, not `$US`.
    let us_dollar_in_order = ar
        .eval(
            "var t = document.querySelector('#shop-body .shop-price').firstChild, s = t.textContent, \
               i = s.indexOf('US$'), r = document.createRange(); \
             r.setStart(t, i); r.setEnd(t, i + 1); var u = r.getBoundingClientRect().left; \
             r.setStart(t, i + 2); r.setEnd(t, i + 3); return [s.slice(i, i + 3), u < r.getBoundingClientRect().left]",
            json!([]),
        )
        .await;
    assert_eq!(us_dollar_in_order, json!(["US$", true]));
    ar.screenshot("catalog-storefront-ar", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_sends_the_catalog_and_bills_the_order_from_the_inbox() {
    let (_db, app) = app(risala_testkit::Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    shop(&app).await;
    let s = Session::start("en", 390, 844).await;
    chat_open(&s, &app, "en").await;
    s.fill("message", "What do you have?").await;
    s.find("#send-button").await.click().await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| inbound(r).len() == 1).await, "the question");

    // The agent sends the catalog from the composer.
    let agent = Session::start("en", 1280, 900).await;
    steps::sign_in(&app, &agent, OWNER, DEMO_OWNER_PASSWORD).await;
    steps::open(&app, &agent, &chat_path(&app, CUSTOMER)).await;
    tap(&agent, "#compose-shop summary").await;
    agent.screenshot("shop-inbox-composer", true).await;
    steps::submit(&agent, "#compose-shop form[action$='/catalog'] button[type=submit]").await;

    // The customer opens it and sends a cart.
    let message = "[data-interactive=catalog_message] button";
    wait_for(&s, "the catalog message", "return !!document.querySelector(arguments[0])", json!([message])).await;
    tap(&s, message).await;
    wait_for(&s, "the storefront", CARD, json!(["tea"])).await;
    tap(&s, "#shop-body .shop-card[data-retailer-id=tea] .shop-add").await;
    tap(&s, "#shop-to-cart").await;
    tap(&s, "#shop-send").await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| inbound(r).len() == 2).await, "the order webhook");

    // The agent bills it; the customer sees the bill for the order's items and total.
    steps::open(&app, &agent, &chat_path(&app, CUSTOMER)).await;
    tap(&agent, "#compose-bill summary").await;
    steps::wait_text_in(&agent, "#compose-bill", "12.50 USD").await;
    agent.screenshot("shop-inbox-bill", true).await;
    steps::submit(&agent, "#compose-bill button[type=submit]").await;
    let state = "[data-interactive=order_details] .order-state";
    let unpaid = "var e = document.querySelector(arguments[0]); return !!e && e.textContent === 'Not paid yet'";
    wait_for(&s, "the bill", unpaid, json!([state])).await;
    let text = s.eval("return document.querySelector('[data-interactive=order_details]').innerText", json!([])).await;
    for part in ["Mint tea × 1", "$12.50"] {
        assert!(text.as_str().unwrap().contains(part), "{part} in {text}");
    }
    s.screenshot("shop-inbox-bill-customer", false).await;

    // The composer in Arabic at phone width.
    let ar = Session::start("ar", 390, 844).await;
    steps::sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    steps::open(&app, &ar, &chat_path(&app, CUSTOMER)).await;
    tap(&ar, "#compose-shop summary").await;
    ar.eval("document.getElementById('compose-shop').scrollIntoView(); return 1", json!([])).await;
    ar.screenshot("shop-inbox-composer-ar", false).await;
}

/// One cart, one currency: a product priced in another currency is not added (said in the
/// page's language, inside the dialog); a cart the server refuses says which product, in the
/// page's language, not the API's technical details.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_keeps_one_currency_and_a_refusal_is_said_in_arabic() {
    let (_db, app) = app(risala_testkit::Engine::Sqlite).await;
    let catalog = shop(&app).await;
    let batch = |data: serde_json::Value| json!({"item_type": "PRODUCT_ITEM", "requests": [{"method": "UPDATE", "data": data}]});
    let items = format!("/v23.0/{catalog}/items_batch");
    let (st, v) = app.post(&items, &batch(json!({"id": "dates", "title": "تمر عجوة", "price": "45.00 SAR"}))).await;
    assert_eq!((st, v["report"]["created"].clone()), (200, json!(1)), "{v}");
    let s = Session::start("ar", 390, 844).await;
    chat_open(&s, &app, "ar").await;
    tap(&s, "#cart-button").await;
    wait_for(&s, "the storefront", CARD, json!(["dates"])).await;
    tap(&s, "#shop-body .shop-card[data-retailer-id=tea] .shop-add").await;
    tap(&s, "#shop-body .shop-card[data-retailer-id=dates] .shop-add").await;
    let note = "var n = document.getElementById('shop-note'); return !!n && !n.hidden && n.textContent.indexOf(arguments[0]) >= 0";
    wait_for(&s, "one currency", note, json!(["سلتك بعملة USD، وسعر هذا المنتج بعملة SAR"])).await;
    assert_eq!(s.eval("return document.getElementById('cart-button').textContent", json!([])).await, "🛒 ١");
    s.screenshot("catalog-cart-one-currency-ar", false).await;

    // The tea runs out while it is in the cart: the refusal names it, in Arabic.
    let (st, _) = app.post(&items, &batch(json!({"id": "tea", "availability": "out of stock"}))).await;
    assert_eq!(st, 200);
    tap(&s, "#shop-to-cart").await;
    tap(&s, "#shop-send").await;
    wait_for(&s, "the refusal", note, json!(["تعذّر إرسال سلتك: لم يعد طلب «Mint tea» ممكنًا"])).await;
    let all = s.eval("return document.body.innerText", json!([])).await;
    assert!(!all.as_str().unwrap().contains("product_items"), "no technical details: {all}");
    s.screenshot("catalog-cart-refused-ar", false).await;
}

/// The cart is kept on the device per customer and business: a reload and signing in again
/// find it; another customer signing in on the same device has an empty cart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cart_outlives_a_reload_and_signing_in_again() {
    let (_db, app) = app(risala_testkit::Engine::Sqlite).await;
    shop(&app).await;
    let s = Session::start("en", 390, 844).await;
    chat_open(&s, &app, "en").await;
    tap(&s, "#cart-button").await;
    wait_for(&s, "the storefront", CARD, json!(["tea"])).await;
    tap(&s, "#shop-body .shop-card[data-retailer-id=tea] .shop-add").await;
    tap(&s, "#shop-body .shop-card[data-retailer-id=tea] .shop-add").await;
    let count =
        "var b = document.getElementById('cart-button'); return !!b && !b.hidden && b.textContent === arguments[0]";
    wait_for(&s, "two in the cart", count, json!(["🛒 2"])).await;

    s.goto(&app.url(&format!("/chat/?phone={}", app.business_number()))).await;
    wait_for(&s, "the cart after a reload", count, json!(["🛒 2"])).await;
    tap(&s, "#sign-out").await;
    let out = "return location.search.indexOf('phone') < 0 && document.readyState === 'complete'";
    wait_for(&s, "signed out", out, json!([])).await;
    chat_open(&s, &app, "en").await;
    wait_for(&s, "the cart after signing in again", count, json!(["🛒 2"])).await;
    tap(&s, "#cart-button").await;
    let total = "var t = document.getElementById('shop-total'); return !!t && t.textContent === arguments[0]";
    wait_for(&s, "the kept cart's total", total, json!(["Total: $25.00"])).await;

    // Another customer on this device: their own, empty cart.
    s.goto(&app.url(&format!("/chat/?phone={}", app.business_number()))).await;
    tap(&s, "#sign-out").await;
    let out = "return location.search.indexOf('phone') < 0 && document.readyState === 'complete'";
    wait_for(&s, "signed out", out, json!([])).await;
    sign_in(&s, &app, &format!("/chat/?phone={}", app.business_number()), "971500000111", "Huda").await;
    wait_for(&s, "the other customer's empty cart", count, json!(["🛒"])).await;
}
