//! `/app/console/badge`: the verified badge of the business's numbers (owners and admins).
//! Each number's state (not requested, under review with its due date, approved, or rejected
//! with the reasons and when a new request is possible); for one number, the prerequisites as
//! the API checks them, each said in plain words with what is still missing; and a form with
//! Meta's fields that submits through the same service call as
//! `POST /{phone-number-id}/official_business_account`, recorded in the audit log.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::badges::{rules, BadgeView, Check};
use risala_core::model::PhoneNumber;
use serde_json::{json, Map, Value};

use crate::error::{WebError, WebResult};
use crate::i18n::Lang;
use crate::layout::{alert, csrf};
use crate::pages::console::{allowed, console_page, phone};
use crate::pages::tools::{number_picker, pick_number};
use crate::routes::CONSOLE_BADGE;
use crate::session::{Action, Viewer};
use crate::WebState;

type Form = BTreeMap<String, String>;

/// The state's word and its badge colour.
fn state_badge(lang: Lang, view: &BadgeView) -> Markup {
    let b = lang.badge();
    let (class, word) = match view.latest.as_ref().map(|r| r.status.as_str()) {
        Some("PENDING") => ("badge YELLOW", b.pending),
        Some("APPROVED") => ("badge GREEN", b.approved),
        Some("REJECTED") => ("badge RED", b.rejected),
        _ => ("badge", b.none),
    };
    html! { span class=(class) data-badge-state { (word) } }
}

/// A prerequisite in plain words: what is done, or what is missing and how to get it.
fn check_text(lang: Lang, view: &BadgeView, p: &PhoneNumber, c: &Check) -> String {
    let b = lang.badge();
    let days = (view.now - p.created_at).max(0) / rules::DAY_MS;
    let min = view.criteria.min_days_on_platform;
    let name = |s: &str| s.replace("{name}", &p.verified_name).replace("{status}", &lang.state_word(&p.name_status));
    let days_text = |s: &str| {
        s.replace("{days}", &lang.number(days))
            .replace("{min}", &lang.number(min))
            .replace("{date}", &lang.datetime(p.created_at + min * rules::DAY_MS))
    };
    match (c.criterion, c.passed) {
        ("two_step_verification", true) => b.two_step_ok.to_string(),
        ("two_step_verification", false) => b.two_step_missing.to_string(),
        ("business_verification", true) => b.verified_ok.to_string(),
        ("business_verification", false) => b.verified_missing.to_string(),
        ("display_name_approved", true) => name(b.name_ok),
        ("display_name_approved", false) => name(b.name_missing),
        ("min_days_on_platform", true) => days_text(b.days_ok),
        ("min_days_on_platform", false) => days_text(b.days_missing),
        _ => c.detail.clone(),
    }
}

/// The latest request's state in words.
fn status_text(lang: Lang, view: &BadgeView) -> Markup {
    let b = lang.badge();
    html! {
        @match view.latest.as_ref() {
            Some(r) if r.status == "PENDING" => p data-badge-status {
                (b.pending_text.replace("{submitted}", &lang.datetime(r.submitted_at)).replace("{due}", &lang.datetime(r.due_at)))
            },
            Some(r) if r.status == "APPROVED" => p data-badge-status { (b.approved_text) },
            Some(r) => {
                p { strong { (b.rejected_reasons) } }
                ul.reasons data-badge-status { @for reason in &r.reasons { li dir="auto" { (reason) } } }
                @if let Some(from) = view.next_request_from {
                    p { @if view.may_request() { (b.retry_now) } @else { (b.retry_from.replace("{date}", &lang.datetime(from))) } }
                }
            },
            None => {},
        }
    }
}

async fn render(
    state: &WebState,
    v: &Viewer,
    current: &PhoneNumber,
    typed: &Form,
    notice: Option<(bool, String)>,
) -> WebResult<Response> {
    let (lang, b) = (v.lang, v.lang.badge());
    let numbers = state.inbox.numbers(&v.user.business_id).await.map_err(|_| WebError::NotFound)?;
    let mut rows = Vec::new();
    for p in &numbers {
        rows.push((p, state.badges.view(p).await?));
    }
    let view = state.badges.view(current).await?;
    let picker = number_picker(state, v, CONSOLE_BADGE, current).await?;
    let field = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let body = html! {
        section.card aria-labelledby="badge-h" {
            h1 id="badge-h" { (b.title) }
            p.muted { (b.intro) }
            div.table-wrap { table.badges {
                thead { tr { th { (lang.c().number) } th { (lang.c().verified_name) } th { (b.state) } } }
                tbody {
                    @for (p, pv) in &rows {
                        tr data-number=(p.id) {
                            td { a href=(format!("{CONSOLE_BADGE}?number={}", p.id)) { (phone(lang, &p.number)) } }
                            td { bdi { (p.verified_name) } }
                            td { (state_badge(lang, pv)) }
                        }
                    }
                }
            } }
        }
        section.card aria-labelledby="number-h" {
            h2 id="number-h" { (phone(lang, &current.number)) " " bdi { (current.verified_name) } " " (state_badge(lang, &view)) }
            (picker)
            @if let Some((error, text)) = &notice { (alert(*error, text)) }
            (status_text(lang, &view))
            @if view.may_request() {
                h3 { (b.requirements) }
                ul.checks {
                    @for c in &view.checks {
                        li class=(if c.passed { "met" } else { "missing" }) data-criterion=(c.criterion) {
                            span class=(if c.passed { "badge GREEN" } else { "badge RED" }) { (if c.passed { b.met } else { b.missing }) }
                            " " (check_text(lang, &view, current, c))
                        }
                    }
                }
                @if view.eligible() { p { (b.all_met) } } @else { (alert(true, b.not_eligible)) }
                h3 { (b.form) }
                form #badge-form method="post" action=(format!("{CONSOLE_BADGE}/{}", current.id)) {
                    (csrf(v))
                    label for="business_website_url" { (b.website) }
                    input id="business_website_url" name="business_website_url" type="url" required maxlength="2048" dir="ltr" value=(field("business_website_url")) aria-describedby="website-hint" autocomplete="url";
                    p.hint id="website-hint" { (b.website_hint) }
                    label for="primary_country_of_operation" { (b.country) }
                    input id="primary_country_of_operation" name="primary_country_of_operation" required maxlength="255" dir="auto" value=(field("primary_country_of_operation")) autocomplete="country-name";
                    label for="primary_language" { (b.language) " " span.muted { "(" (b.optional) ")" } }
                    input id="primary_language" name="primary_language" maxlength="255" dir="auto" value=(field("primary_language"));
                    label for="parent_business_or_brand" { (b.parent) " " span.muted { "(" (b.optional) ")" } }
                    input id="parent_business_or_brand" name="parent_business_or_brand" maxlength="255" dir="auto" value=(field("parent_business_or_brand"));
                    label for="supporting_links" { (b.links) }
                    textarea id="supporting_links" name="supporting_links" rows="3" dir="ltr" aria-describedby="links-hint" { (field("supporting_links")) }
                    p.hint id="links-hint" { (b.links_hint.replace("{min}", &lang.number(view.criteria.min_supporting_links as i64))) }
                    label for="additional_supporting_information" { (b.info) " " span.muted { "(" (b.optional) ")" } }
                    textarea id="additional_supporting_information" name="additional_supporting_information" rows="3" maxlength="1000" dir="auto" { (field("additional_supporting_information")) }
                    div.buttons { button #badge-submit type="submit" { (b.submit) } }
                }
            }
        }
    };
    Ok(console_page(v, CONSOLE_BADGE, b.title, body))
}

/// `GET /app/console/badge[?number=ID][&sent=1]`.
pub async fn show(State(state): State<WebState>, v: Viewer, Query(q): Query<Form>) -> WebResult<Response> {
    allowed(&v)?;
    let b = v.lang.badge();
    let Some(current) = pick_number(&state, &v, q.get("number").map(String::as_str)).await? else {
        let body = html! { section.card { h1 { (b.title) } p { (b.no_numbers) } } };
        return Ok(console_page(&v, CONSOLE_BADGE, b.title, body));
    };
    let notice = q.contains_key("sent").then(|| (false, b.submitted.to_string()));
    render(&state, &v, &current, &Form::new(), notice).await
}

/// The form as the API's body: Meta's fields, empty ones left out, the links one a line.
fn request_body(form: &Form) -> Map<String, Value> {
    let mut body = Map::new();
    for key in rules::FIELDS {
        let value = form.get(*key).map(|s| s.trim()).unwrap_or("");
        if *key == "supporting_links" {
            let links: Vec<&str> = value.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            body.insert((*key).into(), json!(links));
        } else if !value.is_empty() {
            body.insert((*key).into(), json!(value));
        }
    }
    body
}

/// `POST /app/console/badge/{phone_number_id}`: the request, through the service call of
/// `POST /{phone-number-id}/official_business_account`; a refusal shows the form again as typed,
/// with the API's reason.
pub async fn submit(State(state): State<WebState>, Path(id): Path<String>, a: Action<Form>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let current = pick_number(&state, &a.viewer, Some(&id)).await?.ok_or(WebError::NotFound)?;
    match state.badges.submit(&current, &request_body(&a.form)).await {
        Ok(r) => {
            state.console.record(&a.viewer.user, "badge.request", &current.id, &format!("request={}", r.id)).await?;
            Ok(Redirect::to(&format!("{CONSOLE_BADGE}?number={}&sent=1", current.id)).into_response())
        }
        Err(e) if e.code.row().http_status == 400 => {
            let text = format!("{} {}", a.viewer.lang.badge().refused, e.user_msg.clone().unwrap_or(e.details));
            let mut resp = render(&state, &a.viewer, &current, &a.form, Some((true, text))).await?;
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}
