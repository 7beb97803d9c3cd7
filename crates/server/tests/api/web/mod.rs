//! The web app (`/app/…`): over HTTP (sessions, CSRF, scoping to the business, `GET /`) and in
//! a real browser (signing in in English and Arabic, the rate limit, invitations, roles).

mod accounts;
pub(crate) mod browser;
pub(crate) mod composer;
mod composer_browser;
mod console;
pub(crate) mod inbox;
mod inbox_browser;
mod inbox_messages;
mod inbox_privacy;
pub(crate) mod journey_browser;
mod route_walk;
mod security;
pub(crate) mod steps;

use risala_testkit::{Database, Engine, TestApp, DEMO_OWNER_PASSWORD};

pub const OWNER: &str = "owner@demo.test";

/// A browser-like HTTP client of the web app: keeps the session cookie, sends `Origin` like a
/// browser does, follows no redirects.
pub struct Web {
    pub base: String,
    http: reqwest::Client,
    pub cookie: Option<String>,
    pub lang: &'static str,
}

/// An answer: status, headers, body.
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers.get("location").map(|v| v.to_str().unwrap()).unwrap_or("")
    }

    /// The value of the page's CSRF token (`<meta name="csrf-token">`).
    pub fn csrf(&self) -> String {
        let start = self.body.find(r#"name="csrf-token" content=""#).expect("a csrf meta") + 27;
        self.body[start..start + 64].to_string()
    }
}

impl Web {
    pub fn new(app: &TestApp) -> Web {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Web { base: app.base.clone(), http, cookie: None, lang: "en" }
    }

    /// Signed in as `email`; panics unless it worked.
    pub async fn signed_in(app: &TestApp, email: &str, password: &str) -> Web {
        let mut w = Web::new(app);
        let p = w.post("/app/sign-in", &[("email", email), ("password", password)]).await;
        assert_eq!((p.status, p.location()), (303, "/app/"), "sign in as {email}: {}", p.body);
        w
    }

    pub async fn owner(app: &TestApp) -> Web {
        Web::signed_in(app, OWNER, DEMO_OWNER_PASSWORD).await
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let mut req = req.header("accept-language", self.lang).header("accept", "text/html");
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("risala_session={c}"));
        }
        let resp = req.send().await.unwrap();
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            if let Some(rest) = v.strip_prefix("risala_session=") {
                let token = rest.split(';').next().unwrap();
                self.cookie = (!token.is_empty()).then(|| token.to_string());
            }
        }
        Page { status: resp.status().as_u16(), headers: resp.headers().clone(), body: resp.text().await.unwrap() }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    /// POST a form from this server's own page (`Origin` is the server).
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let origin = self.base.clone();
        self.post_from(path, form, &origin, None).await
    }

    /// POST a form as if from `origin`, with `X-CSRF-Token: csrf_header` when given.
    pub async fn post_from(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        origin: &str,
        csrf_header: Option<&str>,
    ) -> Page {
        let mut req = self.http.post(format!("{}{path}", self.base)).header("origin", origin).form(form);
        if let Some(h) = csrf_header {
            req = req.header("x-csrf-token", h);
        }
        self.send(req).await
    }

    /// The CSRF token of this session, read from the app's first page.
    pub async fn csrf(&mut self) -> String {
        self.get("/app/").await.csrf()
    }
}

/// The link the server last handed to `email` (`purpose`: `invitation`, `password reset`),
/// from the operator's file (`sign_in_code_file`).
pub fn last_link(app: &TestApp, email: &str, purpose: &str) -> String {
    let file = app.config.sign_in_code_file.clone().expect("tests set sign_in_code_file");
    let text = std::fs::read_to_string(file).unwrap();
    let prefix = format!(" {email} {purpose}: ");
    let line =
        text.lines().rev().find(|l| l.contains(&prefix)).unwrap_or_else(|| panic!("no {purpose} link for {email}"));
    line.split(&prefix).nth(1).unwrap().to_string()
}

/// A server on `engine` whose links are written to a file the test reads; keep the database
/// as long as the server.
pub async fn app(engine: Engine) -> (Database, TestApp) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.sign_in_code_file = Some(db.dir.path().join("links.log"));
    let app = TestApp::start_with(config).await.unwrap();
    (db, app)
}
