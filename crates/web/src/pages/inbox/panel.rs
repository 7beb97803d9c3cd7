//! The conversation's header and the contact panel beside it: the customer (name, number,
//! the service window and its time left), the team's work (assignee, take, close or reopen,
//! labels), internal notes, the customer's contact record (read only, for every role), and the
//! customer's other conversations with the business.

use maud::{html, Markup};
use risala_core::inbox::team::MAX_NOTE;
use risala_core::inbox::ChatView;
use risala_core::model::User;
use risala_core::store::ContactField;
use risala_core::tools::contacts::ContactView;

use super::{avatar, chat_path, customer_id, label_chip, label_name, number, when};
use crate::i18n::Lang;
use crate::layout::csrf;
use crate::live::Present;
use crate::session::Viewer;

/// `2 h 5 min` of a span of milliseconds, in the language's digits.
fn span(lang: Lang, ms: i64) -> String {
    let mins = (ms / 60_000).max(0);
    let text = if mins >= 60 { format!("{} h {} min", mins / 60, mins % 60) } else { format!("{mins} min") };
    match lang {
        Lang::En => text,
        Lang::Ar => lang.digits(&text.replace(" h ", " س ").replace(" min", " د")),
    }
}

/// Who else is viewing or typing (without `me`).
pub fn presence(lang: Lang, people: &[Present], me: &str) -> Markup {
    let ti = lang.inbox();
    let others: Vec<&Present> = people.iter().filter(|p| p.user_id != me).collect();
    let typing: Vec<&str> = others.iter().filter(|p| p.typing).map(|p| p.name.as_str()).collect();
    let viewing: Vec<&str> = others.iter().filter(|p| !p.typing).map(|p| p.name.as_str()).collect();
    html! {
        @if !typing.is_empty() { span.typing { (ti.typing.replace("{names}", &typing.join("، "))) } " " }
        @if !viewing.is_empty() { span.viewing { (ti.viewing.replace("{names}", &viewing.join(", "))) } }
    }
}

/// The conversation's header: the customer, its state, who else is here.
pub fn head(lang: Lang, v: &ChatView, people: &[Present], me: &str, now: i64) -> Markup {
    let (t, ti) = (lang.t(), lang.inbox());
    let c = &v.chat;
    html! {
        header.chat-head {
            a.back href=(crate::routes::HOME) { (lang.back_arrow()) " " (ti.back_to_list) }
            (avatar(&c.profile_name))
            div.chat-main {
                h2 { bdi { (c.profile_name) } }
                span.chat-meta { (t.customer) " " (customer_id(lang, c, now, false)) " · " (t.business_number) " " (number(lang, &c.business_number)) }
                div id="chat-state" data-live {
                    @if c.closed_at.is_some() { span.badge { (ti.closed_badge) } " " }
                    @for id in &c.label_ids { @if let Some(l) = v.labels.iter().find(|l| &l.id == id) { (label_chip(lang, l)) " " } }
                }
                div id="presence" aria-live="polite" data-viewing=(ti.viewing) data-typing=(ti.typing) { (presence(lang, people, me)) }
            }
        }
    }
}

fn action(v: &ChatView, what: &str, now: i64) -> String {
    format!("{}/{what}", chat_path(&v.chat.conversation.phone_number_id, v.chat.customer_key(now)))
}

/// The team's part: assignment, state, labels.
fn team(lang: Lang, viewer: &Viewer, v: &ChatView, now: i64) -> Markup {
    let ti = lang.inbox();
    let c = &v.chat;
    let assignee: Option<&User> = c.assignee_id.as_deref().and_then(|id| v.agents.iter().find(|u| u.id == id));
    html! {
        section id="panel-team" data-live aria-labelledby="team-h" {
            h3 id="team-h" { (ti.assigned_to) }
            p.assignee-now { @match assignee { Some(u) => { strong { bdi { (u.name) } } }, None => { span.muted { (ti.nobody) } } } }
            form.inline method="post" action=(action(v, "assign", now)) {
                (csrf(viewer))
                label.visually-hidden for="assignee" { (ti.assigned_to) }
                select id="assignee" name="assignee" {
                    option value="" { (ti.nobody) }
                    @for u in &v.agents {
                        option value=(u.id) selected[c.assignee_id.as_deref() == Some(u.id.as_str())] { (u.name) }
                    }
                }
                button.small type="submit" { (ti.assign) }
            }
            div.actions {
                @if c.assignee_id.as_deref() != Some(viewer.user.id.as_str()) {
                    form method="post" action=(action(v, "take", now)) { (csrf(viewer)) button.small type="submit" { (ti.take) } }
                }
                @if c.closed_at.is_some() {
                    form method="post" action=(action(v, "reopen", now)) { (csrf(viewer)) button.small type="submit" { (ti.reopen) } }
                } @else {
                    form method="post" action=(action(v, "close", now)) { (csrf(viewer)) button.small.secondary type="submit" { (ti.close) } }
                }
            }
            h3 { (ti.labels) }
            div.labels {
                @if c.label_ids.is_empty() { span.muted { (ti.no_labels) } }
                @for l in v.labels.iter().filter(|l| c.label_ids.contains(&l.id)) {
                    form.chip-form method="post" action=(action(v, "labels", now)) {
                        (csrf(viewer))
                        input type="hidden" name="label" value=(l.id);
                        input type="hidden" name="on" value="0";
                        (label_chip(lang, l))
                        button.chip-x type="submit" aria-label=(ti.remove_label.replace("{name}", label_name(lang, &l.name))) { "×" }
                    }
                }
            }
            @let free: Vec<_> = v.labels.iter().filter(|l| !c.label_ids.contains(&l.id)).collect();
            @if !free.is_empty() {
                form.inline method="post" action=(action(v, "labels", now)) {
                    (csrf(viewer))
                    input type="hidden" name="on" value="1";
                    label.visually-hidden for="add-label" { (ti.add_label) }
                    select id="add-label" name="label" { @for l in &free { option value=(l.id) { (label_name(lang, &l.name)) } } }
                    button.small type="submit" { (ti.add_label) }
                }
            }
            @if viewer.user.role.manages_people() { p { a href=(crate::routes::LABELS) { (ti.manage_labels) " " (lang.forward_arrow()) } } }
        }
    }
}

/// The form that adds a note, holding `text`.
pub fn note_form(lang: Lang, viewer: &Viewer, action: &str, text: &str) -> Markup {
    let ti = lang.inbox();
    html! {
        form method="post" action=(action) {
            (csrf(viewer))
            label for="note" { (ti.add_note) }
            textarea id="note" name="body" rows="3" maxlength=(MAX_NOTE) required aria-describedby="note-hint" dir="auto" { (text) }
            p.hint id="note-hint" { (ti.note_hint) }
            button.small type="submit" { (ti.add_note) }
        }
    }
}

/// The customer's record in the business's contacts, as the panel shows it.
pub struct Record {
    /// The defined fields, in order.
    pub fields: Vec<ContactField>,
    /// `None`: the customer is not among the contacts.
    pub contact: Option<ContactView>,
}

/// The contact record: fields and opt-ins, and the labels and notes of the customer's other
/// conversations (this one's are above). Read only; the contacts page changes it.
fn record(lang: Lang, v: &ChatView, r: &Record) -> Markup {
    let c = lang.contacts();
    let here: Vec<&str> =
        v.labels.iter().filter(|l| v.chat.label_ids.contains(&l.id)).map(|l| l.name.as_str()).collect();
    html! {
        section id="panel-contact" aria-labelledby="record-h" {
            h3 id="record-h" { (c.record_h) }
            @match &r.contact {
                None => p.muted { (c.not_a_contact) },
                Some(e) => {
                    (crate::pages::tools::contacts::record(lang, &r.fields, e, false))
                    h4 { (c.opt_ins) }
                    (crate::pages::tools::contacts::opt_ins(lang, e))
                    @let labels: Vec<&String> = e.labels.iter().filter(|l| !here.contains(&l.as_str())).collect();
                    @let notes: Vec<_> = e.notes.iter().filter(|n| !v.notes.iter().any(|m| m.id == n.id)).collect();
                    @if !labels.is_empty() || !notes.is_empty() {
                        h4 { (c.elsewhere) }
                        @if !labels.is_empty() { p.labels { @for l in labels { span.badge { (label_name(lang, l)) } " " } } }
                        ul.notes {
                            @for n in notes {
                                li.note { p.note-body dir="auto" { (n.body) } span.chat-meta { bdi { (n.author_name) } " · " (when(lang, n.created_at)) } }
                            }
                        }
                    }
                    p { a href=(format!("{}?edit={}#contact-h", crate::routes::CONSOLE_CONTACTS, e.contact.wa_id)) { (c.open_contact) " " (lang.forward_arrow()) } }
                }
            }
        }
    }
}

/// The contact panel. `contact` is `None` when the customer hides their number from the
/// business (contacts are kept by number: showing one would tell it).
pub fn panel(lang: Lang, viewer: &Viewer, v: &ChatView, contact: Option<&Record>, now: i64) -> Markup {
    let ti = lang.inbox();
    let c = &v.chat;
    html! {
        aside.panel aria-labelledby="contact-h" {
            section {
                h3 id="contact-h" { (ti.contact) }
                p { strong { bdi { (c.profile_name) } } br; (customer_id(lang, c, now, false)) }
                p id="window" data-live class=(if v.window_ends_at.is_some() { "window open" } else { "window" }) {
                    @match v.window_ends_at {
                        Some(end) => { (ti.window_open.replace("{time}", &span(lang, end - now))) },
                        None => { (ti.window_closed) },
                    }
                }
            }
            (team(lang, viewer, v, now))
            @if let Some(r) = contact { (record(lang, v, r)) }
            (super::orders::section(lang, &v.orders, &v.payment_orders))
            section aria-labelledby="notes-h" {
                h3 id="notes-h" { (ti.notes) }
                ul.notes id="notes-list" data-live {
                    @if v.notes.is_empty() { li.muted { (ti.no_notes) } }
                    @for n in &v.notes {
                        li.note { p.note-body dir="auto" { (n.body) } span.chat-meta { bdi { (n.author_name) } " · " (when(lang, n.created_at)) } }
                    }
                }
                (note_form(lang, viewer, &action(v, "notes", now), ""))
            }
            section aria-labelledby="earlier-h" {
                h3 id="earlier-h" { (ti.earlier) }
                @if v.other_chats.is_empty() { p.muted { (ti.none_earlier) } }
                ul.other {
                    @for o in &v.other_chats {
                        li { a href=(chat_path(&o.conversation.phone_number_id, o.customer_key(now))) {
                            (number(lang, &o.business_number)) " · " (when(lang, o.conversation.last_message_at))
                        } }
                    }
                }
            }
        }
    }
}
