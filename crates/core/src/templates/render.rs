//! Send-time rendering: check a send request's `template` object against the template and
//! produce exactly what the customer sees. Errors are Meta's: parameter count 132000, format
//! 132012, hydrated length 132005.

use serde_json::{json, Map, Value};

use super::validate::MAX_COUPON;
use super::{distinct_names, placeholders, Template};
use crate::error::{ApiError, ErrorCode};

/// Header text after filling, at most.
pub const MAX_HEADER: usize = 60;
/// Body text after filling, at most (32768 when the body is the only component).
pub const MAX_BODY: usize = 1024;
pub const MAX_BODY_ALONE: usize = 32768;

/// A template as the customer receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedTemplate {
    pub name: String,
    pub language: String,
    pub category: String,
    /// `{"type":"text","text"}`, `{"type":"image","image":{link|id}}`, `{"type":"location",…}`.
    pub header: Option<Value>,
    pub body: String,
    pub footer: Option<String>,
    pub buttons: Vec<Value>,
    /// A carousel template's cards, each `{card_index, header, body?, buttons}`.
    pub cards: Vec<Value>,
    /// A limited-time offer: `{text, expiration_time_ms?}`.
    pub limited_time_offer: Option<Value>,
}

impl RenderedTemplate {
    /// The message content: `{name, language, category, header, body, footer, buttons}`.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "name": self.name,
            "language": self.language,
            "category": self.category,
            "header": self.header,
            "body": self.body,
            "footer": self.footer,
            "buttons": self.buttons,
        });
        if !self.cards.is_empty() {
            v["cards"] = json!(self.cards);
        }
        if let Some(offer) = &self.limited_time_offer {
            v["limited_time_offer"] = offer.clone();
        }
        v
    }
}

fn count(details: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::TemplateParamCount, details)
}

fn format_err(details: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::TemplateParamFormat, details)
}

fn too_long(details: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::TemplateTextTooLong, details)
}

/// The send request's components, by kind.
#[derive(Default)]
struct SendParts<'a> {
    header: Option<&'a [Value]>,
    body: Option<&'a [Value]>,
    /// (index, sub_type, parameters)
    buttons: Vec<(usize, String, &'a [Value])>,
    /// The `cards` of a `carousel` component.
    carousel: Option<&'a Value>,
    /// The parameters of a `limited_time_offer` component.
    offer: Option<&'a [Value]>,
}

fn params<'a>(c: &'a Value, path: &str) -> Result<&'a [Value], ApiError> {
    match c.get("parameters") {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(ApiError::invalid(format!("{path}.parameters must be an array"))),
    }
}

fn parts(send: &Value) -> Result<SendParts<'_>, ApiError> {
    let mut out = SendParts::default();
    let list = match send.get("components") {
        None | Some(Value::Null) => return Ok(out),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(ApiError::invalid("template.components must be an array")),
    };
    for (i, c) in list.iter().enumerate() {
        let path = format!("template.components[{i}]");
        let kind = c["type"].as_str().unwrap_or("").to_ascii_lowercase();
        match kind.as_str() {
            "header" if out.header.is_none() => out.header = Some(params(c, &path)?),
            "body" if out.body.is_none() => out.body = Some(params(c, &path)?),
            "carousel" if out.carousel.is_none() => {
                out.carousel = Some(c.get("cards").ok_or_else(|| ApiError::missing(&format!("{path}.cards")))?)
            }
            "limited_time_offer" if out.offer.is_none() => out.offer = Some(params(c, &path)?),
            "header" | "body" | "carousel" | "limited_time_offer" => {
                return Err(ApiError::invalid(format!("{path}: more than one {kind} component")))
            }
            "button" => {
                let index = match &c["index"] {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                }
                .ok_or_else(|| ApiError::missing(&format!("{path}.index")))?;
                let sub = c["sub_type"].as_str().ok_or_else(|| ApiError::missing(&format!("{path}.sub_type")))?;
                if out.buttons.iter().any(|b| b.0 == index as usize) {
                    return Err(ApiError::invalid(format!("{path}: button index {index} given twice")));
                }
                out.buttons.push((index as usize, sub.to_ascii_lowercase(), params(c, &path)?));
            }
            other => {
                return Err(ApiError::invalid(format!(
                    "{path}.type: '{other}' is not one of header, body, button, carousel, limited_time_offer"
                )))
            }
        }
    }
    Ok(out)
}

/// The text a parameter stands for: `text`, or the fallback of `currency` / `date_time`, on
/// one line: Meta refuses a new line, a tab or more than 4 spaces in a row (132018).
fn param_text(p: &Value, where_: &str) -> Result<String, ApiError> {
    let text = param_value(p, where_)?;
    if text.contains(['\n', '\r', '\t']) || text.contains("     ") {
        return Err(ApiError::new(
            ErrorCode::TemplateParamInvalid,
            format!("{where_}: Param text cannot have new-line/tab characters or more than 4 consecutive spaces"),
        ));
    }
    Ok(text)
}

fn param_value(p: &Value, where_: &str) -> Result<String, ApiError> {
    let ty = p["type"].as_str().ok_or_else(|| ApiError::missing(&format!("{where_}.type")))?;
    match ty {
        "text" => match &p["text"] {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            Value::String(_) => Err(ApiError::bad_value(format!("{where_}.text: must not be empty"))),
            Value::Null => Err(ApiError::missing(&format!("{where_}.text"))),
            other => Ok(other.to_string()),
        },
        "currency" | "date_time" => p[ty]["fallback_value"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| ApiError::missing(&format!("{where_}.{ty}.fallback_value"))),
        other => Err(format_err(format!(
            "{where_}: a {other} parameter cannot fill a text variable; use text, currency or date_time"
        ))),
    }
}

/// Fill the variables of `text` from `given` (positional: in order; named: by
/// `parameter_name`).
fn fill(text: &str, given: &[Value], named: bool, what: &str) -> Result<String, ApiError> {
    let ph = placeholders(text).map_err(|_| ApiError::internal())?;
    let names = distinct_names(&ph);
    if given.len() != names.len() {
        return Err(count(format!(
            "{what}: number of localizable_params ({}) does not match the expected number of params ({})",
            given.len(),
            names.len()
        )));
    }
    let mut values: Vec<(String, String)> = Vec::new();
    for (i, p) in given.iter().enumerate() {
        let where_ = format!("{what}.parameters[{i}]");
        let key = if named {
            let n = p["parameter_name"].as_str().ok_or_else(|| {
                count(format!("{where_}: parameter_name is required for a template with named parameters"))
            })?;
            if !names.iter().any(|x| x == n) {
                return Err(count(format!("{where_}: the template has no parameter named '{n}'")));
            }
            if values.iter().any(|(k, _)| k == n) {
                return Err(count(format!(
                    "{where_}: parameter '{n}' is given more than once; the template's parameters are {}",
                    names.join(", ")
                )));
            }
            n.to_string()
        } else {
            names[i].clone()
        };
        values.push((key, param_text(p, &where_)?));
    }
    let mut out = String::new();
    let mut at = 0;
    for p in &ph {
        out.push_str(&text[at..p.start]);
        let v = values.iter().find(|(k, _)| *k == p.name).map(|(_, v)| v.as_str()).unwrap_or("");
        out.push_str(v);
        at = p.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

fn media_param(kind: &str, given: &[Value]) -> Result<Value, ApiError> {
    let [p] = given else {
        return Err(count(format!(
            "header: the template's {} header needs exactly one parameter",
            kind.to_uppercase()
        )));
    };
    let ty = p["type"].as_str().unwrap_or("");
    let accepted = if kind == "gif" { ty == "gif" || ty == "video" } else { ty == kind };
    if !accepted {
        return Err(format_err(format!(
            "header: format mismatch, expected {}, received {}",
            kind.to_uppercase(),
            if ty.is_empty() { "UNKNOWN".to_string() } else { ty.to_uppercase() }
        )));
    }
    if kind == "location" {
        let loc = p["location"].as_object().ok_or_else(|| ApiError::missing("header.parameters[0].location"))?;
        for k in ["latitude", "longitude"] {
            let v = loc.get(k).ok_or_else(|| ApiError::missing(&format!("header.parameters[0].location.{k}")))?;
            let n = v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok()));
            if n.is_none() {
                return Err(ApiError::bad_value(format!("header.parameters[0].location.{k}: must be a number")));
            }
        }
        return Ok(json!({"type": "location", "location": loc}));
    }
    let obj = p[ty].as_object().ok_or_else(|| ApiError::missing(&format!("header.parameters[0].{ty}")))?;
    let mut media = Map::new();
    match (obj.get("id").and_then(Value::as_str), obj.get("link").and_then(Value::as_str)) {
        (Some(id), None) => {
            media.insert("id".into(), json!(id));
        }
        (None, Some(link)) if link.starts_with("https://") || link.starts_with("http://") => {
            media.insert("link".into(), json!(link));
        }
        (None, Some(_)) => {
            return Err(ApiError::bad_value(format!("header.parameters[0].{ty}.link: must be an http(s) URL")))
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(format!("header.parameters[0].{ty}: give either id or link, not both")))
        }
        (None, None) => return Err(ApiError::missing(&format!("header.parameters[0].{ty}.id or link"))),
    }
    if kind == "document" {
        if let Some(f) = obj.get("filename").and_then(Value::as_str) {
            media.insert("filename".into(), json!(f));
        }
    }
    Ok(json!({"type": kind, kind: media}))
}

fn header(t: &Template, given: Option<&[Value]>) -> Result<Option<Value>, ApiError> {
    let given = given.unwrap_or(&[]);
    let Some(h) = t.component("HEADER") else {
        if !given.is_empty() {
            return Err(count("header: the template has no header, but header parameters were given"));
        }
        return Ok(None);
    };
    let format = h["format"].as_str().unwrap_or("TEXT");
    if format == "TEXT" {
        let text = h["text"].as_str().unwrap_or("");
        let filled = fill(text, given, t.is_named(), "header")?;
        if filled.chars().count() > MAX_HEADER {
            return Err(too_long(format!("header: the filled header text is longer than {MAX_HEADER} characters")));
        }
        return Ok(Some(json!({"type": "text", "text": filled})));
    }
    media_param(&format.to_ascii_lowercase(), given).map(Some)
}

fn button_params<'a>(parts: &'a SendParts<'a>, index: usize) -> Option<(&'a str, &'a [Value])> {
    parts.buttons.iter().find(|b| b.0 == index).map(|b| (b.1.as_str(), b.2))
}

fn one_text(p: &[Value], where_: &str, keys: &[&str]) -> Result<Option<String>, ApiError> {
    match p {
        [] => Ok(None),
        [one] => {
            let ty = one["type"].as_str().unwrap_or("");
            if !keys.contains(&ty) {
                return Err(format_err(format!("{where_}: parameter type {ty} is not one of {}", keys.join(", "))));
            }
            match &one[ty] {
                Value::String(s) if !s.is_empty() => Ok(Some(s.clone())),
                Value::Null => Err(ApiError::missing(&format!("{where_}.{ty}"))),
                Value::String(_) => Err(ApiError::bad_value(format!("{where_}.{ty}: must not be empty"))),
                other => Ok(Some(other.to_string())),
            }
        }
        _ => Err(count(format!("{where_}: expected one parameter, got {}", p.len()))),
    }
}

fn buttons(t: &Template, parts: &SendParts<'_>, body_values: &[String]) -> Result<Vec<Value>, ApiError> {
    let tb = t.buttons();
    for (index, sub, _) in &parts.buttons {
        if *index >= tb.len() {
            return Err(ApiError::bad_value(format!("button index {index}: the template has {} button(s)", tb.len())));
        }
        let kind = tb[*index]["type"].as_str().unwrap_or("");
        let expected = match kind {
            "OTP" => "url".to_string(),
            other => other.to_ascii_lowercase(),
        };
        let ok = *sub == expected || (kind == "OTP" && sub == "copy_code");
        if !ok {
            return Err(format_err(format!(
                "button index {index}: sub_type {sub} does not match the template's {kind} button"
            )));
        }
    }
    let mut out = Vec::new();
    for (i, b) in tb.iter().enumerate() {
        let kind = b["type"].as_str().unwrap_or("");
        let text = b["text"].as_str().unwrap_or("").to_string();
        let given = button_params(parts, i).map(|g| g.1).unwrap_or(&[]);
        let where_ = format!("button[{i}]");
        let v = match kind {
            "QUICK_REPLY" => {
                let payload = one_text(given, &where_, &["payload", "text"])?.unwrap_or_else(|| text.clone());
                json!({"type": "QUICK_REPLY", "text": text, "payload": payload})
            }
            "URL" => {
                let url = b["url"].as_str().unwrap_or("");
                let has_var = url.ends_with("{{1}}");
                let suffix = one_text(given, &where_, &["text"])?;
                let full = match (has_var, suffix) {
                    (true, Some(s)) => format!("{}{s}", &url[..url.len() - 5]),
                    (true, None) => {
                        return Err(count(format!("{where_}: the URL button needs its {{{{1}}}} suffix parameter")))
                    }
                    (false, Some(_)) => {
                        return Err(count(format!(
                            "{where_}: the URL button has no variable, but a parameter was given"
                        )))
                    }
                    (false, None) => url.to_string(),
                };
                json!({"type": "URL", "text": text, "url": full})
            }
            "PHONE_NUMBER" => json!({"type": "PHONE_NUMBER", "text": text, "phone_number": b["phone_number"]}),
            "COPY_CODE" => {
                let code = one_text(given, &where_, &["coupon_code"])?
                    .ok_or_else(|| count(format!("{where_}: the COPY_CODE button needs a coupon_code parameter")))?;
                let max =
                    if t.component("LIMITED_TIME_OFFER").is_some() { super::offer::MAX_OFFER_CODE } else { MAX_COUPON };
                if code.chars().count() > max {
                    return Err(too_long(format!("{where_}: coupon_code is longer than {max} characters")));
                }
                json!({"type": "COPY_CODE", "text": text, "code": code})
            }
            "OTP" => {
                let code = match one_text(given, &where_, &["text", "coupon_code"])? {
                    Some(c) => c,
                    None => body_values.first().cloned().ok_or_else(|| {
                        count(format!("{where_}: the OTP button needs the one-time code as a parameter"))
                    })?,
                };
                let mut o = json!({"type": "OTP", "otp_type": b["otp_type"], "text": text, "code": code});
                for k in ["autofill_text", "package_name", "signature_hash"] {
                    if let Some(v) = b.get(k) {
                        o[k] = v.clone();
                    }
                }
                o
            }
            "FLOW" => {
                let mut o = json!({"type": "FLOW", "text": text});
                for k in ["flow_id", "flow_name", "flow_action", "navigate_screen"] {
                    if let Some(v) = b.get(k) {
                        o[k] = v.clone();
                    }
                }
                if let Some(a) = given.iter().find(|p| p["type"] == "action") {
                    o["action"] = a["action"].clone();
                }
                o
            }
            other => {
                let mut o = json!({"type": other, "text": text});
                if let Some(a) = given.iter().find(|p| p["type"] == "action") {
                    o["action"] = a["action"].clone();
                }
                o
            }
        };
        out.push(v);
    }
    Ok(out)
}

/// Render `template` for a send request's `template` object.
pub fn render(template: &Template, send: &Value) -> Result<RenderedTemplate, ApiError> {
    let parts = parts(send)?;
    let header = header(template, parts.header)?;
    let body_given = parts.body.unwrap_or(&[]);
    let body_text = template.body_text();
    let body = fill(body_text, body_given, template.is_named(), "body")?;
    let alone = template.components.as_array().is_some_and(|a| a.len() == 1);
    let max = if alone { MAX_BODY_ALONE } else { MAX_BODY };
    if body.chars().count() > max {
        return Err(too_long(format!("body: the filled body text is longer than {max} characters")));
    }
    let body_values: Vec<String> = body_given
        .iter()
        .enumerate()
        .map(|(i, p)| param_text(p, &format!("body.parameters[{i}]")))
        .collect::<Result<_, _>>()?;
    let buttons = buttons(template, &parts, &body_values)?;
    let cards = super::carousel::render_cards(template, parts.carousel)?;
    let limited_time_offer = super::offer::render(template, parts.offer)?;
    let footer = template.component("FOOTER").and_then(|f| f["text"].as_str()).map(str::to_string);
    Ok(RenderedTemplate {
        name: template.name.clone(),
        language: template.language.clone(),
        category: template.category.as_str().to_string(),
        header,
        body,
        footer,
        buttons,
        cards,
        limited_time_offer,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::templates::review::tests_support::template;

    /// A template with every kind of component and parameter, and a send it accepts (also the
    /// seed of the renderer's property tests).
    pub(crate) fn every_kind() -> (Template, Value) {
        let t = template(
            "MARKETING",
            "POSITIONAL",
            json!([
                {"type": "HEADER", "format": "TEXT", "text": "Hi {{1}}"},
                {"type": "BODY", "text": "Pay {{1}} by {{2}} please, {{3}}."},
                {"type": "FOOTER", "text": "Thanks"},
                {"type": "BUTTONS", "buttons": [
                    {"type": "QUICK_REPLY", "text": "Stop"},
                    {"type": "URL", "text": "Track", "url": "https://x.com/t/{{1}}"},
                    {"type": "COPY_CODE", "text": "Copy offer code", "example": "A1"}]}
            ]),
        );
        let send = json!({"name": "n", "language": {"code": "en_US"}, "components": [
            {"type": "header", "parameters": [{"type": "text", "text": "Ann"}]},
            {"type": "body", "parameters": [
                {"type": "currency", "currency": {"fallback_value": "$100.99", "code": "USD", "amount_1000": 100990}},
                {"type": "date_time", "date_time": {"fallback_value": "February 25, 1977"}},
                {"type": "text", "text": "Ann"}]},
            {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [{"type": "payload", "payload": "STOP"}]},
            {"type": "button", "sub_type": "url", "index": 1, "parameters": [{"type": "text", "text": "abc"}]},
            {"type": "button", "sub_type": "copy_code", "index": 2, "parameters": [{"type": "coupon_code", "coupon_code": "SAVE"}]}]});
        (t, send)
    }

    #[test]
    fn renders_every_kind() {
        let (t, send) = every_kind();
        let r = render(&t, &send).unwrap();
        assert_eq!(r.header, Some(json!({"type": "text", "text": "Hi Ann"})));
        assert_eq!(r.body, "Pay $100.99 by February 25, 1977 please, Ann.");
        assert_eq!(r.footer.as_deref(), Some("Thanks"));
        assert_eq!(r.buttons[0], json!({"type": "QUICK_REPLY", "text": "Stop", "payload": "STOP"}));
        assert_eq!(r.buttons[1], json!({"type": "URL", "text": "Track", "url": "https://x.com/t/abc"}));
        assert_eq!(r.buttons[2]["code"], "SAVE");
        // Meta's own coupon example is 20 characters; 21 is too long (132005).
        let with_code = |code: &str| {
            let mut s = send.clone();
            s["components"][4]["parameters"][0]["coupon_code"] = json!(code);
            render(&t, &s)
        };
        assert_eq!(with_code("fLBponPDsqF0KQThzkrf").unwrap().buttons[2]["code"], "fLBponPDsqF0KQThzkrf");
        assert_eq!(with_code(&"C".repeat(21)).unwrap_err().code, ErrorCode::TemplateTextTooLong);
    }

    #[test]
    fn errors() {
        let t = template(
            "UTILITY",
            "NAMED",
            json!([{"type": "BODY", "text": "Hello {{first_name}}, it is here."}, {"type": "FOOTER", "text": "f"}]),
        );
        let ok = json!({"components": [{"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Jo"}]}]});
        assert_eq!(render(&t, &ok).unwrap().body, "Hello Jo, it is here.");
        let code = |v: Value| render(&t, &v).unwrap_err().code;
        assert_eq!(code(json!({})), ErrorCode::TemplateParamCount);
        assert_eq!(
            code(
                json!({"components": [{"type": "body", "parameters": [{"type": "text", "parameter_name": "x", "text": "Jo"}]}]})
            ),
            ErrorCode::TemplateParamCount
        );
        assert_eq!(
            code(
                json!({"components": [{"type": "body", "parameters": [{"type": "image", "parameter_name": "first_name", "image": {"link": "https://x"}}]}]})
            ),
            ErrorCode::TemplateParamFormat
        );
        let long = "x".repeat(1100);
        assert_eq!(
            code(
                json!({"components": [{"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": long}]}]})
            ),
            ErrorCode::TemplateTextTooLong
        );
        // One line, at most 4 spaces in a row: a parameter is not a paragraph.
        let with = |text: &str| json!({"components": [{"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": text}]}]});
        for bad in ["Jo\nAnn", "Jo\tAnn", "Jo\r\nAnn", "Jo     Ann"] {
            assert_eq!(code(with(bad)), ErrorCode::TemplateParamInvalid, "{bad:?}");
        }
        assert_eq!(render(&t, &with("Jo    Ann")).unwrap().body, "Hello Jo    Ann, it is here.");
    }
}
