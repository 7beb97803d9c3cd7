//! The broadcast form refuses a file that is not CSV: chosen as the "CSV file" in Chromium, a
//! PNG gets "This is not a CSV file." in the page's language (English, Arabic) and the import
//! box stays empty, while a real CSV file fills it; posted without the page's script, binary
//! content is refused by the server with the same message and nothing is created.

use risala_testkit::browser::Session;
use risala_testkit::{engine_test, Database, Engine, TestApp, DEMO_OWNER_PASSWORD};
use serde_json::json;

use crate::web::composer::PNG;
use crate::web::steps::{sign_in, wait_for, wait_url};
use crate::web::Web;

const PAGE: &str = "/app/tools/broadcasts";

async fn choose(s: &Session, path: &std::path::Path) {
    s.find("#csv_file").await.send_keys(path.to_str().unwrap()).await;
}

async fn csv_box(s: &Session) -> String {
    s.eval("return document.getElementById('csv').value", json!([])).await.as_str().unwrap_or("").to_string()
}

async fn refuses_a_picture(app: &TestApp, db: &Database, lang: &str, width: u32, want: &str) {
    let s = Session::start(lang, width, 900).await;
    sign_in(app, &s, crate::web::OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&s, "/app/").await;
    s.goto(&app.url(PAGE)).await;
    let png = db.dir.path().join("logo.png");
    std::fs::write(&png, PNG).unwrap();
    choose(&s, &png).await;
    wait_for(&s, "the refusal", "var e = document.getElementById('csv-file-error'); return !!e && !e.hidden").await;
    assert!(s.find("#csv-file-error").await.text().await.contains(want), "{}", s.text().await);
    assert_eq!(csv_box(&s).await, "", "nothing copied from the picture");
    s.screenshot(&format!("broadcasts-not-csv-{lang}"), false).await;
    // A real CSV file fills the box and clears the message.
    let csv = db.dir.path().join("customers.csv");
    std::fs::write(&csv, "phone,1\n+15557100001,Amal\n").unwrap();
    choose(&s, &csv).await;
    wait_for(&s, "the CSV read", "return document.getElementById('csv').value.startsWith('phone,1')").await;
    assert_eq!(s.eval("return document.getElementById('csv-file-error').hidden", json!([])).await, json!(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_chosen_as_the_csv_file_is_refused_in_english_and_arabic() {
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let app = TestApp::start_with(db.config()).await.unwrap();
    refuses_a_picture(&app, &db, "en-US", 1280, "This is not a CSV file.").await;
    refuses_a_picture(&app, &db, "ar", 390, "هذا ليس ملف CSV.").await;
    app.stop().await;
}

async fn binary_posted(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start_with(db.config()).await.unwrap();
    app.create_approved_templates(&[("eid_offer", "MARKETING", "Hello {{1}}, our Eid offer starts today.")]).await;
    let mut web = Web::owner(&app).await;
    let csrf = web.csrf().await;
    let picture = String::from_utf8_lossy(PNG).to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Logo"),
        ("phone_number_id", app.phone_number_id()),
        ("template", "eid_offer|en_US"),
        ("csv", picture.as_str()),
    ];
    let p = web.post(PAGE, &form).await;
    assert!(p.status < 500, "{}", p.status);
    assert!(p.body.contains("This is not a CSV file."), "{}", p.body);
    let (_, list) = app.get(&format!("/tools/v1/{}/broadcasts", app.phone_number_id())).await;
    assert_eq!(list["data"], json!([]), "{list}");
    app.stop().await;
}

engine_test!(binary_content_posted_as_csv_is_refused, super::binary_posted);
