//! Catalogs and orders on SQLite and PostgreSQL: the catalog API in Meta's shapes (create,
//! read, rename, delete; products one by one, by `items_batch` and by CSV, each with a report
//! of rejected rows; connecting a catalog to the WABA, which `whatsapp_commerce_settings`
//! then names); product, product list and catalog messages checked against the stored catalog
//! with 131009; and a customer's order reaching the business with the catalog's prices, not
//! the client's, stored with the conversation.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const CUSTOMER: &str = "15550004444";

async fn delete(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .delete(app.url(path))
        .bearer_auth(risala_testkit::DEMO_TOKEN)
        .json(body)
        .send()
        .await
        .unwrap();
    risala_testkit::json_response(resp).await
}

/// A catalog with three products (tea 12.50 USD, cake 4.00 USD, honey out of stock),
/// connected to the demo WABA. Returns its id.
pub(crate) async fn shop(app: &TestApp) -> String {
    let business = app.demo.ids.business_id.clone();
    let (s, v) = app.post(&format!("/v23.0/{business}/owned_product_catalogs"), &json!({"name": "Souk"})).await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (s, v) = app
        .post(
            &format!("/v23.0/{id}/items_batch"),
            &json!({"item_type": "PRODUCT_ITEM", "requests": [
                {"method": "CREATE", "data": {"id": "tea", "title": "Mint tea", "description": "Fresh mint",
                    "price": "12.50 USD", "availability": "in stock", "image_link": "https://example.com/tea.png"}},
                {"method": "CREATE", "data": {"id": "cake", "title": "Date cake", "price": 400, "currency": "USD"}},
                {"method": "CREATE", "data": {"id": "honey", "title": "Sidr honey", "price": 3000, "currency": "USD",
                    "availability": "out of stock"}}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["report"]["created"], 3, "{v}");
    let (s, v) = app.post(&format!("/v23.0/{}/product_catalogs", app.waba_id()), &json!({"catalog_id": id})).await;
    assert_eq!((s, v), (200, json!({"success": true})));
    id
}

async fn catalog_api(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let business = app.demo.ids.business_id.clone();
    let owned = format!("/v23.0/{business}/owned_product_catalogs");
    assert_eq!(app.get(&owned).await, (200, json!({"data": []})));
    // Bad input is 100 and names the field.
    let e = assert_graph_error(&app.post(&owned, &json!({})).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("name"), "{e}");
    assert_graph_error(&app.post(&owned, &json!({"name": "x", "colour": "red"})).await, 400, 100);
    assert_graph_error(&app.post(&owned, &json!({"name": "x", "vertical": "hotels"})).await, 400, 100);

    let (s, v) = app.post(&owned, &json!({"name": "Spring"})).await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(app.get(&format!("/v23.0/{id}")).await, (200, json!({"id": id, "name": "Spring"})));
    let (s, v) = app.post(&format!("/v23.0/{id}"), &json!({"name": "Summer"})).await;
    assert_eq!((s, v), (200, json!({"success": true})));
    assert_eq!(
        app.get(&format!("/v23.0/{id}?fields=name,vertical,product_count")).await,
        (200, json!({"id": id, "name": "Summer", "vertical": "commerce", "product_count": 0}))
    );
    assert_eq!(app.get(&owned).await.1, json!({"data": [{"id": id, "name": "Summer"}]}));

    // One product at a time: price in minor units.
    let products = format!("/v23.0/{id}/products");
    let (s, v) = app
        .post(
            &products,
            &json!({"retailer_id": "fan-1", "name": "Desk fan", "description": "Quiet", "price": 2599,
                "currency": "usd", "image_url": "https://example.com/fan.png", "url": "https://example.com/fan",
                "item_group_id": "fans", "color": "white"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let fan_id = v["id"].as_str().unwrap().to_string();
    let (s, v) = app.get(&products).await;
    assert_eq!(s, 200);
    assert_eq!(
        v,
        json!({"data": [{"id": fan_id, "retailer_id": "fan-1", "name": "Desk fan", "description": "Quiet",
            "price": 2599, "currency": "USD", "price_formatted": "25.99 USD", "availability": "in stock",
            "condition": "new", "image_url": "https://example.com/fan.png", "url": "https://example.com/fan",
            "item_group_id": "fans", "color": "white"}]})
    );
    for (body, field) in [
        (json!({"retailer_id": "fan-1", "name": "Again", "price": 1, "currency": "USD"}), "retailer_id"),
        (json!({"retailer_id": "x", "name": "X", "price": 12.5, "currency": "USD"}), "price"),
        (json!({"retailer_id": "x", "name": "X", "price": 1, "currency": "DOLLARS"}), "currency"),
        (
            json!({"retailer_id": "x", "name": "X", "price": 1, "currency": "USD", "availability": "maybe"}),
            "availability",
        ),
        (json!({"retailer_id": "x", "name": "X", "price": 1, "currency": "USD", "size": "L"}), "item_group_id"),
        (json!({"retailer_id": "x", "name": "X", "currency": "USD"}), "price"),
    ] {
        let e = assert_graph_error(&app.post(&products, &body).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(field), "{field}: {e}");
    }

    // A batch: good requests applied, bad ones reported by index, in Meta's shape.
    let (s, v) = app
        .post(
            &format!("/v23.0/{id}/items_batch"),
            &json!({"item_type": "PRODUCT_ITEM", "requests": [
                {"method": "UPDATE", "data": {"id": "fan-1", "price": "19.99 USD", "availability": "out of stock"}},
                {"method": "CREATE", "data": {"id": "lamp", "title": "Lamp", "price": 1500, "currency": "USD"}},
                {"method": "CREATE", "data": {"id": "bad", "title": "Bad", "price": "abc", "currency": "USD"}},
                {"method": "DELETE", "data": {"id": "ghost"}},
                {"method": "PATCH", "data": {"id": "lamp"}}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["report"]["created"], 1);
    assert_eq!(v["report"]["updated"], 1);
    let rejected: Vec<(i64, &str)> = v["report"]["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["index"].as_i64().unwrap(), r["retailer_id"].as_str().unwrap()))
        .collect();
    assert_eq!(rejected, vec![(2, "bad"), (3, "ghost"), (4, "lamp")], "{v}");
    assert_eq!(v["validation_status"].as_array().unwrap().len(), 3);
    assert!(v["handles"][0].is_string());
    let (_, v) = app.get(&format!("{products}?retailer_id=fan-1")).await;
    assert_eq!(
        (v["data"][0]["price"].clone(), v["data"][0]["availability"].clone()),
        (json!(1999), json!("out of stock"))
    );
    assert_eq!(v["data"][0]["id"], fan_id, "an update keeps the product id");
    assert_graph_error(&app.post(&format!("/v23.0/{id}/items_batch"), &json!({"requests": []})).await, 400, 100);
    assert_graph_error(
        &app.post(&format!("/v23.0/{id}/items_batch"), &json!({"item_type": "HOTEL", "requests": [{}]})).await,
        400,
        100,
    );

    // The CSV upload (Meta's feed column names), rows reported by line.
    let csv = "id,title,description,price,availability,image_link\n\
               kettle,Kettle,\"Steel, 1.7 l\",45.00 USD,in stock,https://example.com/k.png\n\
               lamp,Lamp,Warm light,14.00 USD,in stock,\n\
               broken,Broken,,ten,in stock,\n";
    let (s, v) = app.post(&format!("/v23.0/{id}/items_csv"), &json!({"csv": csv})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["report"]["created"].clone(), v["report"]["updated"].clone()), (json!(1), json!(1)), "{v}");
    assert_eq!(v["report"]["rejected"][0]["index"], 4, "{v}");
    assert_eq!(v["report"]["rejected"][0]["retailer_id"], "broken");
    let (_, v) = app.get(&format!("{products}?retailer_id=kettle")).await;
    assert_eq!(v["data"][0]["description"], "Steel, 1.7 l");
    assert_eq!(v["data"][0]["price"], 4500);
    assert_graph_error(&app.post(&format!("/v23.0/{id}/items_csv"), &json!({"csv": "name\nx\n"})).await, 400, 100);

    // Connecting to the WABA; the commerce settings name the catalog.
    let waba_catalogs = format!("/v23.0/{}/product_catalogs", app.waba_id());
    assert_eq!(app.get(&waba_catalogs).await, (200, json!({"data": []})));
    assert_graph_error(&app.post(&waba_catalogs, &json!({"catalog_id": "123456789012345"})).await, 400, 100);
    assert_graph_error(&app.post(&waba_catalogs, &json!({})).await, 400, 100);
    assert_eq!(app.post(&waba_catalogs, &json!({"catalog_id": id})).await.0, 200);
    assert_eq!(app.get(&waba_catalogs).await.1, json!({"data": [{"id": id, "name": "Summer"}]}));
    let settings = format!("/v23.0/{}/whatsapp_commerce_settings?fields=catalog_id", app.phone_number_id());
    assert_eq!(app.get(&settings).await.1, json!({"data": [{"catalog_id": id, "id": app.phone_number_id()}]}));
    let (s, v) = delete(&app, &waba_catalogs, &json!({"catalog_id": id})).await;
    assert_eq!((s, v), (200, json!({"success": true})));
    assert_graph_error(&delete(&app, &waba_catalogs, &json!({"catalog_id": id})).await, 400, 100);
    assert_eq!(app.get(&settings).await.1, json!({"data": [{"id": app.phone_number_id()}]}));

    // Deleting: the id is gone (100/33 as every unknown id).
    let (s, v) = delete(&app, &format!("/v23.0/{id}"), &json!({})).await;
    assert_eq!((s, v), (200, json!({"success": true})));
    let e = assert_graph_error(&app.get(&format!("/v23.0/{id}")).await, 400, 100);
    assert_eq!(e["error_subcode"], 33, "{e}");
    let e = assert_graph_error(&app.get(&format!("/v23.0/{id}/products")).await, 400, 100);
    assert_eq!(e["error_subcode"], 33, "{e}");
}
engine_test!(catalog_api_in_metas_shapes, super::catalog_api);

fn interactive(ty: &str, action: Value) -> Value {
    let mut i = json!({"type": ty, "body": {"text": "Look"}, "action": action});
    if ty == "product_list" {
        i["header"] = json!({"type": "text", "text": "Our picks"});
    }
    json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "interactive", "interactive": i})
}

async fn sends_checked(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = app.customer(CUSTOMER, "Huda").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let send = format!("/v23.0/{}/messages", app.phone_number_id());
    let details = |e: &Value| e["error_data"]["details"].as_str().unwrap().to_string();

    // Before any catalog exists.
    let e = assert_graph_error(
        &app.post(&send, &interactive("product", json!({"catalog_id": "123456789", "product_retailer_id": "tea"})))
            .await,
        400,
        131009,
    );
    assert_eq!(details(&e), "interactive.action.catalog_id: no catalog 123456789");
    let e = assert_graph_error(
        &app.post(&send, &interactive("catalog_message", json!({"name": "catalog_message"}))).await,
        400,
        131009,
    );
    assert!(details(&e).contains("no catalog is connected"), "{e}");

    let id = shop(&app).await;
    let ok = app.post(&send, &interactive("product", json!({"catalog_id": id, "product_retailer_id": "tea"}))).await;
    assert_eq!(ok.0, 200, "{}", ok.1);
    let e = assert_graph_error(
        &app.post(&send, &interactive("product", json!({"catalog_id": id, "product_retailer_id": "coffee"}))).await,
        400,
        131009,
    );
    assert_eq!(details(&e), format!("interactive.action.product_retailer_id: no product 'coffee' in catalog {id}"));
    let list = |items: Value| {
        interactive("product_list", json!({"catalog_id": id, "sections": [{"title": "Sweet", "product_items": items}]}))
    };
    let e = assert_graph_error(
        &app.post(&send, &list(json!([{"product_retailer_id": "cake"}, {"product_retailer_id": "honey"}]))).await,
        400,
        131009,
    );
    assert_eq!(
        details(&e),
        format!("interactive.action.sections[0].product_items[1].product_retailer_id: product 'honey' is out of stock in catalog {id}")
    );
    let ok = app.post(&send, &list(json!([{"product_retailer_id": "cake"}, {"product_retailer_id": "tea"}]))).await;
    assert_eq!(ok.0, 200, "{}", ok.1);
    let cat = |thumb: &str| {
        interactive(
            "catalog_message",
            json!({"name": "catalog_message", "parameters": {"thumbnail_product_retailer_id": thumb}}),
        )
    };
    assert_eq!(app.post(&send, &cat("tea")).await.0, 200);
    assert_graph_error(&app.post(&send, &cat("coffee")).await, 400, 131009);

    // Hidden catalog: no catalog message.
    let settings = format!("/v23.0/{}/whatsapp_commerce_settings", app.phone_number_id());
    assert_eq!(app.post(&settings, &json!({"is_catalog_visible": false})).await.0, 200);
    let e = assert_graph_error(&app.post(&send, &cat("tea")).await, 400, 131009);
    assert!(details(&e).contains("is_catalog_visible"), "{e}");

    // A catalog of the business that is not connected to the WABA.
    let (_, v) = app
        .post(&format!("/v23.0/{}/owned_product_catalogs", app.demo.ids.business_id), &json!({"name": "Other"}))
        .await;
    let other = v["id"].as_str().unwrap();
    let e = assert_graph_error(
        &app.post(&send, &interactive("product", json!({"catalog_id": other, "product_retailer_id": "tea"}))).await,
        400,
        131009,
    );
    assert!(details(&e).contains("is not connected"), "{e}");
}
engine_test!(product_messages_checked_against_the_catalog, super::sends_checked);

async fn orders(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let id = shop(&app).await;
    let customer = app.customer(CUSTOMER, "Huda").await;
    let order = |items: Value| json!({"type": "order", "order": {"catalog_id": id, "text": "Gift wrap please", "product_items": items}});

    // The client claims 0.01 a cup and a wrong currency: the business sees the catalog's prices.
    let wamid = customer
        .send(
            app.business_number(),
            order(json!([
                {"product_retailer_id": "tea", "quantity": 2, "item_price": 0.01, "currency": "EUR"},
                {"product_retailer_id": "cake", "quantity": 1, "item_price": 0, "currency": "USD"}])),
        )
        .await;
    let inbound = app.queued_inbound().await;
    let m = &inbound.last().unwrap()["messages"][0];
    assert_eq!(m["id"], wamid);
    assert_eq!(m["type"], "order");
    assert_eq!(
        m["order"],
        json!({"catalog_id": id, "text": "Gift wrap please", "product_items": [
            {"product_retailer_id": "tea", "quantity": 2, "item_price": 12.5, "currency": "USD"},
            {"product_retailer_id": "cake", "quantity": 1, "item_price": 4, "currency": "USD"}]})
    );

    // The order belongs to the conversation.
    let (s, v) = app.get(&format!("/v23.0/{}/orders?wa_id={}", app.phone_number_id(), customer.wa_id)).await;
    assert_eq!(s, 200, "{v}");
    let o = &v["data"][0];
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    assert_eq!(o["message_id"], wamid);
    assert_eq!(o["reference_id"], format!("ORD-{}", o["id"].as_str().unwrap()));
    assert_eq!(o["total_amount"], json!({"value": 2900, "offset": 100}));
    assert_eq!(o["total_formatted"], "29.00");
    assert_eq!(
        o["product_items"],
        json!([
            {"product_retailer_id": "tea", "name": "Mint tea", "quantity": 2, "item_price": {"value": 1250, "offset": 100}, "currency": "USD"},
            {"product_retailer_id": "cake", "name": "Date cake", "quantity": 1, "item_price": {"value": 400, "offset": 100}, "currency": "USD"}])
    );
    assert_graph_error(&app.get(&format!("/v23.0/{}/orders", app.phone_number_id())).await, 400, 100);

    // Refused: unknown product, out of stock, unknown catalog, cart off.
    let mut bad = order(json!([{"product_retailer_id": "coffee", "quantity": 1, "item_price": 1, "currency": "USD"}]));
    bad["to"] = json!(app.business_number());
    let e = assert_graph_error(&customer.post("/customer/v1/messages", &bad).await, 400, 131009);
    assert_eq!(
        e["error_data"]["details"],
        format!("order.product_items[0].product_retailer_id: no product 'coffee' in catalog {id}")
    );
    bad["order"]["product_items"][0]["product_retailer_id"] = json!("honey");
    let e = assert_graph_error(&customer.post("/customer/v1/messages", &bad).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("out of stock"), "{e}");
    bad["order"]["catalog_id"] = json!("999999999");
    let e = assert_graph_error(&customer.post("/customer/v1/messages", &bad).await, 400, 131009);
    assert_eq!(e["error_data"]["details"], "order.catalog_id: no catalog 999999999");
    assert_eq!(
        app.post(
            &format!("/v23.0/{}/whatsapp_commerce_settings", app.phone_number_id()),
            &json!({"is_cart_enabled": false})
        )
        .await
        .0,
        200
    );
    let mut good = order(json!([{"product_retailer_id": "tea", "quantity": 1, "item_price": 1, "currency": "USD"}]));
    good["to"] = json!(app.business_number());
    let e = assert_graph_error(&customer.post("/customer/v1/messages", &good).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("is_cart_enabled"), "{e}");

    // The customer's app reads the catalog and the switches.
    let (s, v) = customer.get(&format!("/customer/v1/chats/{}/catalog", app.business_number())).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["cart_enabled"].clone(), v["catalog_visible"].clone()), (json!(false), json!(true)));
    assert_eq!(v["catalog"]["id"], id);
    let names: Vec<&str> =
        v["catalog"]["products"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Date cake", "Sidr honey", "Mint tea"]);
    assert_eq!(app.queued_inbound().await.len(), 1, "no refused order reached the business");
}
engine_test!(orders_carry_the_catalogs_prices, super::orders);

/// A catalog connected to the demo WABA with a product named like each retailer id (1.00 USD),
/// for tests that send product messages. Returns its id.
pub(crate) async fn catalog_with(app: &TestApp, retailer_ids: &[String]) -> String {
    let (s, v) = app
        .post(&format!("/v23.0/{}/owned_product_catalogs", app.demo.ids.business_id), &json!({"name": "Shop"}))
        .await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let requests: Vec<Value> = retailer_ids
        .iter()
        .map(|r| json!({"method": "CREATE", "data": {"id": r, "title": r, "price": 100, "currency": "USD"}}))
        .collect();
    if !requests.is_empty() {
        let body = json!({"item_type": "PRODUCT_ITEM", "requests": requests});
        let (s, v) = app.post(&format!("/v23.0/{id}/items_batch"), &body).await;
        assert_eq!((s, v["report"]["rejected"].clone()), (200, json!([])), "{v}");
    }
    let (s, v) = app.post(&format!("/v23.0/{}/product_catalogs", app.waba_id()), &json!({"catalog_id": id})).await;
    assert_eq!(s, 200, "{v}");
    id
}

/// The retailer ids a product, product list or catalog message names.
pub(crate) fn retailer_ids(body: &Value) -> Vec<String> {
    let action = &body["interactive"]["action"];
    let mut out: Vec<String> = Vec::new();
    let mut push = |v: &Value| {
        if let Some(r) = v.as_str() {
            out.push(r.to_string());
        }
    };
    push(&action["product_retailer_id"]);
    push(&action["parameters"]["thumbnail_product_retailer_id"]);
    for sec in action["sections"].as_array().into_iter().flatten() {
        for it in sec["product_items"].as_array().into_iter().flatten() {
            push(&it["product_retailer_id"]);
        }
    }
    out
}

/// Point a product or product list message at `catalog` (a catalog message names none).
pub(crate) fn use_catalog(body: &mut Value, catalog: &str) {
    if body["interactive"]["action"].get("catalog_id").is_some() {
        body["interactive"]["action"]["catalog_id"] = json!(catalog);
    }
}

/// Two creates of one retailer id at the same moment: one is created, the other is refused as
/// a retailer id the catalog has (never a silent overwrite of the first one's product).
async fn concurrent_creates(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let business = app.demo.ids.business_id.clone();
    let (_, v) = app.post(&format!("/v23.0/{business}/owned_product_catalogs"), &json!({"name": "Race"})).await;
    let products = format!("/v23.0/{}/products", v["id"].as_str().unwrap());
    for round in 0..8 {
        let retailer_id = format!("lamp-{round}");
        let body = |name: &str| json!({"retailer_id": retailer_id, "name": name, "price": 100, "currency": "USD"});
        let (body_a, body_b) = (body("Lamp A"), body("Lamp B"));
        let (a, b) = tokio::join!(app.post(&products, &body_a), app.post(&products, &body_b));
        let (winner, refused) = match (a.0, b.0) {
            (200, 400) => ("Lamp A", b),
            (400, 200) => ("Lamp B", a),
            other => panic!("round {round}: one create, one refusal, not {other:?}"),
        };
        let e = assert_graph_error(&refused, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains("already has a product"), "{e}");
        let (_, v) = app.get(&format!("{products}?retailer_id={retailer_id}")).await;
        assert_eq!(v["data"][0]["name"], winner, "the created product is the one answered 200: {v}");
    }
}

engine_test!(two_creates_of_one_retailer_id_at_once_make_one_product, super::concurrent_creates);
