//! `interactive.type: "address_message"`: ask the customer for a delivery address
//! (`action: {name: "address_message", parameters: {country, values?, validation_errors?,
//! saved_addresses?}}`). Meta offers it in India (`IN`) and Singapore (`SG`), each with its
//! own form fields; prefilled `values`, `validation_errors` and the `value` of each saved
//! address may only name the country's fields. The customer answers with an `nfm_reply`
//! named `address_message` whose `response_json` holds the `values` (and the
//! `saved_address_id` picked, if any).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::super::fields::{as_obj, check_count, index, Obj, Res};
use super::unique;
use crate::error::ApiError;

/// The countries with an address form.
pub const COUNTRIES: &[&str] = &["IN", "SG"];

/// The form fields of a country's address message, Meta's names.
pub fn country_fields(country: &str) -> &'static [&'static str] {
    match country {
        "IN" => &[
            "name",
            "phone_number",
            "in_pin_code",
            "house_number",
            "floor_number",
            "tower_number",
            "building_name",
            "address",
            "landmark_area",
            "city",
            "state",
        ],
        "SG" => &["name", "phone_number", "sg_post_code", "address", "unit_number", "city"],
        _ => &[],
    }
}

/// Field values: at most this many characters each.
pub const VALUE_MAX: usize = 512;
const POST_CODE_MAX: usize = 6;
const SAVED_ADDRESSES_MAX: usize = 10;

/// Check that the keys of `map` (at `path`) are fields of `country`'s form and its values
/// strings of at most [`VALUE_MAX`] characters (`validation_errors`: field → message).
fn check_keys(path: &str, country: &str, map: &Map<String, Value>) -> Res<()> {
    let fields = country_fields(country);
    for (k, v) in map {
        let at = format!("{path}.{k}");
        if !fields.contains(&k.as_str()) {
            return Err(ApiError::bad_value(format!(
                "{at}: '{k}' is not a field of the {country} address form; the fields are {}",
                fields.join(", ")
            )));
        }
        let s = v.as_str().ok_or_else(|| ApiError::bad_value(format!("{at} must be a string")))?;
        if s.chars().count() > VALUE_MAX {
            return Err(ApiError::bad_value(format!("{at} must be at most {VALUE_MAX} characters")));
        }
    }
    Ok(())
}

/// Check an address form's `values` (at `path`) for `country`: only its fields, strings,
/// post codes of at most six digits. Errors are 131009 naming the field.
pub fn check_values(path: &str, country: &str, values: &Map<String, Value>) -> Res<()> {
    check_keys(path, country, values)?;
    for (k, v) in values {
        let at = format!("{path}.{k}");
        let s = v.as_str().unwrap_or_default();
        let max = if k.ends_with("_code") { POST_CODE_MAX } else { VALUE_MAX };
        if s.chars().count() > max {
            return Err(ApiError::bad_value(format!("{at} must be at most {max} characters")));
        }
        if k.ends_with("_code") && !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad_value(format!("{at} must be digits only - got \"{s}\"")));
        }
    }
    Ok(())
}

/// Validate `interactive.action` of an address message.
pub(super) fn address(a: &Obj<'_>) -> Res<()> {
    a.allow(&["name", "parameters"])?;
    a.req_enum("name", &["address_message"])?;
    let p = a.req_obj("parameters")?;
    p.allow(&["country", "values", "validation_errors", "saved_addresses"])?;
    let country = p.req_enum("country", COUNTRIES)?;
    if let Some(values) = p.opt_obj("values")? {
        check_values(&values.path, country, values.map)?;
    }
    if let Some(errors) = p.opt_obj("validation_errors")? {
        check_keys(&errors.path, country, errors.map)?;
    }
    if let Some(saved) = p.opt_arr("saved_addresses")? {
        let path = p.field("saved_addresses");
        check_count(&path, saved.len(), 1, SAVED_ADDRESSES_MAX)?;
        let mut ids = HashSet::new();
        for (i, s) in saved.iter().enumerate() {
            let s = as_obj(index(&path, i), s)?;
            s.allow(&["id", "value"])?;
            let id = s.req_str_max("id", VALUE_MAX)?;
            unique(&mut ids, &s.field("id"), id)?;
            let value = s.req_obj("value")?;
            check_values(&value.path, country, value.map)?;
        }
    }
    Ok(())
}
