//! `GET|POST /{phone-number-id}/whatsapp_commerce_settings` on SQLite and PostgreSQL: both
//! settings start true; POST takes them from the query string (as pywa sends them) or the
//! body; a bad value or unknown key is 100; changing needs the management permission; with
//! the cart off a customer's order is refused, and the customer's chat list shows the settings.

use risala_core::model::Permission;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const CUSTOMER: &str = "15550003333";

fn order(catalog_id: &str) -> Value {
    json!({"type": "order", "order": {"catalog_id": catalog_id, "product_items": [
        {"product_retailer_id": "sku-1", "quantity": 2, "item_price": 12.5, "currency": "USD"}]}})
}

async fn commerce_settings(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = format!("/v23.0/{}/whatsapp_commerce_settings", app.phone_number_id());
    let id = app.phone_number_id().to_string();

    let (s, v) = app.get(&path).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"data": [{"is_cart_enabled": true, "is_catalog_visible": true, "id": id}]}));

    // The query string, as pywa's update_commerce_settings sends it.
    let (s, v) = app.post(&format!("{path}?is_cart_enabled=false"), &json!({})).await;
    assert_eq!((s, &v), (200, &json!({"success": true})));
    let (_, v) = app.get(&path).await;
    assert_eq!(v["data"][0], json!({"is_cart_enabled": false, "is_catalog_visible": true, "id": id}));
    // The body; the other setting is kept.
    let (s, _) = app.post(&path, &json!({"is_catalog_visible": false})).await;
    assert_eq!(s, 200);
    let (_, v) = app.get(&format!("{path}?fields=is_catalog_visible")).await;
    assert_eq!(v, json!({"data": [{"is_catalog_visible": false, "id": id}]}));
    // pywa asks for catalog_id too: known, absent without a linked catalog.
    let (s, v) = app.get(&format!("{path}?fields=catalog_id,is_catalog_visible,is_cart_enabled")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"data": [{"is_cart_enabled": false, "is_catalog_visible": false, "id": id}]}));

    // Bad input: 100, nothing changes.
    for body in [json!({}), json!({"is_cart_enabled": "sometimes"}), json!({"is_cart_enabled": true, "cart": 1})] {
        assert_graph_error(&app.post(&path, &body).await, 400, 100);
    }
    assert_graph_error(&app.get(&format!("{path}?fields=storefront")).await, 400, 100);
    // Changing needs whatsapp_business_management; reading works with messaging alone.
    let (_, token) = app
        .state
        .tenancy
        .create_token(&app.demo.ids.business_id, "sender", &[Permission::Messaging], None)
        .await
        .unwrap();
    assert_graph_error(&app.post_as(&path, &json!({"is_cart_enabled": true}), Some(&token)).await, 403, 200);
    assert_eq!(app.get_as(&path, Some(&token)).await.0, 200);
    let (_, v) = app.get(&path).await;
    assert_eq!(v["data"][0]["is_cart_enabled"], false);

    // The cart is off: the customer cannot send an order, other messages go through.
    let customer = app.customer(CUSTOMER, "Cora").await;
    // An order names the catalog connected to the WABA.
    let catalog_id = crate::growth::catalogs::catalog_with(&app, &["sku-1".to_string()]).await;
    let mut o = order(&catalog_id);
    o["to"] = json!(app.business_number());
    let e = assert_graph_error(&customer.post("/customer/v1/messages", &o).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("is_cart_enabled"), "{e}");
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let (_, chats) = customer.get("/customer/v1/chats").await;
    assert_eq!(chats["data"][0]["commerce"], json!({"cart_enabled": false, "catalog_visible": false}), "{chats}");

    // Back on: the order arrives.
    let (s, _) = app.post(&format!("{path}?is_cart_enabled=true&is_catalog_visible=true"), &json!({})).await;
    assert_eq!(s, 200);
    customer.send(app.business_number(), order(&catalog_id)).await;
    let (_, chats) = customer.get("/customer/v1/chats").await;
    assert_eq!(chats["data"][0]["commerce"], json!({"cart_enabled": true, "catalog_visible": true}));

    // Another business's number is invisible.
    let (s, _) = app.get("/v23.0/999999999999/whatsapp_commerce_settings").await;
    assert_ne!(s, 200);
}
engine_test!(commerce_settings_get_and_set, super::commerce_settings);
