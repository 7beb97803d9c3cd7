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

/// A string parameter of a Graph body: absent or null is `None`; another type is error 100.
pub fn str_param<'a>(body: &'a Map<String, Value>, k: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ApiError::invalid(format!("Param {k} must be a string"))),
    }
}

/// An edge asked for inside `fields=` (`phone_numbers.limit(2){id,verified_name}`): its page
/// size (`.limit(n)`, 1 to [`MAX_LIMIT`]) and the fields of its items (`{…}`). Any other
/// modifier is 100.
pub fn edge_selection(name: &str, modifiers: &str) -> Result<(Option<usize>, Option<Vec<FieldSel>>), ApiError> {
    let mut rest = modifiers.trim();
    let mut limit = None;
    let mut fields = None;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(".limit(") {
            let (n, after) = r.split_once(')').ok_or_else(|| ApiError::invalid(format!("{name}.limit: no ')'")))?;
            let n: usize = n.trim().parse().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
                ApiError::invalid(format!("{name}.limit({n}): the limit is a number from 1 to {MAX_LIMIT}"))
            })?;
            limit = Some(n);
            rest = after.trim_start();
        } else if rest.starts_with('{') && rest.ends_with('}') {
            fields = Some(parse_fields(&rest[1..rest.len() - 1])?);
            rest = "";
        } else {
            return Err(ApiError::invalid(format!(
                "{name}{rest}: an edge in fields= takes .limit(n) and {{fields}} only"
            )));
        }
    }
    Ok((limit, fields))
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
    project_node(all, fields, &Node { name: node_type, default, optional: &[] })
}

/// A node type as `fields=` sees it: its name (in errors), the fields answered without
/// `fields=`, and the fields it knows that a node may lack. Graph omits a known field that
/// has no value on a node instead of failing; only a field the type does not have is 100.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    pub name: &'a str,
    pub default: &'a [&'a str],
    pub optional: &'a [&'a str],
}

/// [`project`] for a [`Node`]: a requested field of `node.optional` that `all` lacks is left
/// out.
pub fn project_node(all: &Map<String, Value>, fields: Option<&[FieldSel]>, node: &Node) -> Result<Value, ApiError> {
    let (default, node_type) = (node.default, node.name);
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
                    None if node.optional.contains(&f.name.as_str()) => {}
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

/// How a `filtering` condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    Equal,
    NotEqual,
    In,
    NotIn,
}

/// One condition of Graph's `filtering=[{"field":…,"operator":…,"value":…}]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: String,
    pub op: FilterOp,
    /// The value, or the values of `IN` / `NOT_IN`, as text (`true`, `LIVE`, `TIER_2K`).
    pub values: Vec<String>,
}

impl Filter {
    /// Whether `value` (the field's value of one item) passes this condition.
    pub fn passes(&self, value: &str) -> bool {
        let hit = self.values.iter().any(|v| v.eq_ignore_ascii_case(value));
        match self.op {
            FilterOp::Equal | FilterOp::In => hit,
            FilterOp::NotEqual | FilterOp::NotIn => !hit,
        }
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parse `filtering` (a JSON array of conditions) over the fields a list supports; anything
/// else is error 100 naming what is wrong.
pub fn parse_filtering(raw: &str, fields: &[&str]) -> Result<Vec<Filter>, ApiError> {
    let bad = |why: String| ApiError::invalid(format!("Invalid parameter: filtering {why}"));
    let v: Value = serde_json::from_str(raw).map_err(|_| bad("must be valid JSON".into()))?;
    let Value::Array(conds) = v else { return Err(bad("must be a JSON array of conditions".into())) };
    let mut out = Vec::new();
    for (i, c) in conds.iter().enumerate() {
        let field = c["field"].as_str().ok_or_else(|| bad(format!("[{i}].field is required")))?;
        if !fields.contains(&field) {
            return Err(bad(format!("[{i}].field: '{field}' is not one of {}", fields.join(", "))));
        }
        let op = match c["operator"].as_str().map(str::to_ascii_uppercase).as_deref() {
            Some("EQUAL") => FilterOp::Equal,
            Some("NOT_EQUAL") => FilterOp::NotEqual,
            Some("IN") => FilterOp::In,
            Some("NOT_IN") => FilterOp::NotIn,
            Some(o) => return Err(bad(format!("[{i}].operator: '{o}' is not EQUAL, NOT_EQUAL, IN or NOT_IN"))),
            None => return Err(bad(format!("[{i}].operator is required"))),
        };
        let values = match (op, &c["value"]) {
            (FilterOp::In | FilterOp::NotIn, Value::Array(a)) => {
                a.iter().map(scalar_text).collect::<Option<Vec<_>>>().filter(|v| !v.is_empty())
            }
            (FilterOp::Equal | FilterOp::NotEqual, v) => scalar_text(v).map(|s| vec![s]),
            _ => None,
        }
        .ok_or_else(|| bad(format!("[{i}].value must be a string, number or boolean (an array for IN and NOT_IN)")))?;
        out.push(Filter { field: field.to_string(), op, values });
    }
    Ok(out)
}

/// Parse `sort=field.asc|field.desc` over the fields a list supports: the field and whether
/// descending.
pub fn parse_sort(raw: &str, fields: &[&str]) -> Result<(String, bool), ApiError> {
    let (field, dir) = raw.rsplit_once('.').unwrap_or((raw, "asc"));
    let desc = match dir {
        "asc" => false,
        "desc" => true,
        _ => return Err(ApiError::invalid(format!("Invalid parameter: sort '{raw}' must end in .asc or .desc"))),
    };
    if !fields.contains(&field) {
        return Err(ApiError::invalid(format!(
            "Invalid parameter: sort '{raw}': '{field}' is not one of {}",
            fields.join(", ")
        )));
    }
    Ok((field.to_string(), desc))
}

/// Parse `summary=`: the names a list supports (`true` means `total_count`), or an error
/// naming one it does not — never ignored. Empty when no summary is asked for.
pub fn parse_summary(raw: &str, supported: &[&str]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty() && *p != "false") {
        let name = if part == "true" { "total_count" } else { part };
        if !supported.contains(&name) {
            return Err(ApiError::invalid(format!(
                "Invalid parameter: summary '{part}' is not supported here ({} are)",
                supported.join(", ")
            )));
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

/// A page of `items` (in their order, ids unique) for a page request, cursors being ids: for
/// lists filtered or sorted in memory.
pub fn page_in_memory<T: Clone>(items: &[T], id: impl Fn(&T) -> &str, page: &PageRequest) -> crate::model::Page<T> {
    let pos = |c: &str| items.iter().position(|t| id(t) == c);
    let limit = page.limit.max(1);
    let (start, end) = match (&page.after, &page.before) {
        (Some(a), _) => {
            let s = pos(a).map(|i| i + 1).unwrap_or(items.len());
            (s, (s + limit).min(items.len()))
        }
        (None, Some(b)) => {
            let e = pos(b).unwrap_or(0);
            (e.saturating_sub(limit), e)
        }
        (None, None) => (0, limit.min(items.len())),
    };
    crate::model::Page {
        items: items[start..end].to_vec(),
        has_more_after: end < items.len(),
        has_more_before: start > 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filtering_sort_and_summary() {
        let f = parse_filtering(r#"[{"field":"account_mode","operator":"EQUAL","value":"LIVE"}]"#, &["account_mode"])
            .unwrap();
        assert!(f[0].passes("LIVE") && !f[0].passes("SANDBOX"));
        let f =
            parse_filtering(r#"[{"field":"account_mode","operator":"NOT_IN","value":["LIVE"]}]"#, &["account_mode"])
                .unwrap();
        assert!(f[0].passes("SANDBOX"));
        for bad in [
            "nope",
            "{}",
            r#"[{"field":"x","operator":"EQUAL","value":1}]"#,
            r#"[{"field":"account_mode","operator":"LIKE","value":1}]"#,
            r#"[{"field":"account_mode","operator":"IN","value":"LIVE"}]"#,
        ] {
            let e = parse_filtering(bad, &["account_mode"]).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::InvalidParameter, "{bad}");
        }
        assert_eq!(parse_sort("creation_time.desc", &["creation_time"]).unwrap(), ("creation_time".into(), true));
        assert!(parse_sort("name.desc", &["creation_time"]).is_err());
        assert!(parse_sort("creation_time.up", &["creation_time"]).is_err());
        assert_eq!(parse_summary("total_count", &["total_count"]).unwrap(), ["total_count"]);
        assert_eq!(parse_summary("true,false", &["total_count"]).unwrap(), ["total_count"]);
        assert!(parse_summary("", &["total_count"]).unwrap().is_empty());
        assert!(parse_summary("nonsense", &["total_count"]).is_err());
        let items = vec!["a", "b", "c", "d"];
        let p = page_in_memory(&items, |s| s, &PageRequest { after: Some("a".into()), before: None, limit: 2 });
        assert_eq!((p.items, p.has_more_before, p.has_more_after), (vec!["b", "c"], true, true));
        let p = page_in_memory(&items, |s| s, &PageRequest { after: None, before: Some("c".into()), limit: 5 });
        assert_eq!((p.items, p.has_more_before, p.has_more_after), (vec!["a", "b"], false, true));
    }

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
    fn projection_leaves_out_known_absent_fields() {
        let all = json!({"id": "1", "a": 1}).as_object().unwrap().clone();
        let node = Node { name: "T", default: &["a"], optional: &["b"] };
        let sel = parse_fields("a,b").unwrap();
        assert_eq!(project_node(&all, Some(&sel), &node).unwrap(), json!({"id": "1", "a": 1}));
        let sel = parse_fields("a,c").unwrap();
        assert!(project_node(&all, Some(&sel), &node).unwrap_err().details.contains("(c)"));
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
