//! The steps the browser tests share: signing in, and waiting for a condition of the page
//! rather than for a fixed time (the host may be busy: every wait allows [`PATIENCE`]).

use std::time::{Duration, Instant};

use risala_testkit::browser::Session;
use risala_testkit::TestApp;
use serde_json::json;

/// How long a condition may take to hold on a loaded host before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Wait until the script `check` (a function body) returns `true`; `what` names it when it
/// never does.
pub async fn wait_for(s: &Session, what: &str, check: &str) {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if s.eval(check, json!([])).await.as_bool() == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: not within {PATIENCE:?}; the page at {} says {}", s.url().await, s.text().await);
}

/// Wait until the browser is at a URL ending with `suffix`.
pub async fn wait_url(s: &Session, suffix: &str) {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if s.url().await.ends_with(suffix) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the browser is at {}, not …{suffix}", s.url().await);
}

/// Wait until the text of the element `css` contains `want`.
pub async fn wait_text_in(s: &Session, css: &str, want: &str) {
    let check =
        format!("var e = document.querySelector({}); return !!e && e.innerText.includes({});", json!(css), json!(want));
    wait_for(s, &format!("{want:?} in {css}"), &check).await;
}

/// Wait until the page listens to the server's events (`/app/events`).
pub async fn live(s: &Session) {
    wait_for(s, "listening to /app/events", "return !!document.querySelector('.inbox[data-live-connected]')").await;
}

/// Click `css` (a form's submit button) and wait until the page it leads to has loaded.
pub async fn submit(s: &Session, css: &str) {
    s.eval("window.__stale = true", json!([])).await;
    s.find(css).await.click().await;
    wait_for(s, &format!("the page after {css}"), "return !window.__stale && document.readyState === 'complete'").await;
}

/// Open `path` of the app and wait until the page has loaded (and, for an inbox page, listens).
pub async fn open(app: &TestApp, s: &Session, path: &str) {
    s.goto(&app.url(path)).await;
    wait_for(s, &format!("{path} loaded"), "return document.readyState === 'complete'").await;
    if s.count(".inbox[data-events]").await == 1 {
        live(s).await;
    }
}

/// Sign in as `email` from the sign-in form and wait for the inbox.
pub async fn sign_in(app: &TestApp, s: &Session, email: &str, password: &str) {
    s.goto(&app.url("/app/sign-in")).await;
    s.fill("email", email).await;
    s.fill("password", password).await;
    s.find("form button[type=submit]").await.click().await;
    wait_url(s, "/app/").await;
}
