//! The shop from the inbox over HTTP, on SQLite and PostgreSQL: inside the window the composer
//! offers the connected catalog (`catalog_message`), one of its products (`product`) and, for
//! an order the customer sent, a payment request (`order_details` under the order's reference,
//! for its items and total); each goes through the API's send path, in Meta's shapes, with its
//! refusals shown on the page (an out-of-stock product, another chat's order), never a 500.

use risala_testkit::{engine_test, Engine, TestApp};
use serde_json::{json, Value};

use super::catalogs::shop;
use crate::web::composer::echoes;
use crate::web::{app, Web};

const CUSTOMER: &str = "15550006666";

fn chat(app: &TestApp) -> String {
    format!("/app/chats/{}/{CUSTOMER}", app.phone_number_id())
}

/// The `interactive` object of the latest message the app sent.
async fn last_interactive(app: &TestApp) -> Value {
    let all = echoes(app).await;
    let m = &all.last().expect("an echo")["message_echoes"][0];
    assert_eq!(m["type"], "interactive", "{m}");
    m["interactive"].clone()
}

engine_test!(the_shop_from_the_inbox, super::shop_from_the_inbox);

async fn shop_from_the_inbox(engine: Engine) {
    let (_db, app) = app(engine).await;
    let catalog = shop(&app).await;
    let customer = app.customer(CUSTOMER, "Mariam").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "What do you sell?"}})).await;
    let mut web = Web::owner(&app).await;
    let page = web.get(&chat(&app)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"compose-shop\"") && page.body.contains("Send the catalog"), "{}", page.body);
    // Only products that can be ordered are offered; no order to bill yet.
    assert!(page.body.contains("Mint tea · 12.50 USD") && !page.body.contains("Sidr honey"), "{}", page.body);
    assert!(!page.body.contains("id=\"compose-bill\""));
    let csrf = page.csrf();

    // The catalog, with the tea as its thumbnail, then the cake alone.
    let p = web
        .post(&format!("{}/catalog", chat(&app)), &[("csrf", &csrf), ("body", "Our menu"), ("thumbnail", "tea")])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        last_interactive(&app).await,
        json!({"type": "catalog_message", "body": {"text": "Our menu"},
            "action": {"name": "catalog_message", "parameters": {"thumbnail_product_retailer_id": "tea"}}})
    );
    let p =
        web.post(&format!("{}/product", chat(&app)), &[("csrf", &csrf), ("retailer_id", "cake"), ("body", "")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        last_interactive(&app).await,
        json!({"type": "product", "action": {"catalog_id": catalog, "product_retailer_id": "cake"}})
    );
    // A product out of stock is refused with Meta's reason, on the page.
    let p = web.post(&format!("{}/product", chat(&app)), &[("csrf", &csrf), ("retailer_id", "honey")]).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("131009") && p.body.contains("out of stock"), "{}", p.body);

    // The customer orders two teas and a cake; the agent bills that order.
    let items = json!([{"product_retailer_id": "tea", "quantity": 2, "item_price": 1, "currency": "USD"},
        {"product_retailer_id": "cake", "quantity": 1, "item_price": 1, "currency": "USD"}]);
    customer
        .send(
            app.business_number(),
            json!({"type": "order", "order": {"catalog_id": catalog, "text": "", "product_items": items}}),
        )
        .await;
    let (_, orders) = app.get(&format!("/v23.0/{}/orders?wa_id={CUSTOMER}", app.phone_number_id())).await;
    let (order_id, reference) =
        (orders["data"][0]["id"].as_str().unwrap().to_string(), orders["data"][0]["reference_id"].clone());
    let page = web.get(&chat(&app)).await;
    assert!(page.body.contains("id=\"compose-bill\""), "{}", page.body);
    // The order's bubble names the products, as the contact panel does.
    let bubble = &page.body[page.body.find("class=\"order-bubble\"").expect("the order's bubble")..];
    assert!(bubble.contains("<bdi>Mint tea</bdi> × 2") && bubble.contains("<bdi>Date cake</bdi> × 1"), "{bubble}");
    assert!(!bubble.contains("<bdi>tea</bdi>"), "{bubble}");
    assert!(page.body.contains(&format!("{} · 29.00 USD", reference.as_str().unwrap())), "{}", page.body);
    // Another chat's order (or none) is refused, not a 500.
    let p = web.post(&format!("{}/bill", chat(&app)), &[("csrf", &csrf), ("order_id", "4242"), ("body", "Pay")]).await;
    assert_eq!(p.status, 422, "{}", p.body);
    let p = web
        .post(&format!("{}/bill", chat(&app)), &[("csrf", &csrf), ("order_id", &order_id), ("body", "Your bill")])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let amount = |v: i64| json!({"value": v, "offset": 100});
    assert_eq!(
        last_interactive(&app).await,
        json!({"type": "order_details", "body": {"text": "Your bill"},
            "action": {"name": "review_and_pay", "parameters": {
                "reference_id": reference, "type": "physical-goods", "currency": "USD",
                "total_amount": amount(2900),
                "order": {"status": "pending", "catalog_id": catalog, "subtotal": amount(2900), "tax": amount(0),
                    "items": [
                        {"retailer_id": "tea", "name": "Mint tea", "amount": amount(1250), "quantity": 2},
                        {"retailer_id": "cake", "name": "Date cake", "amount": amount(400), "quantity": 1}]}}}})
    );
    // Billed: the order is not offered again.
    let page = web.get(&chat(&app)).await;
    assert!(!page.body.contains("id=\"compose-bill\""), "{}", page.body);

    // With the catalog hidden the composer says so, and a catalog message is refused.
    let settings = format!("/v23.0/{}/whatsapp_commerce_settings", app.phone_number_id());
    assert_eq!(app.post(&settings, &json!({"is_catalog_visible": false})).await.0, 200);
    let page = web.get(&chat(&app)).await;
    assert!(page.body.contains("The catalog is hidden on this number"), "{}", page.body);
    let p = web.post(&format!("{}/catalog", chat(&app)), &[("csrf", &csrf), ("body", "Menu")]).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("is_catalog_visible is false"), "{}", p.body);
}
