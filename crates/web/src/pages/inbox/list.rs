//! The conversation list on the start side of every inbox page: the filters and search, then
//! the conversations, newest first, each with its last message, unread count, assignee,
//! labels and state.

use maud::{html, Markup};
use risala_core::inbox::list::{next_cursor, SEARCH_MESSAGES};
use risala_core::inbox::ListFilter;
use risala_core::model::{Direction, PhoneNumber, User};
use risala_core::store::{ChatRow, Label};
use serde::{Deserialize, Serialize};

use super::message::{summary, tick};
use super::{avatar, chat_path, customer_id, label_chip, label_name, number, when};
use crate::i18n::Lang;
use crate::routes;

/// The list's query string (`?assigned=mine&state=open&number=…&label=…&q=…&after=…`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl ListQuery {
    /// The service's filter. A list opens on the open conversations, as Chatwoot's does.
    pub fn filter(&self) -> ListFilter {
        ListFilter {
            assigned: self.assigned.clone(),
            state: Some(self.state.clone().unwrap_or_else(|| "open".into())),
            number: self.number.clone(),
            label: self.label.clone(),
            q: self.q.clone(),
            after: self.after.clone(),
        }
    }

    /// `?…` of the filters (without the page cursor), or "" when there are none.
    pub fn query_string(&self) -> String {
        let q = serde_urlencoded::to_string(ListQuery { after: None, ..self.clone() }).unwrap_or_default();
        if q.is_empty() {
            q
        } else {
            format!("?{q}")
        }
    }
}

fn selected(v: &Option<String>, want: &str) -> bool {
    v.as_deref().unwrap_or("") == want
}

/// The filter form: a search, who it is assigned to, open or closed, a number, a label.
fn filters(lang: Lang, q: &ListQuery, numbers: &[PhoneNumber], labels: &[Label]) -> Markup {
    let (t, ti) = (lang.t(), lang.inbox());
    let state = q.state.clone().or(Some("open".into()));
    html! {
        form.filters method="get" action=(routes::HOME) role="search" aria-label=(ti.filters) {
            label.visually-hidden for="q" { (ti.search) }
            input id="q" name="q" type="search" placeholder=(ti.search_hint) value=(q.q.as_deref().unwrap_or(""));
            div.filter-row {
                label.visually-hidden for="f-assigned" { (ti.assigned_to) }
                select id="f-assigned" name="assigned" {
                    option value="" selected[selected(&q.assigned, "")] { (ti.everyone) }
                    option value="mine" selected[selected(&q.assigned, "mine")] { (ti.mine) }
                    option value="unassigned" selected[selected(&q.assigned, "unassigned")] { (ti.unassigned) }
                }
                label.visually-hidden for="f-state" { (ti.open) " / " (ti.closed) }
                select id="f-state" name="state" {
                    option value="open" selected[selected(&state, "open")] { (ti.open) }
                    option value="closed" selected[selected(&state, "closed")] { (ti.closed) }
                    option value="all" selected[selected(&state, "all")] { (ti.all_states) }
                }
                @if numbers.len() > 1 {
                    label.visually-hidden for="f-number" { (t.business_number) }
                    select id="f-number" name="number" {
                        option value="" { (ti.all_numbers) }
                        @for n in numbers {
                            option value=(n.id) selected[selected(&q.number, &n.id)] { (n.verified_name) " " (crate::pages::console::phone_text(lang, &n.number)) }
                        }
                    }
                }
                @if !labels.is_empty() {
                    label.visually-hidden for="f-label" { (ti.labels) }
                    select id="f-label" name="label" {
                        option value="" { (ti.all_labels) }
                        @for l in labels { option value=(l.id) selected[selected(&q.label, &l.id)] { (label_name(lang, &l.name)) } }
                    }
                }
                button.small type="submit" { (ti.apply) }
            }
        }
    }
}

/// The list's parts that do not change from one conversation to the next.
struct Context<'a> {
    lang: Lang,
    q: &'a ListQuery,
    labels: &'a [Label],
    agents: &'a [User],
    now: i64,
}

/// One conversation of the list.
fn item(cx: &Context, c: &ChatRow, current: bool) -> Markup {
    let (lang, q, labels, agents) = (cx.lang, cx.q, cx.labels, cx.agents);
    let ti = lang.inbox();
    let conv = &c.conversation;
    let key = c.customer_key(cx.now);
    let assignee = c.assignee_id.as_deref().and_then(|id| agents.iter().find(|u| u.id == id));
    let preview = c.last.as_ref().map(|m| ((m.direction == Direction::Outbound).then_some(m.status), summary(lang, m)));
    html! {
        li data-chat=(format!("{}/{key}", conv.phone_number_id)) class=[c.closed_at.map(|_| "closed")] {
            a href=(format!("{}{}", chat_path(&conv.phone_number_id, key), q.query_string()))
                aria-current=[current.then_some("page")] {
                (avatar(&c.profile_name))
                span.chat-main {
                    span.chat-top {
                        span.chat-name { bdi { (c.profile_name) } }
                        span.chat-time { (when(lang, conv.last_message_at)) }
                    }
                    span.chat-bottom {
                        // Its own direction: an English preview in an Arabic list is cut at
                        // its end, not its start.
                        span.preview dir="auto" {
                            @if let Some((sent, text)) = &preview {
                                // The last message's own state, as in the chat: a failed one
                                // shows the warning, not a tick.
                                @if let Some(status) = sent { (tick(lang, *status)) " " }
                                bdi { (text) }
                            }
                        }
                        @if c.unread > 0 {
                            span.unread aria-label=(ti.unread.replace("{n}", &lang.number(c.unread))) { (lang.number(c.unread)) }
                        }
                    }
                    span.chat-tags {
                        span.chat-meta { (customer_id(lang, c, cx.now, true)) " " (lang.forward_arrow()) " " (number(lang, &c.business_number)) }
                        @if c.closed_at.is_some() { span.badge { (ti.closed_badge) } }
                        @if let Some(u) = assignee { span.assignee title=(ti.assigned_to) { bdi { (u.name) } } }
                        @for id in &c.label_ids {
                            @if let Some(l) = labels.iter().find(|l| &l.id == id) { (label_chip(lang, l)) }
                        }
                    }
                }
            }
        }
    }
}

/// The list pane: filters, conversations, and a link to the next page.
#[allow(clippy::too_many_arguments)]
pub fn pane(
    lang: Lang,
    q: &ListQuery,
    numbers: &[PhoneNumber],
    labels: &[Label],
    agents: &[User],
    chats: &[ChatRow],
    current: Option<(&str, &str)>,
    now: i64,
) -> Markup {
    let cx = Context { lang, q, labels, agents, now };
    let (t, ti) = (lang.t(), lang.inbox());
    let more = next_cursor(chats).map(|after| {
        let q = ListQuery { after: Some(after), ..q.clone() };
        format!("{}?{}", routes::HOME, serde_urlencoded::to_string(&q).unwrap_or_default())
    });
    html! {
        aside.inbox-list aria-labelledby="chats-h" {
            h1 id="chats-h" { (t.chats) }
            (filters(lang, q, numbers, labels))
            ul.chats id="chat-list" data-live {
                @for c in chats {
                    @let conv = &c.conversation;
                    (item(&cx, c, current == Some((conv.phone_number_id.as_str(), c.customer_key(now)))))
                }
            }
            div id="list-more" data-live {
                @if chats.is_empty() {
                    p.muted { (if q.query_string().is_empty() { t.no_chats } else { t.no_matching_chats }) }
                }
                @if let Some(href) = more { a.older href=(href) { (ti.older) } }
                @if q.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
                    p.muted { (ti.searched_recent.replace("{n}", &lang.number(SEARCH_MESSAGES as i64))) }
                }
            }
        }
    }
}
