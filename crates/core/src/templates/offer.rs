//! Limited-time offer templates (Meta's marketing templates with an offer and its countdown):
//! the `LIMITED_TIME_OFFER` component at creation, its rules over the other components, and
//! the offer's expiry a send gives.
//!
//! Creation: `{"type":"limited_time_offer","limited_time_offer":{"text":"Expiring offer!",
//! "has_expiration":true}}`: the offer's text, at most 16 characters without variables, and
//! whether it counts down. Only a MARKETING template has one; it has no FOOTER, a BODY of at
//! most 600 characters and a copy code of at most 15.
//!
//! Send: `{"type":"limited_time_offer","parameters":[{"type":"limited_time_offer",
//! "limited_time_offer":{"expiration_time_ms":1209600000}}]}`, the offer's end in UNIX
//! milliseconds, which an offer that counts down needs.

use serde_json::{json, Map, Value};

use super::invalid;
use super::validate::{max_len, opt_bool, req_str};
use crate::error::{ApiError, ErrorCode};
use crate::model::Template;

/// The offer's text.
pub const MAX_OFFER_TEXT: usize = 16;
/// The body of a template with an offer.
pub const MAX_OFFER_BODY: usize = 600;
/// A copy code beside an offer.
pub const MAX_OFFER_CODE: usize = 15;

type Res<T> = Result<T, ApiError>;

/// The `LIMITED_TIME_OFFER` component, normalised.
pub(super) fn component(o: &Map<String, Value>, path: &str) -> Res<Value> {
    let offer = o
        .get("limited_time_offer")
        .and_then(Value::as_object)
        .ok_or_else(|| ApiError::invalid(format!("The parameter {path}limited_time_offer is required.")))?;
    let at = format!("{path}limited_time_offer.");
    if let Some(k) = offer.keys().find(|k| !["text", "has_expiration"].contains(&k.as_str())) {
        return Err(invalid(format!("{at}{k}: not a field of a limited-time offer (text, has_expiration).")));
    }
    let text = req_str(offer, "text", &at)?;
    max_len(text, MAX_OFFER_TEXT, &format!("{at}text"))?;
    if text.contains("{{") {
        return Err(invalid(format!("{at}text: the offer's text has no variables.")));
    }
    let mut out = json!({"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": text}});
    if let Some(b) = opt_bool(offer, "has_expiration", &at)? {
        out["limited_time_offer"]["has_expiration"] = json!(b);
    }
    Ok(out)
}

/// The rules an offer sets for the template around it (`components`, normalised).
pub(super) fn check_siblings(category: &str, components: &[Value]) -> Res<()> {
    if !components.iter().any(|c| c["type"] == "LIMITED_TIME_OFFER") {
        return Ok(());
    }
    if category != "MARKETING" {
        return Err(invalid("components: only a MARKETING template can have a LIMITED_TIME_OFFER."));
    }
    for c in components {
        match c["type"].as_str() {
            Some("FOOTER") => return Err(invalid("components: a template with a LIMITED_TIME_OFFER has no FOOTER.")),
            Some("BODY") => max_len(c["text"].as_str().unwrap_or(""), MAX_OFFER_BODY, "BODY text (with an offer)")?,
            Some("BUTTONS") => {
                for b in c["buttons"].as_array().into_iter().flatten().filter(|b| b["type"] == "COPY_CODE") {
                    max_len(b["example"].as_str().unwrap_or(""), MAX_OFFER_CODE, "COPY_CODE example (with an offer)")?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The offer a customer gets from a send: its text, and its end when the template counts
/// down (then required). A send with an offer for a template without one is 132000.
pub(super) fn render(t: &Template, given: Option<&[Value]>) -> Res<Option<Value>> {
    let Some(offer) = t.component("LIMITED_TIME_OFFER").map(|c| &c["limited_time_offer"]) else {
        return match given {
            Some(_) => Err(ApiError::new(
                ErrorCode::TemplateParamCount,
                "limited_time_offer: the template has no limited-time offer, but one was given",
            )),
            None => Ok(None),
        };
    };
    let mut out = json!({"text": offer["text"]});
    let expiry = match given {
        None | Some([]) => None,
        Some([p]) => Some(expiration(p)?),
        Some(more) => {
            return Err(ApiError::new(
                ErrorCode::TemplateParamCount,
                format!(
                    "limited_time_offer: number of parameters ({}) does not match the expected number (1)",
                    more.len()
                ),
            ))
        }
    };
    match (expiry, offer["has_expiration"] == true) {
        (Some(ms), _) => out["expiration_time_ms"] = json!(ms),
        (None, true) => {
            return Err(ApiError::new(
                ErrorCode::TemplateParamCount,
                "limited_time_offer: the offer counts down; give its expiration_time_ms",
            ))
        }
        (None, false) => {}
    }
    Ok(Some(out))
}

fn expiration(p: &Value) -> Res<i64> {
    let at = "limited_time_offer.parameters[0]";
    if p["type"] != "limited_time_offer" {
        return Err(ApiError::new(ErrorCode::TemplateParamFormat, format!("{at}.type: must be limited_time_offer")));
    }
    match p["limited_time_offer"].get("expiration_time_ms") {
        Some(v) => v.as_i64().filter(|ms| *ms >= 0).ok_or_else(|| {
            ApiError::bad_value(format!("{at}.limited_time_offer.expiration_time_ms: must be UNIX milliseconds"))
        }),
        None => Err(ApiError::missing(&format!("{at}.limited_time_offer.expiration_time_ms"))),
    }
}
