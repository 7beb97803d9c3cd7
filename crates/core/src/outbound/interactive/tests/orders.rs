//! `order_details` and `order_status` (Meta's payments shapes).

use serde_json::json;

use super::*;

fn order_msg() -> Value {
    json!({"type": "order_details", "body": {"text": "Your order"}, "action": {"name": "review_and_pay", "parameters": {
        "reference_id": "ord-1", "type": "physical-goods", "payment_type": "br", "currency": "BRL",
        "total_amount": {"value": 2450, "offset": 100},
        "order": {"status": "pending", "items": [
            {"retailer_id": "a", "name": "Tea", "amount": {"value": 500, "offset": 100}, "quantity": 3},
            {"retailer_id": "b", "name": "Cup", "amount": {"value": 1200, "offset": 100}, "quantity": 1,
             "sale_amount": {"value": 1000, "offset": 100}}],
            "subtotal": {"value": 2500, "offset": 100}, "tax": {"value": 150, "offset": 100},
            "shipping": {"value": 300, "offset": 100}, "discount": {"value": 500, "offset": 100}}}}})
}

const P: &str = "/action/parameters";

#[test]
fn order_details_sums_and_offsets() {
    ok(order_msg());
    let s = payments::order_details(&as_obj("interactive.action", &order_msg()["action"]).unwrap()).unwrap();
    assert_eq!(s.total_value, 2450);
    assert_eq!(s.items[1].unit_value, 1000);
    assert_eq!(s.items[0].quantity, 3);
    err(
        set(order_msg(), &format!("{P}/order/subtotal/value"), json!(2400)),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.order.subtotal must be the sum of the items' prices times their quantities (2500) - got 2400",
    );
    err(
        set(order_msg(), &format!("{P}/total_amount/value"), json!(2950)),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.total_amount must be subtotal + tax + shipping - discount (2500 + 150 + 300 - 500 = 2450) - got 2950",
    );
    err(
        set(order_msg(), &format!("{P}/order/tax/offset"), json!(1000)),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.order.tax.offset must be 100 for BRL",
    );
    err(
        set(order_msg(), &format!("{P}/order/items/0/amount/value"), json!(5.5)),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.order.items[0].amount.value must be an integer number of minor units",
    );
    err(
        set(order_msg(), &format!("{P}/order/items/0/amount/value"), json!("500")),
        ErrorCode::InvalidParameter,
        "interactive.action.parameters.order.items[0].amount.value",
    );
    err(
        set(order_msg(), &format!("{P}/order/items/0/quantity"), json!(0)),
        ErrorCode::ParameterValueInvalid,
        "quantity must be a whole number of at least 1",
    );
    err(set(order_msg(), &format!("{P}/currency"), json!("XXX")), ErrorCode::ParameterValueInvalid, "ISO 4217");
    err(without(order_msg(), P, "reference_id"), ErrorCode::RequiredParameterMissing, "reference_id");
    err(
        set(order_msg(), &format!("{P}/type"), json!("services")),
        ErrorCode::ParameterValueInvalid,
        "type must be one of",
    );
    err(set(order_msg(), "/action/name", json!("pay")), ErrorCode::ParameterValueInvalid, "review_and_pay");
    err(without(order_msg(), &format!("{P}/order"), "tax"), ErrorCode::RequiredParameterMissing, "order.tax");
    // JPY has no minor unit: offset 1.
    let mut yen = order_msg();
    yen["action"]["parameters"]["currency"] = json!("JPY");
    err(yen, ErrorCode::ParameterValueInvalid, "must be 1 for JPY (10 to the power of its 0 decimal digits) - got 100");
}

#[test]
fn order_status_rules() {
    let m = json!({"type": "order_status", "body": {"text": "Shipped"}, "action": {"name": "review_order",
        "parameters": {"reference_id": "ord-1", "order": {"status": "shipped", "description": "On its way"}}}});
    ok(m.clone());
    err(
        set(m.clone(), "/action/parameters/order/status", json!("lost")),
        ErrorCode::ParameterValueInvalid,
        "order.status must be one of",
    );
    err(
        with(m.clone(), "", "header", json!({"type": "text", "text": "x"})),
        ErrorCode::ParameterValueInvalid,
        "header is not allowed",
    );
    err(without(m, "/action/parameters", "reference_id"), ErrorCode::RequiredParameterMissing, "reference_id");
}

#[test]
fn order_transitions() {
    use crate::model::payments::order_transition_allowed as ok;
    assert!(ok("pending", "processing"));
    assert!(ok("pending", "shipped"));
    assert!(ok("processing", "canceled"));
    assert!(!ok("shipped", "canceled"));
    assert!(!ok("shipped", "processing"));
    assert!(!ok("completed", "canceled"));
    assert!(!ok("canceled", "pending"));
    assert!(!ok("pending", "pending"));
}
