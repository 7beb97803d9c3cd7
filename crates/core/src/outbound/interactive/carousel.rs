//! `interactive.type: "carousel"`: 2 to 10 horizontally scrolling media cards under one body.
//! Each card has an image or video header, an optional body (≤160 characters) and either one
//! URL button (`action: {name: "cta_url", parameters: {display_text, url}}`) or quick-reply
//! buttons (`action: {buttons: [{type: "quick_reply", quick_reply: {id, title}}]}`); every card
//! has the same kind and number of buttons. Cards are numbered by `card_index` 0, 1, 2, … in
//! the order shown. The message itself has no header or footer.

use std::collections::HashSet;

use super::super::fields::{as_obj, check_count, index, Obj, Res};
use super::super::parse_media;
use super::{cta_url, unique, BUTTON_ID_MAX, BUTTON_TITLE_MAX};
use crate::error::ApiError;

const CARDS_MIN: usize = 2;
const CARDS_MAX: usize = 10;
const CARD_BODY_MAX: usize = 160;
const CARD_BODY_LINE_BREAKS: usize = 2;
const CARD_QUICK_REPLIES_MAX: usize = 2;

/// The buttons of a card, which every card of the message must share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Buttons {
    Url,
    QuickReplies(usize),
}

impl Buttons {
    fn describe(self) -> String {
        match self {
            Buttons::Url => "one URL button".into(),
            Buttons::QuickReplies(n) => format!("{n} quick-reply button(s)"),
        }
    }
}

/// Validate `interactive.action` of a carousel.
pub(super) fn carousel(a: &Obj<'_>) -> Res<()> {
    a.allow(&["cards"])?;
    let cards = a.req_arr("cards")?;
    let path = a.field("cards");
    check_count(&path, cards.len(), CARDS_MIN, CARDS_MAX)?;
    let mut first: Option<Buttons> = None;
    let mut indexes = HashSet::new();
    for (i, c) in cards.iter().enumerate() {
        let c = as_obj(index(&path, i), c)?;
        c.allow(&["card_index", "type", "header", "body", "action"])?;
        let n = c.opt_number("card_index")?.ok_or_else(|| ApiError::missing(&c.field("card_index")))?;
        let card_index = n.as_u64().filter(|k| (*k as usize) < cards.len()).ok_or_else(|| {
            ApiError::bad_value(format!(
                "{} must be a whole number from 0 to {} - got {n}",
                c.field("card_index"),
                cards.len() - 1
            ))
        })?;
        if !indexes.insert(card_index) {
            return Err(ApiError::bad_value(format!(
                "{} must be unique - {card_index} is used more than once",
                c.field("card_index")
            )));
        }
        c.req_enum("type", &["cta_url"])?;
        let header = c.req_obj("header")?;
        let ty = header.req_enum("type", &["image", "video"])?;
        header.allow(&["type", ty])?;
        let media = header.get(ty).ok_or_else(|| ApiError::missing(&header.field(ty)))?;
        parse_media(&header.field(ty), media, &[])?;
        if let Some(body) = c.opt_obj("body")? {
            body.allow(&["text"])?;
            let text = body.req_str_max("text", CARD_BODY_MAX)?;
            // Meta: at most 160 characters "and up to 2 line breaks".
            if text.matches('\n').count() > CARD_BODY_LINE_BREAKS {
                return Err(ApiError::bad_value(format!(
                    "{}: at most {CARD_BODY_LINE_BREAKS} line breaks",
                    body.field("text")
                )));
            }
        }
        let buttons = card_action(&c.req_obj("action")?)?;
        match first {
            None => first = Some(buttons),
            Some(b) if b != buttons => {
                return Err(ApiError::bad_value(format!(
                    "{}: every card must have the same buttons; card 0 has {}, this card has {}",
                    c.path,
                    b.describe(),
                    buttons.describe()
                )))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn card_action(a: &Obj<'_>) -> Res<Buttons> {
    if a.get("buttons").is_none() {
        cta_url(a)?;
        return Ok(Buttons::Url);
    }
    a.allow(&["buttons"])?;
    let buttons = a.req_arr("buttons")?;
    let path = a.field("buttons");
    check_count(&path, buttons.len(), 1, CARD_QUICK_REPLIES_MAX)?;
    let mut ids = HashSet::new();
    for (i, b) in buttons.iter().enumerate() {
        let b = as_obj(index(&path, i), b)?;
        b.allow(&["type", "quick_reply"])?;
        b.req_enum("type", &["quick_reply"])?;
        let reply = b.req_obj("quick_reply")?;
        reply.allow(&["id", "title"])?;
        let id = reply.req_str_max("id", BUTTON_ID_MAX)?;
        reply.req_str_max("title", BUTTON_TITLE_MAX)?;
        unique(&mut ids, &reply.field("id"), id)?;
    }
    Ok(Buttons::QuickReplies(buttons.len()))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::parse_interactive;
    use crate::error::ErrorCode;

    fn card(i: usize) -> Value {
        json!({"card_index": i, "type": "cta_url",
               "header": {"type": "image", "image": {"link": format!("https://example.com/{i}.jpg")}},
               "body": {"text": format!("Offer {i}")},
               "action": {"name": "cta_url", "parameters": {"display_text": "Shop", "url": "https://example.com/s"}}})
    }

    fn reply_card(i: usize, n: usize) -> Value {
        let buttons: Vec<Value> = (0..n)
            .map(|b| json!({"type": "quick_reply", "quick_reply": {"id": format!("c{i}-b{b}"), "title": format!("Pick {b}")}}))
            .collect();
        json!({"card_index": i, "type": "cta_url",
               "header": {"type": "video", "video": {"id": "1234567"}},
               "action": {"buttons": buttons}})
    }

    fn msg(cards: Vec<Value>) -> Value {
        json!({"type": "carousel", "body": {"text": "This week's offers"}, "action": {"cards": cards}})
    }

    fn err(v: Value, code: ErrorCode, needle: &str) {
        let e = parse_interactive(&v).unwrap_err();
        assert_eq!(e.code, code, "{v}: {e:?}");
        assert!(e.details.contains(needle), "{:?} does not mention {needle:?}", e.details);
    }

    #[test]
    fn accepts_url_and_quick_reply_cards() {
        let v = msg(vec![card(1), card(0)]);
        assert_eq!(parse_interactive(&v).unwrap(), v);
        parse_interactive(&msg((0..10).map(card).collect())).unwrap();
        parse_interactive(&msg(vec![reply_card(0, 2), reply_card(1, 2)])).unwrap();
    }

    #[test]
    fn card_rules() {
        let mut no_body = msg(vec![card(0), card(1)]);
        no_body["body"] = Value::Null;
        err(no_body, ErrorCode::RequiredParameterMissing, "interactive.body");
        err(msg(vec![card(0)]), ErrorCode::ParameterValueInvalid, "at least 2");
        err(msg((0..11).map(card).collect()), ErrorCode::ParameterValueInvalid, "at most 10");
        err(msg(vec![card(0), card(0)]), ErrorCode::ParameterValueInvalid, "unique");
        err(msg(vec![card(0), card(2)]), ErrorCode::ParameterValueInvalid, "card_index");
        let mut c = card(1);
        c["card_index"] = json!(-1);
        err(msg(vec![card(0), c]), ErrorCode::ParameterValueInvalid, "cards[1].card_index");
        let mut c = card(1);
        c["header"] = json!({"type": "text", "text": "hi"});
        err(msg(vec![card(0), c]), ErrorCode::ParameterValueInvalid, "cards[1].header.type");
        let mut c = card(1);
        c["header"] = Value::Null;
        err(msg(vec![card(0), c]), ErrorCode::RequiredParameterMissing, "cards[1].header");
        let mut c = card(1);
        c["body"]["text"] = json!("x".repeat(161));
        err(msg(vec![card(0), c]), ErrorCode::ParameterValueInvalid, "at most 160");
        let mut c = card(1);
        c["body"]["text"] = json!("a\nb\nc\nd");
        err(msg(vec![card(0), c]), ErrorCode::ParameterValueInvalid, "line breaks");
        let mut c = card(1);
        c["body"]["text"] = json!("a\nb\nc");
        parse_interactive(&msg(vec![card(0), c])).unwrap();
        err(msg(vec![card(0), reply_card(1, 1)]), ErrorCode::ParameterValueInvalid, "same buttons");
        err(msg(vec![reply_card(0, 1), reply_card(1, 2)]), ErrorCode::ParameterValueInvalid, "same buttons");
        err(msg(vec![reply_card(0, 3), reply_card(1, 3)]), ErrorCode::ParameterValueInvalid, "at most 2");
        let mut c = card(1);
        c["price"] = json!(1);
        err(msg(vec![card(0), c]), ErrorCode::InvalidParameter, "price");
        let mut v = msg(vec![card(0), card(1)]);
        v["footer"] = json!({"text": "f"});
        err(v, ErrorCode::ParameterValueInvalid, "footer");
        let mut v = msg(vec![card(0), card(1)]);
        v["header"] = json!({"type": "text", "text": "h"});
        err(v, ErrorCode::ParameterValueInvalid, "header");
    }
}
