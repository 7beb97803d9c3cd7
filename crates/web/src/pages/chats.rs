//! The first page after signing in: the business's numbers and its chats, newest first; and
//! one chat with its latest messages.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{html, Markup};
use risala_core::model::{Direction, Message};
use risala_core::store::ChatRow;

use crate::error::WebResult;
use crate::i18n::{iso, Lang};
use crate::layout::{csrf, page};
use crate::routes;
use crate::session::Viewer;
use crate::WebState;

fn time(lang: Lang, ms: i64) -> Markup {
    html! { time datetime=(iso(ms)) { (lang.datetime(ms)) } }
}

/// `+` and the digits, in the language's digits, kept left to right.
fn number(lang: Lang, digits: &str) -> Markup {
    html! { bdi dir="ltr" { "+" (lang.digits(digits)) } }
}

/// The first letter or digit of a name, for its avatar.
fn initial(name: &str) -> String {
    name.chars().find(|c| c.is_alphanumeric()).map(|c| c.to_uppercase().collect()).unwrap_or_default()
}

fn chat_item(lang: Lang, c: &ChatRow) -> Markup {
    let conv = &c.conversation;
    html! {
        li {
            a href=(format!("{}/{}/{}", routes::CHATS, conv.phone_number_id, conv.wa_id)) {
                span.avatar aria-hidden="true" { (initial(&c.profile_name)) }
                span.chat-main {
                    span.chat-name { bdi { (c.profile_name) } }
                    span.chat-meta { (number(lang, &conv.wa_id)) " → " (number(lang, &c.business_number)) }
                }
                span.chat-meta { (time(lang, conv.last_message_at)) }
            }
        }
    }
}

/// `GET /app/`.
pub async fn home(State(state): State<WebState>, v: Viewer) -> WebResult<Response> {
    let (lang, t) = (v.lang, v.lang.t());
    let numbers = state.inbox.numbers(&v.user.business_id).await?;
    let chats = state.inbox.chats(&v.user.business_id).await?;
    let body = html! {
        section.card aria-labelledby="numbers-h" {
            h2 id="numbers-h" { (t.numbers) }
            @if numbers.is_empty() { p.muted { (t.no_numbers) } }
            div.numbers {
                @for n in &numbers {
                    div.number {
                        strong { (n.verified_name) } br;
                        (number(lang, &n.number)) " "
                        span class=(format!("badge {}", n.quality_rating)) title=(t.quality) { (n.quality_rating) }
                    }
                }
            }
        }
        section.card aria-labelledby="chats-h" {
            h1 id="chats-h" { (t.chats) " " span.muted { "(" (lang.number(chats.len() as i64)) ")" } }
            @if chats.is_empty() { p.muted { (t.no_chats) } }
            ul.chats { @for c in &chats { (chat_item(lang, c)) } }
        }
        section.card {
            form method="post" action=(routes::SIGN_OUT_EVERYWHERE) {
                (csrf(&v))
                button.small type="submit" { (t.sign_out_everywhere) }
            }
        }
    };
    Ok(page(lang, Some(&v), t.chats, body))
}

/// What a bubble says: a text's body, else the message's type.
fn summary(m: &Message) -> String {
    match m.content.get("body").and_then(|b| b.as_str()) {
        Some(body) => body.to_string(),
        None => format!("[{}]", m.kind),
    }
}

/// `GET /app/chats/{phone_number_id}/{wa_id}`: 404 unless the chat is the business's.
pub async fn chat(
    State(state): State<WebState>,
    v: Viewer,
    Path((phone_number_id, wa_id)): Path<(String, String)>,
) -> WebResult<Response> {
    let (lang, t) = (v.lang, v.lang.t());
    let view = state.inbox.chat(&v.user.business_id, &phone_number_id, &wa_id).await?;
    let composer = super::composer::panel(&state, &v, &view).await?;
    let body = html! {
        section.card {
            h1 { (view.chat.profile_name) }
            p.muted { (t.customer) " " (number(lang, &wa_id)) " · " (t.business_number) " " (number(lang, &view.chat.business_number)) }
            div.thread {
                @if view.messages.is_empty() { p.muted { (t.no_messages) } }
                @for m in &view.messages {
                    div class=(if m.direction == Direction::Outbound { "bubble out" } else { "bubble" }) {
                        (summary(m))
                        (time(lang, m.created_at))
                    }
                }
            }
        }
        (composer)
    };
    Ok(page(lang, Some(&v), &view.chat.profile_name, body))
}
