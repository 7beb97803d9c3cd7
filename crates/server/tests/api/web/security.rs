//! What the web app refuses: pages and actions without a session, state changes without the
//! session's CSRF token or from another origin, another business's conversation; and what
//! every answer carries (security headers, error pages with the request id). `GET /` sends
//! browsers to the app and keeps Graph's answer for API clients.

use risala_core::model::{Permission, Role};
use risala_core::tenancy::NewPhoneNumber;
use risala_testkit::{engine_test, text_message, Engine, DEMO_TOKEN};

use super::{app, Web};

#[tokio::test]
async fn a_forged_or_ended_session_is_no_session() {
    // Every route without a session: `route_walk`.
    let (_db, app) = app(Engine::Sqlite).await;
    let mut web = Web::new(&app);
    let p = web.post("/app/labels", &[("csrf", "x"), ("name", "x"), ("colour", "#1f7a5c")]).await;
    assert_eq!(p.status, 401, "{}", p.body);
    assert!(p.body.contains("Sign in first"), "the 401 page: {}", p.body);
    // A forged or ended session is no session.
    web.cookie = Some("forged".into());
    assert_eq!(web.get("/app/").await.status, 303);
    let mut owner = Web::owner(&app).await;
    let token = owner.cookie.clone().unwrap();
    let csrf = owner.csrf().await;
    assert_eq!(owner.post("/app/sign-out", &[("csrf", &csrf)]).await.location(), "/app/sign-in");
    web.cookie = Some(token);
    assert_eq!(web.get("/app/").await.status, 303, "a signed-out session is over");
}

#[tokio::test]
async fn state_changes_need_the_csrf_token_and_the_same_origin() {
    let (_db, app) = app(Engine::Sqlite).await;
    let mut owner = Web::owner(&app).await;
    let csrf = owner.csrf().await;
    let invite = |email: &'static str| [("email", email), ("role", "agent")];
    let p = owner.post("/app/people/invite", &invite("a@shop.example")).await;
    assert_eq!(p.status, 403, "without a token");
    for path in ["/app/labels", "/app/labels/123/delete"] {
        assert_eq!(owner.post(path, &[("name", "x"), ("colour", "#1f7a5c")]).await.status, 403, "{path}");
    }
    assert!(p.body.contains("The request was refused"), "{}", p.body);
    let wrong = "0".repeat(64);
    let p = owner.post("/app/people/invite", &[("email", "a@shop.example"), ("role", "agent"), ("csrf", &wrong)]).await;
    assert_eq!(p.status, 403, "with a wrong token");
    let p = owner
        .post_from(
            "/app/people/invite",
            &[("email", "a@shop.example"), ("role", "agent"), ("csrf", &csrf)],
            "http://evil.example",
            None,
        )
        .await;
    assert_eq!(p.status, 403, "from another origin");
    // Another session's token is a wrong token.
    let mut other = Web::owner(&app).await;
    let other_csrf = other.csrf().await;
    assert_ne!(other_csrf, csrf);
    let p = owner
        .post("/app/people/invite", &[("email", "a@shop.example"), ("role", "agent"), ("csrf", &other_csrf)])
        .await;
    assert_eq!(p.status, 403, "with another session's token");
    assert!(app.state.accounts.people(&owner_user(&app).await).await.unwrap().1.is_empty(), "nothing was invited");

    let p = owner.post("/app/people/invite", &[("email", "a@shop.example"), ("role", "agent"), ("csrf", &csrf)]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Invitation sent to a@shop.example"), "{}", p.body);
    // Signing in needs no session but the same origin.
    let mut web = Web::new(&app);
    let creds = [("email", super::OWNER), ("password", risala_testkit::DEMO_OWNER_PASSWORD)];
    assert_eq!(web.post_from("/app/sign-in", &creds, "http://evil.example", None).await.status, 403);
    // A script sends the token in X-CSRF-Token and gets a status back.
    let agent = app
        .state
        .accounts
        .create_user(&app.demo.ids.business_id, "agent@shop.example", "Agent", "agent-password-1", Role::Agent)
        .await
        .unwrap();
    let path = format!("/app/people/{}/role", agent.id);
    let base = app.base.clone();
    let p = owner.post_from(&path, &[("role", "admin")], &base, Some(&wrong)).await;
    assert_eq!(p.status, 403);
    let p = owner.post_from(&path, &[("role", "admin")], &base, Some(&csrf)).await;
    assert_eq!(p.status, 204, "{}", p.body);
    assert_eq!(app.state.store.user(&agent.id).await.unwrap().unwrap().role, Role::Admin);
}

async fn owner_user(app: &risala_testkit::TestApp) -> risala_core::model::User {
    app.state.store.user_by_email(super::OWNER).await.unwrap().unwrap()
}

engine_test!(another_business_conversation_is_not_found, super::another_business);

/// Business B has a conversation; A's owner asking for it by id gets 404 and none of its data,
/// B's owner gets it.
async fn another_business(engine: Engine) {
    let (_db, app) = app(engine).await;
    let tenancy = &app.state.tenancy;
    let b = tenancy.create_business("Other Shop").await.unwrap();
    let waba = tenancy.create_waba(&b.id, "Other WABA").await.unwrap();
    let phone = tenancy
        .create_phone_number(NewPhoneNumber {
            waba_id: &waba.id,
            number: "15550109999",
            verified_name: "Other",
            account_mode: "SANDBOX",
        })
        .await
        .unwrap();
    let (_, token) = tenancy.create_token(&b.id, "b", &Permission::ALL, None).await.unwrap();
    let (s, v) = app
        .post_as(&format!("/v23.0/{}/messages", phone.id), &text_message("15550002222", "secret of B"), Some(&token))
        .await;
    assert_eq!(s, 200, "{v}");
    app.state.accounts.create_user(&b.id, "owner@b.example", "Owner B", "owner-b-password", Role::Owner).await.unwrap();

    let path = format!("/app/chats/{}/15550002222", phone.id);
    let mut a = Web::owner(&app).await;
    let p = a.get(&path).await;
    assert_eq!(p.status, 404);
    assert!(p.body.contains("Page not found") && !p.body.contains("secret of B"), "{}", p.body);
    let home = a.get("/app/").await;
    assert!(!home.body.contains("15550002222") && !home.body.contains("Other"), "A's list shows none of B");

    let mut b_owner = Web::signed_in(&app, "owner@b.example", "owner-b-password").await;
    let p = b_owner.get(&path).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("secret of B"));
    assert!(b_owner.get("/app/").await.body.contains(&path), "B's list links the chat");
    // Nothing of B's conversation is A's to change, nor B's labels.
    let csrf = a.csrf().await;
    let b_user = app.state.store.user_by_email("owner@b.example").await.unwrap().unwrap();
    let label = app.state.inbox.create_label(&b_user, "B only", "#1f7a5c").await.unwrap();
    for (action, form) in [
        ("assign", vec![("assignee", b_user.id.as_str())]),
        ("take", vec![]),
        ("close", vec![]),
        ("reopen", vec![]),
        ("notes", vec![("body", "from A")]),
        ("labels", vec![("label", label.id.as_str()), ("on", "1")]),
        ("presence", vec![("state", "viewing")]),
    ] {
        let mut form = form;
        form.push(("csrf", csrf.as_str()));
        assert_eq!(a.post(&format!("{path}/{action}"), &form).await.status, 404, "{action}");
    }
    assert_eq!(a.post(&format!("/app/labels/{}/delete", label.id), &[("csrf", &csrf)]).await.status, 404);
    assert!(!a.get("/app/labels").await.body.contains("B only"));
    let row = app.state.store.chat_row(&phone.id, "15550002222").await.unwrap().unwrap();
    assert!(row.assignee_id.is_none() && row.closed_at.is_none() && row.label_ids.is_empty());
    assert!(app.state.store.notes(&phone.id, "15550002222").await.unwrap().is_empty());
    // B's people are not A's to manage either.
    let p = a.post(&format!("/app/people/{}/disable", b_user.id), &[("csrf", &csrf)]).await;
    assert_eq!(p.status, 404);
    assert!(app.state.store.user(&b_user.id).await.unwrap().unwrap().disabled_at.is_none());
}

#[tokio::test]
async fn root_sends_browsers_to_the_app_and_api_clients_get_graph() {
    let (_db, app) = app(Engine::Sqlite).await;
    let mut web = Web::new(&app);
    let p = web.get("/").await;
    assert_eq!((p.status, p.location()), (303, "/app/"));
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for req in [
        http.get(app.url("/")).header("authorization", format!("Bearer {DEMO_TOKEN}")).header("accept", "text/html"),
        http.get(app.url("/")).header("accept", "application/json"),
        http.get(app.url("/")),
        http.post(app.url("/")).header("accept", "text/html"),
    ] {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 400);
        let v: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["code"], 100, "{v}");
    }
}

#[tokio::test]
async fn pages_carry_security_headers_and_errors_render_a_page() {
    let (_db, app) = app(Engine::Sqlite).await;
    let mut web = Web::new(&app);
    let p = web.get("/app/sign-in").await;
    assert_eq!(p.status, 200);
    let csp = p.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(p.headers["x-content-type-options"], "nosniff");
    assert_eq!(p.headers["referrer-policy"], "same-origin");
    assert!(!p.body.contains("<script>") && !p.body.contains(" style="), "no inline script or style");
    // An icon of nothing: the browser asks for no /favicon.ico (which would be an error).
    assert!(p.body.contains(r#"<link rel="icon" href="data:,">"#), "{}", p.body);
    let p = web.get("/app/no-such-page").await;
    assert_eq!(p.status, 404);
    assert!(p.body.contains("Page not found") && p.headers.contains_key("content-security-policy"));
    // Assets: under a content-hashed name, cached for a year; an old name is gone.
    let css = p.body.split("href=\"/app/assets/").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(css.starts_with("app.") && css.ends_with(".css") && css.len() == "app..css".len() + 12, "{css}");
    let a = web.get(&format!("/app/assets/{css}")).await;
    assert_eq!(a.status, 200);
    assert!(a.headers["cache-control"].to_str().unwrap().contains("immutable"));
    assert!(a.body.contains(":focus-visible"));
    assert_eq!(web.get("/app/assets/app.000000000000.css").await.status, 404);
    // The language switch keeps a cookie and goes back only within the app.
    let p = web.get("/app/lang/ar?back=/app/reset").await;
    assert_eq!((p.status, p.location()), (303, "/app/reset"));
    assert!(p.headers["set-cookie"].to_str().unwrap().starts_with("risala_lang=ar;"));
    assert_eq!(web.get("/app/lang/ar?back=//evil.example/").await.location(), "/app/");
    // A path no `Location` header can carry goes home too, never a 500.
    for back in ["/app/%0Ax", "/app/%D9%85", "/app/%7F"] {
        let p = web.get(&format!("/app/lang/en?back={back}")).await;
        assert_eq!((p.status, p.location()), (303, "/app/"), "{back}");
    }
}

/// A failure inside the store renders the 500 page with the request id (the response's
/// `x-fb-trace-id`), not the cause, which the log gets once under that id.
#[tokio::test]
async fn a_server_error_renders_a_page_with_the_request_id() {
    crate::log_capture::captured();
    let (_db, app) = app(Engine::Sqlite).await;
    let mut owner = Web::owner(&app).await;
    let store = risala_server::open_store(&app.config).await.unwrap();
    let plan = risala_store::db::Plan::one("ALTER TABLE conversations RENAME TO conversations_gone", vec![]);
    store.db().write(plan).await.unwrap();
    let p = owner.get("/app/").await;
    assert_eq!(p.status, 500);
    let trace = p.headers["x-fb-trace-id"].to_str().unwrap().to_string();
    assert!(p.body.contains("Something went wrong") && p.body.contains(&format!("<code>{trace}</code>")), "{}", p.body);
    assert!(!p.body.contains("conversations"), "the cause stays in the log: {}", p.body);
    assert!(p.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let lines: Vec<String> =
        crate::log_capture::lines_with(&trace).into_iter().filter(|l| l.contains("cause=")).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("conversations"), "{}", lines[0]);
}
