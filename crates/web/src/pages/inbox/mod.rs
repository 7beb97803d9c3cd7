//! The team inbox's pieces: the list ([`list`]), every message type ([`message`]) and the
//! formatting of their text ([`format`](mod@format)), the conversation's header and contact
//! panel ([`panel`]), the team's actions ([`actions`]) and the labels page ([`labels`]). The pages themselves are in [`super::chats`].

pub mod actions;
pub mod format;
pub mod labels;
pub mod list;
pub mod message;
pub mod orders;
pub mod panel;

use maud::{html, Markup};
use risala_core::inbox::team::LABEL_COLOURS;
use risala_core::store::{ChatRow, Label};

use crate::i18n::{iso, Lang};
use crate::routes;

/// `/app/chats/{phone_number_id}/{wa_id}`.
pub fn chat_path(phone_number_id: &str, wa_id: &str) -> String {
    format!("{}/{phone_number_id}/{wa_id}", routes::CHATS)
}

/// `+` and the digits, in the language's digits, kept left to right.
pub fn number(lang: Lang, digits: &str) -> Markup {
    html! { bdi dir="ltr" { "+" (lang.digits(digits)) } }
}

/// The customer of `c` as the business may know them at `now`: their number, or, when they
/// hide it, their `@username` and their business-scoped user id (never the number). `short`
/// (the list): the username alone when there is one, the BSUID in its tooltip.
pub fn customer_id(lang: Lang, c: &ChatRow, now: i64, short: bool) -> Markup {
    let ti = lang.inbox();
    if c.shows_number(now) {
        return number(lang, &c.conversation.wa_id);
    }
    let bsuid = c.user_id.as_deref().filter(|_| !short || c.username.is_none());
    html! {
        span.hidden-number title=(c.user_id.as_deref().filter(|_| short).unwrap_or(ti.number_hidden)) {
            @if let Some(u) = &c.username { bdi.username dir="ltr" { "@" (u) } }
            @if let (Some(_), Some(_)) = (&c.username, bsuid) { " · " }
            @if let Some(id) = bsuid { bdi.bsuid dir="ltr" title=(ti.bsuid) { (id) } }
        }
    }
}

/// A moment, in the language.
pub fn when(lang: Lang, ms: i64) -> Markup {
    html! { time datetime=(iso(ms)) { (lang.datetime(ms)) } }
}

/// The first letter or digit of a name, for its avatar.
pub fn initial(name: &str) -> String {
    name.chars().find(|c| c.is_alphanumeric()).map(|c| c.to_uppercase().collect()).unwrap_or_default()
}

pub fn avatar(name: &str) -> Markup {
    html! { span.avatar aria-hidden="true" { (initial(name)) } }
}

/// The stylesheet's class of a label colour (`lc-0` … `lc-7`).
pub fn colour_class(colour: &str) -> String {
    format!("lc-{}", LABEL_COLOURS.iter().position(|c| *c == colour).unwrap_or(6))
}

/// A label's name as the reader reads it: the labels the automations create are stored with
/// their English name (which the API returns and which they find them by) and shown in the
/// page's language; every other label as the business named it.
pub fn label_name(lang: Lang, name: &str) -> &str {
    lang.inbox().automatic_labels.iter().find(|(stored, _)| *stored == name).map_or(name, |(_, shown)| shown)
}

/// A label as a coloured chip.
pub fn label_chip(lang: Lang, l: &Label) -> Markup {
    html! { span class=(format!("chip {}", colour_class(&l.colour))) data-label=(l.id) title=[(label_name(lang, &l.name) != l.name).then_some(&l.name)] { (label_name(lang, &l.name)) } }
}
