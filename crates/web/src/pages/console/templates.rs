//! The console's templates: every template of the business's accounts with its status and
//! review reason, and a form that creates one (header, body with variables and their examples,
//! footer) through the same validation and review as the Graph API, with a preview.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::console::TemplateForm;
use risala_core::model::Template;
use risala_core::ErrorCode;

use super::{allowed, console_page};
use crate::error::WebResult;
use crate::i18n::refusals::say;
use crate::layout::{alert, csrf};
use crate::routes;
use crate::session::{Action, Viewer};
use crate::WebState;

/// Most example fields the form offers (a body's variables beyond it are refused by review).
const MAX_EXAMPLES: usize = 10;

fn status_badge(lang: crate::i18n::Lang, t: &Template) -> Markup {
    let s = t.status.as_str();
    let class = match s {
        "APPROVED" => "badge GREEN",
        "REJECTED" | "DISABLED" => "badge RED",
        "PAUSED" | "PENDING" | "IN_APPEAL" => "badge YELLOW",
        _ => "badge",
    };
    html! { span class=(class) { bdi { (lang.state_word(s)) } } }
}

async fn render(
    state: &WebState,
    v: &Viewer,
    form: &TemplateForm,
    notice: Option<(bool, String)>,
) -> WebResult<Response> {
    let (lang, c) = (v.lang, v.lang.c());
    let templates = state.console.templates(&v.user).await?;
    let wabas = state.console.wabas(&v.user).await?;
    let vars = form.variables();
    let body = html! {
        section.card aria-labelledby="templates-h" {
            h1 id="templates-h" { (c.templates) " " span.muted { "(" (lang.number(templates.len() as i64)) ")" } }
            @if let Some((error, text)) = &notice { (alert(*error, text)) }
            @if templates.is_empty() { p.muted { (c.no_templates) } }
            @else {
                div.table-wrap { table.templates {
                    thead { tr { th { (c.name) } th { (c.language) } th { (c.category) } th { (c.status) } th { (c.reason) } th { (c.created) } } }
                    tbody {
                        @for t in &templates {
                            tr data-template=(t.name) {
                                td { bdi { (t.name) } }
                                td { bdi { (t.language) } }
                                td { bdi { (lang.state_word(t.category.as_str())) } }
                                td { (status_badge(lang, t)) }
                                td { @if t.rejected_reason != "NONE" { bdi { (lang.state_word(&t.rejected_reason)) } } }
                                td { (lang.datetime(t.created_at)) }
                            }
                        }
                    }
                } }
            }
        }
        section.card aria-labelledby="new-h" {
            h2 id="new-h" { (c.new_template) }
            form.template-form method="post" action=(routes::CONSOLE_TEMPLATES) {
                (csrf(v))
                label for="waba_id" { (c.account) }
                select id="waba_id" name="waba_id" {
                    @for w in &wabas { option value=(w.id) selected[w.id == form.waba_id] { (w.name) } }
                }
                label for="name" { (c.name) }
                input id="name" name="name" value=(form.name) required pattern="[a-z0-9_]+" maxlength="512" autocomplete="off" dir="ltr" aria-describedby="name-hint" title=(c.name_hint) data-pattern-message=(c.name_hint);
                p.hint id="name-hint" { (c.name_hint) }
                label for="language" { (c.language) }
                input id="language" name="language" value=(if form.language.is_empty() { "en_US" } else { &form.language }) required autocomplete="off" dir="ltr";
                label for="category" { (c.category) }
                select id="category" name="category" {
                    @for cat in ["UTILITY", "MARKETING", "AUTHENTICATION"] { option value=(cat) selected[form.category == cat] { (lang.state_word(cat)) } }
                }
                label for="header" { (c.header) " " span.muted { "(" (c.optional) ")" } }
                input id="header" name="header" value=(form.header) maxlength="60" autocomplete="off";
                label for="body" { (c.body) }
                textarea id="body" name="body" rows="4" required maxlength="1024" aria-describedby="body-hint" data-preview-source { (form.body) }
                p.hint id="body-hint" { (c.body_hint) }
                // The script keeps one field per variable of the body as it is typed (the
                // same variables, in the same order, as the server reads); without it the
                // Preview button brings them.
                div.examples data-examples data-label=(c.example) data-max=(MAX_EXAMPLES) {
                    @for (i, var) in vars.iter().enumerate().take(MAX_EXAMPLES) {
                        @let id = format!("example_{}", i + 1);
                        label for=(id) { (c.example.replace("{var}", var)) }
                        input id=(id) name=(id) value=(form.examples.get(i).map(String::as_str).unwrap_or("")) data-var=(var) autocomplete="off";
                    }
                }
                label for="footer" { (c.footer) " " span.muted { "(" (c.optional) ")" } }
                input id="footer" name="footer" value=(form.footer) maxlength="60" autocomplete="off";
                h3 { (c.preview) }
                div.thread { div.bubble.preview aria-live="polite" {
                    @if !form.header.is_empty() { strong { (form.header) } br; }
                    span data-preview { (form.preview()) }
                    @if !form.footer.is_empty() { br; span.muted { (form.footer) } }
                } }
                div.buttons {
                    button.secondary type="submit" name="action" value="preview" { (c.preview) }
                    button type="submit" name="action" value="create" { (c.create) }
                }
            }
        }
    };
    Ok(console_page(v, routes::CONSOLE_TEMPLATES, c.templates, body))
}

/// `GET /app/console/templates[?created=ID]`: after a creation, its name and status.
pub async fn list(
    State(state): State<WebState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> WebResult<Response> {
    allowed(&v)?;
    let c = v.lang.c();
    let notice =
        match q.get("created") {
            Some(id) => {
                state.console.templates(&v.user).await?.into_iter().find(|t| &t.id == id).map(|t| {
                    (false, c.created_template.replace("{name}", &t.name).replace("{status}", t.status.as_str()))
                })
            }
            None => None,
        };
    render(&state, &v, &TemplateForm::default(), notice).await
}

/// `POST /app/console/templates` (fields `waba_id`, `name`, `language`, `category`, `header`,
/// `body`, `footer`, `example_1`… and `action`): `action=preview` shows the form again with the
/// preview and an example field per variable; `action=create` submits it for review, or shows
/// the validation error (Meta's wording) above the form.
pub async fn create(State(state): State<WebState>, a: Action<BTreeMap<String, String>>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let f = &a.form;
    let field = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut form = TemplateForm {
        waba_id: field("waba_id"),
        name: field("name"),
        language: field("language"),
        category: field("category"),
        header: field("header"),
        body: field("body"),
        footer: field("footer"),
        examples: Vec::new(),
    };
    form.examples = (1..=form.variables().len()).map(|i| field(&format!("example_{i}"))).collect();
    if field("action") != "create" {
        return render(&state, &a.viewer, &form, None).await;
    }
    // A variable without its example would be stored and rejected by review: the form asks
    // for it first, with the example fields shown and what was typed kept.
    if form.examples.iter().take(MAX_EXAMPLES).any(|e| e.trim().is_empty()) {
        let mut resp =
            render(&state, &a.viewer, &form, Some((true, a.viewer.lang.c().examples_needed.to_string()))).await?;
        *resp.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(resp);
    }
    match state.console.create_template(&a.viewer.user, &form).await {
        Ok(t) if a.fetch => Ok((StatusCode::CREATED, t.id).into_response()),
        Ok(t) => Ok(Redirect::to(&format!("{}?created={}", routes::CONSOLE_TEMPLATES, t.id)).into_response()),
        Err(e) if e.code != ErrorCode::ObjectNotFound && e.code.row().http_status == 400 => {
            // The rule's details (the API's words, naming `BODY text`) said as the form labels
            // its fields, in the page's language.
            let c = a.viewer.lang.c();
            let english = if e.details.is_empty() { e.code.row().title } else { e.details.as_str() };
            let fields = [
                ("name", c.name),
                ("language", c.language),
                ("category", c.category),
                ("HEADER", c.header),
                ("HEADER text", c.header),
                ("BODY", c.body),
                ("BODY text", c.body),
                ("FOOTER", c.footer),
                ("FOOTER text", c.footer),
            ];
            let message = say(a.viewer.lang, english, &fields);
            let mut resp = render(&state, &a.viewer, &form, Some((true, message))).await?;
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}
