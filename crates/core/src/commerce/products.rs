//! A product's fields as the catalog API takes them (Meta's product item fields), checked.
//! The same parser serves `POST /{catalog-id}/products`, `items_batch` and the CSV upload.

use serde_json::{json, Map, Value};

use super::money::{check_currency, format_minor, parse_price};
use crate::error::ApiError;
use crate::store::Product;

/// `availability` values (Meta's).
pub const AVAILABILITY: &[&str] = &["in stock", "out of stock", "preorder", "available for order", "discontinued"];
/// `condition` values.
pub const CONDITION: &[&str] = &["new", "refurbished", "used"];
/// Variant attributes a product of an item group may carry.
pub const VARIANT_FIELDS: &[&str] = &["color", "size", "gender", "material", "pattern"];
/// Every field a product takes.
pub const FIELDS: &[&str] = &[
    "retailer_id",
    "name",
    "description",
    "price",
    "currency",
    "availability",
    "condition",
    "image_url",
    "url",
    "item_group_id",
    "color",
    "size",
    "gender",
    "material",
    "pattern",
];
pub const MAX_RETAILER_ID: usize = 100;
pub const MAX_NAME: usize = 200;
pub const MAX_DESCRIPTION: usize = 9999;
pub const MAX_URL: usize = 2000;

fn text<'a>(m: &'a Map<String, Value>, k: &str, path: &str) -> Result<Option<&'a str>, ApiError> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ApiError::invalid(format!("{path}{k} must be a string"))),
    }
}

fn bounded(s: &str, k: &str, path: &str, max: usize) -> Result<String, ApiError> {
    let s = s.trim();
    if s.chars().count() > max {
        return Err(ApiError::invalid(format!("{path}{k} must be at most {max} characters")));
    }
    Ok(s.to_string())
}

fn url(s: &str, k: &str, path: &str) -> Result<String, ApiError> {
    let s = bounded(s, k, path, MAX_URL)?;
    if !(s.starts_with("https://") || s.starts_with("http://")) || s.contains(char::is_whitespace) {
        return Err(ApiError::invalid(format!("{path}{k} must be an http or https URL")));
    }
    Ok(s)
}

fn one_of(s: &str, k: &str, path: &str, allowed: &[&str]) -> Result<String, ApiError> {
    let v = s.trim().to_ascii_lowercase().replace('_', " ");
    if !allowed.contains(&v.as_str()) {
        return Err(ApiError::invalid(format!("{path}{k} must be one of: {} (got '{s}')", allowed.join(", "))));
    }
    Ok(v)
}

/// Apply `m` to a product: `base` is the stored product for an update (fields not given are
/// kept), or a blank one for a create, which must then name `retailer_id`, `name`, `price` and
/// `currency`. `path` prefixes field names in errors (`requests[2].data.`). Unknown fields
/// are 100.
pub fn apply(base: &Product, m: &Map<String, Value>, creating: bool, path: &str) -> Result<Product, ApiError> {
    if let Some(k) = m.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!("{path}{k} is not a product field (fields: {})", FIELDS.join(", "))));
    }
    let mut p = base.clone();
    if let Some(r) = text(m, "retailer_id", path)? {
        let r = bounded(r, "retailer_id", path, MAX_RETAILER_ID)?;
        if r.is_empty() {
            return Err(ApiError::invalid(format!("{path}retailer_id must not be empty")));
        }
        p.retailer_id = r;
    }
    if let Some(n) = text(m, "name", path)? {
        p.name = bounded(n, "name", path, MAX_NAME)?;
    }
    if let Some(d) = text(m, "description", path)? {
        p.description = bounded(d, "description", path, MAX_DESCRIPTION)?;
    }
    let currency = text(m, "currency", path)?.map(|c| check_currency(c, &format!("{path}currency"))).transpose()?;
    if let Some(c) = &currency {
        p.currency = c.clone();
    }
    if let Some(v) = m.get("price").filter(|v| !v.is_null()) {
        let (price, cur) = parse_price(v, currency.as_deref(), &format!("{path}price"))?;
        p.price = price;
        if let Some(c) = cur {
            p.currency = c;
        }
    }
    if let Some(a) = text(m, "availability", path)? {
        p.availability = one_of(a, "availability", path, AVAILABILITY)?;
    }
    if let Some(c) = text(m, "condition", path)? {
        p.condition = one_of(c, "condition", path, CONDITION)?;
    }
    for (k, slot) in [("image_url", &mut p.image_url), ("url", &mut p.url)] {
        if let Some(u) = text(m, k, path)? {
            *slot = if u.trim().is_empty() { None } else { Some(url(u, k, path)?) };
        }
    }
    if let Some(g) = text(m, "item_group_id", path)? {
        let g = bounded(g, "item_group_id", path, MAX_RETAILER_ID)?;
        p.item_group_id = (!g.is_empty()).then_some(g);
    }
    let mut variant = p.variant.as_object().cloned().unwrap_or_default();
    for k in VARIANT_FIELDS {
        if let Some(v) = text(m, k, path)? {
            let v = bounded(v, k, path, 100)?;
            if v.is_empty() {
                variant.remove(*k);
            } else {
                variant.insert(k.to_string(), Value::String(v));
            }
        }
    }
    p.variant = Value::Object(variant);
    if creating {
        for (k, missing) in [
            ("retailer_id", p.retailer_id.is_empty()),
            ("name", p.name.is_empty()),
            ("price", m.get("price").is_none_or(Value::is_null)),
            ("currency", p.currency.is_empty()),
        ] {
            if missing {
                return Err(super::required(&format!("{path}{k}")));
            }
        }
    }
    if !p.variant.as_object().is_some_and(|v| v.is_empty()) && p.item_group_id.is_none() {
        return Err(ApiError::invalid(format!(
            "{path}item_group_id is required for a variant (a product with {})",
            VARIANT_FIELDS.join(", ")
        )));
    }
    Ok(p)
}

/// A blank product of a catalog, for [`apply`] to fill in.
pub fn blank(catalog_id: &str, now: i64) -> Product {
    Product {
        id: crate::ids::new_object_id(),
        catalog_id: catalog_id.to_string(),
        retailer_id: String::new(),
        name: String::new(),
        description: String::new(),
        price: 0,
        currency: String::new(),
        availability: "in stock".into(),
        condition: "new".into(),
        image_url: None,
        url: None,
        item_group_id: None,
        variant: json!({}),
        created_at: now,
        updated_at: now,
    }
}

/// True when a customer can order the product.
pub fn orderable(p: &Product) -> bool {
    matches!(p.availability.as_str(), "in stock" | "preorder" | "available for order")
}

/// A product's wire shape: Meta's product item fields; `price` in minor units as written, with
/// Risala's `price_formatted` beside it.
pub fn to_json(p: &Product) -> Value {
    let mut v = json!({
        "id": p.id,
        "retailer_id": p.retailer_id,
        "name": p.name,
        "description": p.description,
        "price": p.price,
        "currency": p.currency,
        "price_formatted": format!("{} {}", format_minor(p.price, &p.currency), p.currency),
        "availability": p.availability,
        "condition": p.condition,
    });
    for (k, val) in [("image_url", &p.image_url), ("url", &p.url), ("item_group_id", &p.item_group_id)] {
        if let Some(s) = val {
            v[k] = Value::String(s.clone());
        }
    }
    if let Some(o) = p.variant.as_object() {
        for (k, val) in o {
            v[k] = val.clone();
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn create_needs_the_core_fields() {
        let b = blank("1", 0);
        let p = apply(
            &b,
            &obj(json!({"retailer_id": "sku-1", "name": "Tea", "price": 1250, "currency": "usd",
            "availability": "out_of_stock", "image_url": "https://example.com/t.png"})),
            true,
            "",
        )
        .unwrap();
        assert_eq!((p.price, p.currency.as_str(), p.availability.as_str()), (1250, "USD", "out of stock"));
        let e = apply(&b, &obj(json!({"retailer_id": "s", "name": "Tea", "currency": "USD"})), true, "").unwrap_err();
        assert!(e.details.contains("price"), "{}", e.details);
        let e = apply(&b, &obj(json!({"retailer_id": "s", "colour": "red"})), true, "x.").unwrap_err();
        assert!(e.details.starts_with("x.colour"), "{}", e.details);
        let e = apply(
            &b,
            &obj(json!({"retailer_id": "s", "name": "T", "price": 1, "currency": "USD", "color": "red"})),
            true,
            "",
        )
        .unwrap_err();
        assert!(e.details.contains("item_group_id"), "{}", e.details);
        let e = apply(&b, &obj(json!({"image_url": "ftp://x"})), false, "").unwrap_err();
        assert!(e.details.contains("image_url"), "{}", e.details);
    }
}
