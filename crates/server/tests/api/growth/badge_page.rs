//! The console's verified-badge page over HTTP: owners and admins only; each number's state and
//! the prerequisites in plain words (two-step verification off, too few days on the platform);
//! a request refused with the API's reason and the form kept; a request sent through the same
//! service as `POST /{phone-number-id}/official_business_account` (the Graph read says PENDING),
//! recorded in the audit log as the person; the rejection's reasons and the date a new request
//! is possible; and the page in Arabic.

use risala_core::model::Role;
use risala_testkit::{engine_test, Database, Engine};
use serde_json::json;

use super::badge::{eligible, start, ADMIN};
use crate::web::Web;

const PAGE: &str = "/app/console/badge";

async fn page(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, 5).await;
    let id = app.phone_number_id().to_string();
    let action = format!("{PAGE}/{id}");

    // An agent gets no badge page and cannot ask.
    let biz = app.demo.ids.business_id.clone();
    app.state.accounts.create_user(&biz, "agent@demo.test", "Agent", "agent-password-0123", Role::Agent).await.unwrap();
    let mut agent = Web::signed_in(&app, "agent@demo.test", "agent-password-0123").await;
    assert_eq!(agent.get(PAGE).await.status, 403);
    let token = agent.csrf().await;
    assert_eq!(agent.post(&action, &[("csrf", &token), ("business_website_url", "https://a.com")]).await.status, 403);

    // The owner sees the number not requested, and what it lacks, in plain words.
    let mut owner = Web::owner(&app).await;
    let csrf = owner.csrf().await;
    let p = owner.get(PAGE).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains(&format!(r#"href="{PAGE}""#)), "a console tab: {}", p.body);
    for want in [
        "Not requested",
        "Two-step verification is off. Set a six-digit PIN",
        "The business is not verified yet",
        "The number has been on the platform only 0 days; it needs 30.",
        "This number cannot ask for the badge yet",
        r#"name="business_website_url""#,
    ] {
        assert!(p.body.contains(want), "{want} not on the page: {}", p.body);
    }

    // Asked for too early: refused with the API's reason, the form kept as typed; nothing stored.
    let form = |website: &'static str| {
        vec![
            ("business_website_url", website),
            ("primary_country_of_operation", "Jordan"),
            ("primary_language", "Arabic"),
            ("parent_business_or_brand", ""),
            ("supporting_links", "https://en.wikipedia.org/wiki/Risala_Repairs\r\nhttps://www.reuters.com/risala"),
            ("additional_supporting_information", "Featured on Roya TV"),
        ]
    };
    let with_csrf = |f: Vec<(&'static str, &'static str)>| {
        let mut f: Vec<(&str, &str)> = f;
        f.push(("csrf", csrf.as_str()));
        f
    };
    let p = owner.post(&action, &with_csrf(form("https://risala.example"))).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(
        p.body.contains("The request was not sent:")
            && p.body.contains("does not meet the criterion two_step_verification: two-step verification is off")
            && p.body.contains("Featured on Roya TV"),
        "{}",
        p.body
    );
    let (_, v) = app.get(&format!("/v23.0/{id}/official_business_account")).await;
    assert_eq!(v["oba_status"], "NOT_STARTED", "{v}");

    // Made eligible: every requirement done.
    eligible(&app).await;
    // A session lasts 14 days on the clock: sign in again.
    let mut owner = Web::owner(&app).await;
    let csrf = owner.csrf().await;
    let with_csrf = |f: Vec<(&'static str, &'static str)>| {
        let mut f: Vec<(&str, &str)> = f;
        f.push(("csrf", csrf.as_str()));
        f
    };
    let p = owner.get(PAGE).await;
    for want in [
        "Two-step verification is on.",
        "The business is verified.",
        "The number has been on the platform 31 days (at least 30 needed).",
        "This number meets every requirement",
    ] {
        assert!(p.body.contains(want), "{want} not on the page: {}", p.body);
    }
    assert!(!p.body.contains("Missing"), "{}", p.body);

    // A malformed field: the API's reason, naming it.
    let p = owner.post(&action, &with_csrf(form("risala.example"))).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("Param business_website_url must be an http:// or https:// URL"), "{}", p.body);

    // Sent: the page and the Graph read say it is under review; the audit log names the owner.
    let p = owner.post(&action, &with_csrf(form("https://risala.example"))).await;
    assert_eq!((p.status, p.location()), (303, format!("{PAGE}?number={id}&sent=1").as_str()), "{}", p.body);
    let p = owner.get(&format!("{PAGE}?number={id}&sent=1")).await;
    assert!(p.body.contains("Your request was sent") && p.body.contains("Under review"), "{}", p.body);
    assert!(p.body.contains("The review ends by"), "{}", p.body);
    assert!(!p.body.contains(r#"id="badge-form""#), "no second request while one is pending: {}", p.body);
    let (_, v) = app.get(&format!("/v23.0/{id}/official_business_account")).await;
    assert_eq!(v["oba_status"], "PENDING", "{v}");
    let (_, queue) = app.get_as("/admin/v1/official_business_accounts?status=PENDING", Some(ADMIN)).await;
    assert_eq!(
        queue["data"][0]["evidence"]["supporting_links"],
        json!(["https://en.wikipedia.org/wiki/Risala_Repairs", "https://www.reuters.com/risala"]),
        "{queue}"
    );
    let (_, log) = app.get_as("/admin/v1/audit?action=badge.request", Some(ADMIN)).await;
    let entry = &log["data"][0];
    assert!(entry["actor"].as_str().unwrap_or("").starts_with("user:"), "{log}");
    assert_eq!(entry["target"], json!(id), "{log}");

    // Rejected by the operator: the reasons, and the date a new request is possible.
    let (s, v) = app
        .post_as(
            &format!("/admin/v1/phone_numbers/{id}/official_business_account/review"),
            &json!({"decision": "REJECTED", "reasons": ["The brand is not notable enough yet"]}),
            Some(ADMIN),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let p = owner.get(PAGE).await;
    for want in ["Not approved", "The brand is not notable enough yet", "You can send a new request from"] {
        assert!(p.body.contains(want), "{want} not on the page: {}", p.body);
    }
    assert!(!p.body.contains(r#"id="badge-form""#), "{}", p.body);

    // In Arabic.
    owner.lang = "ar";
    let p = owner.get(PAGE).await;
    for want in ["شارة التوثيق", "لم تُقبل", "يمكنك إرسال طلب جديد ابتداءً من"]
    {
        assert!(p.body.contains(want), "{want} not on the page: {}", p.body);
    }
    app.stop().await;
}

engine_test!(the_badge_page_shows_the_state_and_sends_the_request, super::page);
