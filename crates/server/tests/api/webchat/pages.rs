//! The web chat's page over HTTP: one frame in the reader's language (English left to right,
//! Arabic right to left, `?lang=` over `Accept-Language`), the sign-in form of the mode (a code
//! in platform mode, none in the sandbox), the page's security headers, and the short links of
//! QR codes leading browsers to the chat with their prefilled text.

use risala_server::Mode;
use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::json;

async fn get(app: &TestApp, path: &str, lang: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let resp = app
        .client
        .get(app.url(path))
        .header("accept", "text/html")
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.headers().clone(), resp.text().await.unwrap())
}

async fn the_page(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();

    let (s, headers, en) = get(&app, "/chat/", "en").await;
    assert_eq!(s, 200);
    assert!(en.contains(r#"<html lang="en" dir="ltr">"#), "{en}");
    assert!(en.contains("Sign in to chat") && en.contains("Your phone number") && en.contains(r#"data-codes="0""#));
    assert!(!en.contains("wc-code"), "no code field in the sandbox");
    let csp = headers.get("content-security-policy").unwrap().to_str().unwrap();
    // Media from this server plays (audio, video, voice notes); nothing else's.
    assert!(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"), "{csp}");
    assert!(csp.contains("media-src 'self';") && csp.contains("default-src 'none'"), "{csp}");
    // Product cards show the business's images over https only.
    assert!(csp.contains("img-src 'self' data: https:;"), "{csp}");
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");

    // Arabic from the browser's languages, and from `?lang=` over them.
    let (_, _, ar) = get(&app, "/chat/", "ar").await;
    assert!(ar.contains(r#"<html lang="ar" dir="rtl">"#) && ar.contains("سجّل الدخول للدردشة"), "{ar}");
    let (_, _, chosen) = get(&app, "/chat/?lang=ar", "en").await;
    assert!(chosen.contains(r#"dir="rtl""#) && chosen.contains(r#"href="/chat/?lang=en""#));

    // The script's strings, and every asset the page names, are served.
    let strings = en.split(r#"<script id="wc-strings" type="application/json">"#).nth(1).unwrap();
    let strings: serde_json::Value = serde_json::from_str(strings.split("</script>").next().unwrap()).unwrap();
    assert_eq!(strings["block"], "Block");
    for asset in en.split('"').filter(|p| p.starts_with("/app/assets/")) {
        let (s, _, body) = get(&app, asset, "en").await;
        assert!(s == 200 && !body.is_empty(), "{asset}: {s}");
    }
    let resp = app.client.get(app.url("/chat")).send().await.unwrap();
    assert!(resp.url().path() == "/chat/" && resp.status() == 200, "{}", resp.url());

    // A short link in a browser leads to the chat with its text.
    let (s, qr) = app
        .post(&format!("/v23.0/{}/message_qrdls", app.phone_number_id()), &json!({"prefilled_message": "Hi & hello"}))
        .await;
    assert_eq!(s, 200, "{qr}");
    let link = qr["deep_link_url"].as_str().unwrap().trim_start_matches(&app.base).to_string();
    let (s, _, page) = get(&app, &link, "en").await;
    assert_eq!(s, 200);
    let target = format!("/chat/?phone={}&amp;text=Hi+%26+hello", app.business_number());
    assert!(
        page.contains(&format!(r#"content="0;url={target}""#)) && page.contains(&format!(r#"href="{target}""#)),
        "{page}"
    );
    app.stop().await;
}
engine_test!(the_page_in_both_languages, super::the_page);

/// Platform mode: the form asks for a one-time code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn platform_mode_asks_for_a_code() {
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let mut config = db.config();
    config.mode = Mode::Platform;
    let app = TestApp::start_with(config).await.unwrap();
    let (s, _, page) = get(&app, "/chat/", "en").await;
    assert_eq!(s, 200);
    assert!(
        page.contains(r#"data-codes="1""#) && page.contains("wc-code") && page.contains("Send me a code"),
        "{page}"
    );
    app.stop().await;
}
