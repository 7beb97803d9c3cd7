//! Message templates: versioned updates with their webhook rows, lookups and pages.

use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;
use serde_json::json;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(template_versions, template_lookups_and_pages, templates_sent);

fn template(id: &str, name: &str, language: &str, category: &str, status: &str) -> Template {
    Template {
        id: id.into(),
        business_id: "b1".into(),
        waba_id: "w1".into(),
        name: name.into(),
        language: language.into(),
        category: TemplateCategory::parse(category).expect("a category"),
        previous_category: None,
        parameter_format: ParameterFormat::Positional,
        components: json!([{"type": "BODY", "text": "Hello {{1}}"}]),
        status: TemplateStatus::parse(status).expect("a template status"),
        rejected_reason: "NONE".into(),
        quality_score: TemplateQuality::Unknown,
        negative_feedback: 0,
        pause_count: 0,
        paused_until: None,
        review_due_at: None,
        message_send_ttl_seconds: None,
        sub_category: None,
        cta_url_link_tracking_opted_out: None,
        library_template_name: None,
        allow_category_change: true,
        last_edited_at: None,
        approved_edits: vec![],
        status_before: None,
        version: 1,
        created_at: T0,
        updated_at: T0,
    }
}

async fn template_versions(db: TestStore) {
    let t = tenant(&db, 1).await;
    let tpl = Template {
        message_send_ttl_seconds: Some(-1),
        sub_category: Some(TemplateSubCategory::OrderStatus),
        cta_url_link_tracking_opted_out: Some(false),
        library_template_name: Some("delivery_update_1".into()),
        ..template("100", "welcome", "en_US", "MARKETING", "PENDING")
    };
    let created = outbox_row(&t, "w1", T0, json!({"event": "PENDING"}));
    db.insert_template(&tpl, std::slice::from_ref(&created)).await.unwrap();
    assert_eq!(db.template("100").await.unwrap(), Some(tpl.clone()));
    assert!(db.object("100").await.unwrap().is_some());

    // One live template per name and language.
    let dup = db.insert_template(&template("101", "welcome", "en_US", "UTILITY", "PENDING"), &[]).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");

    let approved = Template {
        status: TemplateStatus::Approved,
        previous_category: Some(TemplateCategory::Marketing),
        category: TemplateCategory::Utility,
        approved_edits: vec![T0 + 1, T0 + 2],
        message_send_ttl_seconds: Some(600),
        cta_url_link_tracking_opted_out: Some(true),
        paused_until: Some(T0 + 9),
        status_before: Some(TemplateStatus::Paused),
        version: 2,
        updated_at: T0 + 10,
        ..tpl.clone()
    };
    let row = outbox_row(&t, "w1", T0 + 10, json!({"event": "APPROVED"}));
    let update = TemplateUpdate {
        template: &approved,
        expected_version: 1,
        outbox: std::slice::from_ref(&row),
        remove_object: false,
    };
    assert!(db.update_template(&update).await.unwrap());
    assert_eq!(db.template("100").await.unwrap(), Some(approved.clone()));
    // The same update again is made from a version that is gone: nothing is written.
    assert!(!db.update_template(&update).await.unwrap());
    assert_eq!(db.outbox_stats().await.unwrap().pending, 2, "the stale update queued no webhook");

    // Deleting keeps the row (creations are counted) but frees the name and the id.
    let deleted = Template { status: TemplateStatus::Deleted, version: 3, ..approved.clone() };
    let delete = TemplateUpdate { template: &deleted, expected_version: 2, outbox: &[], remove_object: true };
    assert!(db.update_template(&delete).await.unwrap());
    assert!(db.object("100").await.unwrap().is_none());
    assert_eq!(db.template("100").await.unwrap().map(|t| t.status), Some(TemplateStatus::Deleted));
    assert_eq!(db.template_by_name("w1", "welcome", "en_US").await.unwrap(), None);
    db.insert_template(&template("102", "welcome", "en_US", "MARKETING", "PENDING"), &[]).await.unwrap();
    assert_eq!(db.count_templates("w1").await.unwrap(), 1);
    assert_eq!(db.count_created_since("w1", T0 - 1).await.unwrap(), 2, "deleted ones count");
    assert_eq!(db.count_created_since("w1", T0).await.unwrap(), 0);
}

async fn template_lookups_and_pages(db: TestStore) {
    tenant(&db, 1).await;
    let rows = [
        template("201", "alpha", "en_US", "MARKETING", "APPROVED"),
        template("202", "alpha", "ar", "MARKETING", "REJECTED"),
        template("203", "beta", "en_US", "UTILITY", "APPROVED"),
        template("204", "gamma", "en_US", "UTILITY", "PAUSED"),
        template("205", "old", "en_US", "UTILITY", "DELETED"),
    ];
    for r in &rows {
        db.insert_template(r, &[]).await.unwrap();
    }
    assert_eq!(db.template_by_name("w1", "alpha", "ar").await.unwrap().map(|t| t.id), Some("202".into()));
    let named: Vec<_> = db.templates_named("w1", "alpha").await.unwrap().into_iter().map(|t| t.id).collect();
    assert_eq!(named, ["201", "202"]);

    let ids = |p: risala_core::model::Page<Template>| p.items.into_iter().map(|t| t.id).collect::<Vec<_>>();
    let page = |limit, after: Option<&str>, before: Option<&str>| PageRequest {
        limit,
        after: after.map(Into::into),
        before: before.map(Into::into),
    };
    let all = TemplateFilter::default();
    assert_eq!(ids(db.page_templates("w1", &all, &page(10, None, None)).await.unwrap()), ["201", "202", "203", "204"]);
    let first = db.page_templates("w1", &all, &page(2, None, None)).await.unwrap();
    assert!(first.has_more_after);
    assert_eq!(ids(db.page_templates("w1", &all, &page(2, Some("202"), None)).await.unwrap()), ["203", "204"]);
    assert_eq!(ids(db.page_templates("w1", &all, &page(2, None, Some("204"))).await.unwrap()), ["202", "203"]);

    let filtered = |f: TemplateFilter| {
        let db = &db;
        async move { ids(db.page_templates("w1", &f, &page(10, None, None)).await.unwrap()) }
    };
    assert_eq!(filtered(TemplateFilter { name: Some("alpha".into()), ..Default::default() }).await, ["201", "202"]);
    assert_eq!(
        filtered(TemplateFilter { categories: vec![TemplateCategory::Utility], ..Default::default() }).await,
        ["203", "204"]
    );
    assert_eq!(filtered(TemplateFilter { languages: vec!["ar".into()], ..Default::default() }).await, ["202"]);
    // Several languages: any of them, each matched whole.
    let two = TemplateFilter { languages: vec!["ar".into(), "en_US".into()], ..Default::default() };
    assert_eq!(filtered(two).await.len(), 4);
    assert!(filtered(TemplateFilter { languages: vec!["en".into()], ..Default::default() }).await.is_empty());
    let statuses =
        TemplateFilter { statuses: vec![TemplateStatus::Approved, TemplateStatus::Paused], ..Default::default() };
    assert_eq!(filtered(statuses).await, ["201", "203", "204"]);
    // A status is matched whole, not as part of another: PENDING is not PENDING_DELETION.
    db.insert_template(&template("208", "zeta", "en_US", "UTILITY", "PENDING_DELETION"), &[]).await.unwrap();
    let part = TemplateFilter { statuses: vec![TemplateStatus::Pending], ..Default::default() };
    assert!(filtered(part).await.is_empty());
    let whole = TemplateFilter { statuses: vec![TemplateStatus::PendingDeletion], ..Default::default() };
    assert_eq!(filtered(whole).await, ["208"]);

    // Due: a pending review whose time came, a pause that ended.
    let due_review =
        Template { review_due_at: Some(T0 + 50), ..template("206", "delta", "en_US", "UTILITY", "PENDING") };
    let unpause = Template { paused_until: Some(T0 + 60), ..template("207", "eps", "en_US", "UTILITY", "PAUSED") };
    db.insert_template(&due_review, &[]).await.unwrap();
    db.insert_template(&unpause, &[]).await.unwrap();
    let due = |now| db.due_templates(now, 10);
    assert!(due(T0 + 49).await.unwrap().is_empty());
    let ids: Vec<_> = due(T0 + 60).await.unwrap().into_iter().map(|t| t.id).collect();
    assert_eq!(ids, ["206", "207"]);
}

async fn templates_sent(db: TestStore) {
    let t = tenant(&db, 1).await;
    let wa = "31612345678";
    assert_eq!(db.last_template_sent("p1", wa).await.unwrap(), None);
    db.upsert_customer(&customer(wa), false).await.unwrap();
    let m1 = message(&t, wa, 1, Direction::Outbound);
    db.record_template_message(&plain(&m1), "301").await.unwrap();
    record(&db, &message(&t, wa, 2, Direction::Outbound)).await;
    let m3 = message(&t, wa, 3, Direction::Outbound);
    db.record_template_message(&plain(&m3), "302").await.unwrap();
    record(&db, &message(&t, wa, 4, Direction::Inbound)).await;
    assert_eq!(db.last_template_sent("p1", wa).await.unwrap().as_deref(), Some("302"));
    assert_eq!(db.last_template_sent("p1", "other").await.unwrap(), None);
    // A state file carries the messages; the chat's last template is worked out again.
    let file = db.export_state(&[]).await.unwrap();
    db.import_state(&file, &[]).await.unwrap();
    assert_eq!(db.last_template_sent("p1", wa).await.unwrap().as_deref(), Some("302"));
}
