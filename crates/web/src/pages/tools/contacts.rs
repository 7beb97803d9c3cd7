//! `/app/console/contacts`: the business's contacts. A search, the list with the fields'
//! values, a form that adds or edits one (`?edit=WA_ID`, with its opt-ins, labels and notes),
//! the fields the business defines, a CSV import that lists the rejected rows and why, and the
//! export. Owners and admins change them; agents read them (the search, the list and one
//! contact with its opt-ins, labels and notes), and a change they send is refused with a page
//! that says so. The same service and checks as the API.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::store::ContactField;
use risala_core::tools::contacts::{values::KINDS, ContactView, ImportReport};
use risala_core::ApiError;

use crate::error::WebResult;
use crate::i18n::refusals::say;
use crate::layout::{alert, csrf};
use crate::pages::console::{allowed, console_page};
use crate::routes::CONSOLE_CONTACTS;
use crate::session::{Action, Viewer};
use crate::WebState;
use risala_core::console::ConsoleService;

type Form = BTreeMap<String, String>;

#[derive(Default)]
struct View {
    notice: Option<(bool, String)>,
    report: Option<ImportReport>,
    editing: Option<ContactView>,
    /// What was typed in a refused contact form.
    typed: Option<Form>,
}

fn input(f: &ContactField, value: &str, lang: crate::Lang) -> Markup {
    let c = lang.contacts();
    let id = format!("field_{}", f.key);
    html! {
        label for=(id) { (f.label) }
        @match f.kind.as_str() {
            "choice" => select id=(id) name=(id) {
                option value="" { "—" }
                @for o in &f.options { option value=(o) selected[o == value] { (o) } }
            },
            "boolean" => select id=(id) name=(id) {
                option value="" { "—" }
                option value="true" selected[value == "true"] { (c.yes) }
                option value="false" selected[value == "false"] { (c.no) }
            },
            "date" => input id=(id) name=(id) type="date" value=(value);
            "email" => input id=(id) name=(id) type="email" value=(value) dir="ltr" autocomplete="off";
            "number" => input id=(id) name=(id) inputmode="decimal" value=(value) dir="ltr" autocomplete="off";
            _ => input id=(id) name=(id) value=(value) maxlength="500" autocomplete="off";
        }
    }
}

/// A contact's fields (with its name and number when `who`), read only: for agents here and in
/// the inbox's panel (whose head names the customer already).
pub fn record(lang: crate::Lang, fields: &[ContactField], e: &ContactView, who: bool) -> Markup {
    let c = lang.contacts();
    let shown = |f: &ContactField, value: &str| match (f.kind.as_str(), value) {
        ("boolean", "true") => c.yes.to_string(),
        ("boolean", "false") => c.no.to_string(),
        _ => value.to_string(),
    };
    html! {
        dl.record {
            @if who {
                dt { (c.name) } dd { bdi { (e.contact.name) } }
                dt { (c.number) } dd { bdi dir="ltr" { "+" (lang.digits(&e.contact.wa_id)) } }
            }
            @for f in fields {
                @if let Some(value) = e.contact.fields.get(&f.key) {
                    dt { (f.label) } dd { bdi { (shown(f, value)) } }
                }
            }
        }
    }
}

/// A contact's labels, notes and opt-ins.
fn history(lang: crate::Lang, e: &ContactView) -> Markup {
    let c = lang.contacts();
    html! {
        @if !e.labels.is_empty() { p { (c.labels) ": " @for l in &e.labels { span.badge { (crate::pages::inbox::label_name(lang, l)) } " " } } }
        @if !e.notes.is_empty() {
            h3 { (c.notes) }
            ul { @for n in &e.notes { li { bdi { (n.body) } " — " span.muted { (n.author_name) ", " (lang.datetime(n.created_at)) } } } }
        }
        h3 { (c.opt_ins) }
        (opt_ins(lang, e))
    }
}

/// A contact's opt-in records.
pub fn opt_ins(lang: crate::Lang, e: &ContactView) -> Markup {
    let c = lang.contacts();
    html! {
        @if e.opt_ins.is_empty() { p.muted { (c.no_opt_ins) } }
        ul.opt-ins {
            @for o in &e.opt_ins {
                li { strong { (o.topic) } ": " @if o.opted_in { (c.opted_in) } @else { (c.opted_out) } " · " (o.source) " · " (lang.datetime(o.at)) }
            }
        }
    }
}

/// An agent's change: refused with a page that says contacts are theirs to read only.
fn read_only(v: &Viewer) -> Option<Response> {
    if ConsoleService::allowed(&v.user).is_ok() {
        return None;
    }
    let c = v.lang.contacts();
    let body = html! {
        section.card {
            h1 { (c.not_allowed_title) }
            (alert(true, c.not_allowed))
            p { a href=(CONSOLE_CONTACTS) { (c.back) } }
        }
    };
    let mut resp = console_page(v, CONSOLE_CONTACTS, c.not_allowed_title, body);
    *resp.status_mut() = StatusCode::FORBIDDEN;
    Some(resp)
}

async fn render(state: &WebState, v: &Viewer, search: Option<&str>, view: View) -> WebResult<Response> {
    let (lang, c) = (v.lang, v.lang.contacts());
    let business = &v.user.business_id;
    let fields = state.contacts.fields(business).await?;
    let contacts = state.contacts.list(business, search, None, 200).await?;
    let editing = view.editing.as_ref();
    let editor = ConsoleService::allowed(&v.user).is_ok();
    let typed = |k: &str| view.typed.as_ref().and_then(|t| t.get(k)).cloned();
    let value = |key: &str| {
        typed(&format!("field_{key}"))
            .or_else(|| editing.and_then(|e| e.contact.fields.get(key).cloned()))
            .unwrap_or_default()
    };
    let body = html! {
        section.card aria-labelledby="contacts-h" {
            h1 id="contacts-h" { (c.title) " " span.muted { "(" (lang.number(contacts.len() as i64)) ")" } }
            p.muted { (c.intro) }
            @if !editor { p.hint { (c.read_only) } }
            @if let Some((error, text)) = &view.notice { (alert(*error, text)) }
            form.inline method="get" action=(CONSOLE_CONTACTS) role="search" {
                label.visually-hidden for="q" { (c.search) }
                input id="q" name="q" type="search" value=(search.unwrap_or("")) placeholder=(c.search) autocomplete="off";
                button type="submit" { (c.search_button) }
                @if editor { a.button.secondary href=(format!("{CONSOLE_CONTACTS}/export")) download="contacts.csv" { (c.export) } }
            }
            @if contacts.is_empty() { p.muted { (c.none) } }
            @else {
                div.table-wrap { table.contacts {
                    thead { tr { th { (c.number) } th { (c.name) } @for f in &fields { th { (f.label) } } th {} } }
                    tbody {
                        @for ct in &contacts {
                            tr data-contact=(ct.wa_id) {
                                td { bdi dir="ltr" { "+" (lang.digits(&ct.wa_id)) } }
                                td { bdi { (ct.name) } }
                                @for f in &fields { td { bdi { (ct.fields.get(&f.key).map(String::as_str).unwrap_or("")) } } }
                                td { a href=(format!("{CONSOLE_CONTACTS}?edit={}#contact-h", ct.wa_id)) { @if editor { (c.edit) } @else { (c.view) } } }
                            }
                        }
                    }
                } }
            }
        }
        @if editor {
        section.card aria-labelledby="contact-h" {
            h2 id="contact-h" { @if editing.is_some() { (c.edit_contact) } @else { (c.new_contact) } }
            form.contact-form method="post" action=(CONSOLE_CONTACTS) {
                (csrf(v))
                label for="wa_id" { (c.number) }
                @let wa = typed("wa_id").or_else(|| editing.map(|e| e.contact.wa_id.clone())).unwrap_or_default();
                input id="wa_id" name="wa_id" value=(wa) required inputmode="tel" dir="ltr" autocomplete="off" readonly[editing.is_some()];
                label for="name" { (c.name) }
                input id="name" name="name" value=(typed("name").or_else(|| editing.map(|e| e.contact.name.clone())).unwrap_or_default()) maxlength="200" autocomplete="off";
                @for f in &fields { (input(f, &value(&f.key), lang)) }
                div.buttons {
                    @if editing.is_some() { a.button.secondary href=(CONSOLE_CONTACTS) { (c.cancel) } }
                    button type="submit" { (c.save) }
                }
            }
            @if let Some(e) = editing {
                (history(lang, e))
                form.inline.opt-in-form method="post" action=(format!("{CONSOLE_CONTACTS}/{}/opt_ins", e.contact.wa_id)) {
                    (csrf(v))
                    label for="topic" { (c.topic) }
                    input id="topic" name="topic" value="marketing" required maxlength="200";
                    label for="opted_in" { (c.opt_ins) }
                    select id="opted_in" name="opted_in" { option value="true" { (c.opted_in) } option value="false" { (c.opted_out) } }
                    label for="source" { (c.source) }
                    input id="source" name="source" required maxlength="200" placeholder="website_form";
                    button type="submit" { (c.record) }
                }
                form method="post" action=(format!("{CONSOLE_CONTACTS}/{}/delete", e.contact.wa_id)) data-confirm=(v.lang.t().confirm_delete) {
                    (csrf(v))
                    button.secondary type="submit" { (c.delete) }
                }
            }
        }
        } @else if let Some(e) = editing {
            section.card aria-labelledby="contact-h" {
                h2 id="contact-h" { (c.the_contact) }
                (record(lang, &fields, e, true))
                (history(lang, e))
                p { a href=(CONSOLE_CONTACTS) { (c.back) } }
            }
        }
        @if editor {
        section.card aria-labelledby="import-h" {
            h2 id="import-h" { (c.import) }
            @if let Some(r) = &view.report {
                (alert(!r.rejected.is_empty(), &c.imported.replace("{created}", &lang.number(r.created as i64))
                    .replace("{updated}", &lang.number(r.updated as i64)).replace("{rejected}", &lang.number(r.rejected.len() as i64))))
                @if !r.rejected.is_empty() {
                    h3 { (c.rejected) }
                    div.table-wrap { table.rejected {
                        thead { tr { th { (c.line) } th { (c.number) } th { (c.reason) } } }
                        tbody { @for x in &r.rejected { tr { td { (lang.number(x.line as i64)) } td { bdi dir="ltr" { (x.wa_id) } } td { (crate::i18n::reasons::reason(lang, &x.reason)) } } } }
                    } }
                }
            }
            form.import-form method="post" action=(format!("{CONSOLE_CONTACTS}/import")) {
                (csrf(v))
                label for="csv" { "CSV" }
                textarea id="csv" name="csv" rows="5" dir="ltr" aria-describedby="csv-hint" required {}
                p.hint id="csv-hint" { (c.import_hint) }
                div.buttons { button type="submit" { (c.import_button) } }
            }
        }
        section.card aria-labelledby="fields-h" {
            h2 id="fields-h" { (c.fields) }
            @if fields.is_empty() { p.muted { (c.no_fields) } }
            @else {
                div.table-wrap { table.fields {
                    thead { tr { th { (c.key) } th { (c.label) } th { (c.kind) } th { (c.options) } th {} } }
                    tbody { @for f in &fields { tr {
                        td { code { (f.key) } } td { (f.label) } td { (f.kind) } td { (f.options.join(", ")) }
                        td { form method="post" action=(format!("{CONSOLE_CONTACTS}/fields/{}/delete", f.id)) data-confirm=(v.lang.t().confirm_delete) {
                            (csrf(v)) button.secondary type="submit" aria-label=(format!("{} {}", c.delete, f.key)) { (c.delete) }
                        } }
                    } } }
                } }
            }
            form.field-form method="post" action=(format!("{CONSOLE_CONTACTS}/fields")) {
                (csrf(v))
                label for="key" { (c.key) }
                input id="key" name="key" required pattern="[a-z][a-z0-9_]{0,39}" dir="ltr" autocomplete="off";
                label for="label" { (c.label) }
                input id="label" name="label" maxlength="200" autocomplete="off";
                label for="kind" { (c.kind) }
                select id="kind" name="kind" { @for k in KINDS { option value=(k) { (k) } } }
                label for="options" { (c.options) }
                input id="options" name="options" aria-describedby="options-hint" autocomplete="off";
                p.hint id="options-hint" { (c.options_hint) }
                div.buttons { button type="submit" { (c.add_field) } }
            }
        }
        }
    };
    Ok(console_page(v, CONSOLE_CONTACTS, c.title, body))
}

fn saved() -> Response {
    Redirect::to(&format!("{CONSOLE_CONTACTS}?saved=1")).into_response()
}

/// A refused form: the page with the reason, 400.
async fn refused(state: &WebState, v: &Viewer, e: ApiError, view: View) -> WebResult<Response> {
    if e.code.row().http_status != 400 || e.code == risala_core::ErrorCode::ObjectNotFound {
        return Err(e.into());
    }
    let c = v.lang.contacts();
    let fields = [
        ("wa_id", c.number),
        ("phone", c.number),
        ("name", c.name),
        ("topic", c.topic),
        ("source", c.source),
        ("key", c.key),
        ("label", c.label),
        ("kind", c.kind),
        ("options", c.options),
    ];
    let text = if e.details.is_empty() { e.code.row().title.to_string() } else { say(v.lang, &e.details, &fields) };
    let mut resp = render(state, v, None, View { notice: Some((true, text)), ..view }).await?;
    *resp.status_mut() = StatusCode::BAD_REQUEST;
    Ok(resp)
}

/// `GET /app/console/contacts[?q=…][&edit=WA_ID][&saved=1]`.
pub async fn list(State(state): State<WebState>, v: Viewer, Query(q): Query<Form>) -> WebResult<Response> {
    let editing = match q.get("edit") {
        Some(wa_id) => Some(state.contacts.get(&v.user.business_id, wa_id).await?),
        None => None,
    };
    let notice = q.contains_key("saved").then(|| (false, v.lang.contacts().saved.to_string()));
    render(&state, &v, q.get("q").map(String::as_str), View { notice, editing, ..View::default() }).await
}

/// `POST /app/console/contacts` (`wa_id`, `name`, `field_<key>`…): create or update.
pub async fn save(State(state): State<WebState>, a: Action<Form>) -> WebResult<Response> {
    if let Some(refused) = read_only(&a.viewer) {
        return Ok(refused);
    }
    let business = &a.viewer.user.business_id;
    let f = &a.form;
    let fields: BTreeMap<String, String> =
        f.iter().filter_map(|(k, v)| k.strip_prefix("field_").map(|k| (k.to_string(), v.clone()))).collect();
    let wa_id = f.get("wa_id").map(|w| w.trim().trim_start_matches('+').to_string()).unwrap_or_default();
    let name = f.get("name").map(String::as_str);
    match state.contacts.upsert(business, &wa_id, name, &fields).await {
        Ok(_) => Ok(saved()),
        Err(e) => refused(&state, &a.viewer, e, View { typed: Some(f.clone()), ..View::default() }).await,
    }
}

/// `POST /app/console/contacts/{wa_id}/delete`.
pub async fn delete(State(state): State<WebState>, Path(wa_id): Path<String>, a: Action<Form>) -> WebResult<Response> {
    if let Some(refused) = read_only(&a.viewer) {
        return Ok(refused);
    }
    state.contacts.delete(&a.viewer.user.business_id, &wa_id).await?;
    Ok(saved())
}

/// `POST /app/console/contacts/{wa_id}/opt_ins` (`topic`, `opted_in`, `source`).
pub async fn opt_in(State(state): State<WebState>, Path(wa_id): Path<String>, a: Action<Form>) -> WebResult<Response> {
    if let Some(refused) = read_only(&a.viewer) {
        return Ok(refused);
    }
    let f = &a.form;
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let business = &a.viewer.user.business_id;
    match state
        .contacts
        .record_opt_in(business, &wa_id, field("topic"), field("opted_in") != "false", field("source"))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{CONSOLE_CONTACTS}?edit={wa_id}&saved=1#contact-h")).into_response()),
        Err(e) => {
            let editing = Some(state.contacts.get(business, &wa_id).await?);
            refused(&state, &a.viewer, e, View { editing, ..View::default() }).await
        }
    }
}

/// `POST /app/console/contacts/import` (`csv`): the page with the report.
pub async fn import(State(state): State<WebState>, a: Action<Form>) -> WebResult<Response> {
    if let Some(refused) = read_only(&a.viewer) {
        return Ok(refused);
    }
    let csv = a.form.get("csv").map(String::as_str).unwrap_or("");
    match state.contacts.import_csv(&a.viewer.user.business_id, csv).await {
        Ok(report) => render(&state, &a.viewer, None, View { report: Some(report), ..View::default() }).await,
        Err(e) => refused(&state, &a.viewer, e, View::default()).await,
    }
}

/// `GET /app/console/contacts/export`: every contact as CSV.
pub async fn export(State(state): State<WebState>, v: Viewer) -> WebResult<Response> {
    allowed(&v)?;
    let csv = state.contacts.export_csv(&v.user.business_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"contacts.csv\""),
        ],
        csv,
    )
        .into_response())
}

/// `POST /app/console/contacts/fields` (`key`, `label`, `kind`, `options`).
pub async fn create_field(State(state): State<WebState>, a: Action<Form>) -> WebResult<Response> {
    if let Some(refused) = read_only(&a.viewer) {
        return Ok(refused);
    }
    let f = &a.form;
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let options = field("options").split([',', '،']).map(String::from).collect();
    match state
        .contacts
        .create_field(&a.viewer.user.business_id, field("key"), field("label"), field("kind"), options)
        .await
    {
        Ok(_) => Ok(saved()),
        Err(e) => refused(&state, &a.viewer, e, View::default()).await,
    }
}

/// `POST /app/console/contacts/fields/{id}/delete`.
pub async fn delete_field(
    State(state): State<WebState>,
    Path(id): Path<String>,
    a: Action<Form>,
) -> WebResult<Response> {
    if let Some(refused) = read_only(&a.viewer) {
        return Ok(refused);
    }
    state.contacts.delete_field(&a.viewer.user.business_id, &id).await?;
    Ok(saved())
}
