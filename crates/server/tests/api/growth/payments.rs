//! Payments with the sandbox provider: `order_details` validated (sums, currency exponents) and
//! idempotent per reference id, `order_status` moving the order along allowed transitions, and
//! the customer paying in one click, a failure and an expiry on demand, with the business
//! receiving Meta's `payment` status webhooks once per change.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

pub const ALICE: &str = "15550001111";

/// Two teas at 5.00 and a cup at 12.00 on sale for 10.00, tax 1.50, shipping 3.00, discount
/// 5.00: 20.00 + 1.50 + 3.00 - 5.00 = 19.50 INR.
pub fn order_details(to: &str, reference_id: &str) -> Value {
    json!({"messaging_product": "whatsapp", "to": to, "type": "interactive", "interactive": {
        "type": "order_details",
        "body": {"text": "Your order from the tea shop"},
        "action": {"name": "review_and_pay", "parameters": {
            "reference_id": reference_id, "type": "physical-goods", "payment_type": "upi",
            "payment_configuration": "shop", "currency": "INR",
            "total_amount": {"value": 1950, "offset": 100},
            "order": {"status": "pending", "items": [
                {"retailer_id": "tea", "name": "Green tea", "amount": {"value": 500, "offset": 100}, "quantity": 2},
                {"retailer_id": "cup", "name": "Cup", "amount": {"value": 1200, "offset": 100}, "quantity": 1,
                 "sale_amount": {"value": 1000, "offset": 100}}],
                "subtotal": {"value": 2000, "offset": 100},
                "tax": {"value": 150, "offset": 100, "description": "GST"},
                "shipping": {"value": 300, "offset": 100},
                "discount": {"value": 500, "offset": 100, "description": "Welcome"}}}}}})
}

pub fn order_status(to: &str, reference_id: &str, status: &str) -> Value {
    json!({"messaging_product": "whatsapp", "to": to, "type": "interactive", "interactive": {
        "type": "order_status", "body": {"text": "Order update"},
        "action": {"name": "review_order", "parameters": {"reference_id": reference_id,
            "order": {"status": status, "description": "Thanks"}}}}})
}

pub fn messages_path(app: &TestApp) -> String {
    format!("/v23.0/{}/messages", app.phone_number_id())
}

/// The `payment` statuses queued for the business, in order.
pub async fn payment_statuses(app: &TestApp) -> Vec<Value> {
    app.queued_statuses().await.into_iter().filter(|s| s["type"] == "payment").collect()
}

fn details(e: &Value) -> String {
    e["error_data"]["details"].as_str().unwrap_or_default().to_string()
}

async fn validation(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let alice = app.customer(ALICE, "Alice").await;
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "I'd like to order"}})).await;
    let path = messages_path(&app);

    // Sums that do not add up, an offset that is not the currency's: 131009 naming the field.
    let mut bad = order_details(ALICE, "ord-1");
    bad["interactive"]["action"]["parameters"]["order"]["subtotal"]["value"] = json!(2500);
    let e = assert_graph_error(&app.post(&path, &bad).await, 400, 131009);
    assert_eq!(
        details(&e),
        "interactive.action.parameters.order.subtotal must be the sum of the items' prices times their quantities (2000) - got 2500"
    );
    let mut bad = order_details(ALICE, "ord-1");
    bad["interactive"]["action"]["parameters"]["total_amount"]["value"] = json!(2450);
    let e = assert_graph_error(&app.post(&path, &bad).await, 400, 131009);
    assert!(details(&e).contains("(2000 + 150 + 300 - 500 = 1950) - got 2450"), "{e}");
    let mut bad = order_details(ALICE, "ord-1");
    bad["interactive"]["action"]["parameters"]["currency"] = json!("JPY");
    let e = assert_graph_error(&app.post(&path, &bad).await, 400, 131009);
    assert!(details(&e).contains("offset must be 1 for JPY"), "{e}");
    let mut bad = order_details(ALICE, "ord-1");
    bad["interactive"]["action"]["parameters"]["order"]["items"][0]["quantity"] = json!("2");
    assert_graph_error(&app.post(&path, &bad).await, 400, 100);
    let mut bad = order_details(ALICE, "ord-1");
    bad["interactive"]["action"]["parameters"].as_object_mut().unwrap().remove("reference_id");
    assert_graph_error(&app.post(&path, &bad).await, 400, 131008);

    // Sent: the order is pending and unpaid, with the sandbox provider.
    let (s, v) = app.post(&path, &order_details(ALICE, "ord-1")).await;
    assert_eq!(s, 200, "{v}");
    let wamid = v["messages"][0]["id"].as_str().unwrap().to_string();
    let orders = format!("/tools/v1/{}/payments/orders", app.phone_number_id());
    let (s, o) = app.get(&format!("{orders}/ord-1")).await;
    assert_eq!(s, 200, "{o}");
    let created = o["created_at"].clone();
    assert_eq!(
        o,
        json!({"reference_id": "ord-1", "phone_number_id": app.phone_number_id(), "wa_id": ALICE,
            "message_id": wamid, "currency": "INR", "total_amount": {"value": 1950, "offset": 100},
            "order_status": "pending", "payment_status": "unpaid", "provider": "sandbox",
            "checkout_url": null, "transaction_id": null, "created_at": created, "updated_at": created})
    );

    // The same request again: the same message id, nothing sent twice.
    let history = |app: &TestApp| {
        let store = app.state.store.clone();
        let id = app.phone_number_id().to_string();
        async move { store.chat_history(&id, ALICE, None, 100).await.unwrap().len() }
    };
    let before = history(&app).await;
    let (s, v) = app.post(&path, &order_details(ALICE, "ord-1")).await;
    assert_eq!((s, v["messages"][0]["id"].as_str()), (200, Some(wamid.as_str())), "{v}");
    assert_eq!(history(&app).await, before);
    // The same reference id with another body: refused.
    let mut other = order_details(ALICE, "ord-1");
    other["interactive"]["body"]["text"] = json!("Another order");
    let e = assert_graph_error(&app.post(&path, &other).await, 400, 131009);
    assert_eq!(
        details(&e),
        "interactive.action.parameters.reference_id: reference_id \"ord-1\" is already used by another order of this number; use a new reference_id for a new order"
    );

    // order_status: only a known order of this customer, along allowed transitions.
    let e = assert_graph_error(&app.post(&path, &order_status(ALICE, "nope", "processing")).await, 400, 131009);
    assert_eq!(
        details(&e),
        format!("interactive.action.parameters.reference_id: no order \"nope\" was sent by this number to {ALICE}")
    );
    app.customer("15550002222", "Bob")
        .await
        .send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}}))
        .await;
    assert_graph_error(&app.post(&path, &order_status("15550002222", "ord-1", "processing")).await, 400, 131009);
    app.send_accepted(&order_status(ALICE, "ord-1", "processing")).await;
    assert_eq!(app.get(&format!("{orders}/ord-1")).await.1["order_status"], "processing");
    let e = assert_graph_error(&app.post(&path, &order_status(ALICE, "ord-1", "pending")).await, 400, 131009);
    assert_eq!(
        details(&e),
        "interactive.action.parameters.order.status: order \"ord-1\" is processing and cannot become pending"
    );
    app.send_accepted(&order_status(ALICE, "ord-1", "shipped")).await;
    assert_graph_error(&app.post(&path, &order_status(ALICE, "ord-1", "canceled")).await, 400, 131009);
    let (_, list) = app.get(&orders).await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list["data"][0]["order_status"], "shipped");

    // Another business reaches none of it.
    let (_, token) = crate::tools::other_business(&app).await;
    let e = assert_graph_error(&app.get_as(&format!("{orders}/ord-1"), Some(&token)).await, 400, 100);
    assert_eq!(e["error_subcode"], 33);
    app.stop().await;
}
engine_test!(order_details_is_validated_idempotent_and_moved_by_order_status, super::validation);

async fn sandbox_pay(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();
    alice.send(&num, json!({"type": "text", "text": {"body": "hi"}})).await;
    let wamid = app.send_accepted(&order_details(ALICE, "ord-7")).await;
    let order = format!("/customer/v1/chats/{num}/orders/ord-7");

    // The customer sees the order; another customer does not.
    let (s, o) = alice.get(&order).await;
    assert_eq!((s, o["payment_status"].as_str(), o["order_status"].as_str()), (200, Some("unpaid"), Some("pending")));
    let bob = app.customer("15550002222", "Bob").await;
    assert_graph_error(&bob.get(&order).await, 400, 100);
    assert_graph_error(&bob.post(&format!("{order}/pay"), &json!({})).await, 400, 100);

    // The sandbox API makes the next payment fail: a failed status with the decline.
    let next = "/sandbox/v1/payments/next_outcome";
    let (s, v) = app.post(next, &json!({"phone_number_id": app.phone_number_id(), "outcome": "failure"})).await;
    assert_eq!((s, v), (200, json!({"phone_number_id": app.phone_number_id(), "next_outcome": "failure"})));
    assert_graph_error(
        &app.post(next, &json!({"phone_number_id": app.phone_number_id(), "outcome": "maybe"})).await,
        400,
        131009,
    );
    let (s, o) = alice.post(&format!("{order}/pay"), &json!({})).await;
    assert_eq!((s, o["payment_status"].as_str()), (200, Some("failed")), "{o}");
    // The page asks for an expiry itself (sandbox mode).
    let (s, o) = alice.post(&format!("{order}/pay"), &json!({"outcome": "expiry"})).await;
    assert_eq!((s, o["payment_status"].as_str()), (200, Some("failed")), "{o}");
    assert_graph_error(&alice.post(&format!("{order}/pay"), &json!({"outcome": "later"})).await, 400, 131009);
    assert_graph_error(&alice.post(&format!("{order}/pay"), &json!({"amount": 1})).await, 400, 100);
    // Then it succeeds (the failure was for one payment only).
    let (s, o) = alice.post(&format!("{order}/pay"), &json!({})).await;
    assert_eq!((s, o["payment_status"].as_str()), (200, Some("captured")), "{o}");
    let tx = o["transaction_id"].as_str().unwrap().to_string();
    assert!(tx.starts_with("sbx_"), "{tx}");

    // Paying again charges nothing and notifies nothing.
    let (s, again) = alice.post(&format!("{order}/pay"), &json!({})).await;
    assert_eq!((s, again), (200, o.clone()));
    // The agent's chat lists the order with its states (in the reader's language).
    let mut web = crate::web::Web::owner(&app).await;
    let chat = format!("/app/chats/{}/{ALICE}", app.phone_number_id());
    let page = web.get(&chat).await.body;
    let item = page.split(r#"data-payment-order="ord-7""#).nth(1).unwrap_or_else(|| panic!("no order in {page}"));
    let item = item.split("</li>").next().unwrap();
    assert!(item.contains("Paid (captured)") && item.contains("Pending (pending)"), "{item}");
    web.lang = "ar";
    let page = web.get(&chat).await.body;
    assert!(page.contains("مدفوع") && page.contains("قيد الانتظار"), "{page}");
    let statuses = payment_statuses(&app).await;
    assert_eq!(
        statuses
            .iter()
            .map(|s| (s["status"].as_str().unwrap(), s["payment"]["transaction"]["status"].as_str().unwrap()))
            .collect::<Vec<_>>(),
        [("failed", "failed"), ("failed", "failed"), ("captured", "success")]
    );
    assert_eq!(
        statuses[0]["payment"]["transaction"]["error"],
        json!({"code": "card_declined", "reason": "The sandbox declined the payment."})
    );
    assert_eq!(statuses[1]["payment"]["transaction"]["error"]["code"], "expired");

    // The captured webhook, exactly (ids and times as issued).
    let captured = &statuses[2];
    let ts = captured["timestamp"].as_str().unwrap().to_string();
    let secs: i64 = ts.parse().unwrap();
    assert_eq!(
        captured,
        &json!({
            "id": wamid, "status": "captured", "timestamp": ts, "recipient_id": ALICE,
            "recipient_user_id": captured["recipient_user_id"], "type": "payment",
            "payment": {
                "reference_id": "ord-7", "amount": {"value": 1950, "offset": 100}, "currency": "INR",
                "transaction": {"id": tx, "type": "sandbox", "status": "success",
                    "created_timestamp": secs, "updated_timestamp": secs,
                    "amount": {"value": 1950, "offset": 100}, "currency": "INR", "method": {"type": "card"}}}})
    );
    assert!(captured["recipient_user_id"].as_str().is_some_and(|u| !u.is_empty()));
    // The webhook value around it: Meta's metadata and contacts.
    let value = app.outbox().await.into_iter().map(|(_, v)| v).find(|v| v["statuses"][0]["type"] == "payment").unwrap();
    assert_eq!(value["metadata"]["phone_number_id"], app.phone_number_id());
    assert_eq!(value["contacts"][0]["wa_id"], ALICE);

    // A canceled order cannot be paid.
    app.send_accepted(&order_details(ALICE, "ord-8")).await;
    app.send_accepted(&order_status(ALICE, "ord-8", "canceled")).await;
    let e = assert_graph_error(
        &alice.post(&format!("/customer/v1/chats/{num}/orders/ord-8/pay"), &json!({})).await,
        400,
        131009,
    );
    assert_eq!(details(&e), "Order ord-8 was canceled; it cannot be paid.");
    assert_eq!(payment_statuses(&app).await.len(), 3);
    // Another order is paid on its own (its first attempt is not the first order's).
    app.send_accepted(&order_details(ALICE, "ord-9")).await;
    let (s, o) = alice.post(&format!("/customer/v1/chats/{num}/orders/ord-9/pay"), &json!({})).await;
    assert_eq!((s, o["payment_status"].as_str()), (200, Some("captured")), "{o}");
    let statuses = payment_statuses(&app).await;
    assert_eq!((statuses.len(), statuses[3]["payment"]["reference_id"].as_str()), (4, Some("ord-9")));
    app.stop().await;
}
engine_test!(sandbox_payments_succeed_fail_and_expire_once, super::sandbox_pay);

async fn erasure(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.admin_token = Some("operator-secret-token".into());
    let app = TestApp::start_with(config).await.unwrap();
    let alice = app.customer(ALICE, "Alice").await;
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    app.send_accepted(&order_details(ALICE, "ord-e1")).await;
    // And a cart from the catalog, with a note.
    let catalog = super::catalogs::shop(&app).await;
    alice
        .send(
            app.business_number(),
            json!({"type": "order", "order": {"catalog_id": catalog, "text": "Ring twice, flat 4",
                "product_items": [{"product_retailer_id": "tea", "quantity": 1, "item_price": 12.5, "currency": "USD"}]}}),
        )
        .await;
    let orders = format!("/v23.0/{}/orders?wa_id=", app.phone_number_id());
    let (_, before) = app.get(&format!("{orders}{ALICE}")).await;
    assert_eq!(before["data"].as_array().map(Vec::len), Some(1), "{before}");
    let path = format!("/admin/v1/customers/{ALICE}/erase");
    let (s, v) = app.post_as(&path, &json!({}), Some("operator-secret-token")).await;
    assert_eq!(s, 200, "{v}");
    // The order stays the business's, no longer under the customer's number.
    let (s, o) = app.get(&format!("/tools/v1/{}/payments/orders/ord-e1", app.phone_number_id())).await;
    assert_eq!((s, o["total_amount"]["value"].as_i64()), (200, Some(1950)), "{o}");
    assert_ne!(o["wa_id"], ALICE);
    assert!(o["wa_id"].as_str().is_some_and(|w| !w.is_empty()), "{o}");
    // The catalog order moved to the same pseudonym, without the note.
    let pseudonym = o["wa_id"].as_str().unwrap();
    assert_eq!(app.get(&format!("{orders}{ALICE}")).await, (200, json!({"data": []})));
    let (s, after) = app.get(&format!("{orders}{pseudonym}")).await;
    assert_eq!((s, after["data"].as_array().map(Vec::len)), (200, Some(1)), "{after}");
    assert_eq!(after["data"][0]["reference_id"], before["data"][0]["reference_id"]);
    assert!(!after.to_string().contains("Ring twice"), "{after}");
    app.stop().await;
}
engine_test!(an_erased_customer_orders_stay_under_the_pseudonym, super::erasure);
