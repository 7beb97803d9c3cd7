//! Every message type as a person expects to see it, in WhatsApp Web's shape: text, images
//! and video inline, audio to play, documents to download, locations with a map link,
//! contact cards, interactive messages with their buttons and lists, templates rendered,
//! reactions under the message they react to, replies quoting their message, ticks, and
//! failed messages with Meta's reason. Media is served by `/app/media/{id}`, which streams
//! only the business's own media.

use std::collections::HashMap;

use maud::{html, Markup};
use risala_core::commerce::Order;
use risala_core::model::{tombstone_of, Direction, Message, MessageStatus};
use risala_core::weburl::is_http_url;
use serde_json::Value;

use crate::i18n::{iso, iso_day, Lang};

/// The type object of a message: outbound messages store it as sent, inbound ones store the
/// webhook element, which holds it under the type's name.
pub fn type_object(m: &Message) -> &Value {
    match m.direction {
        Direction::Outbound => &m.content,
        Direction::Inbound => m.content.get(&m.kind).unwrap_or(&Value::Null),
    }
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// One line of text saying what a message is: for the list's preview and for quotes.
pub fn summary(lang: Lang, m: &Message) -> String {
    let t = lang.inbox();
    if tombstone_of(&m.content).is_some() {
        return t.erased.to_string();
    }
    let o = type_object(m);
    let first = |parts: &[&str]| parts.iter().find(|p| !p.is_empty()).map(|p| p.to_string());
    let text = match m.kind.as_str() {
        "text" => first(&[s(o, "body")]),
        "image" | "video" | "document" | "audio" | "sticker" => {
            let icon = match m.kind.as_str() {
                "image" => "📷",
                "video" => "🎥",
                "document" => "📄",
                "audio" => "🎤",
                _ => "🏷️",
            };
            let label = first(&[s(o, "caption"), s(o, "filename")]).unwrap_or_else(|| m.kind.clone());
            Some(format!("{icon} {label}"))
        }
        "location" => Some(format!("📍 {}", first(&[s(o, "name"), s(o, "address")]).unwrap_or_default())),
        "contacts" => {
            let names: Vec<&str> = contacts(o).iter().map(|c| s(&c["name"], "formatted_name")).collect();
            Some(format!("👤 {}", names.join(", ")))
        }
        "reaction" => Some(t.reacted.replace("{emoji}", s(o, "emoji"))),
        "interactive" => first(&[
            s(&o["body"], "text"),
            s(&o["button_reply"], "title"),
            s(&o["list_reply"], "title"),
            s(&o["nfm_reply"], "body"),
        ]),
        "button" => first(&[s(o, "text")]),
        "template" => first(&[s(o, "body"), s(o, "name")]),
        "system" => first(&[s(o, "body")]),
        "order" => Some(format!(
            "🛒 {} · {}",
            lang.commerce().order,
            lang.commerce()
                .items
                .replace("{n}", &lang.number(o["product_items"].as_array().map_or(0, Vec::len) as i64))
        )),
        _ => None,
    };
    text.unwrap_or_else(|| format!("[{}]", m.kind))
}

/// The cards of a `contacts` message (an array either way).
fn contacts(o: &Value) -> &[Value] {
    o.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn media_url(id: &str) -> String {
    format!("/app/media/{id}")
}

/// Text with its line breaks kept (the stylesheet's `white-space: pre-wrap`).
/// A text as WhatsApp shows it: its formatting marks and links applied.
fn text(body: &str) -> Markup {
    html! { span.text dir="auto" { (super::format::formatted(body)) } }
}

fn media(lang: Lang, kind: &str, o: &Value) -> Markup {
    let t = lang.inbox();
    let id = s(o, "id");
    let link = s(o, "link");
    let caption = s(o, "caption");
    html! {
        @if id.is_empty() {
            @if !link.is_empty() {
                a.media-link href=(link) rel="noopener noreferrer nofollow" target="_blank" { (link) }
            }
        } @else {
            @match kind {
                "image" => { a href=(media_url(id)) target="_blank" { img.media src=(media_url(id)) alt=(caption) loading="lazy"; } }
                "sticker" => { img.sticker src=(media_url(id)) alt="sticker" loading="lazy"; }
                "video" => { video.media controls preload="metadata" src=(media_url(id)) {} }
                "audio" => {
                    @if o["voice"] == true { span.voice { "🎤 " (t.voice) } }
                    audio controls preload="none" src=(media_url(id)) {}
                }
                _ => {
                    @let name = if s(o, "filename").is_empty() { s(o, "mime_type") } else { s(o, "filename") };
                    a.doc href=(format!("{}?download=1", media_url(id))) download=(name) {
                        span aria-hidden="true" { "📄 " } bdi { (name) } " · " (t.download)
                    }
                }
            }
        }
        @if !caption.is_empty() { p.caption { (text(caption)) } }
    }
}

fn location(lang: Lang, o: &Value) -> Markup {
    let (lat, lng) = (o["latitude"].as_f64(), o["longitude"].as_f64());
    html! {
        div.location {
            span.pin aria-hidden="true" { "📍" }
            div {
                @if !s(o, "name").is_empty() { strong { (s(o, "name")) } br; }
                @if !s(o, "address").is_empty() { span { (s(o, "address")) } br; }
                @if let (Some(lat), Some(lng)) = (lat, lng) {
                    bdi.coords dir="ltr" { (format!("{lat:.5}, {lng:.5}")) } br;
                    a href=(format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=16/{lat}/{lng}"))
                        rel="noopener noreferrer" target="_blank" { (lang.inbox().open_map) }
                }
            }
        }
    }
}

fn contact_cards(o: &Value) -> Markup {
    html! {
        @for c in contacts(o) {
            div.contact-card {
                strong { "👤 " (s(&c["name"], "formatted_name")) }
                @if let Some(org) = c.get("org") { @if !s(org, "company").is_empty() { br; span.muted { (s(org, "company")) } } }
                @for p in c["phones"].as_array().into_iter().flatten() {
                    br; bdi dir="ltr" { (s(p, "phone")) } @if !s(p, "type").is_empty() { " " span.muted { (s(p, "type")) } }
                }
                @for e in c["emails"].as_array().into_iter().flatten() {
                    br; bdi dir="ltr" { (s(e, "email")) }
                }
            }
        }
    }
}

/// The buttons a message shows (not clickable here: they are the customer's).
fn buttons<'a>(labels: impl IntoIterator<Item = &'a str>) -> Markup {
    html! {
        div.buttons { @for b in labels { @if !b.is_empty() { span.btn { (b) } } } }
    }
}

fn header(lang: Lang, h: &Value) -> Markup {
    let kind = s(h, "type");
    html! {
        @match kind {
            "text" => { strong.header { (s(h, "text")) } }
            "" => {}
            _ => { (media(lang, kind, &h[kind])) }
        }
    }
}

fn interactive(lang: Lang, o: &Value) -> Markup {
    let t = lang.inbox();
    let action = &o["action"];
    let kind = s(o, "type");
    html! {
        @if let Some(h) = o.get("header") { (header(lang, h)) }
        @match kind {
            "button_reply" | "list_reply" => { span.reply-choice { "↩ " (s(&o[kind], "title")) } @if !s(&o[kind], "description").is_empty() { br; span.muted { (s(&o[kind], "description")) } } }
            "nfm_reply" => { span.reply-choice { "↩ " (s(&o[kind], "name")) } }
            _ => {}
        }
        @if !s(&o["body"], "text").is_empty() { p { (text(s(&o["body"], "text"))) } }
        @if !s(&o["footer"], "text").is_empty() { p.footer { (s(&o["footer"], "text")) } }
        @match kind {
            "button" => { (buttons(action["buttons"].as_array().into_iter().flatten().map(|b| s(&b["reply"], "title")))) }
            "list" => {
                details.list {
                    summary { "☰ " (if s(action, "button").is_empty() { t.list_button } else { s(action, "button") }) }
                    @for sec in action["sections"].as_array().into_iter().flatten() {
                        @if !s(sec, "title").is_empty() { strong { (s(sec, "title")) } }
                        ul { @for r in sec["rows"].as_array().into_iter().flatten() {
                            li { (s(r, "title")) @if !s(r, "description").is_empty() { br; span.muted { (s(r, "description")) } } }
                        } }
                    }
                }
            }
            "cta_url" => {
                @let p = &action["parameters"];
                a.btn href=(s(p, "url")) rel="noopener noreferrer nofollow" target="_blank" { "↗ " (s(p, "display_text")) }
            }
            "flow" => { (buttons([s(&action["parameters"], "flow_cta")])) }
            "location_request_message" => { (buttons(["📍 Send location"])) }
            "product" | "product_list" => {
                div.muted { "🛍 " (s(action, "catalog_id")) " " (s(action, "product_retailer_id")) }
            }
            _ => {}
        }
    }
}

fn template(lang: Lang, o: &Value) -> Markup {
    let t = lang.inbox();
    html! {
        div.template {
            span.tag { (t.template) " · " bdi { (s(o, "name")) } }
            @if let Some(h) = o.get("header").filter(|h| !h.is_null()) { (header(lang, h)) }
            p { (text(s(o, "body"))) }
            @if !s(o, "footer").is_empty() { p.footer { (s(o, "footer")) } }
            (buttons(o["buttons"].as_array().into_iter().flatten().map(|b| s(b, "text"))))
        }
    }
}

/// What a message says, by its type; an `order` with the stored order that it carried (the
/// products' names), when there is one.
pub fn body(lang: Lang, m: &Message, order: Option<&Order>) -> Markup {
    if tombstone_of(&m.content).is_some() {
        return html! { em.muted { (lang.inbox().erased) } };
    }
    let o = type_object(m);
    match m.kind.as_str() {
        "text" => text(s(o, "body")),
        "image" | "video" | "audio" | "document" | "sticker" => media(lang, &m.kind, o),
        "location" => location(lang, o),
        "contacts" => contact_cards(o),
        "interactive" => interactive(lang, o),
        "template" => template(lang, o),
        "button" => html! { span.reply-choice { "↩ " (s(o, "text")) } },
        "reaction" => html! { span { (lang.inbox().reacted.replace("{emoji}", s(o, "emoji"))) } },
        "order" => super::orders::bubble(lang, o, order),
        _ => html! { em.muted { (summary(lang, m)) } },
    }
}

/// What sent a message automatically (the away message, the greeting), by the tag its send
/// carried; `None` for a message a person or the business's backend sent.
fn automatic(lang: Lang, m: &Message) -> Option<&'static str> {
    use risala_core::tools::hours::{AWAY_TAG, GREETING_TAG};
    let t = lang.tools();
    match (m.direction, m.biz_opaque.as_deref()) {
        (Direction::Outbound, Some(AWAY_TAG)) => Some(t.automatic_away),
        (Direction::Outbound, Some(GREETING_TAG)) => Some(t.automatic_greeting),
        _ => None,
    }
}

/// The tick of an outbound message: ✓ sent, ✓✓ delivered, blue ✓✓ read (a microphone before
/// them: a voice message played), ⚠ failed.
pub(super) fn tick(lang: Lang, status: MessageStatus) -> Markup {
    let t = lang.inbox();
    let (class, mark, label) = match status {
        MessageStatus::Sent => ("tick", "✓", t.sent),
        MessageStatus::Delivered => ("tick", "✓✓", t.delivered),
        MessageStatus::Read => ("tick read", "✓✓", t.read),
        MessageStatus::Played => ("tick read", "🎤✓✓", t.played),
        MessageStatus::Failed => ("tick failed", "⚠", t.failed),
        MessageStatus::Received => return html! {},
    };
    html! { span class=(class) title=(label) aria-label=(label) data-status=(status.as_str()) { (mark) } }
}

/// Meta's reason for a failed message: code, title, message and details.
fn failure(e: &Value) -> Markup {
    let code = e["code"].as_i64().map(|c| c.to_string()).unwrap_or_default();
    html! {
        div.failure role="note" {
            strong { (s(e, "title")) } " " bdi dir="ltr" { "(" (code) ")" }
            @if !s(e, "message").is_empty() && s(e, "message") != s(e, "title") { br; (s(e, "message")) }
            @if !s(&e["error_data"], "details").is_empty() { br; span { (s(&e["error_data"], "details")) } }
        }
    }
}

/// The conversation's messages, oldest first; `quoted` holds replied-to messages that are
/// older than the ones shown; `orders` the conversation's orders (an order message's bubble
/// names its products from its order).
pub fn thread(lang: Lang, messages: &[Message], quoted: &[Message], orders: &[Order], now: i64) -> Markup {
    let t = lang.inbox();
    let orders: HashMap<&str, &Order> = orders.iter().map(|o| (o.message_id.as_str(), o)).collect();
    let shown: HashMap<&str, &Message> = messages.iter().chain(quoted).map(|m| (m.id.as_str(), m)).collect();
    let mut reactions: HashMap<&str, Vec<&str>> = HashMap::new();
    for m in messages.iter().filter(|m| m.kind == "reaction") {
        let o = type_object(m);
        let target = s(o, "message_id");
        if shown.contains_key(target) {
            let list = reactions.entry(target).or_default();
            if !s(o, "emoji").is_empty() {
                list.push(s(o, "emoji"));
            }
        }
    }
    // A separator before the first message of each day (UTC, as the times), as WhatsApp
    // draws them: Today, Yesterday, else the date.
    let bubbles: Vec<&Message> = messages
        .iter()
        .filter(|m| !(m.kind == "reaction" && shown.contains_key(s(type_object(m), "message_id"))))
        .collect();
    let days: Vec<Option<String>> = bubbles
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let day = iso_day(m.created_at);
            (i == 0 || iso_day(bubbles[i - 1].created_at) != day).then_some(day)
        })
        .collect();
    html! {
        @for (m, day) in bubbles.iter().zip(&days) {
            @if let Some(day) = day {
                div.day-sep data-day=(day) { span { (lang.day(m.created_at, now)) } }
            }
            {
                @let out = m.direction == Direction::Outbound;
                div class=(if out { "bubble out" } else { "bubble" }) id=(format!("m-{}", m.id)) data-kind=(m.kind) {
                    @if let Some(q) = m.context_id.as_deref().and_then(|id| shown.get(id)) {
                        a.quote dir="auto" href=(format!("#m-{}", q.id)) title=(t.reply_to) { (summary(lang, q)) }
                    }
                    @if let Some(tag) = automatic(lang, m) { span.auto-tag { (tag) } }
                    @if let Some(r) = m.content.get("referral").filter(|_| !out) { (referral(lang, r)) }
                    (body(lang, m, orders.get(m.id.as_str()).copied()))
                    @if let Some(e) = m.error.as_ref().filter(|_| m.status == MessageStatus::Failed) { (failure(e)) }
                    span.meta {
                        time datetime=(iso(m.created_at)) { (lang.digits(&clock(m.created_at))) }
                        @if out { " " (tick(lang, m.status)) }
                    }
                    @if let Some(list) = reactions.get(m.id.as_str()).filter(|l| !l.is_empty()) {
                        span.reactions { @for e in list { span { (e) } } }
                    }
                }
            }
        }
    }
}

/// Where a customer's message came from, when an ad or a post opened the chat (Meta's
/// `referral`): its headline and text, and a link to it.
fn referral(lang: Lang, r: &Value) -> Markup {
    let t = lang.inbox();
    let from = if s(r, "source_type") == "post" { t.from_post } else { t.from_ad };
    html! {
        div.referral {
            span.tag { "📣 " (from) }
            @if !s(r, "headline").is_empty() { strong dir="auto" { (s(r, "headline")) } }
            @if !s(r, "body").is_empty() { p.muted dir="auto" { (s(r, "body")) } }
            // Only a web address becomes a link (an older server kept any string).
            @if is_http_url(s(r, "source_url")) {
                a href=(s(r, "source_url")) target="_blank" rel="noopener noreferrer nofollow" { (t.open_ad) }
            }
        }
    }
}

/// `HH:MM` in UTC.
fn clock(ms: i64) -> String {
    let mins = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{:02}:{:02}", mins / 60, mins % 60)
}
