//! The state file's format: JSON lines. The first line is the header, then one line per row,
//! table by table in the header's order (parents first):
//!
//! ```text
//! {"format":"risala-state","format_version":1,"risala_version":"0.1.0","schema_version":28,
//!  "engine":"sqlite","created_at":"2026-12-03T22:00:00Z","created_at_ms":…,
//!  "tables":[{"name":"businesses","columns":["id",…],"rows":1},…]}
//! {"t":"businesses","r":["123…","Demo Co",…]}
//! ```
//!
//! A value is `null`, a number, a string, or `{"base64":"…"}` for bytes (media chunks).
//! Secrets and bodies are written opened, so the file imports under other keys.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

use super::schema::Kind;
use crate::value::Value;

pub(crate) const FORMAT: &str = "risala-state";
pub(crate) const FORMAT_VERSION: i64 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Header {
    pub format: String,
    pub format_version: i64,
    pub risala_version: String,
    pub schema_version: i64,
    pub engine: String,
    pub created_at: String,
    pub created_at_ms: i64,
    pub tables: Vec<TableHeader>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct TableHeader {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RowLine {
    pub t: String,
    pub r: Vec<Json>,
}

pub(crate) fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::I64(n) => json!(n),
        Value::F64(f) => json!(f),
        Value::Text(s) => json!(s),
        Value::Blob(b) => json!({"base64": STANDARD.encode(b)}),
    }
}

/// The value of a column of `kind` from the file, or why it is not one.
pub(crate) fn from_json(v: &Json, kind: Kind, not_null: bool) -> Result<Value, String> {
    match (v, kind) {
        (Json::Null, _) if not_null => Err("is null, which the column does not allow".into()),
        (Json::Null, _) => Ok(Value::Null),
        (Json::Number(n), Kind::Integer) => n.as_i64().map(Value::I64).ok_or_else(|| format!("{n} is not an integer")),
        (Json::Number(n), Kind::Real) => n.as_f64().map(Value::F64).ok_or_else(|| format!("{n} is not a number")),
        (Json::String(s), Kind::Text) => Ok(Value::Text(s.clone())),
        (Json::Object(o), Kind::Blob) => match o.get("base64") {
            Some(Json::String(b)) if o.len() == 1 => {
                STANDARD.decode(b).map(Value::Blob).map_err(|_| "is not valid base64".to_string())
            }
            _ => Err("bytes must read {\"base64\": \"…\"}".into()),
        },
        (other, kind) => Err(format!("{} where the column holds {}", shape(other), kind_name(kind))),
    }
}

fn shape(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Integer => "integers",
        Kind::Real => "numbers",
        Kind::Text => "text",
        Kind::Blob => "bytes",
    }
}
