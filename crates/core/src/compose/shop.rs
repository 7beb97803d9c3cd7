//! The interactive objects the web app sends for a shop, in Meta's shapes: a `catalog_message`
//! (the whole catalog, with a product as its thumbnail), a single `product`, and an
//! `order_details` (`review_and_pay`) that bills a customer's order for its stored items and
//! total. The composer sends them through the API's send path, so they meet the same checks a
//! Graph client's do (the catalog connected and visible, the products orderable, the amounts
//! adding up, a `reference_id` used once per number).

use serde_json::{json, Value};

use crate::model::currency;
use crate::store::Order;

fn body(text: &str) -> Value {
    json!({"text": text})
}

/// `interactive` of a catalog message: `action.name` is `catalog_message`;
/// `parameters.thumbnail_product_retailer_id` is optional (Meta then shows the first product).
pub fn catalog_message(text: &str, thumbnail: Option<&str>) -> Value {
    let mut action = json!({"name": "catalog_message"});
    if let Some(rid) = thumbnail.filter(|r| !r.is_empty()) {
        action["parameters"] = json!({"thumbnail_product_retailer_id": rid});
    }
    json!({"type": "catalog_message", "body": body(text), "action": action})
}

/// `interactive` of a single-product message: no header; the body is optional.
pub fn product_message(catalog_id: &str, retailer_id: &str, text: Option<&str>) -> Value {
    let mut m = json!({"type": "product",
        "action": {"catalog_id": catalog_id, "product_retailer_id": retailer_id}});
    if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
        m["body"] = body(t);
    }
    m
}

/// `interactive` of an `order_details` billing `o`: its reference as `reference_id`, its items
/// at the catalog's prices, `subtotal` and `total_amount` its total, a zero `tax` (Meta requires
/// the field; the catalog's prices include tax). Payment is taken by the number's provider,
/// so no India `payment_configuration` nor Brazil `payment_settings` is named.
pub fn order_details(o: &Order, text: &str) -> Value {
    let offset = currency::offset(&o.currency).unwrap_or(100);
    let amount = |value: i64| json!({"value": value, "offset": offset});
    let items: Vec<Value> = o
        .items
        .iter()
        .map(|i| {
            json!({"retailer_id": i.product_retailer_id, "name": i.name,
                "amount": amount(i.item_price), "quantity": i.quantity})
        })
        .collect();
    json!({"type": "order_details", "body": body(text),
        "action": {"name": "review_and_pay", "parameters": {
            "reference_id": o.reference, "type": "physical-goods", "currency": o.currency,
            "total_amount": amount(o.total),
            "order": {"status": "pending", "catalog_id": o.catalog_id, "items": items,
                "subtotal": amount(o.total), "tax": amount(0)}}}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OrderItem;

    #[test]
    fn a_bill_carries_the_order_at_the_currency_offset() {
        let item = |rid: &str, price, q| OrderItem {
            product_retailer_id: rid.into(),
            name: format!("{rid} name"),
            quantity: q,
            item_price: price,
            currency: "KWD".into(),
        };
        let o = Order {
            id: "1".into(),
            reference: "ORD-1".into(),
            business_id: "b".into(),
            phone_number_id: "p".into(),
            wa_id: "w".into(),
            message_id: "m".into(),
            catalog_id: "c".into(),
            items: vec![item("tea", 1250, 2), item("cake", 500, 1)],
            note: String::new(),
            currency: "KWD".into(),
            total: 3000,
            created_at: 0,
        };
        let v = order_details(&o, "Your bill");
        let p = &v["action"]["parameters"];
        assert_eq!(p["reference_id"], "ORD-1");
        assert_eq!(p["total_amount"], json!({"value": 3000, "offset": 1000}));
        assert_eq!(
            p["order"]["items"][0],
            json!({"retailer_id": "tea", "name": "tea name",
            "amount": {"value": 1250, "offset": 1000}, "quantity": 2})
        );
        assert_eq!(p["order"]["subtotal"], p["total_amount"]);
        assert_eq!(catalog_message("See", None)["action"], json!({"name": "catalog_message"}));
        assert!(product_message("c", "tea", Some(" ")).get("body").is_none());
    }
}
