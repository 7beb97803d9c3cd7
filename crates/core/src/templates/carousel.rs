//! Media card carousel templates (MARKETING only): a message BODY and a CAROUSEL component of
//! 2 to 10 cards, each card with an IMAGE or VIDEO header (sample by `example.header_handle`),
//! an optional body of at most 160 characters and up to two QUICK_REPLY, URL or PHONE_NUMBER
//! buttons. As on Meta's platform, every card has the same components: the same header
//! format, a body on all cards or none, and the same buttons in the same order. A send gives
//! exactly as many cards as the template has, by `card_index`, each with its own header,
//! body and button parameters (`{"type": "carousel", "cards": [{card_index, components}]}`).

use serde_json::{json, Map, Value};

use super::render::render;
use super::validate::{body, buttons, header};
use super::{invalid, Template};
use crate::error::{ApiError, ErrorCode};

pub const CARDS_MIN: usize = 2;
pub const CARDS_MAX: usize = 10;
pub const CARD_BODY_MAX: usize = 160;
pub const CARD_BUTTONS_MAX: usize = 2;
const CARD_BUTTON_TYPES: &[&str] = &["QUICK_REPLY", "URL", "PHONE_NUMBER"];

type Res<T> = Result<T, ApiError>;

/// What every card of a carousel must share.
#[derive(Debug, PartialEq)]
struct Shape {
    header: String,
    body: bool,
    buttons: Vec<String>,
}

impl Shape {
    fn describe(&self) -> String {
        let buttons = if self.buttons.is_empty() { "no buttons".to_string() } else { self.buttons.join(", ") };
        let body = if self.body { "a body" } else { "no body" };
        format!("a {} header, {body}, buttons: {buttons}", self.header)
    }
}

/// Validate a template's `CAROUSEL` component (at `path`, e.g. `components[1].`) for a
/// template with parameter format `format`; returns it normalised.
pub(super) fn component(o: &Map<String, Value>, format: &str, path: &str) -> Res<Value> {
    if let Some(k) = o.keys().find(|k| *k != "type" && *k != "cards") {
        return Err(invalid(format!("{path}{k}: a CAROUSEL component has only type and cards.")));
    }
    let cards = o
        .get("cards")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(format!("The parameter {path}cards is required (an array of 2 to 10 cards).")))?;
    if !(CARDS_MIN..=CARDS_MAX).contains(&cards.len()) {
        return Err(invalid(format!(
            "{path}cards: a carousel has {CARDS_MIN} to {CARDS_MAX} cards, found {}.",
            cards.len()
        )));
    }
    let mut first: Option<Shape> = None;
    let mut out = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        let cp = format!("{path}cards[{i}].");
        let (normalised, shape) = card_components(card, format, &cp)?;
        match &first {
            None => first = Some(shape),
            Some(f) if *f != shape => {
                return Err(invalid(format!(
                    "{cp}components: every card must have the same components; card 0 has {}, this card has {}.",
                    f.describe(),
                    shape.describe()
                )))
            }
            Some(_) => {}
        }
        out.push(json!({"components": normalised}));
    }
    Ok(json!({"type": "CAROUSEL", "cards": out}))
}

/// A template with a CAROUSEL (its component kinds `seen`) is MARKETING and has a BODY and the
/// CAROUSEL only: headers, footers and buttons go on the cards.
pub(super) fn check_siblings(category: &str, seen: &[String]) -> Res<()> {
    if !seen.iter().any(|k| k == "CAROUSEL") {
        return Ok(());
    }
    if category != "MARKETING" {
        return Err(invalid(format!("components: a CAROUSEL is for MARKETING templates, not {category}.")));
    }
    if let Some(k) = seen.iter().find(|k| *k != "BODY" && *k != "CAROUSEL") {
        return Err(invalid(format!(
            "components: a carousel template has a BODY and a CAROUSEL only; its {k} goes on the cards."
        )));
    }
    Ok(())
}

fn card_components(card: &Value, format: &str, cp: &str) -> Res<(Vec<Value>, Shape)> {
    let o = card.as_object().ok_or_else(|| invalid(format!("{cp}: a card must be an object with components.")))?;
    if let Some(k) = o.keys().find(|k| *k != "components") {
        return Err(invalid(format!("{cp}{k}: a card has only components.")));
    }
    let list = o
        .get("components")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(format!("The parameter {cp}components is required (an array).")))?;
    let mut out = Vec::new();
    let mut shape = Shape { header: String::new(), body: false, buttons: Vec::new() };
    let mut seen: Vec<String> = Vec::new();
    for (j, c) in list.iter().enumerate() {
        let p = format!("{cp}components[{j}].");
        let c = c.as_object().ok_or_else(|| invalid(format!("{p}: must be an object.")))?;
        let kind = c.get("type").and_then(Value::as_str).unwrap_or("").to_ascii_uppercase();
        if seen.contains(&kind) {
            return Err(invalid(format!("{cp}components: more than one {kind} component.")));
        }
        let v = match kind.as_str() {
            "HEADER" => {
                let f = c.get("format").and_then(Value::as_str).unwrap_or("").to_ascii_uppercase();
                if f != "IMAGE" && f != "VIDEO" {
                    return Err(invalid(format!("{p}format: a card header is IMAGE or VIDEO, not '{f}'.")));
                }
                shape.header = f;
                header(c, format)?
            }
            "BODY" => {
                let text = c.get("text").and_then(Value::as_str).unwrap_or("");
                if text.chars().count() > CARD_BODY_MAX {
                    return Err(invalid(format!(
                        "{p}text: a card body is {} characters long; at most {CARD_BODY_MAX} are allowed.",
                        text.chars().count()
                    )));
                }
                shape.body = true;
                body(c, format)?
            }
            "BUTTONS" => {
                let v = buttons(c, false, &p)?;
                let list = v["buttons"].as_array().cloned().unwrap_or_default();
                if list.len() > CARD_BUTTONS_MAX {
                    return Err(invalid(format!(
                        "{p}buttons: a card has at most {CARD_BUTTONS_MAX} buttons, found {}.",
                        list.len()
                    )));
                }
                for (k, b) in list.iter().enumerate() {
                    let t = b["type"].as_str().unwrap_or("");
                    if !CARD_BUTTON_TYPES.contains(&t) {
                        return Err(invalid(format!(
                            "{p}buttons[{k}].type: a card button is one of {}, not {t}.",
                            CARD_BUTTON_TYPES.join(", ")
                        )));
                    }
                    shape.buttons.push(t.to_string());
                }
                v
            }
            other => {
                return Err(invalid(format!(
                    "{p}type: a card component is one of HEADER, BODY, BUTTONS, not '{other}'."
                )))
            }
        };
        seen.push(kind);
        out.push(v);
    }
    if shape.header.is_empty() {
        return Err(invalid(format!("{cp}components: a card needs an IMAGE or VIDEO HEADER.")));
    }
    Ok((out, shape))
}

/// The cards of a template's CAROUSEL component, if it has one.
pub fn template_cards(t: &Template) -> Option<&[Value]> {
    t.component("CAROUSEL").and_then(|c| c["cards"].as_array()).map(Vec::as_slice)
}

fn count(details: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::TemplateParamCount, details)
}

/// Render the cards of a send: `given` is the send's carousel `cards` (None when the send has
/// no carousel component). Each card is rendered as a template of its own (header, body and
/// buttons), so its parameters follow the rules of any template; errors name the card.
pub(super) fn render_cards(t: &Template, given: Option<&Value>) -> Res<Vec<Value>> {
    let Some(cards) = template_cards(t) else {
        if given.is_some() {
            return Err(count("carousel: the template has no CAROUSEL component, but cards were given"));
        }
        return Ok(Vec::new());
    };
    let given = given.ok_or_else(|| {
        count(format!(
            "carousel: the template has {} cards; give a carousel component with their parameters",
            cards.len()
        ))
    })?;
    let list =
        given.as_array().ok_or_else(|| ApiError::invalid("template.components: carousel.cards must be an array"))?;
    if list.len() != cards.len() {
        return Err(count(format!(
            "carousel.cards: the template has {} cards, the send gives {}; send exactly one entry per card",
            cards.len(),
            list.len()
        )));
    }
    let mut out: Vec<Option<Value>> = vec![None; cards.len()];
    for (i, g) in list.iter().enumerate() {
        let where_ = format!("carousel.cards[{i}]");
        let index = match &g["card_index"] {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            Value::Null => return Err(ApiError::missing(&format!("{where_}.card_index"))),
            _ => None,
        }
        .map(|k| k as usize)
        .filter(|k| *k < cards.len())
        .ok_or_else(|| {
            ApiError::bad_value(format!("{where_}.card_index: must be a whole number from 0 to {}", cards.len() - 1))
        })?;
        if out[index].is_some() {
            return Err(ApiError::bad_value(format!("{where_}.card_index: card {index} is given more than once")));
        }
        let comps = g.get("components").cloned().unwrap_or(Value::Null);
        let card_template = Template { components: cards[index]["components"].clone(), ..t.clone() };
        let prefix = |mut e: ApiError| {
            e.details = format!("carousel.cards[{index}] {}", e.details);
            e
        };
        let r = render(&card_template, &json!({"components": comps})).map_err(prefix)?;
        if r.body.chars().count() > CARD_BODY_MAX {
            return Err(ApiError::new(
                ErrorCode::TemplateTextTooLong,
                format!("carousel.cards[{index}] body: the filled card body is longer than {CARD_BODY_MAX} characters"),
            ));
        }
        let mut card = json!({"card_index": index, "header": r.header, "buttons": r.buttons});
        if !r.body.is_empty() {
            card["body"] = json!(r.body);
        }
        out[index] = Some(card);
    }
    Ok(out.into_iter().flatten().collect())
}
