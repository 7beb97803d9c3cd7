//! `order_details` (`action.name: "review_and_pay"`) and `order_status`
//! (`action.name: "review_order"`): Meta's payment messages (India and Brazil shapes).
//!
//! Amounts are `{value, offset}`: `value` an integer number of minor units, `offset` the
//! currency's 10^exponent ([`crate::model::currency`]). The order must add up: the sum of
//! each item's price (its `sale_amount` when it has one, else its `amount`) times its quantity
//! is the `subtotal`, and `subtotal + tax + shipping − discount` is `total_amount`. A rule
//! broken is 131009 naming the field; a value of the wrong JSON type is 100.

use serde_json::Value;

use super::super::fields::{as_obj, check_count, index, wrong_type, Obj, Res};
use crate::error::ApiError;
use crate::model::currency;
use crate::model::payments::{OrderItem, OrderSummary, ORDER_STATUSES};

const REFERENCE_ID_MAX: usize = 35;
const ITEMS_MAX: usize = 999;
const NAME_MAX: usize = 60;
const DESCRIPTION_MAX: usize = 60;
/// Keys of `order_details.action.parameters`. `payment_type` + `payment_configuration` are
/// India's; `payment_settings` is Brazil's (pix, boleto, payment_link). Risala takes payment
/// with the provider chosen for the number, whatever these name.
const PARAMETER_KEYS: &[&str] = &[
    "reference_id",
    "type",
    "payment_type",
    "payment_configuration",
    "payment_settings",
    "currency",
    "total_amount",
    "order",
];

/// An amount `{value, offset}` in `currency` at `o.field(key)`: `value` a non-negative integer,
/// `offset` the currency's.
fn amount(o: &Obj<'_>, key: &str, currency: &str, extra: &[&str]) -> Res<Option<i64>> {
    let Some(a) = o.opt_obj(key)? else { return Ok(None) };
    let mut allowed = vec!["value", "offset"];
    allowed.extend_from_slice(extra);
    a.allow(&allowed)?;
    if extra.contains(&"description") {
        a.opt_str_max("description", DESCRIPTION_MAX)?;
    }
    if extra.contains(&"discount_program_name") {
        a.opt_str_max("discount_program_name", DESCRIPTION_MAX)?;
    }
    let int = |k: &str| -> Res<i64> {
        match a.get(k) {
            None => Err(ApiError::missing(&a.field(k))),
            Some(Value::Number(n)) => n.as_i64().ok_or_else(|| {
                ApiError::bad_value(format!("{} must be an integer number of minor units - got {n}", a.field(k)))
            }),
            Some(_) => Err(wrong_type(&a.field(k), "an integer")),
        }
    };
    let value = int("value")?;
    let offset = int("offset")?;
    if value < 0 {
        return Err(ApiError::bad_value(format!("{} must not be negative - got {value}", a.field("value"))));
    }
    let want = currency::offset(currency).unwrap_or(100);
    if offset != want {
        return Err(ApiError::bad_value(format!(
            "{} must be {want} for {currency} (10 to the power of its {} decimal digits) - got {offset}",
            a.field("offset"),
            currency::exponent(currency).unwrap_or(2)
        )));
    }
    Ok(Some(value))
}

fn req_amount(o: &Obj<'_>, key: &str, currency: &str, extra: &[&str]) -> Res<i64> {
    amount(o, key, currency, extra)?.ok_or_else(|| ApiError::missing(&o.field(key)))
}

fn reference_id<'a>(p: &Obj<'a>) -> Res<&'a str> {
    let r = p.req_str_max("reference_id", REFERENCE_ID_MAX)?;
    if !r.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)) {
        return Err(ApiError::bad_value(format!(
            "{} may hold English letters, digits, underscores, dashes and dots only - got \"{r}\"",
            p.field("reference_id")
        )));
    }
    Ok(r)
}

/// `action` of `order_details`; returns what the order says.
pub(crate) fn order_details(a: &Obj<'_>) -> Res<OrderSummary> {
    a.allow(&["name", "parameters"])?;
    a.req_enum("name", &["review_and_pay"])?;
    let p = a.req_obj("parameters")?;
    p.allow(PARAMETER_KEYS)?;
    let reference_id = reference_id(&p)?.to_string();
    let kind = p.req_enum("type", &["digital-goods", "physical-goods"])?.to_string();
    p.opt_str("payment_type")?;
    p.opt_str("payment_configuration")?;
    if let Some(settings) = p.opt_arr("payment_settings")? {
        let path = p.field("payment_settings");
        for (i, s) in settings.iter().enumerate() {
            let s = as_obj(index(&path, i), s)?;
            s.req_enum("type", &["pix_dynamic_code", "payment_link", "boleto", "offsite_card_pay", "payment_gateway"])?;
        }
    }
    let code = p.req_str("currency")?;
    if currency::exponent(code).is_none() {
        return Err(ApiError::bad_value(format!(
            "{} must be an upper-case ISO 4217 currency code - got \"{code}\"",
            p.field("currency")
        )));
    }
    let total = req_amount(&p, "total_amount", code, &[])?;

    let order = p.req_obj("order")?;
    order.allow(&["status", "catalog_id", "expiration", "items", "subtotal", "tax", "shipping", "discount"])?;
    order.req_enum("status", &["pending"])?;
    order.opt_str("catalog_id")?;
    if let Some(exp) = order.opt_obj("expiration")? {
        exp.allow(&["timestamp", "description"])?;
        exp.req_str("timestamp")?
            .parse::<i64>()
            .map_err(|_| ApiError::bad_value(format!("{} must be a UNIX time in seconds", exp.field("timestamp"))))?;
        exp.opt_str_max("description", 120)?;
    }
    let list = order.req_arr("items")?;
    let items_path = order.field("items");
    check_count(&items_path, list.len(), 1, ITEMS_MAX)?;
    let mut items = Vec::with_capacity(list.len());
    let mut sum: i64 = 0;
    for (i, it) in list.iter().enumerate() {
        let it = as_obj(index(&items_path, i), it)?;
        it.allow(&[
            "retailer_id",
            "product_id",
            "name",
            "amount",
            "quantity",
            "sale_amount",
            "country_of_origin",
            "importer_name",
            "importer_address",
            "image",
            "description",
        ])?;
        let retailer_id = it.req_str("retailer_id")?.to_string();
        let name = it.req_str_max("name", NAME_MAX)?.to_string();
        let unit = req_amount(&it, "amount", code, &[])?;
        let sale = amount(&it, "sale_amount", code, &[])?;
        if let Some(s) = sale {
            if s > unit {
                return Err(ApiError::bad_value(format!(
                    "{} must not be more than {} ({unit}) - got {s}",
                    it.field("sale_amount"),
                    it.field("amount")
                )));
            }
        }
        let quantity = match it.get("quantity") {
            None => return Err(ApiError::missing(&it.field("quantity"))),
            Some(Value::Number(n)) => n.as_i64().filter(|q| *q >= 1).ok_or_else(|| {
                ApiError::bad_value(format!("{} must be a whole number of at least 1 - got {n}", it.field("quantity")))
            })?,
            Some(_) => return Err(wrong_type(&it.field("quantity"), "an integer")),
        };
        let price = sale.unwrap_or(unit);
        sum = price
            .checked_mul(quantity)
            .and_then(|v| sum.checked_add(v))
            .ok_or_else(|| ApiError::bad_value(format!("{items_path}: the order total is too large")))?;
        items.push(OrderItem { retailer_id, name, unit_value: price, quantity });
    }
    let subtotal = req_amount(&order, "subtotal", code, &[])?;
    if subtotal != sum {
        return Err(ApiError::bad_value(format!(
            "{} must be the sum of the items' prices times their quantities ({sum}) - got {subtotal}",
            order.field("subtotal")
        )));
    }
    let tax = req_amount(&order, "tax", code, &["description"])?;
    let shipping = amount(&order, "shipping", code, &["description"])?.unwrap_or(0);
    let discount = amount(&order, "discount", code, &["description", "discount_program_name"])?.unwrap_or(0);
    let expected = subtotal + tax + shipping - discount;
    if total != expected {
        return Err(ApiError::bad_value(format!(
            "{} must be subtotal + tax + shipping - discount ({subtotal} + {tax} + {shipping} - {discount} = {expected}) - got {total}",
            p.field("total_amount")
        )));
    }
    Ok(OrderSummary { reference_id, kind, currency: code.to_string(), total_value: total, items })
}

/// `action` of `order_status`; returns the reference id, the new status and its description.
pub(crate) fn order_status(a: &Obj<'_>) -> Res<(String, String, Option<String>)> {
    a.allow(&["name", "parameters"])?;
    a.req_enum("name", &["review_order"])?;
    let p = a.req_obj("parameters")?;
    p.allow(&["reference_id", "order", "payment"])?;
    let reference_id = reference_id(&p)?.to_string();
    let order = p.req_obj("order")?;
    order.allow(&["status", "description"])?;
    let status = order.req_enum("status", ORDER_STATUSES)?.to_string();
    let description = order.opt_str_max("description", 120)?.map(str::to_string);
    if let Some(pay) = p.opt_obj("payment")? {
        pay.allow(&["status", "timestamp"])?;
        pay.opt_enum("status", &["pending", "captured", "failed"])?;
    }
    Ok((reference_id, status, description))
}
