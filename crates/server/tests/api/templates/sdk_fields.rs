//! What maintained SDKs read and write on templates, on SQLite and PostgreSQL: pywa's exact
//! `fields=` and `summary=` lists, fields a template may lack (left out, not an error),
//! `message_send_ttl_seconds` per category on create and edit, `sub_category`,
//! `cta_url_link_tracking_opted_out`, unknown keys, and the content and quality filters.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{create, create_ok, path, simple, utility};

/// What pywa 4.5.0's `get_templates` asks for.
const PYWA_FIELDS: &str = "id,name,language,category,status,components,parameter_format,message_send_ttl_seconds,\
correct_category,previous_category,rejected_reason,library_template_name,quality_score,\
cta_url_link_tracking_opted_out,sub_category,degrees_of_freedom_spec";
const PYWA_SUMMARY: &str = "total_count,message_template_count,message_template_limit,are_translations_complete";

fn auth(name: &str) -> Value {
    simple(
        name,
        "AUTHENTICATION",
        json!([{"type": "BODY", "add_security_recommendation": true},
               {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]}]),
    )
}

fn marketing(name: &str) -> Value {
    json!({"name": name, "language": "en_US", "category": "MARKETING",
           "components": [{"type": "BODY", "text": "Big sale for you, {{1}}: everything half price this week.", "example": {"body_text": [["Ann"]]}}]})
}

/// `GET /{waba-id}/message_templates` with a query; asserts 200.
async fn list(app: &TestApp, query: &str) -> Value {
    let (s, v) = app.get(&format!("{}?{query}", path(app))).await;
    assert_eq!(s, 200, "{query}: {v}");
    v
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> =
        v["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect();
    n.sort();
    n
}

async fn pywa_field_and_summary_lists(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let mut with = utility("order_update", "Hello {{1}}, your order is ready for pickup at the store.");
    with["message_send_ttl_seconds"] = json!(3600);
    with["sub_category"] = json!("ORDER_STATUS");
    with["cta_url_link_tracking_opted_out"] = json!(true);
    let with_id = create_ok(&app, with).await["id"].as_str().unwrap().to_string();
    create_ok(&app, utility("plain_update", "Hello {{1}}, your appointment is confirmed for tomorrow.")).await;

    let v = list(&app, &format!("fields={PYWA_FIELDS}&summary={PYWA_SUMMARY}&limit=10")).await;
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), 3, "{v}");
    let t = data.iter().find(|t| t["id"] == with_id.as_str()).unwrap();
    assert_eq!(t["message_send_ttl_seconds"], 3600, "{t}");
    assert_eq!(t["sub_category"], "ORDER_STATUS", "{t}");
    assert_eq!(t["cta_url_link_tracking_opted_out"], true, "{t}");
    assert_eq!((t["parameter_format"].as_str(), t["rejected_reason"].as_str()), (Some("POSITIONAL"), Some("NONE")));
    let plain = data.iter().find(|t| t["name"] == "plain_update").unwrap();
    for absent in [
        "message_send_ttl_seconds",
        "sub_category",
        "cta_url_link_tracking_opted_out",
        "correct_category",
        "library_template_name",
        "degrees_of_freedom_spec",
        "previous_category",
    ] {
        assert!(plain.get(absent).is_none(), "{absent} has no value: left out: {plain}");
    }
    assert_eq!(
        v["summary"],
        json!({"total_count": 3, "message_template_count": 3, "message_template_limit": 250, "are_translations_complete": true})
    );

    // The same fields on one template, both ways of reading it.
    let (s, one) = app.get(&format!("/v23.0/{with_id}?fields={PYWA_FIELDS}")).await;
    assert_eq!((s, &one["message_send_ttl_seconds"]), (200, &json!(3600)), "{one}");
    let (s, one) = app.get(&format!("{}/{with_id}?fields={PYWA_FIELDS}", path(&app))).await;
    assert_eq!((s, &one["sub_category"]), (200, &json!("ORDER_STATUS")), "{one}");

    // A field no template has is still Graph's 100.
    let r = app.get(&format!("{}?fields=id,name,no_such_field", path(&app))).await;
    let e = assert_graph_error(&r, 400, 100);
    assert!(e["message"].as_str().unwrap().contains("nonexisting field (no_such_field)"), "{e}");

    // One name in a second language: every other name now lacks a translation.
    let mut es = utility("order_update", "Hola {{1}}, tu pedido está listo para recoger en la tienda.");
    es["language"] = json!("es");
    create_ok(&app, es).await;
    let v = list(&app, "summary=are_translations_complete,total_count&language=es").await;
    assert_eq!(v["summary"], json!({"total_count": 1, "are_translations_complete": false}));
}
engine_test!(pywa_field_and_summary_lists_answer_with_values, super::pywa_field_and_summary_lists);

async fn ttl_rules(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let with_ttl = |mut t: Value, ttl: Value| {
        t["message_send_ttl_seconds"] = ttl;
        t
    };
    let mut n = 0;
    let mut name = || {
        n += 1;
        format!("ttl_{n}")
    };
    let accepted = [
        (auth(&name()), json!(30)),
        (auth(&name()), json!(900)),
        (auth(&name()), json!(-1)),
        (utility(&name(), "Hello {{1}}, your parcel left our warehouse this morning."), json!(43200)),
        (utility(&name(), "Hello {{1}}, your parcel left our warehouse this morning."), json!(-1)),
        (utility(&name(), "Hello {{1}}, your parcel left our warehouse this morning."), json!("120")),
        (marketing(&name()), json!(43200)),
        (marketing(&name()), json!(2592000)),
    ];
    for (t, ttl) in accepted {
        let id = create_ok(&app, with_ttl(t, ttl.clone())).await["id"].as_str().unwrap().to_string();
        let (s, v) = app.get(&format!("/v23.0/{id}?fields=message_send_ttl_seconds")).await;
        let want = ttl.as_i64().or_else(|| ttl.as_str().and_then(|s| s.parse().ok())).unwrap();
        assert_eq!((s, v["message_send_ttl_seconds"].as_i64()), (200, Some(want)), "{ttl}: {v}");
    }
    let refused = [
        (auth(&name()), json!(29), "30 to 900"),
        (auth(&name()), json!(901), "30 to 900"),
        (utility(&name(), "Hello {{1}}, your parcel left."), json!(43201), "30 to 43200"),
        (utility(&name(), "Hello {{1}}, your parcel left."), json!(0), "30 to 43200"),
        (marketing(&name()), json!(43199), "43200 to 2592000"),
        (marketing(&name()), json!(2592001), "43200 to 2592000"),
        (marketing(&name()), json!(-1), "43200 to 2592000"),
        (auth(&name()), json!(60.5), "whole number"),
        (auth(&name()), json!("soon"), "whole number"),
        (auth(&name()), json!(true), "whole number"),
    ];
    for (t, ttl, details) in refused {
        let r = create(&app, &with_ttl(t, ttl.clone())).await;
        let e = assert_graph_error(&r, 400, 100);
        let got = e["error_data"]["details"].as_str().unwrap();
        assert!(got.contains("message_send_ttl_seconds") && got.contains(details), "{ttl}: {e}");
    }

    // Edit: the TTL alone changes at once, without a new review; it must fit the category.
    let id = create_ok(&app, auth("login_ttl")).await["id"].as_str().unwrap().to_string();
    let (s, v) = app.post(&format!("/v23.0/{id}"), &json!({"message_send_ttl_seconds": 120})).await;
    assert_eq!((s, &v), (200, &json!({"success": true})));
    let (_, v) = app.get(&format!("/v23.0/{id}?fields=status,message_send_ttl_seconds")).await;
    assert_eq!((v["status"].as_str(), v["message_send_ttl_seconds"].as_i64()), (Some("APPROVED"), Some(120)), "{v}");
    let r = app.post(&format!("/v23.0/{id}"), &json!({"message_send_ttl_seconds": 3600})).await;
    assert!(assert_graph_error(&r, 400, 100)["error_data"]["details"].as_str().unwrap().contains("30 to 900"));
    let (s, v) = app.post(&format!("/v23.0/{id}"), &json!({"cta_url_link_tracking_opted_out": true})).await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = app.get(&format!("/v23.0/{id}?fields=cta_url_link_tracking_opted_out,message_send_ttl_seconds")).await;
    assert_eq!(v, json!({"id": id, "cta_url_link_tracking_opted_out": true, "message_send_ttl_seconds": 120}));
    let r = app.post(&format!("/v23.0/{id}"), &json!({"colour": "blue"})).await;
    assert!(assert_graph_error(&r, 400, 100)["error_data"]["details"].as_str().unwrap().contains("\"colour\""));
}
engine_test!(message_send_ttl_seconds_is_validated_per_category, super::ttl_rules);

async fn create_keys(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let cases = [
        ("product_set_id", json!("123"), "\"product_set_id\""),
        ("colour", json!("blue"), "\"colour\""),
        ("sub_category", json!("BIRTHDAY"), "'BIRTHDAY' is not one of ORDER_DETAILS, ORDER_STATUS"),
        ("cta_url_link_tracking_opted_out", json!("maybe"), "must be a boolean"),
    ];
    for (key, value, details) in cases {
        let mut t = utility("keys", "Hello {{1}}, your parcel left our warehouse this morning.");
        t[key] = value;
        let r = create(&app, &t).await;
        let e = assert_graph_error(&r, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(details), "{key}: {e}");
    }
    let mut t = marketing("promo_sub");
    t["sub_category"] = json!("ORDER_DETAILS");
    let e = assert_graph_error(&create(&app, &t).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("UTILITY"), "{e}");
    let mut t = utility("details_sub", "Hello {{1}}, here are the details of your order today.");
    t["sub_category"] = json!("order_details");
    let id = create_ok(&app, t).await["id"].as_str().unwrap().to_string();
    let (_, v) = app.get(&format!("/v23.0/{id}?fields=sub_category")).await;
    assert_eq!(v["sub_category"], "ORDER_DETAILS");
}
engine_test!(create_refuses_unknown_keys_and_checks_sub_category, super::create_keys);

async fn filters(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    create_ok(&app, utility("parcel_left", "Hello {{1}}, your PARCEL left our warehouse this morning.")).await;
    create_ok(&app, utility("invoice_ready", "Hello {{1}}, the invoice for your parcel is ready to pay.")).await;
    create_ok(&app, utility("visit_reminder", "Hello {{1}}, we look forward to your visit tomorrow.")).await;

    // content: the body text, any case; not the name.
    let v = list(&app, "content=Parcel&summary=total_count").await;
    assert_eq!(
        (names(&v), &v["summary"]["total_count"]),
        (vec!["invoice_ready".into(), "parcel_left".into()], &json!(2))
    );
    assert_eq!(names(&list(&app, "content=visit_reminder").await), Vec::<String>::new());
    // name_or_content: either.
    let v = list(&app, "name_or_content=VISIT").await;
    assert_eq!(names(&v), ["visit_reminder"]);
    let v = list(&app, "name_or_content=invoice").await;
    assert_eq!(names(&v), ["invoice_ready"]);
    // With other filters and paging.
    let v = list(&app, "content=parcel&name=parcel_left").await;
    assert_eq!(names(&v), ["parcel_left"]);
    // Paged: "hello" is in all four bodies (the seeded hello_world's too).
    let first = list(&app, "content=hello&limit=3&summary=total_count").await;
    assert_eq!((first["data"].as_array().unwrap().len(), &first["summary"]["total_count"]), (3, &json!(4)));
    let after = first["paging"]["cursors"]["after"].as_str().unwrap();
    let second = list(&app, &format!("content=hello&limit=3&after={after}")).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1, "{second}");
    let mut all = names(&first);
    all.extend(names(&second));
    all.sort();
    assert_eq!(all, ["hello_world", "invoice_ready", "parcel_left", "visit_reminder"]);

    // quality_score: new templates are UNKNOWN, the seeded sample GREEN.
    assert_eq!(names(&list(&app, "quality_score=GREEN").await), ["hello_world"]);
    assert_eq!(names(&list(&app, "quality_score=RED,UNKNOWN").await).len(), 3);
    assert_eq!(names(&list(&app, "quality_score=green,yellow").await), ["hello_world"]);
    let r = app.get(&format!("{}?quality_score=BLUE", path(&app))).await;
    assert!(assert_graph_error(&r, 400, 100)["error_data"]["details"].as_str().unwrap().contains("BLUE"));
}
engine_test!(content_name_or_content_and_quality_score_filter_the_list, super::filters);
