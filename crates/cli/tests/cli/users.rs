//! The web app's accounts from the command line: the sandbox banner prints the web app's URL
//! and the demo owner's password, and `risala admin users create` makes a business's first
//! owner (the password printed once) who can then sign in.

use risala_testkit::TempDir;
use serde_json::Value;

use crate::support::{admin, Server};

/// POST the sign-in form like a browser: the status and where it redirects.
fn sign_in(base: &str, email: &str, password: &str) -> (u16, String) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let r = client
            .post(format!("{base}/app/sign-in"))
            .header("origin", base)
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap();
        let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
        (r.status().as_u16(), location)
    })
}

#[test]
fn the_banner_names_the_web_app_and_admin_users_create_makes_an_owner() {
    let dir = TempDir::new();
    let server = Server::start(&dir, &[], &[]);
    let base = server.base();
    assert!(server.banner.contains(&format!("Web app: {base}/app/")), "{}", server.banner);
    assert!(server.banner.contains(&format!("Customer web chat: {base}/chat/")), "{}", server.banner);
    assert_eq!(server.field("email"), "owner@demo.test");
    let demo_password = server.field("password");
    assert_eq!(demo_password.len(), 20, "{}", server.banner);
    assert_eq!(sign_in(&base, "owner@demo.test", &demo_password), (303, "/app/".into()));

    let business = server.field("business id");
    let (ok, out, err) = admin(
        &dir,
        &["users", "create", "--business", &business, "--email", "Boss@Shop.example", "--role", "owner", "--json"],
    );
    assert!(ok, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["email"].as_str(), v["role"].as_str()), (Some("boss@shop.example"), Some("owner")));
    let password = v["password"].as_str().unwrap().to_string();
    assert_eq!(sign_in(&base, "boss@shop.example", &password), (303, "/app/".into()));
    assert_eq!(sign_in(&base, "boss@shop.example", "wrong password").0, 401);

    let (ok, out, _) = admin(&dir, &["users", "list", "--business", &business]);
    assert!(ok && out.contains("owner@demo.test") && out.contains("boss@shop.example"), "{out}");
    let (ok, out, err) = admin(&dir, &["users", "create", "--business", &business, "--email", "boss@shop.example"]);
    assert!(!ok && err.contains("already has an account"), "{out}{err}");
    let (ok, _, err) =
        admin(&dir, &["users", "create", "--business", &business, "--email", "x@shop.example", "--role", "boss"]);
    assert!(!ok && err.contains("is not owner, admin or agent"), "{err}");
    let (ok, _, err) = admin(&dir, &["users", "create", "--business", "404", "--email", "x@shop.example"]);
    assert!(!ok && err.contains("no such"), "{err}");
}
