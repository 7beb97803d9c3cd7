//! Creation rules for templates: name, language, category, parameter format, and every
//! component and button with its counts, lengths, grouping and example rules. A violation is
//! Graph error 100 with `details` naming the rule. Content rules that Meta applies in review
//! (variable placement, body/header examples, wording) live in [`super::review`].

use serde_json::{json, Map, Value};

use super::{distinct_names, invalid, is_language, placeholders};
use crate::error::ApiError;
use crate::model::{ttl_range, ParameterFormat, TemplateCategory, TemplateSubCategory, TTL_THIRTY_DAYS};

/// A parsed create request.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTemplate {
    pub name: String,
    pub language: String,
    pub category: TemplateCategory,
    pub parameter_format: ParameterFormat,
    pub components: Value,
    pub allow_category_change: bool,
    pub message_send_ttl_seconds: Option<i64>,
    pub sub_category: Option<TemplateSubCategory>,
    pub cta_url_link_tracking_opted_out: Option<bool>,
}

/// The top-level keys of a create request; any other is an error naming it.
pub const CREATE_KEYS: &[&str] = &[
    "name",
    "language",
    "category",
    "parameter_format",
    "allow_category_change",
    "components",
    "message_send_ttl_seconds",
    "sub_category",
    "cta_url_link_tracking_opted_out",
];

/// The top-level keys of an edit (`POST /{template-id}`); `name` and `language` only when
/// unchanged.
pub const EDIT_KEYS: &[&str] =
    &["name", "language", "category", "components", "message_send_ttl_seconds", "cta_url_link_tracking_opted_out"];

/// Error 100 for the first key of `body` that is not in `known`.
pub fn only_keys(body: &Map<String, Value>, known: &[&str]) -> Res<()> {
    match body.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => {
            Err(invalid(format!("Unexpected key \"{k}\" in the request body: it is not one of {}.", known.join(", "))))
        }
        None => Ok(()),
    }
}

/// `message_send_ttl_seconds` for a template of `category`: an integer in Meta's range for the
/// category, or -1 (30 days) for authentication and utility templates.
pub fn parse_ttl(v: Option<&Value>, category: TemplateCategory) -> Res<Option<i64>> {
    let v = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => v,
    };
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .ok_or_else(|| invalid(format!("message_send_ttl_seconds: {v} is not a whole number of seconds.")))?;
    let (min, max) = ttl_range(category);
    let thirty_days = n == TTL_THIRTY_DAYS && category != TemplateCategory::Marketing;
    if !thirty_days && !(min..=max).contains(&n) {
        let minus_one = match category {
            TemplateCategory::Marketing => "",
            _ => ", or -1 for 30 days",
        };
        return Err(invalid(format!(
            "message_send_ttl_seconds: {n} is out of range for a {category} template: use {min} to {max} seconds{minus_one}."
        )));
    }
    Ok(Some(n))
}

/// `sub_category`: Meta's payment sub-categories, for UTILITY templates.
pub fn parse_sub_category(v: Option<&Value>, category: TemplateCategory) -> Res<Option<TemplateSubCategory>> {
    let s = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s,
        Some(other) => return Err(invalid(format!("sub_category: {other} must be a string."))),
    };
    let names = || TemplateSubCategory::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
    let sub = TemplateSubCategory::parse(&s.trim().to_ascii_uppercase())
        .ok_or_else(|| invalid(format!("sub_category: '{s}' is not one of {}.", names())))?;
    if category != TemplateCategory::Utility {
        return Err(invalid(format!("sub_category: {sub} is a sub-category of UTILITY templates, not {category}.")));
    }
    Ok(Some(sub))
}

/// `cta_url_link_tracking_opted_out`: a boolean.
pub fn parse_link_tracking(body: &Map<String, Value>) -> Res<Option<bool>> {
    opt_bool(body, "cta_url_link_tracking_opted_out", "")
}

pub const MAX_NAME: usize = 512;
pub const MAX_HEADER_TEXT: usize = 60;
pub const MAX_BODY_TEXT: usize = 1024;
pub const MAX_FOOTER_TEXT: usize = 60;
pub const MAX_BUTTONS: usize = 10;
pub const MAX_BUTTON_TEXT: usize = 25;
pub const MAX_URL: usize = 2000;
pub const MAX_PHONE: usize = 20;
/// A coupon code (copy code button): Meta's coupon templates allow 20 characters.
pub const MAX_COUPON: usize = 20;

type Res<T> = Result<T, ApiError>;

pub(super) fn req_str<'a>(o: &'a Map<String, Value>, key: &str, path: &str) -> Res<&'a str> {
    match o.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err(ApiError::invalid(format!("The parameter {path}{key} is required.")))
        }
        Some(_) => Err(invalid(format!("Param {path}{key} must be a string."))),
    }
}

fn opt_str<'a>(o: &'a Map<String, Value>, key: &str, path: &str) -> Res<Option<&'a str>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("Param {path}{key} must be a string."))),
    }
}

pub(super) fn opt_bool(o: &Map<String, Value>, key: &str, path: &str) -> Res<Option<bool>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
        Some(_) => Err(invalid(format!("Param {path}{key} must be a boolean."))),
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

pub(super) fn max_len(s: &str, max: usize, what: &str) -> Res<()> {
    if chars(s) > max {
        return Err(invalid(format!("{what} is {} characters long; at most {max} are allowed.", chars(s))));
    }
    Ok(())
}

/// Template names: lowercase letters, digits and underscores, at most 512 characters.
pub fn check_name(name: &str) -> Res<()> {
    if name.is_empty() || name.len() > MAX_NAME {
        return Err(invalid(format!("name: a template name has 1 to {MAX_NAME} characters.")));
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(invalid(format!(
            "name: '{name}' is not a valid template name: use only lowercase letters, digits and underscores."
        )));
    }
    Ok(())
}

pub fn check_language(code: &str) -> Res<()> {
    if !is_language(code) {
        return Err(invalid(format!(
            "language: '{code}' is not a supported template language code (for example en_US, en_GB, es, es_MX, pt_BR)."
        )));
    }
    Ok(())
}

pub fn parse_category(s: &str) -> Res<TemplateCategory> {
    TemplateCategory::parse(&s.trim().to_ascii_uppercase())
        .ok_or_else(|| invalid(format!("category: '{s}' is not one of MARKETING, UTILITY, AUTHENTICATION.")))
}

pub fn parse_parameter_format(v: Option<&Value>) -> Res<ParameterFormat> {
    match v {
        None | Some(Value::Null) => Ok(ParameterFormat::Positional),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("positional") => Ok(ParameterFormat::Positional),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("named") => Ok(ParameterFormat::Named),
        Some(other) => Err(invalid(format!("parameter_format: {other} is not one of positional, named."))),
    }
}

/// `POST /{waba-id}/message_templates`.
pub fn parse_create(body: &Map<String, Value>) -> Res<NewTemplate> {
    only_keys(body, CREATE_KEYS)?;
    let name = req_str(body, "name", "")?;
    check_name(name)?;
    let language = req_str(body, "language", "")?;
    check_language(language)?;
    let category = parse_category(req_str(body, "category", "")?)?;
    let parameter_format = parse_parameter_format(body.get("parameter_format"))?;
    let allow_category_change = opt_bool(body, "allow_category_change", "")?.unwrap_or(true);
    let components = body.get("components").ok_or_else(|| invalid("The parameter components is required."))?;
    let components = parse_components(category.as_str(), parameter_format.as_str(), components)?;
    let message_send_ttl_seconds = parse_ttl(body.get("message_send_ttl_seconds"), category)?;
    let sub_category = parse_sub_category(body.get("sub_category"), category)?;
    let cta_url_link_tracking_opted_out = parse_link_tracking(body)?;
    Ok(NewTemplate {
        name: name.to_string(),
        language: language.to_string(),
        category,
        parameter_format,
        components,
        allow_category_change,
        message_send_ttl_seconds,
        sub_category,
        cta_url_link_tracking_opted_out,
    })
}

/// Check the variables of a text: their form for the parameter format, how many there may
/// be, and (positional) that they are numbered 1, 2, 3, … without gaps.
pub fn check_variables(text: &str, format: &str, what: &str, max: Option<usize>) -> Res<Vec<String>> {
    let ph = placeholders(text).map_err(|e| invalid(format!("{what}: {e}.")))?;
    let names = distinct_names(&ph);
    if let Some(max) = max {
        if names.len() > max {
            return Err(invalid(format!("{what}: at most {max} variable(s) allowed, found {}.", names.len())));
        }
    }
    if format == "NAMED" {
        for n in &names {
            let ok = n.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !ok {
                return Err(invalid(format!(
                    "{what}: '{{{{{n}}}}}' is not a valid named variable: with parameter_format named, use lowercase letters, digits and underscores, starting with a letter."
                )));
            }
        }
    } else {
        let mut nums = Vec::new();
        for n in &names {
            match n.parse::<usize>() {
                Ok(k) if k >= 1 && n.bytes().all(|b| b.is_ascii_digit()) => nums.push(k),
                _ => {
                    return Err(invalid(format!(
                        "{what}: '{{{{{n}}}}}' is not a valid positional variable: use {{{{1}}}}, {{{{2}}}}, … (or parameter_format named)."
                    )))
                }
            }
        }
        nums.sort_unstable();
        if nums.iter().enumerate().any(|(i, k)| *k != i + 1) {
            return Err(invalid(format!(
                "{what}: variables must be numbered in sequence starting at {{{{1}}}}, without gaps."
            )));
        }
    }
    Ok(names)
}

/// Validate and normalise `components` for a category and parameter format.
pub fn parse_components(category: &str, format: &str, components: &Value) -> Res<Value> {
    let arr = components.as_array().ok_or_else(|| invalid("components: must be an array of components."))?;
    if arr.is_empty() {
        return Err(invalid("components: at least a BODY component is required."));
    }
    let auth = category == "AUTHENTICATION";
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, c) in arr.iter().enumerate() {
        let path = format!("components[{i}].");
        let o = c.as_object().ok_or_else(|| invalid(format!("components[{i}]: must be an object.")))?;
        let kind = req_str(o, "type", &path)?.to_ascii_uppercase();
        if seen.contains(&kind) {
            return Err(invalid(format!("components: more than one {kind} component.")));
        }
        let keys: &[&str] = match kind.as_str() {
            "HEADER" => &["type", "format", "text", "example"],
            "BODY" => &["type", "text", "example", "add_security_recommendation"],
            "FOOTER" => &["type", "text", "code_expiration_minutes"],
            "BUTTONS" => &["type", "buttons"],
            "CAROUSEL" => &["type", "cards"],
            "LIMITED_TIME_OFFER" => &["type", "limited_time_offer"],
            _ => &[],
        };
        if let Some(k) = o.keys().find(|k| !keys.is_empty() && !keys.contains(&k.as_str())) {
            return Err(invalid(format!(
                "components[{i}]: unexpected key \"{k}\" in a {kind} component; it takes {}.",
                keys.join(", ")
            )));
        }
        let normalised = match kind.as_str() {
            "HEADER" if auth => {
                return Err(invalid("components: AUTHENTICATION templates cannot have a HEADER."));
            }
            "HEADER" => header(o, format)?,
            "BODY" if auth => auth_body(o)?,
            "BODY" => body(o, format)?,
            "FOOTER" if auth => match auth_footer(o)? {
                Some(f) => f,
                None => {
                    seen.push(kind);
                    continue;
                }
            },
            "FOOTER" => footer(o)?,
            "BUTTONS" => buttons(o, auth, &path)?,
            "CAROUSEL" => super::carousel::component(o, format, &path)?,
            "LIMITED_TIME_OFFER" => super::offer::component(o, &path)?,
            other => {
                return Err(invalid(format!(
                    "components[{i}].type: '{other}' is not one of HEADER, BODY, FOOTER, BUTTONS, CAROUSEL, LIMITED_TIME_OFFER."
                )))
            }
        };
        seen.push(kind);
        out.push(normalised);
    }
    if !seen.iter().any(|k| k == "BODY") {
        return Err(invalid("components: a BODY component is required."));
    }
    super::carousel::check_siblings(category, &seen)?;
    super::offer::check_siblings(category, &out)?;
    if auth && !seen.iter().any(|k| k == "BUTTONS") {
        return Err(invalid("components: AUTHENTICATION templates need a BUTTONS component with one OTP button."));
    }
    Ok(Value::Array(out))
}

pub(super) fn header(o: &Map<String, Value>, format: &str) -> Res<Value> {
    let f = req_str(o, "format", "HEADER.")?.to_ascii_uppercase();
    let mut out = Map::new();
    out.insert("type".into(), json!("HEADER"));
    out.insert("format".into(), json!(f));
    match f.as_str() {
        "TEXT" => {
            let text = req_str(o, "text", "HEADER.")?;
            max_len(text, MAX_HEADER_TEXT, "HEADER text")?;
            check_variables(text, format, "HEADER text", Some(1))?;
            out.insert("text".into(), json!(text));
        }
        "IMAGE" | "VIDEO" | "GIF" | "DOCUMENT" => {
            let handles = o.get("example").and_then(|e| e.get("header_handle")).and_then(Value::as_array);
            let ok =
                handles.is_some_and(|h| !h.is_empty() && h.iter().all(|x| x.as_str().is_some_and(|s| !s.is_empty())));
            if !ok {
                return Err(invalid(format!(
                    "HEADER: a {f} header needs example.header_handle: a list with the handle of an uploaded sample."
                )));
            }
            if o.get("text").is_some() {
                return Err(invalid(format!("HEADER: a {f} header has no text.")));
            }
        }
        "LOCATION" => {
            if o.get("text").is_some() {
                return Err(invalid("HEADER: a LOCATION header has no text."));
            }
        }
        other => {
            return Err(invalid(format!(
                "HEADER.format: '{other}' is not one of TEXT, IMAGE, VIDEO, GIF, DOCUMENT, LOCATION."
            )))
        }
    }
    if let Some(e) = o.get("example") {
        out.insert("example".into(), e.clone());
    }
    Ok(Value::Object(out))
}

pub(super) fn body(o: &Map<String, Value>, format: &str) -> Res<Value> {
    let text = req_str(o, "text", "BODY.")?;
    max_len(text, MAX_BODY_TEXT, "BODY text")?;
    check_variables(text, format, "BODY text", None)?;
    if o.contains_key("add_security_recommendation") {
        return Err(invalid("BODY.add_security_recommendation: only AUTHENTICATION templates have it."));
    }
    let mut out = json!({"type": "BODY", "text": text});
    if let Some(e) = o.get("example") {
        out["example"] = e.clone();
    }
    Ok(out)
}

fn footer(o: &Map<String, Value>) -> Res<Value> {
    let text = req_str(o, "text", "FOOTER.")?;
    max_len(text, MAX_FOOTER_TEXT, "FOOTER text")?;
    if text.contains("{{") {
        return Err(invalid("FOOTER text: a footer cannot contain variables."));
    }
    if o.contains_key("code_expiration_minutes") {
        return Err(invalid("FOOTER.code_expiration_minutes: only AUTHENTICATION templates have it."));
    }
    Ok(json!({"type": "FOOTER", "text": text}))
}

/// The text Meta generates for an authentication body.
pub fn auth_body_text(security: bool) -> String {
    let mut s = "*{{1}}* is your verification code.".to_string();
    if security {
        s.push_str(" For your security, do not share this code.");
    }
    s
}

fn auth_body(o: &Map<String, Value>) -> Res<Value> {
    if o.get("text").is_some() {
        return Err(invalid(
            "BODY.text: AUTHENTICATION templates have preset text; set add_security_recommendation instead.",
        ));
    }
    let security = opt_bool(o, "add_security_recommendation", "BODY.")?.unwrap_or(false);
    Ok(json!({"type": "BODY", "text": auth_body_text(security), "add_security_recommendation": security}))
}

fn auth_footer(o: &Map<String, Value>) -> Res<Option<Value>> {
    if o.get("text").is_some() {
        return Err(invalid("FOOTER.text: AUTHENTICATION templates have preset text; set code_expiration_minutes."));
    }
    match o.get("code_expiration_minutes") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let n = v
                .as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .filter(|n| (1..=90).contains(n))
                .ok_or_else(|| invalid("FOOTER.code_expiration_minutes: must be an integer from 1 to 90."))?;
            Ok(Some(json!({
                "type": "FOOTER",
                "text": format!("This code expires in {n} minutes."),
                "code_expiration_minutes": n,
            })))
        }
    }
}

/// Per-kind limits: (kind, most per template).
const BUTTON_LIMITS: &[(&str, usize)] = &[
    ("QUICK_REPLY", 10),
    ("URL", 2),
    ("PHONE_NUMBER", 1),
    ("COPY_CODE", 1),
    ("OTP", 1),
    ("FLOW", 1),
    ("MPM", 1),
    ("SPM", 1),
    ("CATALOG", 1),
    ("VOICE_CALL", 1),
];

pub(super) fn buttons(o: &Map<String, Value>, auth: bool, path: &str) -> Res<Value> {
    let list = o
        .get("buttons")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(format!("The parameter {path}buttons is required (an array).")))?;
    if list.is_empty() || list.len() > MAX_BUTTONS {
        return Err(invalid(format!("BUTTONS: 1 to {MAX_BUTTONS} buttons, found {}.", list.len())));
    }
    let mut out = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    for (i, b) in list.iter().enumerate() {
        let bp = format!("buttons[{i}].");
        let b = b.as_object().ok_or_else(|| invalid(format!("buttons[{i}]: must be an object.")))?;
        let kind = req_str(b, "type", &bp)?.to_ascii_uppercase();
        let Some((_, max)) = BUTTON_LIMITS.iter().find(|(k, _)| *k == kind) else {
            return Err(invalid(format!(
                "buttons[{i}].type: '{kind}' is not one of QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP, FLOW, MPM, SPM, CATALOG, VOICE_CALL."
            )));
        };
        if auth && kind != "OTP" {
            return Err(invalid(format!(
                "buttons[{i}]: AUTHENTICATION templates have only an OTP button, not {kind}."
            )));
        }
        if !auth && kind == "OTP" {
            return Err(invalid(format!("buttons[{i}]: OTP buttons are only for AUTHENTICATION templates.")));
        }
        if kinds.iter().filter(|k| **k == kind).count() + 1 > *max {
            return Err(invalid(format!("BUTTONS: at most {max} {kind} button(s).")));
        }
        out.push(button(&kind, b, &bp)?);
        kinds.push(kind);
    }
    // Quick replies form one group: no other button between two of them.
    let qr: Vec<usize> = kinds.iter().enumerate().filter(|(_, k)| *k == "QUICK_REPLY").map(|(i, _)| i).collect();
    if let (Some(first), Some(last)) = (qr.first(), qr.last()) {
        if last - first + 1 != qr.len() {
            return Err(invalid(
                "BUTTONS: QUICK_REPLY buttons must be grouped together, not mixed with other button types.",
            ));
        }
    }
    if auth && kinds.len() != 1 {
        return Err(invalid("BUTTONS: AUTHENTICATION templates have exactly one OTP button."));
    }
    Ok(json!({"type": "BUTTONS", "buttons": out}))
}

fn button_text(b: &Map<String, Value>, bp: &str, required: bool) -> Res<Option<String>> {
    let t = if required { Some(req_str(b, "text", bp)?) } else { opt_str(b, "text", bp)? };
    if let Some(t) = t {
        max_len(t, MAX_BUTTON_TEXT, &format!("{bp}text"))?;
        if t.contains("{{") {
            return Err(invalid(format!("{bp}text: button text cannot contain variables.")));
        }
    }
    Ok(t.map(str::to_string))
}

fn button(kind: &str, b: &Map<String, Value>, bp: &str) -> Res<Value> {
    let mut out = b.clone();
    out.insert("type".into(), json!(kind));
    match kind {
        "QUICK_REPLY" | "MPM" | "SPM" | "CATALOG" | "VOICE_CALL" => {
            button_text(b, bp, true)?;
        }
        "URL" => {
            button_text(b, bp, true)?;
            let url = req_str(b, "url", bp)?;
            max_len(url, MAX_URL, &format!("{bp}url"))?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(invalid(format!("{bp}url: must be an http:// or https:// URL.")));
            }
            let ph = placeholders(url).map_err(|e| invalid(format!("{bp}url: {e}.")))?;
            match ph.as_slice() {
                [] => {}
                [p] if p.name == "1" && p.end == url.len() => {
                    let example = match b.get("example") {
                        Some(Value::Array(a)) => a.first().and_then(Value::as_str),
                        Some(Value::String(s)) => Some(s.as_str()),
                        _ => None,
                    };
                    if example.is_none_or(|e| e.is_empty()) {
                        return Err(invalid(format!(
                            "{bp}example: a URL with a {{{{1}}}} suffix needs an example value for it."
                        )));
                    }
                }
                _ => {
                    return Err(invalid(format!(
                        "{bp}url: a URL may have one variable, {{{{1}}}}, and only at its end."
                    )))
                }
            }
        }
        "PHONE_NUMBER" => {
            button_text(b, bp, true)?;
            let p = req_str(b, "phone_number", bp)?;
            max_len(p, MAX_PHONE, &format!("{bp}phone_number"))?;
            if !p.trim_start_matches('+').bytes().all(|c| c.is_ascii_digit()) {
                return Err(invalid(format!("{bp}phone_number: digits only, with the country code.")));
            }
        }
        "COPY_CODE" => {
            button_text(b, bp, false)?;
            let example = match b.get("example") {
                Some(Value::String(s)) => Some(s.as_str()),
                Some(Value::Array(a)) => a.first().and_then(Value::as_str),
                _ => None,
            };
            match example {
                Some(e) if !e.is_empty() => max_len(e, MAX_COUPON, &format!("{bp}example"))?,
                _ => return Err(invalid(format!("{bp}example: a COPY_CODE button needs an example code."))),
            }
            out.entry("text").or_insert(json!("Copy offer code"));
        }
        "OTP" => {
            button_text(b, bp, false)?;
            let otp = req_str(b, "otp_type", bp)?.to_ascii_uppercase();
            match otp.as_str() {
                "COPY_CODE" => {}
                "ONE_TAP" | "ZERO_TAP" => {
                    let apps = b.get("supported_apps").and_then(Value::as_array).is_some_and(|a| !a.is_empty());
                    if !apps {
                        req_str(b, "package_name", bp)?;
                        req_str(b, "signature_hash", bp)?;
                    }
                    if let Some(t) = opt_str(b, "autofill_text", bp)? {
                        max_len(t, MAX_BUTTON_TEXT, &format!("{bp}autofill_text"))?;
                    }
                    if otp == "ZERO_TAP" && opt_bool(b, "zero_tap_terms_accepted", bp)? != Some(true) {
                        return Err(invalid(format!(
                            "{bp}zero_tap_terms_accepted: ZERO_TAP buttons need the terms accepted (true)."
                        )));
                    }
                }
                other => {
                    return Err(invalid(format!("{bp}otp_type: '{other}' is not one of COPY_CODE, ONE_TAP, ZERO_TAP.")))
                }
            }
            out.insert("otp_type".into(), json!(otp));
            out.entry("text").or_insert(json!("Copy code"));
        }
        "FLOW" => {
            button_text(b, bp, true)?;
            let ids = ["flow_id", "flow_name", "flow_json"].iter().filter(|k| b.get(**k).is_some()).count();
            if ids != 1 {
                return Err(invalid(format!(
                    "{bp}: a FLOW button names its flow by one of flow_id, flow_name, flow_json."
                )));
            }
            if let Some(a) = opt_str(b, "flow_action", bp)? {
                if a != "navigate" && a != "data_exchange" {
                    return Err(invalid(format!("{bp}flow_action: '{a}' is not one of navigate, data_exchange.")));
                }
            }
        }
        _ => {}
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comps(category: &str, format: &str, c: Value) -> Res<Value> {
        parse_components(category, format, &c)
    }

    #[test]
    fn names_and_languages() {
        assert!(check_name("order_update_2").is_ok());
        assert!(check_name("Order").is_err());
        assert!(check_name("a-b").is_err());
        assert!(check_name(&"a".repeat(513)).is_err());
        assert!(check_language("es_MX").is_ok());
        assert!(check_language("en-US").is_err());
    }

    #[test]
    fn variables() {
        assert_eq!(check_variables("a {{1}} b {{2}} {{1}}", "POSITIONAL", "x", None).unwrap(), ["1", "2"]);
        assert!(check_variables("a {{2}}", "POSITIONAL", "x", None).is_err());
        assert!(check_variables("a {{name}}", "POSITIONAL", "x", None).is_err());
        assert!(check_variables("a {{first_name}}", "NAMED", "x", None).is_ok());
        assert!(check_variables("a {{1}}", "NAMED", "x", None).is_err());
        assert!(check_variables("a {{1}} {{2}}", "POSITIONAL", "x", Some(1)).is_err());
    }

    #[test]
    fn components_rules() {
        let body = json!({"type": "body", "text": "Hello there"});
        let v = comps("UTILITY", "POSITIONAL", json!([body])).unwrap();
        assert_eq!(v[0]["type"], "BODY");
        assert!(comps("UTILITY", "POSITIONAL", json!([{"type": "FOOTER", "text": "x"}])).is_err());
        let e = comps("UTILITY", "POSITIONAL", json!([{"type": "HEADER", "format": "IMAGE"}, body])).unwrap_err();
        assert!(e.details.contains("header_handle"));
        let e = comps("UTILITY", "POSITIONAL", json!([body, {"type": "FOOTER", "text": "x {{1}}"}])).unwrap_err();
        assert!(e.details.contains("footer"));
        let qr = |t: &str| json!({"type": "QUICK_REPLY", "text": t});
        let url = json!({"type": "URL", "text": "Go", "url": "https://x.com"});
        let e =
            comps("MARKETING", "POSITIONAL", json!([body, {"type": "BUTTONS", "buttons": [qr("a"), url, qr("b")]}]))
                .unwrap_err();
        assert!(e.details.contains("grouped"));
        assert!(comps(
            "MARKETING",
            "POSITIONAL",
            json!([body, {"type": "BUTTONS", "buttons": [qr("a"), qr("b"), url]}])
        )
        .is_ok());
        let e = comps(
            "MARKETING",
            "POSITIONAL",
            json!([body, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://x.com/{{1}}"}]}]),
        )
        .unwrap_err();
        assert!(e.details.contains("example"));
    }

    #[test]
    fn authentication() {
        let v = comps(
            "AUTHENTICATION",
            "POSITIONAL",
            json!([{"type": "BODY", "add_security_recommendation": true}, {"type": "FOOTER", "code_expiration_minutes": 10},
                   {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy Code"}]}]),
        )
        .unwrap();
        assert_eq!(v[0]["text"], "*{{1}}* is your verification code. For your security, do not share this code.");
        assert_eq!(v[1]["text"], "This code expires in 10 minutes.");
        let e =
            comps("AUTHENTICATION", "POSITIONAL", json!([{"type": "BODY", "text": "Your code {{1}}"}])).unwrap_err();
        assert!(e.details.contains("preset"));
        let e = comps(
            "MARKETING",
            "POSITIONAL",
            json!([{"type": "BODY", "text": "x y"}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]}]),
        )
        .unwrap_err();
        assert!(e.details.contains("OTP"));
    }
}
