//! `/app/console/faq`: a number's FAQ answers. The entries with their state, a form that adds
//! one or edits one (`?edit=ID`), the settings (on/off, the confidence needed, the button's
//! title, the reply to the button), and a box that scores a question without sending anything.
//! Owners and admins; every change goes through the same service and checks as the API.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use risala_core::model::PhoneNumber;
use risala_core::store::FaqEntry;
use risala_core::tools::faq::{FaqInput, SettingsInput, Trial};
use risala_core::ApiError;

use super::{number_picker, pick_number};
use crate::error::{WebError, WebResult};
use crate::i18n::refusals::say;
use crate::i18n::Lang;
use crate::layout::{alert, csrf};
use crate::pages::console::{allowed, console_page};
use crate::routes::CONSOLE_FAQ;
use crate::session::{Action, Viewer};
use crate::WebState;

type Form = BTreeMap<String, String>;

/// What the entry form shows: an entry being written (or edited: its id).
#[derive(Default)]
struct Draft {
    id: Option<String>,
    question: String,
    answer: String,
    keywords: String,
    phrasings: String,
    enabled: bool,
}

impl Draft {
    fn of(e: &FaqEntry) -> Draft {
        Draft {
            id: Some(e.id.clone()),
            question: e.question.clone(),
            answer: e.answer.clone(),
            keywords: e.keywords.join(", "),
            phrasings: e.phrasings.join("\n"),
            enabled: e.enabled,
        }
    }

    fn from_form(f: &Form) -> Draft {
        let field = |k: &str| f.get(k).cloned().unwrap_or_default();
        Draft {
            id: None,
            question: field("question"),
            answer: field("answer"),
            keywords: field("keywords"),
            phrasings: field("phrasings"),
            enabled: f.contains_key("enabled"),
        }
    }

    fn input(&self) -> Result<FaqInput, ApiError> {
        FaqInput::from_form(&self.question, &self.answer, &self.keywords, &self.phrasings, self.enabled)
    }
}

fn page_path(phone: &PhoneNumber) -> String {
    format!("{CONSOLE_FAQ}?number={}", phone.id)
}

/// The error a person reads: the service's reason, with the field as the form labels it, in
/// the page's language (Meta's title when there is no reason).
fn message(lang: Lang, e: &ApiError) -> String {
    if e.details.is_empty() {
        return e.code.row().title.to_string();
    }
    let f = lang.faq();
    let fields = [
        ("question", f.question),
        ("answer", f.answer),
        ("keywords", f.keywords),
        ("phrasings", f.phrasings),
        ("threshold", f.threshold),
    ];
    say(lang, &e.details, &fields)
}

struct View<'a> {
    phone: &'a PhoneNumber,
    draft: Draft,
    notice: Option<(bool, String)>,
    question: Option<String>,
    trials: Vec<Trial>,
}

async fn render(state: &WebState, v: &Viewer, view: View<'_>) -> WebResult<Response> {
    let (lang, f) = (v.lang, v.lang.faq());
    let phone = view.phone;
    let entries = state.faq.entries(phone).await?;
    let settings = state.faq.settings(phone).await?;
    let picker = number_picker(state, v, CONSOLE_FAQ, phone).await?;
    let base = format!("{CONSOLE_FAQ}/{}", phone.id);
    let draft = &view.draft;
    let body = html! {
        section.card aria-labelledby="faq-h" {
            h1 id="faq-h" { (f.title) " " span.muted { bdi dir="ltr" { "+" (lang.digits(&phone.number)) } } }
            p.muted { (f.intro) }
            (picker)
            @if let Some((error, text)) = &view.notice { (alert(*error, text)) }
        }
        section.card aria-labelledby="entries-h" {
            h2 id="entries-h" { (f.entries) " " span.muted { "(" (lang.number(entries.len() as i64)) ")" } }
            @if entries.is_empty() { p.muted { (f.no_entries) } }
            @else {
                div.table-wrap { table.faq {
                    thead { tr { th { (f.question) } th { (f.answer) } th { (f.keywords) } th { (f.state) } th {} } }
                    tbody {
                        @for e in &entries {
                            tr data-entry=(e.id) {
                                td { bdi { (e.question) } @if !e.phrasings.is_empty() { br; span.muted { "+" (lang.number(e.phrasings.len() as i64)) " " (f.phrasings) } } }
                                td { bdi { (e.answer) } }
                                td { bdi { (e.keywords.join("، ")) } }
                                td { @if e.enabled { span.badge.GREEN { (f.on) } } @else { span.badge { (f.off) } } }
                                td { div.actions {
                                    a.button.secondary href=(format!("{}&edit={}#entry-h", page_path(phone), e.id)) { (f.edit) }
                                    form method="post" action=(format!("{base}/{}/delete", e.id)) data-confirm=(v.lang.t().confirm_delete) {
                                        (csrf(v))
                                        button.secondary type="submit" aria-label=(format!("{} {}", f.delete, e.question)) { (f.delete) }
                                    }
                                } }
                            }
                        }
                    }
                } }
            }
        }
        section.card aria-labelledby="entry-h" {
            h2 id="entry-h" { @if draft.id.is_some() { (f.edit_entry) } @else { (f.new_entry) } }
            @let action = match &draft.id { Some(id) => format!("{base}/{id}"), None => base.clone() };
            form.faq-form method="post" action=(action) {
                (csrf(v))
                label for="question" { (f.question) }
                input id="question" name="question" value=(draft.question) required maxlength="500" autocomplete="off";
                label for="answer" { (f.answer) }
                textarea id="answer" name="answer" rows="3" required maxlength="1024" { (draft.answer) }
                label for="keywords" { (f.keywords) }
                input id="keywords" name="keywords" value=(draft.keywords) aria-describedby="keywords-hint" autocomplete="off";
                p.hint id="keywords-hint" { (f.keywords_hint) }
                label for="phrasings" { (f.phrasings) }
                textarea id="phrasings" name="phrasings" rows="3" aria-describedby="phrasings-hint" { (draft.phrasings) }
                p.hint id="phrasings-hint" { (f.phrasings_hint) }
                label.check { input type="checkbox" name="enabled" value="on" checked[draft.enabled]; " " (f.on) }
                div.buttons {
                    @if draft.id.is_some() { a.button.secondary href=(page_path(phone)) { (f.cancel) } }
                    button type="submit" { @if draft.id.is_some() { (f.save) } @else { (f.add) } }
                }
            }
        }
        section.card aria-labelledby="try-h" {
            h2 id="try-h" { (f.try_title) }
            p.muted { (f.try_hint) }
            form.inline method="get" action=(CONSOLE_FAQ) {
                input type="hidden" name="number" value=(phone.id);
                label.visually-hidden for="q" { (f.question) }
                input id="q" name="q" value=(view.question.as_deref().unwrap_or("")) autocomplete="off";
                button type="submit" { (f.try_button) }
            }
            @if view.question.is_some() {
                @if view.trials.is_empty() { p { (f.no_match) } }
                @else {
                    ol.trials {
                        @for t in &view.trials {
                            li data-entry=(t.entry_id) {
                                bdi { (t.question) } " — " (f.score) " " strong { (lang.number(i64::from(t.score))) (if lang == crate::i18n::Lang::Ar { "٪" } else { "%" }) }
                                " " @if t.answers { span.badge.GREEN { (f.answers) } } @else { span.badge { (f.below) } }
                            }
                        }
                    }
                }
            }
        }
        section.card aria-labelledby="settings-h" {
            h2 id="settings-h" { (f.settings) }
            form.faq-settings method="post" action=(format!("{base}/settings")) {
                (csrf(v))
                label.check { input type="checkbox" name="enabled" value="on" checked[settings.enabled]; " " (f.enabled) }
                label for="threshold" { (f.threshold) }
                input id="threshold" name="threshold" type="number" min="1" max="100" value=(settings.threshold) aria-describedby="threshold-hint" required;
                p.hint id="threshold-hint" { (f.threshold_hint) }
                label for="handoff_button" { (f.button) }
                input id="handoff_button" name="handoff_button" value=(settings.handoff_button) maxlength="20" aria-describedby="button-hint" autocomplete="off";
                p.hint id="button-hint" { (f.button_hint) }
                label for="handoff_reply" { (f.handoff_reply) }
                textarea id="handoff_reply" name="handoff_reply" rows="2" maxlength="1024" aria-describedby="reply-hint" { (settings.handoff_reply) }
                p.hint id="reply-hint" { (f.handoff_hint) }
                div.buttons { button type="submit" { (f.save) } }
            }
        }
    };
    Ok(console_page(v, CONSOLE_FAQ, f.title, body))
}

/// `GET /app/console/faq[?number=ID][&edit=ENTRY][&q=QUESTION][&saved=1]`.
pub async fn show(State(state): State<WebState>, v: Viewer, Query(q): Query<Form>) -> WebResult<Response> {
    allowed(&v)?;
    let Some(phone) = pick_number(&state, &v, q.get("number").map(String::as_str)).await? else {
        let body = html! { section.card { h1 { (v.lang.faq().title) } p { (v.lang.faq().no_numbers) } } };
        return Ok(console_page(&v, CONSOLE_FAQ, v.lang.faq().title, body));
    };
    let draft = match q.get("edit") {
        Some(id) => Draft::of(&state.faq.entry(&phone, id).await?),
        None => Draft { enabled: true, ..Draft::default() },
    };
    let question = q.get("q").map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let trials = match &question {
        Some(text) => state.faq.try_question(&phone, text, 5).await?,
        None => Vec::new(),
    };
    let notice = q.contains_key("saved").then(|| (false, v.lang.faq().saved.to_string()));
    render(&state, &v, View { phone: &phone, draft, notice, question, trials }).await
}

/// A refused form: the page again with the error above it and what was typed kept.
async fn refused(state: &WebState, v: &Viewer, phone: &PhoneNumber, draft: Draft, e: ApiError) -> WebResult<Response> {
    if e.code.row().http_status != 400 || e.code == risala_core::ErrorCode::ObjectNotFound {
        return Err(e.into());
    }
    let view = View { phone, draft, notice: Some((true, message(v.lang, &e))), question: None, trials: Vec::new() };
    let mut resp = render(state, v, view).await?;
    *resp.status_mut() = StatusCode::BAD_REQUEST;
    Ok(resp)
}

fn saved(phone: &PhoneNumber) -> Response {
    Redirect::to(&format!("{}&saved=1", page_path(phone))).into_response()
}

async fn number(state: &WebState, v: &Viewer, id: &str) -> WebResult<PhoneNumber> {
    allowed(v)?;
    pick_number(state, v, Some(id)).await?.ok_or(WebError::NotFound)
}

/// `POST /app/console/faq/{phone_number_id}`: a new entry.
pub async fn create(State(state): State<WebState>, Path(id): Path<String>, a: Action<Form>) -> WebResult<Response> {
    let phone = number(&state, &a.viewer, &id).await?;
    let draft = Draft::from_form(&a.form);
    let result = match draft.input() {
        Ok(input) => state.faq.create(&phone, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(saved(&phone)),
        Err(e) => refused(&state, &a.viewer, &phone, draft, e).await,
    }
}

/// `POST /app/console/faq/{phone_number_id}/{entry_id}`: the entry changed.
pub async fn update(
    State(state): State<WebState>,
    Path((id, entry_id)): Path<(String, String)>,
    a: Action<Form>,
) -> WebResult<Response> {
    let phone = number(&state, &a.viewer, &id).await?;
    let mut draft = Draft::from_form(&a.form);
    let result = match draft.input() {
        Ok(input) => state.faq.update(&phone, &entry_id, input).await,
        Err(e) => Err(e),
    };
    draft.id = Some(entry_id);
    match result {
        Ok(_) => Ok(saved(&phone)),
        Err(e) => refused(&state, &a.viewer, &phone, draft, e).await,
    }
}

/// `POST /app/console/faq/{phone_number_id}/{entry_id}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    Path((id, entry_id)): Path<(String, String)>,
    a: Action<Form>,
) -> WebResult<Response> {
    let phone = number(&state, &a.viewer, &id).await?;
    state.faq.delete(&phone, &entry_id).await?;
    Ok(saved(&phone))
}

/// `POST /app/console/faq/{phone_number_id}/settings`.
pub async fn save_settings(
    State(state): State<WebState>,
    Path(id): Path<String>,
    a: Action<Form>,
) -> WebResult<Response> {
    let phone = number(&state, &a.viewer, &id).await?;
    let f = &a.form;
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let threshold = field("threshold").trim().parse::<i64>().unwrap_or(0);
    let input =
        SettingsInput::new(f.contains_key("enabled"), threshold, field("handoff_button"), field("handoff_reply"));
    let result = match input {
        Ok(input) => state.faq.save_settings(&phone, input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(saved(&phone)),
        Err(e) => refused(&state, &a.viewer, &phone, Draft { enabled: true, ..Draft::default() }, e).await,
    }
}
