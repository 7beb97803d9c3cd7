//! Reading the ads and Status request bodies: each error names the field by its path, with the
//! send API's codes (a missing field 131008, a bad value 131009, an unknown key 100).

use serde_json::{Map, Value};

use crate::error::ApiError;

/// The body's keys must be among `allowed` (a misspelt option is refused, not ignored).
pub fn only_keys(m: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<(), ApiError> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::invalid(format!("{}: unknown field (known: {})", join(path, k), allowed.join(", ")))),
        None => Ok(()),
    }
}

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// An object member, if present and not `null`.
pub fn object<'a>(
    m: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(ApiError::bad_value(format!("{}: an object", join(path, key)))),
    }
}

/// A string member of at most `max` characters, trimmed; `None` when absent, `null` or blank.
pub fn text(m: &Map<String, Value>, path: &str, key: &str, max: usize) -> Result<Option<String>, ApiError> {
    let f = join(path, key);
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.chars().count() > max {
                return Err(ApiError::bad_value(format!("{f}: at most {max} characters")));
            }
            Ok((!s.is_empty()).then(|| s.to_string()))
        }
        Some(_) => Err(ApiError::bad_value(format!("{f}: a string"))),
    }
}

/// A required string member (see [`text`]).
pub fn required_text(m: &Map<String, Value>, path: &str, key: &str, max: usize) -> Result<String, ApiError> {
    text(m, path, key, max)?.ok_or_else(|| ApiError::missing(&join(path, key)))
}

/// A whole number member, if present.
pub fn integer(m: &Map<String, Value>, path: &str, key: &str) -> Result<Option<i64>, ApiError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_i64().map(Some).ok_or_else(|| ApiError::bad_value(format!("{}: a whole number", join(path, key))))
        }
    }
}

/// A UNIX time in seconds, as milliseconds.
pub fn unix_time(m: &Map<String, Value>, key: &str) -> Result<Option<i64>, ApiError> {
    match integer(m, "", key)? {
        None => Ok(None),
        Some(s) if s > 0 && s < 100_000_000_000 => Ok(Some(s * 1000)),
        Some(_) => Err(ApiError::bad_value(format!("{key}: a UNIX time in seconds"))),
    }
}

/// An `https://` (or, for a sandbox, `http://`) address.
pub fn link(m: &Map<String, Value>, path: &str, key: &str) -> Result<Option<String>, ApiError> {
    let Some(l) = text(m, path, key, 2048)? else { return Ok(None) };
    if !(l.starts_with("https://") || l.starts_with("http://")) || l.contains(char::is_whitespace) {
        return Err(ApiError::bad_value(format!("{}: an http(s) URL", join(path, key))));
    }
    Ok(Some(l))
}
