//! The operator console over HTTP: every `/app/operator` path of the router without the
//! operator's session (a page goes to the operator's sign-in, an action is 401; a business
//! owner's session is no operator session), its state changes refused without the session's
//! CSRF token, with a wrong one or from another origin; the sign-in refusing a wrong token and
//! another origin; and a review and the criteria through the forms.

use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::json;

const ADMIN: &str = "operator-console-token";

struct Client {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

struct Answer {
    status: u16,
    location: String,
    body: String,
}

impl Client {
    fn new(app: &TestApp) -> Client {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Client { http, base: app.base.clone(), cookie: None }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Answer {
        let mut req = req.header("accept", "text/html");
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("risala_operator={c}"));
        }
        let resp = req.send().await.unwrap();
        for v in resp.headers().get_all("set-cookie") {
            if let Some(rest) = v.to_str().unwrap().strip_prefix("risala_operator=") {
                let value = rest.split(';').next().unwrap();
                self.cookie = (!value.is_empty()).then(|| value.to_string());
            }
        }
        let location = resp.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        Answer { status: resp.status().as_u16(), location, body: resp.text().await.unwrap() }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)], origin: Option<&str>) -> Answer {
        let origin = origin.map(str::to_string).unwrap_or_else(|| self.base.clone());
        let req = self.http.post(format!("{}{path}", self.base)).header("origin", origin).form(form);
        self.send(req).await
    }
}

fn csrf(body: &str) -> String {
    let start = body.find(r#"name="csrf" value=""#).expect("a csrf field") + 19;
    body[start..start + 64].to_string()
}

async fn walk(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.admin_token = Some(ADMIN.into());
    let app = TestApp::start_with(config).await.unwrap();
    let phone = app.phone_number_id().to_string();
    let paths: Vec<String> = risala_web::routes::paths()
        .into_iter()
        .filter(|p| p.starts_with("/app/operator") && p != "/app/operator/sign-in")
        .map(|p| p.replace("{phone_number_id}", &phone))
        .collect();
    assert_eq!(paths.len(), 5, "{paths:?}");

    // No operator session (and a business owner's session is none): sign in first.
    let mut anonymous = Client::new(&app);
    for path in &paths {
        let get = anonymous.get(path).await;
        let post = anonymous.post(path, &[("csrf", "x"), ("decision", "APPROVED")], None).await;
        assert!(get.status != 405 || post.status != 405, "{path}");
        if get.status != 405 {
            assert_eq!((get.status, get.location.as_str()), (303, "/app/operator/sign-in"), "GET {path}");
        }
        if post.status != 405 {
            assert_eq!(post.status, 401, "POST {path}: {}", post.body);
        }
    }
    // The sign-in: a wrong token is 401, another origin 403, the admin token opens a session.
    let p = anonymous.post("/app/operator/sign-in", &[("token", "wrong")], None).await;
    assert_eq!(p.status, 401);
    assert!(p.body.contains("That is not the admin token."), "{}", p.body);
    let p = anonymous.post("/app/operator/sign-in", &[("token", ADMIN)], Some("http://evil.example")).await;
    assert_eq!(p.status, 403);
    let mut op = Client::new(&app);
    let p = op.post("/app/operator/sign-in", &[("token", ADMIN)], None).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/app/operator/badges"));
    let page = op.get("/app/operator/badges").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Verified badge requests") && page.body.contains("No requests here."), "{}", page.body);
    let token = csrf(&page.body);

    // State changes: not without the token, with a wrong one, or from another origin.
    let wrong = "0".repeat(64);
    for path in paths.iter().filter(|p| !p.ends_with("/badges") && p.as_str() != "/app/operator") {
        for form in [vec![("decision", "APPROVED")], vec![("decision", "APPROVED"), ("csrf", wrong.as_str())]] {
            let p = op.post(path, &form, None).await;
            assert_eq!(p.status, 403, "POST {path} with {form:?}: {}", p.body);
        }
        let p = op.post(path, &[("decision", "APPROVED"), ("csrf", &token)], Some("http://evil.example")).await;
        assert_eq!(p.status, 403, "POST {path} from another origin");
    }

    // A request, rejected from the form without a reason (400, the queue again with why), then
    // approved.
    app.post(&format!("/v23.0/{phone}"), &json!({"pin": "135790"})).await;
    app.post_as(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({"verified": true}), Some(ADMIN)).await;
    app.advance_clock("31d").await;
    let body = json!({"business_website_url": "https://shop.example", "primary_country_of_operation": "Egypt",
        "supporting_links": ["https://www.reuters.com/shop"]});
    let (s, v) = app.post(&format!("/v23.0/{phone}/official_business_account"), &body).await;
    assert_eq!(s, 200, "{v}");
    let page = op.get("/app/operator/badges").await;
    assert!(
        page.body.contains(&format!("data-phone=\"{phone}\"")) && page.body.contains("https://www.reuters.com/shop")
    );
    let review = format!("/app/operator/badges/{phone}/review");
    let p = op.post(&review, &[("decision", "REJECTED"), ("reasons", " "), ("csrf", &token)], None).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("Param reasons must give at least one reason to reject"), "{}", p.body);
    let p = op.post(&review, &[("decision", "APPROVED"), ("csrf", &token)], None).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/app/operator/badges?status=all&done=1"));
    let (_, n) = app.get(&format!("/v23.0/{phone}?fields=is_official_business_account")).await;
    assert_eq!(n["is_official_business_account"], true);

    // The criteria form: a bad delay is refused naming it; a good one is saved.
    let form = |days: &'static str| {
        vec![
            ("two_step_verification", "on"),
            ("business_verification", "on"),
            ("display_name_approved", "on"),
            ("min_days_on_platform", "30"),
            ("min_supporting_links", "2"),
            ("min_notable_links", "1"),
            ("notable_sources", "reuters.com\nBBC.co.uk\n"),
            ("review_days", days),
        ]
    };
    let mut bad = form("20");
    bad.push(("csrf", &token));
    let p = op.post("/app/operator/criteria", &bad, None).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("Param review_days must be 3 to 14, not 20"), "{}", p.body);
    let mut good = form("7");
    good.push(("csrf", &token));
    let p = op.post("/app/operator/criteria", &good, None).await;
    assert_eq!(p.status, 200);
    let (_, c) = app.get_as("/admin/v1/official_business_accounts/criteria", Some(ADMIN)).await;
    assert_eq!(
        c,
        json!({"two_step_verification": true, "business_verification": true, "display_name_approved": true,
            "min_days_on_platform": 30, "min_supporting_links": 2, "notable_sources": ["reuters.com", "bbc.co.uk"],
            "min_notable_links": 1, "review_days": 7})
    );
    // Both decisions are in the audit log, as the admin API's are (the refused ones are not).
    let (_, log) = app.get_as("/admin/v1/audit", Some(ADMIN)).await;
    let actions: Vec<(&str, &str)> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .filter(|(a, _)| a.starts_with("badge."))
        .collect();
    assert_eq!(actions, [("badge.criteria", "operator"), ("badge.review", "operator")], "{log}");

    // Sign out ends the session on the server, not only in this browser: a copy of the cookie
    // taken before is refused too (another admin token would also end them all).
    let mut copy = Client::new(&app);
    copy.cookie = op.cookie.clone();
    assert_eq!(copy.get("/app/operator/badges").await.status, 200);
    let p = op.post("/app/operator/sign-out", &[("csrf", &token)], None).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/app/operator/sign-in"));
    assert_eq!(op.get("/app/operator/badges").await.status, 303);
    assert_eq!(copy.get("/app/operator/badges").await.status, 303);
    assert_eq!(copy.post("/app/operator/sign-out", &[("csrf", &token)], None).await.status, 401);

    // Wrong tokens from one address are limited (the one above counted): past the limit even
    // the right token waits, told how long.
    for _ in 0..4 {
        assert_eq!(anonymous.post("/app/operator/sign-in", &[("token", "guess")], None).await.status, 401);
    }
    let p = anonymous.post("/app/operator/sign-in", &[("token", ADMIN)], None).await;
    assert_eq!(p.status, 429, "{}", p.body);
    assert!(p.body.contains("Too many"), "{}", p.body);
    app.stop().await;
}
engine_test!(the_operator_console_needs_its_session_and_the_csrf_token, super::walk);
