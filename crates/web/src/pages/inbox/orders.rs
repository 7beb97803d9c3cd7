//! Orders in the inbox: an `order` message's bubble (its items, quantities, the catalog's
//! prices and the total) and the contact panel's list of the conversation's orders with their
//! references, which a business quotes as `reference_id` when it bills one.

use maud::{html, Markup};
use risala_core::commerce::money::{exponent, format_minor};
use risala_core::commerce::Order;
use risala_core::store::PaymentOrder;
use serde_json::Value;

use crate::i18n::Lang;

/// An amount of minor units in the reader's digits, with the currency code.
pub fn money(lang: Lang, minor: i64, currency: &str) -> String {
    format!("{} {currency}", lang.digits(&format_minor(minor, currency)))
}

/// The webhook's `item_price` (major units) as minor units.
fn minor(price: &Value, currency: &str) -> i64 {
    (price.as_f64().unwrap_or(0.0) * 10f64.powi(exponent(currency) as i32)).round() as i64
}

/// The bubble of an inbound `order` message: each line by the product's name as the stored
/// `order` priced it (the retailer id only when there is no stored order, or no such line).
pub fn bubble(lang: Lang, o: &Value, order: Option<&Order>) -> Markup {
    let t = lang.commerce();
    let items = o["product_items"].as_array().cloned().unwrap_or_default();
    let mut total = 0i64;
    let mut currency = String::new();
    let lines: Vec<(String, i64, String)> = items
        .iter()
        .map(|i| {
            let c = i["currency"].as_str().unwrap_or_default().to_string();
            let q = i["quantity"].as_i64().unwrap_or(1);
            let line = minor(&i["item_price"], &c) * q;
            total += line;
            currency = c.clone();
            let rid = i["product_retailer_id"].as_str().unwrap_or_default();
            let name = order
                .and_then(|o| o.items.iter().find(|it| it.product_retailer_id == rid))
                .map(|it| it.name.as_str())
                .filter(|n| !n.is_empty())
                .unwrap_or(rid);
            (name.to_string(), q, money(lang, line, &c))
        })
        .collect();
    html! {
        div.order-bubble {
            strong { "🛒 " (t.order) }
            ul.order-lines {
                @for (rid, q, line) in &lines {
                    li { bdi { (rid) } " × " (lang.number(*q)) span.order-price dir="ltr" { (line) } }
                }
            }
            @if !currency.is_empty() {
                p.order-total { (t.total) ": " span dir="ltr" { (money(lang, total, &currency)) } }
            }
            @if let Some(text) = o["text"].as_str().filter(|s| !s.is_empty()) { p.muted dir="auto" { (text) } }
        }
    }
}

/// The panel's section listing the conversation's orders: those the customer sent from the
/// catalog, and those the business sent for payment (`order_details`) with their states.
pub fn section(lang: Lang, orders: &[Order], payments: &[PaymentOrder]) -> Markup {
    let t = lang.commerce();
    html! {
        section aria-labelledby="orders-h" {
            h3 id="orders-h" { (t.orders) }
            @if orders.is_empty() && payments.is_empty() { p.muted { (t.no_orders) } }
            @if !payments.is_empty() {
                ul.orders id="payment-orders" {
                    @for o in payments {
                        li.order data-payment-order=(o.reference_id) {
                            strong dir="ltr" { (o.reference_id) }
                            " · " strong dir="ltr" { (money(lang, o.total_value, &o.currency)) }
                            br;
                            span.chat-meta {
                                bdi { (lang.state_word(&o.payment_status)) } " · " bdi { (lang.state_word(&o.order_status)) }
                                " · " (lang.datetime(o.created_at))
                            }
                        }
                    }
                }
            }
            ul.orders id="orders-list" {
                @for o in orders.iter().rev() {
                    li.order data-order=(o.id) {
                        strong dir="ltr" { (o.reference) }
                        " · " (t.items.replace("{n}", &lang.number(o.items.iter().map(|i| i.quantity).sum())))
                        br;
                        @for i in &o.items {
                            span.chat-meta { bdi { (i.name) } " × " (lang.number(i.quantity)) } br;
                        }
                        (t.total) ": " strong dir="ltr" { (money(lang, o.total, &o.currency)) }
                        " · " span.chat-meta { (lang.datetime(o.created_at)) }
                    }
                }
            }
        }
    }
}
