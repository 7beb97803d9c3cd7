//! Fields of a tool's JSON request body, read with the Graph API's error codes: a wrong type
//! or an unknown field is 100 (a missing one, [`ApiError::missing`], 131008).

use serde_json::{Map, Value};

use crate::error::ApiError;

/// A string field; `None` when absent or null.
pub fn get_str<'a>(body: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid(format!("{field}: must be a string"))),
    }
}

/// A boolean field; `None` when absent or null.
pub fn get_bool(body: &Map<String, Value>, field: &str) -> Result<Option<bool>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::invalid(format!("{field}: must be true or false"))),
    }
}

/// An array of strings; empty when absent or null.
pub fn get_list(body: &Map<String, Value>, field: &str) -> Result<Vec<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str().map(String::from).ok_or_else(|| ApiError::invalid(format!("{field}[{i}]: must be a string")))
            })
            .collect(),
        Some(_) => Err(ApiError::invalid(format!("{field}: must be an array of strings"))),
    }
}

/// A string, number or boolean as the text a tool stores for it (`true`, `42`, `a`); `None` for
/// anything else (null, arrays, objects), which each caller answers in its own words.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// 100 naming the first field not in `known`.
pub fn reject_unknown(body: &Map<String, Value>, known: &[&str]) -> Result<(), ApiError> {
    match body.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(ApiError::invalid(format!("{k}: unknown field; known fields are {}", known.join(", ")))),
        None => Ok(()),
    }
}
