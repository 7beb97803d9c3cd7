//! The console's catalog pages on SQLite and PostgreSQL: an owner creates a catalog, connects
//! it to the WABA, adds and changes a product, uploads a CSV whose bad row is reported while the
//! good ones are saved, and turns the number's cart off; each step is what the Graph API reads.

use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::json;

use crate::web::Web;

async fn console(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let mut web = Web::owner(&app).await;
    let csrf = web.csrf().await;
    let page = web.get("/app/console/catalogs").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No catalogs yet."), "{}", page.body);

    // Create; an empty name is refused, said in the page's language.
    let p = web.post("/app/console/catalogs", &[("csrf", &csrf), ("name", " ")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains(">Name: fill this in.<"), "{}", p.body);
    web.lang = "ar";
    let p = web.post("/app/console/catalogs", &[("csrf", &csrf), ("name", " ")]).await;
    assert!(p.body.contains(">الاسم: هذا الحقل مطلوب.<"), "{}", p.body);
    web.lang = "en";
    let p = web.post("/app/console/catalogs", &[("csrf", &csrf), ("name", "Souk")]).await;
    assert_eq!(p.status, 303);
    let (_, v) = app.get(&format!("/v23.0/{}/owned_product_catalogs", app.demo.ids.business_id)).await;
    let id = v["data"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(v["data"][0]["name"], "Souk");

    // Connect to the WABA.
    let p =
        web.post(&format!("/app/console/catalogs/{id}/connect"), &[("csrf", &csrf), ("waba_id", app.waba_id())]).await;
    assert_eq!(p.status, 303);
    let (_, v) = app.get(&format!("/v23.0/{}/product_catalogs", app.waba_id())).await;
    assert_eq!(v["data"][0]["id"], id);
    let page = web.get("/app/console/catalogs").await;
    assert!(page.body.contains("Connected to"), "{}", page.body);

    // A product, then a change of its price; a bad price is refused on the page.
    let product = format!("/app/console/catalogs/{id}/products");
    let form = [
        ("csrf", csrf.as_str()),
        ("retailer_id", "tea"),
        ("name", "Mint tea"),
        ("description", ""),
        ("price", "12.50 USD"),
        ("currency", ""),
        ("availability", "in stock"),
        ("image_url", ""),
    ];
    assert_eq!(web.post(&product, &form).await.status, 303);
    // The price is a decimal of the product's currency, as a person writes it.
    let p = web.post(&product, &[("csrf", &csrf), ("retailer_id", "tea"), ("price", "11")]).await;
    assert_eq!(p.status, 303);
    let p = web.post(&product, &[("csrf", &csrf), ("retailer_id", "tea"), ("price", "cheap")]).await;
    assert_eq!(p.status, 422);
    assert!(
        p.body.contains("The price “cheap” is not an amount of USD: digits with at most 2 decimals, like 12.50."),
        "{}",
        p.body
    );
    let (_, v) = app.get(&format!("/v23.0/{id}/products")).await;
    assert_eq!((v["data"][0]["name"].clone(), v["data"][0]["price"].clone()), (json!("Mint tea"), json!(1100)));

    // A CSV upload: the report names the bad row; the good one is saved.
    let csv = "id,title,price\ncake,Date cake,4.00 USD\nbad,Bad,ten\n";
    let p = web.post(&format!("/app/console/catalogs/{id}/upload"), &[("csrf", &csrf), ("data", csv)]).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Created 1, updated 0, deleted 0, rejected 1."), "{}", p.body);
    assert!(p.body.contains("#3 bad"), "{}", p.body);
    let (_, v) = app.get(&format!("/v23.0/{id}/products?retailer_id=cake")).await;
    assert_eq!(v["data"][0]["price"], 400);
    let page = web.get(&format!("/app/console/catalogs/{id}")).await;
    assert!(page.body.contains("Date cake") && page.body.contains("11.00 USD"), "{}", page.body);

    // The number's switches: the cart off (its box not sent), the catalog still visible.
    let p = web
        .post(&format!("/app/console/commerce/{}", app.phone_number_id()), &[("csrf", &csrf), ("visible", "1")])
        .await;
    assert_eq!(p.status, 303);
    let (_, v) = app.get(&format!("/v23.0/{}/whatsapp_commerce_settings", app.phone_number_id())).await;
    assert_eq!(
        (v["data"][0]["is_cart_enabled"].clone(), v["data"][0]["is_catalog_visible"].clone()),
        (json!(false), json!(true))
    );
}
engine_test!(the_console_manages_catalogs_products_and_switches, super::console);
