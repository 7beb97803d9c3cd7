//! Product, product list, catalog, CTA URL and location request messages.

use serde_json::json;

use super::*;

#[test]
fn product_rules() {
    let p = json!({"type": "product", "action": {"catalog_id": "1", "product_retailer_id": "sku"}});
    err(
        without(p.clone(), "/action", "catalog_id"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.catalog_id",
    );
    err(
        without(p.clone(), "/action", "product_retailer_id"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.product_retailer_id",
    );
    err(with(p.clone(), "/action", "sections", json!([])), ErrorCode::InvalidParameter, "\"sections\"");
    err(set(p, "/action/catalog_id", json!(1)), ErrorCode::InvalidParameter, "interactive.action.catalog_id");

    let pl = product_list_msg();
    err(
        without(pl.clone(), "/action", "catalog_id"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.catalog_id",
    );
    err(without(pl.clone(), "/action", "sections"), ErrorCode::RequiredParameterMissing, "interactive.action.sections");
    err(
        without(pl.clone(), "/action/sections/0", "title"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.sections[0].title",
    );
    err(
        set(pl.clone(), "/action/sections/0/title", json!("t".repeat(25))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[0].title",
    );
    err(
        set(pl.clone(), "/action/sections/0/product_items", items("s", 31)),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[0].product_items must have at most 30 items",
    );
    err(
        set(pl.clone(), "/action/sections/1/product_items", items("h", 11)),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections must have at most 30 product items in total (got 31)",
    );
    err(
        set(pl.clone(), "/action/sections/1/product_items", json!([])),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[1].product_items must have at least 1 item",
    );
    err(
        set(pl.clone(), "/action/sections/1/product_items/0", json!({})),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.sections[1].product_items[0].product_retailer_id",
    );
    err(set(pl, "/action/sections/1/rows", json!([])), ErrorCode::InvalidParameter, "\"rows\"");
}

#[test]
fn catalog_cta_location_rules() {
    let c = json!({"type": "catalog_message", "body": {"text": "b"}, "action": {"name": "catalog_message"}});
    err(set(c.clone(), "/action/name", json!("catalog")), ErrorCode::ParameterValueInvalid, "interactive.action.name");
    err(without(c.clone(), "/action", "name"), ErrorCode::RequiredParameterMissing, "interactive.action.name");
    err(
        with(c.clone(), "/action", "parameters", json!({"thumbnail": "x"})),
        ErrorCode::InvalidParameter,
        "interactive.action.parameters",
    );
    err(
        with(c, "/action", "parameters", json!({"thumbnail_product_retailer_id": 5})),
        ErrorCode::InvalidParameter,
        "interactive.action.parameters.thumbnail_product_retailer_id",
    );

    let u = json!({"type": "cta_url", "body": {"text": "b"}, "action": {"name": "cta_url",
        "parameters": {"display_text": "Open", "url": "https://example.com"}}});
    ok(u.clone());
    err(set(u.clone(), "/action/name", json!("url")), ErrorCode::ParameterValueInvalid, "interactive.action.name");
    err(
        without(u.clone(), "/action", "parameters"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.parameters",
    );
    err(
        without(u.clone(), "/action/parameters", "display_text"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.parameters.display_text",
    );
    err(
        set(u.clone(), "/action/parameters/display_text", json!("d".repeat(21))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.display_text",
    );
    err(
        without(u.clone(), "/action/parameters", "url"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.parameters.url",
    );
    err(
        set(u.clone(), "/action/parameters/url", json!("www.example.com")),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.url",
    );
    err(set(u, "/action/parameters/url2", json!("x")), ErrorCode::InvalidParameter, "interactive.action.parameters");

    let l =
        json!({"type": "location_request_message", "body": {"text": "Where?"}, "action": {"name": "send_location"}});
    err(set(l.clone(), "/action/name", json!("location")), ErrorCode::ParameterValueInvalid, "interactive.action.name");
    err(without(l.clone(), "", "body"), ErrorCode::RequiredParameterMissing, "interactive.body");
    // `parameters.request_message` (sent by SDKs) is taken; anything else in it is not.
    ok(with(l.clone(), "/action", "parameters", json!({"request_message": "Send your location"})));
    err(
        with(l.clone(), "/action", "parameters", json!({"request_message": "x".repeat(1025)})),
        ErrorCode::ParameterValueInvalid,
        "request_message",
    );
    err(with(l, "/action", "parameters", json!({"x": 1})), ErrorCode::InvalidParameter, "\"x\"");
}
