//! Small helpers for walking a JSON request body: typed field access that names the field
//! in every error, key allow-lists, length and count limits.
//!
//! Conventions (Meta's): an unknown key or a value of the wrong JSON type is `100`, a
//! missing (or blank) required value is `131008`, a value of the right type that breaks a
//! rule (too long, out of range, not a URL) is `131009`. A key whose value is `null` counts
//! as absent everywhere, as SDKs often serialise unset optional fields as `null`.

use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode};

pub(crate) type Res<T> = Result<T, ApiError>;

/// `a.b` (or `b` at the top level).
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `a.b[3]`.
pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// `100`: a value of the wrong JSON type.
pub(crate) fn wrong_type(path: &str, what: &str) -> ApiError {
    ApiError::invalid(format!("Param {path} must be {what}"))
}

/// `100`: a key the object does not know.
pub(crate) fn unexpected(key: &str, path: &str) -> ApiError {
    if path.is_empty() {
        ApiError::invalid(format!("Unexpected key \"{key}\" in the request body"))
    } else {
        ApiError::invalid(format!("Unexpected key \"{key}\" on param \"{path}\""))
    }
}

/// `131008` for "one of these is required".
pub(crate) fn missing_one_of(a: &str, b: &str) -> ApiError {
    ApiError::new(ErrorCode::RequiredParameterMissing, format!("The parameter {a} or {b} is required."))
}

/// `131009` unless `s` has at most `max` Unicode scalar values.
pub(crate) fn check_len(path: &str, s: &str, max: usize) -> Res<()> {
    let n = s.chars().count();
    if n > max {
        return Err(ApiError::bad_value(format!("{path} must be at most {max} characters (got {n})")));
    }
    Ok(())
}

/// `131009` unless `min <= n <= max` (items of an array).
pub(crate) fn check_count(path: &str, n: usize, min: usize, max: usize) -> Res<()> {
    if n < min {
        let s = if min == 1 { "" } else { "s" };
        return Err(ApiError::bad_value(format!("{path} must have at least {min} item{s} (got {n})")));
    }
    if n > max {
        return Err(ApiError::bad_value(format!("{path} must have at most {max} items (got {n})")));
    }
    Ok(())
}

/// A copy of `v` with every `null`-valued object key dropped, at every depth.
pub(crate) fn clean(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), clean(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(clean).collect()),
        other => other.clone(),
    }
}

/// A JSON object being read, with the dotted path it sits at (for error details).
#[derive(Debug, Clone)]
pub(crate) struct Obj<'a> {
    pub path: String,
    pub map: &'a Map<String, Value>,
}

/// Read `v` (at `path`) as an object; anything else is `100`.
pub(crate) fn as_obj(path: impl Into<String>, v: &Value) -> Res<Obj<'_>> {
    let path = path.into();
    match v {
        Value::Object(map) => Ok(Obj { path, map }),
        _ => Err(wrong_type(&path, "a JSON object")),
    }
}

/// Read `v` (at `path`) as a string; anything else is `100`.
pub(crate) fn as_str<'a>(path: &str, v: &'a Value) -> Res<&'a str> {
    v.as_str().ok_or_else(|| wrong_type(path, "a string"))
}

impl<'a> Obj<'a> {
    /// The path of one of this object's fields.
    pub fn field(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The value at `key`, `None` if absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// `100` for the first key not in `keys` (null-valued keys are ignored).
    pub fn allow(&self, keys: &[&str]) -> Res<()> {
        match self.map.iter().find(|(k, v)| !v.is_null() && !keys.contains(&k.as_str())) {
            Some((k, _)) => Err(unexpected(k, &self.path)),
            None => Ok(()),
        }
    }

    pub fn opt_str(&self, key: &str) -> Res<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => as_str(&self.field(key), v).map(Some),
        }
    }

    /// A required string: absent, empty or blank is `131008`.
    pub fn req_str(&self, key: &str) -> Res<&'a str> {
        match self.opt_str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(ApiError::missing(&self.field(key))),
        }
    }

    /// An optional string of at most `max` characters.
    pub fn opt_str_max(&self, key: &str, max: usize) -> Res<Option<&'a str>> {
        let s = self.opt_str(key)?;
        if let Some(s) = s {
            check_len(&self.field(key), s, max)?;
        }
        Ok(s)
    }

    /// A required, non-blank string of at most `max` characters.
    pub fn req_str_max(&self, key: &str, max: usize) -> Res<&'a str> {
        let s = self.req_str(key)?;
        check_len(&self.field(key), s, max)?;
        Ok(s)
    }

    /// An optional string that must be one of `allowed` (`131009` otherwise).
    pub fn opt_enum(&self, key: &str, allowed: &[&str]) -> Res<Option<&'a str>> {
        let s = self.opt_str(key)?;
        if let Some(s) = s {
            if !allowed.contains(&s) {
                return Err(ApiError::bad_value(format!(
                    "{} must be one of {} - got \"{s}\"",
                    self.field(key),
                    allowed.join(", ")
                )));
            }
        }
        Ok(s)
    }

    /// Like [`Obj::opt_enum`], but required.
    pub fn req_enum(&self, key: &str, allowed: &[&str]) -> Res<&'a str> {
        match self.opt_enum(key, allowed)? {
            Some(s) => Ok(s),
            None => Err(ApiError::missing(&self.field(key))),
        }
    }

    pub fn opt_obj(&self, key: &str) -> Res<Option<Obj<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => as_obj(self.field(key), v).map(Some),
        }
    }

    pub fn req_obj(&self, key: &str) -> Res<Obj<'a>> {
        match self.opt_obj(key)? {
            Some(o) => Ok(o),
            None => Err(ApiError::missing(&self.field(key))),
        }
    }

    pub fn opt_arr(&self, key: &str) -> Res<Option<&'a Vec<Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(wrong_type(&self.field(key), "an array")),
        }
    }

    pub fn req_arr(&self, key: &str) -> Res<&'a Vec<Value>> {
        match self.opt_arr(key)? {
            Some(a) => Ok(a),
            None => Err(ApiError::missing(&self.field(key))),
        }
    }

    /// An optional boolean; the strings `"true"` and `"false"` count (form posts).
    pub fn opt_bool(&self, key: &str) -> Res<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" => Ok(Some(true)),
            Some(Value::String(s)) if s == "false" => Ok(Some(false)),
            Some(_) => Err(wrong_type(&self.field(key), "a boolean")),
        }
    }

    /// An optional finite number; a numeric string counts (form posts, and Meta's own
    /// schema types coordinates as strings). Returns the number as JSON.
    pub fn opt_number(&self, key: &str) -> Res<Option<serde_json::Number>> {
        let bad = || wrong_type(&self.field(key), "a number");
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some(n.clone())),
            Some(Value::String(s)) => {
                let f: f64 = s.trim().parse().map_err(|_| bad())?;
                serde_json::Number::from_f64(f).map(Some).ok_or_else(bad)
            }
            Some(_) => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits_count_scalar_values() {
        assert!(check_len("x", &"é".repeat(20), 20).is_ok());
        let e = check_len("x.y", &"é".repeat(21), 20).unwrap_err();
        assert_eq!(e.code, ErrorCode::ParameterValueInvalid);
        assert!(e.details.contains("x.y") && e.details.contains("20"));
        assert_eq!(check_count("a.b", 0, 1, 3).unwrap_err().details, "a.b must have at least 1 item (got 0)");
        assert_eq!(check_count("a.b", 4, 1, 3).unwrap_err().details, "a.b must have at most 3 items (got 4)");
    }

    #[test]
    fn typed_access_names_the_field() {
        let v = json!({"s": "x", "n": 1, "b": "true", "z": null, "blank": "  ", "num": "-12.5"});
        let o = as_obj("t", &v).unwrap();
        assert_eq!(o.opt_str("s").unwrap(), Some("x"));
        assert_eq!(o.opt_str("z").unwrap(), None);
        let e = o.opt_str("n").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameter);
        assert_eq!(e.details, "Param t.n must be a string");
        assert_eq!(o.req_str("blank").unwrap_err().code, ErrorCode::RequiredParameterMissing);
        assert!(o.req_str("nope").unwrap_err().details.contains("t.nope"));
        assert_eq!(o.opt_bool("b").unwrap(), Some(true));
        assert_eq!(o.opt_number("num").unwrap().unwrap().as_f64(), Some(-12.5));
        assert!(o.opt_number("s").is_err());
        let e = o.allow(&["s", "n", "b"]).unwrap_err();
        assert_eq!(e.details, "Unexpected key \"blank\" on param \"t\"");
    }

    #[test]
    fn clean_drops_nulls() {
        assert_eq!(clean(&json!({"a": null, "b": [{"c": null, "d": 1}]})), json!({"b": [{"d": 1}]}));
    }
}
