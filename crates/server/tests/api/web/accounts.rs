//! Accounts over HTTP: the session cookie, password reset by a one-time link, signing out
//! everywhere, and who may manage whom.

use risala_core::model::Role;
use risala_testkit::{engine_test, Engine, DEMO_OWNER_PASSWORD};

use super::{app, last_link, Web, OWNER};

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_secure_over_https() {
    let (_db, app) = app(Engine::Sqlite).await;
    let mut web = Web::new(&app);
    let p = web.post("/app/sign-in", &[("email", "Owner@Demo.test "), ("password", DEMO_OWNER_PASSWORD)]).await;
    assert_eq!(p.status, 303);
    let cookie = p.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; HttpOnly; SameSite=Lax; Path=/app;") && !cookie.contains("Secure"), "{cookie}");
    assert_eq!(web.get("/app/").await.status, 200);

    let db = risala_testkit::Database::fresh(Engine::Sqlite).await.unwrap();
    let mut config = db.config();
    config.public_url = Some("https://risala.example".into());
    let https = risala_testkit::TestApp::start_with(config).await.unwrap();
    let p = Web::new(&https).post("/app/sign-in", &[("email", OWNER), ("password", DEMO_OWNER_PASSWORD)]).await;
    assert!(p.headers["set-cookie"].to_str().unwrap().ends_with("; Secure"));
}

engine_test!(password_reset_by_one_time_link, super::password_reset);

async fn password_reset(engine: Engine) {
    let (_db, app) = app(engine).await;
    let mut old = Web::owner(&app).await;
    let mut web = Web::new(&app);
    let p = web.post("/app/reset", &[("email", "nobody@demo.test")]).await;
    assert!(p.body.contains("If this email has an account"));
    let p = web.post("/app/reset", &[("email", OWNER)]).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("If this email has an account"), "the same answer either way");
    let link = last_link(&app, OWNER, "password reset");
    let path = link.strip_prefix(&app.base).expect("the link names the host the browser used").to_string();
    assert!(path.starts_with("/app/reset/"), "{link}");
    assert!(!std::fs::read_to_string(app.config.sign_in_code_file.clone().unwrap()).unwrap().contains("nobody@"));

    assert_eq!(web.get(&path).await.status, 200);
    let p = web.post(&path, &[("password", "short")]).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("10 to 256 characters"));
    let p = web.post(&path, &[("password", "a brand new password")]).await;
    assert_eq!((p.status, p.location()), (303, "/app/sign-in?done=password"));
    assert!(web.get("/app/sign-in?done=password").await.body.contains("Your password is set"));
    assert_eq!(old.get("/app/").await.status, 303, "the reset ended the old sessions");
    assert_eq!(web.get(&path).await.status, 404, "the link works once");
    assert_eq!(web.post(&path, &[("password", "another new password")]).await.status, 404);
    assert_eq!(
        Web::new(&app).post("/app/sign-in", &[("email", OWNER), ("password", DEMO_OWNER_PASSWORD)]).await.status,
        401
    );
    Web::signed_in(&app, OWNER, "a brand new password").await;
    // An expired link is refused too.
    web.post("/app/reset", &[("email", OWNER)]).await;
    let path = last_link(&app, OWNER, "password reset").strip_prefix(&app.base).unwrap().to_string();
    app.advance_clock("61m").await;
    assert_eq!(web.get(&path).await.status, 404);
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session() {
    let (_db, app) = app(Engine::Sqlite).await;
    let mut phone = Web::owner(&app).await;
    let mut laptop = Web::owner(&app).await;
    let csrf = laptop.csrf().await;
    let p = laptop.post("/app/sign-out-everywhere", &[("csrf", &csrf)]).await;
    assert_eq!((p.status, p.location()), (303, "/app/sign-in"));
    assert!(p.headers["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(phone.get("/app/").await.status, 303);
}

#[tokio::test]
async fn roles_decide_who_manages_whom() {
    let (_db, app) = app(Engine::Sqlite).await;
    let accounts = &app.state.accounts;
    let biz = app.demo.ids.business_id.clone();
    let admin = accounts.create_user(&biz, "admin@demo.test", "Admin", "admin-password-1", Role::Admin).await.unwrap();
    let agent = accounts.create_user(&biz, "agent@demo.test", "Agent", "agent-password-1", Role::Agent).await.unwrap();
    let owner = app.state.store.user_by_email(OWNER).await.unwrap().unwrap();

    let mut agent_web = Web::signed_in(&app, "agent@demo.test", "agent-password-1").await;
    let p = agent_web.get("/app/people").await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("Your role does not allow this page"));
    assert!(!agent_web.get("/app/").await.body.contains("/app/people"), "no People link for agents");

    let mut admin_web = Web::signed_in(&app, "admin@demo.test", "admin-password-1").await;
    let csrf = admin_web.csrf().await;
    assert_eq!(admin_web.get("/app/people").await.status, 200);
    let p = admin_web.post(&format!("/app/people/{}/disable", owner.id), &[("csrf", &csrf)]).await;
    assert_eq!(p.status, 403, "an admin cannot disable an owner");
    let p =
        admin_web.post("/app/people/invite", &[("email", "new@demo.test"), ("role", "owner"), ("csrf", &csrf)]).await;
    assert_eq!(p.status, 400, "nor invite one");
    assert!(p.body.contains("Your role does not allow this"));
    let p = admin_web.post(&format!("/app/people/{}/role", admin.id), &[("role", "agent"), ("csrf", &csrf)]).await;
    assert_eq!(p.status, 403, "nor change their own role");

    // Disabling signs the person out everywhere and keeps them out.
    let p = admin_web.post(&format!("/app/people/{}/disable", agent.id), &[("csrf", &csrf)]).await;
    assert_eq!((p.status, p.location()), (303, "/app/people"));
    assert_eq!(agent_web.get("/app/").await.status, 303);
    let p =
        Web::new(&app).post("/app/sign-in", &[("email", "agent@demo.test"), ("password", "agent-password-1")]).await;
    assert_eq!(p.status, 401);
    assert!(p.body.contains("This account is disabled"));
    admin_web.post(&format!("/app/people/{}/enable", agent.id), &[("csrf", &csrf)]).await;
    Web::signed_in(&app, "agent@demo.test", "agent-password-1").await;

    // The last owner stays an owner.
    let mut owner_web = Web::owner(&app).await;
    let csrf = owner_web.csrf().await;
    let p = owner_web.post(&format!("/app/people/{}/role", owner.id), &[("role", "agent"), ("csrf", &csrf)]).await;
    assert_eq!(p.status, 403);
    assert_eq!(app.state.store.user(&owner.id).await.unwrap().unwrap().role, Role::Owner);

    // What owners and admins changed is in the audit log, under `user:<id>`, ids only; refused
    // attempts are not.
    let filter = risala_core::model::AuditFilter {
        business_id: Some(biz.clone()),
        actor: Some(format!("user:{}", admin.id)),
        action: None,
        since: None,
        before_id: None,
        limit: 100,
    };
    let entries = app.state.audit.list(&filter).await.unwrap();
    let actions: Vec<_> = entries.iter().map(|e| (e.action.as_str(), e.target.as_str())).collect();
    assert_eq!(actions, [("user.enable", agent.id.as_str()), ("user.disable", agent.id.as_str())], "{entries:?}");
}
