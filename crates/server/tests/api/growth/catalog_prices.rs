//! Prices and currencies of a catalog, on SQLite and PostgreSQL: only ISO 4217 currencies are
//! accepted (by the API with error 100, by the console's form with a message in the page's
//! language); the form reads a price as a decimal of the chosen currency, at most its decimals
//! (12.50 SAR, 1.250 KWD, 1250 JPY), in ASCII or Arabic-Indic digits with the Arabic decimal
//! separator, and stores minor units.

use risala_testkit::{assert_graph_error, engine_test, Engine, TestApp};
use serde_json::{json, Value};

use crate::web::{app, Web};

async fn product(app: &TestApp, catalog: &str, rid: &str) -> Value {
    let (_, v) = app.get(&format!("/v23.0/{catalog}/products?retailer_id={rid}")).await;
    json!([v["data"][0]["price"], v["data"][0]["currency"]])
}

/// The console's product form with `price` and `currency`.
async fn post(web: &mut Web, path: &str, csrf: &str, rid: &str, price: &str, currency: &str) -> crate::web::Page {
    let form = [
        ("csrf", csrf),
        ("retailer_id", rid),
        ("name", "Cake"),
        ("price", price),
        ("currency", currency),
        ("availability", "in stock"),
    ];
    web.post(path, &form).await
}

engine_test!(only_iso_currencies_and_decimal_prices, super::prices);

async fn prices(engine: Engine) {
    let (_db, app) = app(engine).await;
    let (_, v) = app
        .post(&format!("/v23.0/{}/owned_product_catalogs", app.demo.ids.business_id), &json!({"name": "Souk"}))
        .await;
    let id = v["id"].as_str().unwrap().to_string();

    // The API: XYZ is no currency.
    let body = json!({"retailer_id": "x", "name": "X", "price": 100, "currency": "XYZ"});
    let e = assert_graph_error(&app.post(&format!("/v23.0/{id}/products"), &body).await, 400, 100);
    assert_eq!(
        e["error_data"]["details"],
        "currency must be an ISO 4217 currency code, e.g. USD, SAR or KWD (got 'XYZ')"
    );
    let batch = json!({"item_type": "PRODUCT_ITEM", "requests": [
        {"method": "CREATE", "data": {"id": "y", "title": "Y", "price": "3.00 XYZ"}}]});
    let (_, v) = app.post(&format!("/v23.0/{id}/items_batch"), &batch).await;
    assert_eq!(v["report"]["created"], 0, "{v}");

    // The form, in English: a decimal price in the chosen currency.
    let mut web = Web::owner(&app).await;
    let csrf = web.csrf().await;
    let path = format!("/app/console/catalogs/{id}/products");
    let p = post(&mut web, &path, &csrf, "cake", "12.50", "SAR").await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(product(&app, &id, "cake").await, json!([1250, "SAR"]));
    let p = post(&mut web, &path, &csrf, "dinar", "1.250", "kwd").await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(product(&app, &id, "dinar").await, json!([1250, "KWD"]));
    let p = post(&mut web, &path, &csrf, "yen", "1250", "JPY").await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(product(&app, &id, "yen").await, json!([1250, "JPY"]));
    // The product's own currency when the field is left empty.
    let p = post(&mut web, &path, &csrf, "cake", "13", "").await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(product(&app, &id, "cake").await, json!([1300, "SAR"]));
    let p = post(&mut web, &path, &csrf, "cake", "12.505", "SAR").await;
    assert_eq!(p.status, 422);
    assert!(
        p.body.contains("The price “12.505” is not an amount of SAR: digits with at most 2 decimals, like 12.50."),
        "{}",
        p.body
    );
    let p = post(&mut web, &path, &csrf, "odd", "3", "XYZ").await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("“XYZ” is not an ISO 4217 currency code"), "{}", p.body);
    assert_eq!(product(&app, &id, "odd").await, json!([null, null]), "not saved");

    // In Arabic: Arabic-Indic digits and the Arabic decimal separator; the refusals in Arabic.
    web.lang = "ar";
    let p = post(&mut web, &path, &csrf, "kunafa", "١٢٫٥٠", "SAR").await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(product(&app, &id, "kunafa").await, json!([1250, "SAR"]));
    let p = post(&mut web, &path, &csrf, "odd", "3", "XYZ").await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("«XYZ» ليس رمز عملة وفق ISO 4217"), "{}", p.body);
    let p = post(&mut web, &path, &csrf, "kunafa", "١٢٫٥٠٥", "SAR").await;
    assert_eq!(p.status, 422);
    assert!(
        p.body.contains("السعر «١٢٫٥٠٥» ليس مبلغًا بعملة SAR: أرقام بحد أقصى ٢ منازل عشرية، مثل ١٢٫٥٠."),
        "{}",
        p.body
    );
}
