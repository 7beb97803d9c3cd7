//! The inbox's pages, laid out like WhatsApp Web: the conversation list on the start side
//! (`GET /app/`), and one conversation beside it with its contact panel
//! (`GET /app/chats/{phone_number_id}/{wa_id}`). Both keep the list's filters in the query
//! string; the page's script reloads the parts marked `data-live` when the server says a
//! conversation changed.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{html, Markup};

use crate::error::{WebError, WebResult};
use crate::layout::{csrf, page};
use crate::pages::inbox::list::{pane, ListQuery};
use crate::pages::inbox::{message, number, panel};
use crate::routes;
use crate::session::Viewer;
use crate::WebState;

/// The list pane and what it needs, for `viewer` with the filters `q`.
async fn list_pane(state: &WebState, v: &Viewer, q: &ListQuery, current: Option<(&str, &str)>) -> WebResult<Markup> {
    let business = &v.user.business_id;
    let numbers = state.inbox.numbers(business).await?;
    let labels = state.inbox.labels(business).await?;
    let agents = state.inbox.agents(business).await?;
    let chats = state.inbox.chats(&v.user, &q.filter()).await?;
    Ok(pane(v.lang, q, &numbers, &labels, &agents, &chats, current, state.inbox.now()))
}

/// `GET /app/`: the list, and the business's numbers where a conversation would be.
pub async fn home(State(state): State<WebState>, v: Viewer, Query(q): Query<ListQuery>) -> WebResult<Response> {
    let (lang, t, ti) = (v.lang, v.lang.t(), v.lang.inbox());
    let list = list_pane(&state, &v, &q, None).await?;
    let numbers = state.inbox.numbers(&v.user.business_id).await?;
    let body = html! {
        div.inbox data-events=(routes::EVENTS) {
            (list)
            section.conversation.empty aria-labelledby="numbers-h" {
                p.pick { (ti.pick_chat) }
                div.card {
                    h2 id="numbers-h" { (t.numbers) }
                    @if numbers.is_empty() { p.muted { (t.no_numbers) } }
                    div.numbers {
                        @for n in &numbers {
                            div.number {
                                strong { (n.verified_name) } br;
                                (number(lang, &n.number)) " "
                                span class=(format!("badge {}", n.quality_rating)) title=(t.quality) { bdi { (lang.state_word(&n.quality_rating)) } }
                            }
                        }
                    }
                    form method="post" action=(routes::SIGN_OUT_EVERYWHERE) {
                        (csrf(&v))
                        button.small type="submit" { (t.sign_out_everywhere) }
                    }
                }
            }
        }
    };
    Ok(page(lang, Some(&v), t.chats, body))
}

/// The customer's record in the business's contacts, for the panel.
async fn contact_record(state: &WebState, v: &Viewer, wa_id: &str) -> WebResult<panel::Record> {
    let business = &v.user.business_id;
    let contact = match state.contacts.get(business, wa_id).await {
        Ok(c) => Some(c),
        Err(e) if e.code == risala_core::ErrorCode::ObjectNotFound => None,
        Err(e) => return Err(e.into()),
    };
    Ok(panel::Record { fields: state.contacts.fields(business).await?, contact })
}

/// A chat page's own query: `before` (a message's seq) shows the messages before it.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ThreadQuery {
    #[serde(default)]
    before: Option<String>,
}

/// `GET /app/chats/{phone_number_id}/{wa_id}`: 404 unless the conversation is the business's.
/// Opening it reads it: nothing is unread any more, for the whole team.
pub async fn chat(
    State(state): State<WebState>,
    v: Viewer,
    Path((phone_number_id, wa_id)): Path<(String, String)>,
    Query(q): Query<ListQuery>,
    Query(page_q): Query<ThreadQuery>,
) -> WebResult<Response> {
    let lang = v.lang;
    // A cursor that is no seq names no page of the chat.
    let before = page_q.before.map(|b| b.parse::<i64>().map_err(|_| WebError::NotFound)).transpose()?;
    let (view, was_unread) = state.inbox.open(&v.user, &phone_number_id, &wa_id, before).await?;
    // The customer as the pages name them: their number, or their BSUID when they hide it.
    let now = state.inbox.now();
    let wa_id = view.chat.customer_key(now).to_string();
    if was_unread {
        state.feed.chat_changed(&v.user.business_id, &phone_number_id);
    }
    let list = list_pane(&state, &v, &q, Some((&phone_number_id, &wa_id))).await?;
    let people = state.feed.present(&v.user.business_id, &phone_number_id, &wa_id, now);
    let composer = super::composer::panel(&state, &v, &view).await?;
    let record = match view.chat.shows_number(now) {
        true => Some(contact_record(&state, &v, &view.chat.conversation.wa_id).await?),
        false => None,
    };
    let ti = lang.inbox();
    // This chat with the list's filters, and a page's cursor.
    let page_href = |before: Option<i64>| {
        let mut href = format!("{}/{phone_number_id}/{wa_id}{}", routes::CHATS, q.query_string());
        if let Some(seq) = before {
            href.push(if href.contains('?') { '&' } else { '?' });
            href.push_str(&format!("before={seq}"));
        }
        href
    };
    let body = html! {
        div.inbox.has-chat data-events=(routes::EVENTS) {
            (list)
            section.conversation id="conversation" aria-label=(view.chat.profile_name)
                data-chat=(format!("{phone_number_id}/{wa_id}")) data-me=(v.user.id)
                data-presence=(format!("{}/{phone_number_id}/{wa_id}/presence", routes::CHATS)) {
                (panel::head(lang, &view, &people, &v.user.id, now))
                div.thread id="thread" data-live {
                    @if let Some(seq) = view.earlier { a.older href=(page_href(Some(seq))) { (ti.earlier_messages) } }
                    @if view.messages.is_empty() { p.muted { (lang.t().no_messages) } }
                    (message::thread(lang, &view.messages, &view.quoted, &view.orders, now))
                    @if before.is_some() { a.older href=(page_href(None)) { (ti.latest_messages) } }
                }
                (composer)
            }
            (panel::panel(lang, &v, &view, record.as_ref(), now))
        }
    };
    Ok(page(lang, Some(&v), &view.chat.profile_name, body))
}
