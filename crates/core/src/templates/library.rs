//! The Template Library: pre-written UTILITY and AUTHENTICATION templates a business adds to
//! its WABA by name (`POST /{waba-id}/message_templates` with `library_template_name`) instead
//! of writing components, and browses with `GET /message_template_library`. The library ships
//! in the binary (`library.json`, en_US). Its content is fixed: a business fills in only what
//! the library leaves open — the URL of a URL button and the number of a phone button
//! (`library_template_button_inputs`), and for authentication templates the security
//! recommendation and code expiry (`library_template_body_inputs`). A template created from
//! the library is approved at once (its content was reviewed when it entered the library) and
//! keeps `library_template_name`.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::invalid;
use crate::error::ApiError;

/// The one language the built-in library is written in.
pub const LIBRARY_LANGUAGE: &str = "en_US";

/// One button of a library template.
#[derive(Debug, Clone, Deserialize)]
pub struct LibraryButton {
    /// `QUICK_REPLY`, `URL`, `PHONE_NUMBER` or `OTP`.
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
    /// A URL button's sample URL (the business gives its own).
    #[serde(default)]
    pub url: Option<String>,
    /// A phone button's sample number (the business gives its own).
    #[serde(default)]
    pub phone_number: Option<String>,
}

/// One template of the library.
#[derive(Debug, Clone, Deserialize)]
pub struct LibraryTemplate {
    pub name: String,
    pub category: String,
    pub topic: String,
    pub usecase: String,
    pub industry: Vec<String>,
    #[serde(default)]
    pub header: Option<String>,
    pub body: String,
    pub body_params: Vec<String>,
    pub body_param_types: Vec<String>,
    pub buttons: Vec<LibraryButton>,
}

/// Every template of the library.
pub fn all() -> &'static [LibraryTemplate] {
    static LIBRARY: OnceLock<Vec<LibraryTemplate>> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        // The file is part of the source and checked by this module's tests.
        serde_json::from_str(include_str!("library.json")).unwrap_or_default()
    })
}

/// A stable numeric id for a library template (FNV-1a of its name), as Meta gives each one.
fn library_id(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 9_000_000_000_000_000 + 1_000_000_000_000_000).to_string()
}

impl LibraryTemplate {
    /// The library entry as `GET /message_template_library` answers it.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        m.insert("language".into(), json!(LIBRARY_LANGUAGE));
        m.insert("category".into(), json!(self.category));
        m.insert("topic".into(), json!(self.topic));
        m.insert("usecase".into(), json!(self.usecase));
        m.insert("industry".into(), json!(self.industry));
        if let Some(h) = &self.header {
            m.insert("header".into(), json!(h));
        }
        m.insert("body".into(), json!(self.body));
        m.insert("body_params".into(), json!(self.body_params));
        m.insert("body_param_types".into(), json!(self.body_param_types));
        let buttons: Vec<Value> = self
            .buttons
            .iter()
            .map(|b| {
                let mut o = json!({"type": b.kind, "text": b.text});
                if let Some(u) = &b.url {
                    o["url"] = json!(u);
                }
                if let Some(p) = &b.phone_number {
                    o["phone_number"] = json!(p);
                }
                o
            })
            .collect();
        m.insert("buttons".into(), Value::Array(buttons));
        m.insert("id".into(), json!(library_id(&self.name)));
        Value::Object(m)
    }
}

/// The filters of `GET /message_template_library`: `search` (a substring of the name, header
/// or body, any case), `topic`, `usecase`, `industry`, `language`, `name`.
#[derive(Debug, Clone, Default)]
pub struct LibraryQuery {
    pub search: Option<String>,
    pub topic: Option<String>,
    pub usecase: Option<String>,
    pub industry: Option<String>,
    pub language: Option<String>,
    pub name: Option<String>,
}

/// The library templates that match every given filter, in library order.
pub fn search(q: &LibraryQuery) -> Vec<&'static LibraryTemplate> {
    let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w.eq_ignore_ascii_case(have));
    let needle = q.search.as_deref().map(str::to_lowercase);
    if !eq(&q.language, LIBRARY_LANGUAGE) {
        return Vec::new();
    }
    all()
        .iter()
        .filter(|t| eq(&q.topic, &t.topic) && eq(&q.usecase, &t.usecase) && eq(&q.name, &t.name))
        .filter(|t| q.industry.as_deref().is_none_or(|i| t.industry.iter().any(|x| x.eq_ignore_ascii_case(i))))
        .filter(|t| {
            needle.as_deref().is_none_or(|n| {
                [Some(t.name.as_str()), t.header.as_deref(), Some(t.body.as_str())]
                    .into_iter()
                    .flatten()
                    .any(|s| s.to_lowercase().contains(n))
            })
        })
        .collect()
}

/// The top-level keys of a create request from the library.
const LIBRARY_CREATE_KEYS: &[&str] = &[
    "name",
    "language",
    "category",
    "library_template_name",
    "library_template_button_inputs",
    "library_template_body_inputs",
    "message_send_ttl_seconds",
];

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ApiError> {
    v.as_object().ok_or_else(|| invalid(format!("{path}: must be an object.")))
}

fn text<'a>(o: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a str, ApiError> {
    match o.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err(invalid(format!("The parameter {path}{key} is required.")))
        }
        Some(_) => Err(invalid(format!("{path}{key}: must be a string."))),
    }
}

/// A form post carries arrays and objects as JSON text.
fn decoded(v: &Value) -> Value {
    match v {
        Value::String(s) if s.trim_start().starts_with(['[', '{']) => serde_json::from_str(s).unwrap_or(v.clone()),
        other => other.clone(),
    }
}

/// A create request from the library, as the ordinary create request it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryRequest {
    /// `name`, `language`, `category`, `components` and the settings.
    pub request: Map<String, Value>,
    /// The library template it comes from.
    pub library_template_name: String,
}

/// A create request that names `library_template_name`, as the ordinary create request it
/// stands for. `None` when the request does not use the library.
pub fn create_request(body: &Map<String, Value>) -> Result<Option<LibraryRequest>, ApiError> {
    let Some(lib) = body.get("library_template_name").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    if body.contains_key("components") {
        return Err(invalid(
            "components: a template from the library has the library's content; give library_template_button_inputs and library_template_body_inputs instead.",
        ));
    }
    super::validate::only_keys(body, LIBRARY_CREATE_KEYS)?;
    let lib_name = lib.as_str().ok_or_else(|| invalid("library_template_name: must be a string."))?;
    let t = all().iter().find(|t| t.name == lib_name).ok_or_else(|| {
        invalid(format!(
            "library_template_name: '{lib_name}' is not a template of the library; GET /message_template_library lists them."
        ))
    })?;
    let language = text(body, "language", "")?;
    if language != LIBRARY_LANGUAGE {
        return Err(invalid(format!(
            "language: library template {lib_name} is available in {LIBRARY_LANGUAGE}, not {language}."
        )));
    }
    let category = text(body, "category", "")?;
    if !category.eq_ignore_ascii_case(&t.category) {
        return Err(invalid(format!(
            "category: library template {lib_name} is a {} template, not {category}.",
            t.category
        )));
    }
    let inputs = match body.get("library_template_button_inputs").map(decoded) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid("library_template_button_inputs: must be an array.")),
    };
    let body_inputs = match body.get("library_template_body_inputs").map(decoded) {
        None | Some(Value::Null) => Map::new(),
        Some(v) => obj(&v, "library_template_body_inputs")?.clone(),
    };
    let auth = t.category == "AUTHENTICATION";
    let mut components = Vec::new();
    if auth {
        components.extend(auth_components(t, &body_inputs, &inputs)?);
    } else {
        if let Some(k) = body_inputs.keys().next() {
            return Err(invalid(format!(
                "library_template_body_inputs.{k}: library template {lib_name} has no such option; its body is fixed."
            )));
        }
        if let Some(h) = &t.header {
            components.push(json!({"type": "HEADER", "format": "TEXT", "text": h}));
        }
        components.push(json!({"type": "BODY", "text": t.body, "example": {"body_text": [t.body_params]}}));
        let buttons = utility_buttons(t, &inputs)?;
        if !buttons.is_empty() {
            components.push(json!({"type": "BUTTONS", "buttons": buttons}));
        }
    }
    let mut out = Map::new();
    for key in ["name", "language", "message_send_ttl_seconds"] {
        if let Some(v) = body.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    out.insert("category".into(), json!(t.category));
    out.insert("allow_category_change".into(), json!(false));
    out.insert("components".into(), Value::Array(components));
    Ok(Some(LibraryRequest { request: out, library_template_name: t.name.clone() }))
}

/// The buttons of a utility template with the business's inputs: each URL and phone button
/// takes the next input of its type, in order; quick replies are fixed.
fn utility_buttons(t: &LibraryTemplate, inputs: &[Value]) -> Result<Vec<Value>, ApiError> {
    let mut used = vec![false; inputs.len()];
    let mut out = Vec::new();
    for b in &t.buttons {
        if b.kind == "QUICK_REPLY" {
            out.push(json!({"type": "QUICK_REPLY", "text": b.text}));
            continue;
        }
        let found = inputs.iter().enumerate().find(|(i, v)| {
            !used[*i] && v.get("type").and_then(Value::as_str).is_some_and(|k| k.eq_ignore_ascii_case(&b.kind))
        });
        let Some((i, input)) = found else {
            let what = if b.kind == "URL" { "url.base_url" } else { "phone_number" };
            return Err(invalid(format!(
                "library_template_button_inputs: the {} button \"{}\" of {} needs an input of type {} with {what}.",
                b.kind, b.text, t.name, b.kind
            )));
        };
        used[i] = true;
        let path = format!("library_template_button_inputs[{i}].");
        let input = obj(input, &path)?;
        if b.kind == "URL" {
            let url = obj(input.get("url").unwrap_or(&Value::Null), &format!("{path}url"))?;
            let base = text(url, "base_url", &format!("{path}url."))?;
            let mut button = json!({"type": "URL", "text": b.text, "url": base});
            if let Some(ex) = url.get("url_suffix_example").and_then(Value::as_str) {
                button["example"] = json!([ex]);
            }
            out.push(button);
        } else {
            let number = text(input, "phone_number", &path)?;
            out.push(json!({"type": "PHONE_NUMBER", "text": b.text, "phone_number": number}));
        }
    }
    if let Some(i) = used.iter().position(|u| !u) {
        return Err(invalid(format!(
            "library_template_button_inputs[{i}]: library template {} has no further button of this type.",
            t.name
        )));
    }
    Ok(out)
}

/// An authentication template's components: its preset body (with the security
/// recommendation if asked), the code expiry footer if given, and the OTP button (copy code
/// unless an input chooses another OTP type).
fn auth_components(
    t: &LibraryTemplate,
    body_inputs: &Map<String, Value>,
    inputs: &[Value],
) -> Result<Vec<Value>, ApiError> {
    if let Some(k) = body_inputs.keys().find(|k| *k != "add_security_recommendation" && *k != "code_expiration_minutes")
    {
        return Err(invalid(format!(
            "library_template_body_inputs.{k}: library template {} takes add_security_recommendation and code_expiration_minutes.",
            t.name
        )));
    }
    let mut body = json!({"type": "BODY"});
    if let Some(v) = body_inputs.get("add_security_recommendation") {
        body["add_security_recommendation"] = v.clone();
    }
    let mut out = vec![body];
    if let Some(v) = body_inputs.get("code_expiration_minutes") {
        out.push(json!({"type": "FOOTER", "code_expiration_minutes": v}));
    }
    let text = t.buttons.first().map(|b| b.text.as_str()).unwrap_or("Copy code");
    let mut button = json!({"type": "OTP", "otp_type": "COPY_CODE", "text": text});
    match inputs {
        [] => {}
        [input] => {
            let input = obj(input, "library_template_button_inputs[0]")?;
            if input.get("type").and_then(Value::as_str).is_none_or(|k| !k.eq_ignore_ascii_case("OTP")) {
                return Err(invalid(
                    "library_template_button_inputs[0].type: an authentication template's button is OTP.",
                ));
            }
            for (k, v) in input {
                if k != "type" {
                    button[k] = v.clone();
                }
            }
        }
        _ => return Err(invalid("library_template_button_inputs: an authentication template has one OTP button.")),
    }
    out.push(json!({"type": "BUTTONS", "buttons": [button]}));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_library_parses_and_its_templates_pass_validation() {
        assert!(all().len() >= 8);
        for t in all() {
            assert_eq!(t.body_params.len(), t.body_param_types.len(), "{}", t.name);
            let inputs: Vec<Value> = t
                .buttons
                .iter()
                .filter_map(|b| match b.kind.as_str() {
                    "URL" => Some(json!({"type": "URL", "url": {"base_url": "https://shop.example.org/"}})),
                    "PHONE_NUMBER" => Some(json!({"type": "PHONE_NUMBER", "phone_number": "+15551230000"})),
                    _ => None,
                })
                .collect();
            let req = body(json!({"name": "x", "language": "en_US", "category": t.category,
                "library_template_name": t.name, "library_template_button_inputs": inputs}));
            let lib = create_request(&req).unwrap().unwrap();
            assert_eq!(lib.library_template_name, t.name);
            super::super::validate::parse_create(&lib.request).unwrap_or_else(|e| panic!("{}: {e:?}", t.name));
        }
    }

    #[test]
    fn searches_by_each_filter() {
        let q = |f: fn(&mut LibraryQuery)| {
            let mut q = LibraryQuery::default();
            f(&mut q);
            search(&q).iter().map(|t| t.name.as_str()).collect::<Vec<_>>()
        };
        assert_eq!(q(|_| {}).len(), all().len());
        assert_eq!(q(|q| q.search = Some("ON ITS WAY".into())), ["delivery_update_1"]);
        assert_eq!(q(|q| q.topic = Some("payments".into())), ["payment_reminder_1"]);
        assert!(q(|q| q.industry = Some("HEALTH".into())).contains(&"appointment_reminder_1"));
        assert!(q(|q| q.language = Some("de".into())).is_empty());
        assert_eq!(q(|q| q.usecase = Some("ONE_TIME_PASSWORD".into())), ["verification_code_1"]);
    }

    #[test]
    fn inputs_are_checked() {
        let base = json!({"name": "x", "language": "en_US", "category": "UTILITY", "library_template_name": "delivery_update_1"});
        let err = |v: Value, needle: &str| {
            let e = create_request(&body(v)).unwrap_err();
            assert!(e.details.contains(needle), "{:?} lacks {needle:?}", e.details);
        };
        err(base.clone(), "needs an input of type URL");
        let mut v = base.clone();
        v["library_template_button_inputs"] = json!([{"type": "URL", "url": {"base_url": "https://a.example/{{1}}",
            "url_suffix_example": "https://a.example/1"}}, {"type": "PHONE_NUMBER", "phone_number": "+1555"}]);
        err(v, "no further button");
        let mut v = base.clone();
        v["library_template_name"] = json!("nope");
        err(v, "not a template of the library");
        let mut v = base.clone();
        v["category"] = json!("MARKETING");
        err(v, "is a UTILITY template");
        let mut v = base.clone();
        v["language"] = json!("fr");
        err(v, "available in en_US");
        let mut v = base.clone();
        v["components"] = json!([]);
        err(v, "components");
        let mut v = base.clone();
        v["library_template_body_inputs"] = json!({"add_learn_more_link": true});
        err(v, "add_learn_more_link");
        assert!(create_request(&body(json!({"name": "x"}))).unwrap().is_none());
    }
}
