//! Contacts as a small CRM through `/tools/v1/{phone-number-id}/contacts…`: typed fields,
//! contacts created, changed and deleted with their values checked, opt-in records, labels and
//! notes from the inbox, a CSV import that reports every rejected row, the export, a
//! `contacts` webhook change for each change, and another business's token refused.

use risala_core::model::Permission;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

fn path(app: &TestApp, rest: &str) -> String {
    format!("/tools/v1/{}/contacts{rest}", app.phone_number_id())
}

async fn delete(app: &TestApp, p: &str, token: &str) -> (u16, Value) {
    let resp = reqwest::Client::new().delete(app.url(p)).bearer_auth(token).send().await.unwrap();
    risala_testkit::json_response(resp).await
}

/// The `contacts` webhook changes queued so far: `(event, wa_id)`.
async fn changes(app: &TestApp) -> Vec<(String, String)> {
    app.outbox()
        .await
        .into_iter()
        .filter(|(f, _)| f == "contacts")
        .map(|(_, v)| (v["event"].as_str().unwrap().to_string(), v["contact"]["wa_id"].as_str().unwrap().to_string()))
        .collect()
}

async fn crm(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();

    // Fields: typed, checked.
    for f in [
        json!({"key": "tier", "label": "Loyalty tier", "kind": "choice", "options": ["gold", "silver"]}),
        json!({"key": "birthday", "kind": "date"}),
        json!({"key": "email", "kind": "email"}),
        json!({"key": "orders", "kind": "number"}),
    ] {
        let (s, v) = app.post(&path(&app, "/fields"), &f).await;
        assert_eq!(s, 200, "{v}");
    }
    assert_graph_error(&app.post(&path(&app, "/fields"), &json!({"key": "tier", "kind": "text"})).await, 400, 131009);
    assert_graph_error(&app.post(&path(&app, "/fields"), &json!({"key": "Tier!", "kind": "text"})).await, 400, 131009);
    assert_graph_error(&app.post(&path(&app, "/fields"), &json!({"key": "x", "kind": "colour"})).await, 400, 131009);
    assert_graph_error(&app.post(&path(&app, "/fields"), &json!({"key": "x", "kind": "choice"})).await, 400, 131009);
    assert_graph_error(&app.post(&path(&app, "/fields"), &json!({"kind": "text"})).await, 400, 131008);
    let (_, v) = app.get(&path(&app, "/fields")).await;
    let keys: Vec<&str> = v["data"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["birthday", "email", "orders", "tier"]);

    // A contact: created, then changed; values take their canonical form.
    let (s, v) = app
        .post(&path(&app, ""), &json!({"wa_id": "15550001111", "name": "Layla", "fields": {"tier": "gold", "orders": 3, "email": "Layla@Example.com"}}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["fields"], json!({"tier": "gold", "orders": "3", "email": "layla@example.com"}));
    let (s, v) = app
        .post(
            &path(&app, "/15550001111"),
            &json!({"fields": {"tier": "silver", "orders": null, "birthday": "1990-04-01"}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["name"].clone(), v["fields"].clone()),
        (json!("Layla"), json!({"tier": "silver", "email": "layla@example.com", "birthday": "1990-04-01"}))
    );
    let e = assert_graph_error(
        &app.post(&path(&app, "/15550001111"), &json!({"fields": {"tier": "bronze"}})).await,
        400,
        131009,
    );
    assert!(e["error_data"]["details"].as_str().unwrap().starts_with("fields.tier:"), "{e}");
    assert_graph_error(
        &app.post(&path(&app, "/15550001111"), &json!({"fields": {"shoe_size": "42"}})).await,
        400,
        131009,
    );
    assert_graph_error(&app.post(&path(&app, ""), &json!({"wa_id": "not a number"})).await, 400, 131009);
    assert_graph_error(&app.post(&path(&app, ""), &json!({"name": "x"})).await, 400, 131008);
    assert_graph_error(&app.post(&path(&app, "/15550009999"), &json!({"name": "x"})).await, 400, 100);

    // Opt-ins with their source and time.
    let (s, v) =
        app.post(&path(&app, "/15550001111/opt_ins"), &json!({"topic": "marketing", "source": "website_form"})).await;
    assert_eq!((s, v["opted_in"].clone(), v["source"].clone()), (200, json!(true), json!("website_form")));
    app.post(
        &path(&app, "/15550001111/opt_ins"),
        &json!({"topic": "marketing", "opted_in": false, "source": "whatsapp"}),
    )
    .await;
    assert_graph_error(
        &app.post(&path(&app, "/15550001111/opt_ins"), &json!({"topic": "marketing"})).await,
        400,
        131008,
    );

    // Labels and notes come from the inbox's conversations.
    let alice = app.customer("15550001111", "Alice").await;
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let business_id = app.state.store.phone_number(app.phone_number_id()).await.unwrap().unwrap().business_id;
    let label = risala_core::store::Label {
        id: "lbl1".into(),
        business_id: business_id.clone(),
        name: "VIP".into(),
        colour: "#00aa00".into(),
        created_at: 0,
    };
    app.state.store.create_label(&label).await.unwrap();
    app.state.store.set_chat_label(app.phone_number_id(), "15550001111", "lbl1", true).await.unwrap();
    let (s, v) = app.get(&path(&app, "/15550001111")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["labels"], json!(["VIP"]));
    let opt: Vec<(bool, &str)> = v["opt_ins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["opted_in"].as_bool().unwrap(), o["source"].as_str().unwrap()))
        .collect();
    assert_eq!(opt, [(true, "website_form"), (false, "whatsapp")]);

    // Import: valid rows created or updated, every other row reported with its line and why.
    let csv = "wa_id,name,tier,birthday\n\
        +15550002222,Omar,gold,1985-12-31\n\
        15550001111,,gold,\n\
        12,Short,gold,\n\
        15550003333,Sara,bronze,\n\
        15550004444,Huda,,2023-02-30\n\
        15550002222,Omar again,,\n\
        15550005555,\"Haddad, Rami\",silver\n\
        15550006666,عمر,silver,\n";
    let (s, r) = app.post(&path(&app, "/import"), &json!({"csv": csv})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["created"].clone(), r["updated"].clone()), (json!(2), json!(1)));
    let rejected: Vec<(i64, &str)> = r["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["line"].as_i64().unwrap(), x["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(rejected.iter().map(|x| x.0).collect::<Vec<_>>(), [4, 5, 6, 7, 8], "{r}");
    assert!(rejected[1].1.starts_with("tier:") && rejected[2].1.starts_with("birthday:"), "{r}");
    assert!(rejected[3].1.contains("line 2") && rejected[4].1.contains("cells"), "{r}");
    assert_graph_error(
        &app.post(&path(&app, "/import"), &json!({"csv": "wa_id,shoe_size\n15550001111,42\n"})).await,
        400,
        131009,
    );
    assert_graph_error(&app.post(&path(&app, "/import"), &json!({"csv": ""})).await, 400, 131009);
    assert_graph_error(&app.post(&path(&app, "/import"), &json!({})).await, 400, 131008);

    // Search and export.
    let (_, v) = app.get(&path(&app, "?search=omar")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    assert_eq!(v["data"][0]["name"], "Omar");
    let resp = reqwest::Client::new()
        .get(app.url(&path(&app, "/export")))
        .bearer_auth(risala_testkit::DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let text = resp.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "wa_id,name,birthday,email,orders,tier");
    assert_eq!(lines[1], "15550001111,Layla,1990-04-01,layla@example.com,,gold");
    assert_eq!(lines[2], "15550002222,Omar,1985-12-31,,,gold");
    assert_eq!(lines.len(), 4, "{text}");

    // Deleted.
    let demo = risala_testkit::DEMO_TOKEN;
    assert_eq!(delete(&app, &path(&app, "/15550002222"), demo).await, (200, json!({"success": true})));
    assert_graph_error(&delete(&app, &path(&app, "/15550002222"), demo).await, 400, 100);

    // A webhook change for every change, in order.
    let got = changes(&app).await;
    let want: Vec<(String, String)> = [
        ("created", "15550001111"),
        ("updated", "15550001111"),
        ("opt_in", "15550001111"),
        ("opt_in", "15550001111"),
        ("created", "15550002222"),
        ("updated", "15550001111"),
        ("created", "15550006666"),
        ("deleted", "15550002222"),
    ]
    .iter()
    .map(|(e, w)| (e.to_string(), w.to_string()))
    .collect();
    assert_eq!(got, want);
    let (_, first) = app.outbox().await.into_iter().find(|(f, _)| f == "contacts").unwrap();
    assert_eq!(first["messaging_product"], "whatsapp");
    assert!(first["timestamp"].as_str().is_some(), "{first}");

    // Another business's token reaches none of it.
    let other = app.state.tenancy.create_business("Other Shop").await.unwrap();
    let (_, token) = app.state.tenancy.create_token(&other.id, "o", &Permission::ALL, None).await.unwrap();
    for resp in [
        app.get_as(&path(&app, ""), Some(&token)).await,
        app.get_as(&path(&app, "/15550001111"), Some(&token)).await,
        app.post_as(&path(&app, ""), &json!({"wa_id": "15550001111", "name": "x"}), Some(&token)).await,
        app.post_as(&path(&app, "/import"), &json!({"csv": "wa_id\n15550001111\n"}), Some(&token)).await,
        delete(&app, &path(&app, "/15550001111"), &token).await,
    ] {
        assert_eq!(assert_graph_error(&resp, 400, 100)["error_subcode"], 33, "{resp:?}");
    }
    assert_eq!(app.get(&path(&app, "/15550001111")).await.1["name"], "Layla");

    // Erasing the customer erases their contact and opt-ins too.
    let operator = risala_core::model::Actor { id: "operator".into(), address: None };
    app.state.privacy.erase(&operator, "15550001111").await.unwrap();
    assert_graph_error(&app.get(&path(&app, "/15550001111")).await, 400, 100);
    let business = app.state.store.phone_number(app.phone_number_id()).await.unwrap().unwrap().business_id;
    assert!(app.state.store.opt_ins(&business, "15550001111").await.unwrap().is_empty());
    app.stop().await;
}
engine_test!(contacts_fields_opt_ins_csv_and_webhooks, super::crm);
