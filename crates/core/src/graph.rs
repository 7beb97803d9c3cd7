//! Graph conventions that are pure logic: `fields=` selection and cursor paging.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::model::PageRequest;

/// One requested field: `name` and what followed it (`.start(1).end(2)` or `{a,b}`), verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSel {
    pub name: String,
    pub modifiers: String,
}

/// Split a `fields=` value at top-level commas: `a,b.limit(2){c,d},e`.
pub fn parse_fields(s: &str) -> Result<Vec<FieldSel>, ApiError> {
    let mut out = Vec::new();
    let mut depth: i32 = 0;
    let mut start = 0;
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'{' | b'[' => depth += 1,
            b')' | b'}' | b']' => {
                depth -= 1;
                if depth < 0 {
                    return Err(ApiError::invalid(format!("Syntax error in fields: unbalanced '{}'", b as char)));
                }
            }
            b',' if depth == 0 => {
                push_field(&s[start..i], &mut out)?;
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(ApiError::invalid("Syntax error in fields: unbalanced brackets"));
    }
    push_field(&s[start..], &mut out)?;
    Ok(out)
}

fn push_field(part: &str, out: &mut Vec<FieldSel>) -> Result<(), ApiError> {
    let part = part.trim();
    if part.is_empty() {
        return Ok(());
    }
    let end = part.find(['.', '{', '(']).unwrap_or(part.len());
    let name = &part[..end];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(ApiError::invalid(format!("Syntax error \"Expected name.\" in fields: {part}")));
    }
    out.push(FieldSel { name: name.to_string(), modifiers: part[end..].to_string() });
    Ok(())
}

/// Keep the requested fields of `all`. `default` is used when `fields` is absent; `id` is
/// always included, as Graph does. An unknown field is Graph's error 100 naming it.
pub fn project(
    all: &Map<String, Value>,
    fields: Option<&[FieldSel]>,
    default: &[&str],
    node_type: &str,
) -> Result<Value, ApiError> {
    let mut out = Map::new();
    if let Some(id) = all.get("id") {
        out.insert("id".into(), id.clone());
    }
    match fields {
        None => {
            for name in default {
                if let Some(v) = all.get(*name) {
                    out.insert((*name).to_string(), v.clone());
                }
            }
        }
        Some(sel) => {
            for f in sel {
                match all.get(&f.name) {
                    Some(v) => {
                        out.insert(f.name.clone(), v.clone());
                    }
                    None => {
                        return Err(ApiError::invalid(format!(
                            "Tried accessing nonexisting field ({}) on node type ({node_type})",
                            f.name
                        ))
                        .with_message(format!(
                            "Tried accessing nonexisting field ({}) on node type ({node_type})",
                            f.name
                        )))
                    }
                }
            }
        }
    }
    Ok(Value::Object(out))
}

/// Default and maximum page sizes.
pub const DEFAULT_LIMIT: usize = 25;
pub const MAX_LIMIT: usize = 1000;

/// Opaque cursor for an id.
pub fn encode_cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

/// Read a cursor back; a cursor that is not ours is error 100.
pub fn decode_cursor(c: &str) -> Result<String, ApiError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(c.trim_end_matches('='))
        .map_err(|_| ApiError::invalid(format!("Invalid cursor: {c}")))?;
    String::from_utf8(bytes).map_err(|_| ApiError::invalid(format!("Invalid cursor: {c}")))
}

/// Build a page request from the `limit`, `after` and `before` query values.
pub fn page_request(limit: Option<&str>, after: Option<&str>, before: Option<&str>) -> Result<PageRequest, ApiError> {
    // Graph refuses a page size it cannot serve rather than guessing: "(#100) The 'limit'
    // parameter should not exceed N" for too large a value, and 100 for one that is not a
    // positive integer. Nothing is silently replaced.
    let limit = match limit {
        // An empty value is an absent one, as for `after=` and `before=`.
        None | Some("") => DEFAULT_LIMIT,
        Some(l) => match l.trim().parse::<u64>() {
            Ok(n) if (1..=MAX_LIMIT as u64).contains(&n) => n as usize,
            Ok(0) => return Err(ApiError::invalid("Param limit must be a positive integer, got '0'")),
            Ok(_) => return Err(ApiError::invalid(format!("The 'limit' parameter should not exceed {MAX_LIMIT}"))),
            Err(_) => {
                return Err(ApiError::invalid(format!("Param limit must be a positive integer, got '{l}'")));
            }
        },
    };
    let after = after.filter(|s| !s.is_empty()).map(decode_cursor).transpose()?;
    let before = before.filter(|s| !s.is_empty()).map(decode_cursor).transpose()?;
    Ok(PageRequest { after, before, limit })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_nested_fields() {
        let f = parse_fields("id,name,analytics.start(1).end(2).phone_numbers([\"1\",\"2\"]),x{a,b}").unwrap();
        let names: Vec<_> = f.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "name", "analytics", "x"]);
        assert_eq!(f[2].modifiers, ".start(1).end(2).phone_numbers([\"1\",\"2\"])");
        assert!(parse_fields("a,(b").is_err());
        assert!(parse_fields("a)").is_err());
        assert!(parse_fields("a,-b").is_err());
    }

    #[test]
    fn projection_keeps_id_and_rejects_unknown() {
        let all = json!({"id":"1","a":1,"b":2}).as_object().unwrap().clone();
        let v = project(&all, None, &["a"], "X").unwrap();
        assert_eq!(v, json!({"id":"1","a":1}));
        let sel = parse_fields("b").unwrap();
        assert_eq!(project(&all, Some(&sel), &["a"], "X").unwrap(), json!({"id":"1","b":2}));
        let sel = parse_fields("zz").unwrap();
        let e = project(&all, Some(&sel), &["a"], "X").unwrap_err();
        assert!(e.details.contains("(zz)"));
    }

    #[test]
    fn cursors_round_trip() {
        let c = encode_cursor("123456");
        assert_eq!(decode_cursor(&c).unwrap(), "123456");
        assert!(decode_cursor("%%%").is_err());
        let p = page_request(Some("5"), Some(&c), None).unwrap();
        assert_eq!(p.limit, 5);
        assert_eq!(p.after.as_deref(), Some("123456"));
        assert_eq!(page_request(Some("1000"), None, None).unwrap().limit, MAX_LIMIT);
        assert_eq!(page_request(None, None, None).unwrap().limit, DEFAULT_LIMIT);
        assert_eq!(page_request(Some(""), None, None).unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn limits_outside_one_to_max_are_refused() {
        for bad in ["x", "-1", "0", " ", "1.5", "1001", "100000", "99999999999999999999999", "1e3"] {
            let e = page_request(Some(bad), None, None).unwrap_err();
            assert_eq!(e.code, crate::error::ErrorCode::InvalidParameter, "limit={bad}");
            assert!(e.details.contains("limit"), "limit={bad}: {}", e.details);
        }
    }
}
