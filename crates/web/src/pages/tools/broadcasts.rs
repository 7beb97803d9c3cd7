//! The console's broadcasts (owners and admins): the business's broadcasts with their
//! progress, a form that creates one (a template or, for a broadcast list, a text; customers
//! by label, an imported CSV; now or at a time), and a broadcast's page with live progress
//! (the web app's event stream says when it changed), cancel and resume, the rows that were
//! not imported and why, the first recipients of the report and the whole report as CSV.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::model::TemplateStatus;
use risala_core::tools::broadcasts::views::recipient_status;
use risala_core::tools::broadcasts::{report_csv, BroadcastView, NewBroadcast};
use risala_core::ApiError;
use serde_json::{json, Map, Value};

use crate::error::WebResult;
use crate::i18n::broadcasts::recipients;
use crate::i18n::refusals::say;
use crate::i18n::Lang;
use crate::layout::{alert, csrf};
use crate::pages::console::{allowed, console_page, phone};
use crate::routes;
use crate::session::{Action, NoFields, Viewer};
use crate::{assets, WebState};

/// Recipients shown on a broadcast's page.
const SHOWN: usize = 200;

fn badge(state: &str) -> &'static str {
    match state {
        "completed" | "delivered" | "read" | "sent" => "badge GREEN",
        "cancelled" | "failed" => "badge RED",
        "paused" | "skipped_opted_out" | "skipped_blocked" | "scheduled" => "badge YELLOW",
        _ => "badge",
    }
}

/// The counts and the progress bar: the part of the page that updates live.
fn progress(lang: Lang, b: &BroadcastView) -> Markup {
    let s = lang.bc();
    let c = &b.counts;
    let counts = [
        (s.queued, c.queued),
        (s.sent, c.sent),
        (s.delivered, c.delivered),
        (s.read, c.read),
        (s.failed, c.failed),
        (s.skipped_opted_out, c.skipped_opted_out),
        (s.skipped_blocked, c.skipped_blocked),
        (s.replied, c.replied),
    ];
    html! {
        p { (s.status) ": " span class=(badge(&b.row.state)) data-status=(b.row.state) { (s.status(&b.row.state)) } }
        @if let Some(r) = &b.row.pause_reason { (alert(true, &format!("{}: {r}", s.paused_because))) }
        label for="bar" { (s.progress) ": " span data-processed { (lang.number(b.processed())) } " / " (lang.number(b.row.total)) }
        progress id="bar" max=(b.row.total.max(1)) value=(b.processed()) {}
        dl.counts {
            @for (name, n) in counts { div { dt { (name) } dd data-count=(name) { (lang.number(n)) } } }
        }
    }
}

/// `GET /app/tools/broadcasts`: the list and the form.
pub async fn list(State(state): State<WebState>, v: Viewer) -> WebResult<Response> {
    allowed(&v)?;
    render_list(&state, &v, None, &[]).await
}

async fn render_list(
    state: &WebState,
    v: &Viewer,
    error: Option<String>,
    form: &[(String, String)],
) -> WebResult<Response> {
    let (lang, s) = (v.lang, v.lang.bc());
    let field = |k: &str| form.iter().find(|(f, _)| f == k).map(|(_, x)| x.as_str()).unwrap_or("");
    let all = state.broadcasts.list(&v.user.business_id, None).await?;
    let numbers = state.inbox.numbers(&v.user.business_id).await.map_err(|_| crate::WebError::Forbidden)?;
    let labels = state.inbox.labels(&v.user.business_id).await.map_err(|_| crate::WebError::Forbidden)?;
    let templates: Vec<_> =
        state.console.templates(&v.user).await?.into_iter().filter(|t| t.status == TemplateStatus::Approved).collect();
    let body = html! {
        section.card aria-labelledby="broadcasts-h" {
            h1 id="broadcasts-h" { (s.broadcasts) }
            @if all.is_empty() { p.muted { (s.none) } }
            @else {
                div.table-wrap { table.broadcasts {
                    thead { tr { th { (s.name) } th { (s.number) } th { (s.status) } th { (s.progress) } th { (s.created) } } }
                    tbody {
                        @for b in &all {
                            @let number = numbers.iter().find(|p| p.id == b.row.phone_number_id).map(|p| p.number.as_str()).unwrap_or("");
                            tr data-broadcast=(b.row.id) {
                                td { a href=(format!("{}/{}", routes::BROADCASTS, b.row.id)) { bdi { (b.row.name) } } }
                                td { (phone(lang, number)) }
                                td { span class=(badge(&b.row.state)) { (s.status(&b.row.state)) } }
                                td { (lang.number(b.processed())) " / " (lang.number(b.row.total)) }
                                td { (lang.datetime(b.row.created_at)) }
                            }
                        }
                    }
                } }
            }
        }
        section.card aria-labelledby="new-h" {
            h2 id="new-h" { (s.new) }
            @if let Some(e) = &error { (alert(true, e)) }
            form.broadcast-form method="post" action=(routes::BROADCASTS) {
                (csrf(v))
                label for="name" { (s.name) }
                input id="name" name="name" required maxlength="120" value=(field("name")) autocomplete="off";
                label for="phone_number_id" { (s.number) }
                select id="phone_number_id" name="phone_number_id" {
                    @for p in &numbers { option value=(p.id) selected[p.id == field("phone_number_id")] { (crate::pages::console::phone_text(lang, &p.number)) } }
                }
                label for="mode" { (s.mode) }
                select id="mode" name="mode" aria-describedby="mode-hint" {
                    option value="broadcast" { (s.mode_broadcast) }
                    option value="list" selected[field("mode") == "list"] { (s.mode_list) }
                }
                p.hint id="mode-hint" { (s.mode_hint) }
                label for="template" { (s.template) }
                select id="template" name="template" {
                    option value="" { "—" }
                    @for t in &templates {
                        @let key = format!("{}|{}", t.name, t.language);
                        option value=(key) selected[key == field("template")] { (t.name) " (" (t.language) ", " (t.category.as_str()) ")" }
                    }
                }
                label for="text" { (s.text) }
                textarea id="text" name="text" rows="2" maxlength="4096" { (field("text")) }
                label for="params" { (s.params) }
                textarea id="params" name="params" rows="2" dir="auto" aria-describedby="params-hint" { (field("params")) }
                p.hint id="params-hint" { (s.params_hint) }
                @if !labels.is_empty() {
                    fieldset { legend { (s.labels) }
                        @for l in &labels {
                            label.check { input type="checkbox" name="label" value=(l.id) checked[form.iter().any(|(k, x)| k == "label" && x == &l.id)]; " " (crate::pages::inbox::label_name(lang, &l.name)) }
                        }
                    }
                }
                label for="csv_file" { (s.csv_file) }
                input id="csv_file" type="file" accept=".csv,text/csv" data-not-csv=(s.not_csv) aria-describedby="csv-file-error";
                div.alert.error id="csv-file-error" role="alert" hidden {}
                label for="csv" { (s.csv) }
                textarea id="csv" name="csv" rows="5" dir="ltr" aria-describedby="csv-hint" { (field("csv")) }
                p.hint id="csv-hint" { (s.csv_hint) }
                label for="default_country" { (s.default_country) }
                input id="default_country" name="default_country" maxlength="2" value=(field("default_country")) dir="ltr";
                label for="send_at" { (s.send_at) }
                input id="send_at" name="send_at" type="datetime-local" value=(field("send_at")) aria-describedby="send-hint";
                p.hint id="send-hint" { (s.send_at_hint) }
                div.buttons { button type="submit" { (s.create) } }
            }
        }
        script src=(assets::url("broadcasts.js")) defer {}
    };
    let mut resp = console_page(v, routes::BROADCASTS, s.broadcasts, body);
    if error.is_some() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

/// `YYYY-MM-DDTHH:MM` (a `datetime-local` field, read as UTC) in milliseconds.
fn utc_minute(s: &str) -> Option<i64> {
    let (date, time) = s.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.splitn(3, ':').map(|x| x.parse::<i64>().ok());
    let (hh, mm) = (t.next()??, t.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || !(0..24).contains(&hh) || !(0..60).contains(&mm) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Some(((days * 24 + hh) * 60 + mm) * 60_000)
}

/// Text a CSV file can hold: no NUL or other control characters but tab and line ends, and no
/// U+FFFD (bytes that were not UTF-8).
fn is_text(csv: &str) -> bool {
    !csv.chars().any(|c| c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
}

fn new_broadcast(v: &Viewer, form: &[(String, String)]) -> Result<(String, NewBroadcast), ApiError> {
    let field = |k: &str| form.iter().find(|(f, _)| f == k).map(|(_, x)| x.trim().to_string()).unwrap_or_default();
    let template =
        field("template").split_once('|').map(|(name, code)| json!({"name": name, "language": {"code": code}}));
    let mut params = Map::new();
    for line in field("params").lines().filter(|l| !l.trim().is_empty()) {
        let (k, val) =
            line.split_once('=').ok_or_else(|| ApiError::bad_value(format!("params: {line}: name=value")))?;
        params.insert(k.trim().to_string(), Value::String(val.trim().to_string()));
    }
    let send_at = match field("send_at").as_str() {
        "" => None,
        s => Some(utc_minute(s).ok_or_else(|| ApiError::bad_value("send_at: a date and time"))?),
    };
    // Binary content (a picture chosen as the CSV file, without the page's script) is not
    // rows with bad numbers: it is the wrong file.
    if !is_text(&field("csv")) {
        return Err(ApiError::bad_value(v.lang.bc().not_csv));
    }
    let some = |s: String| (!s.is_empty()).then_some(s);
    let new = NewBroadcast {
        name: field("name"),
        list_mode: field("mode") == "list",
        template,
        text: some(field("text")),
        params,
        label_ids: form.iter().filter(|(k, _)| k == "label").map(|(_, x)| x.clone()).collect(),
        fields: Default::default(),
        csv: some(field("csv")),
        default_country: some(field("default_country")),
        wa_ids: Vec::new(),
        send_at,
        created_by: Some(v.user.id.clone()),
    };
    Ok((field("phone_number_id"), new))
}

/// A service's reason for refusing the form, with its fields as the form labels them.
fn said(lang: Lang, english: &str) -> String {
    let s = lang.bc();
    let fields = [
        ("name", s.name),
        ("template", s.template),
        ("text", s.text),
        ("audience", s.csv),
        ("csv", s.csv),
        ("default_country", s.default_country),
        ("send_at", s.send_at),
        ("params", s.params),
    ];
    say(lang, english, &fields)
}

/// `POST /app/tools/broadcasts`: create, then its page; a refusal shows the form again with why.
pub async fn create(State(state): State<WebState>, a: Action<Vec<(String, String)>>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let v = &a.viewer;
    let created = async {
        let (phone_id, new) = new_broadcast(v, &a.form)?;
        let numbers =
            state.inbox.numbers(&v.user.business_id).await.map_err(|_| ApiError::object_not_found(&phone_id))?;
        let phone =
            numbers.into_iter().find(|p| p.id == phone_id).ok_or_else(|| ApiError::object_not_found(&phone_id))?;
        state.broadcasts.create(&phone, new).await
    }
    .await;
    match created {
        Ok(b) => Ok(Redirect::to(&format!("{}/{}", routes::BROADCASTS, b.row.id)).into_response()),
        Err(e) if e.code.row().http_status < 500 => {
            render_list(&state, v, Some(said(v.lang, &e.details)), &a.form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /app/tools/broadcasts/{id}`.
pub async fn show(State(state): State<WebState>, v: Viewer, Path(id): Path<String>) -> WebResult<Response> {
    allowed(&v)?;
    render_show(&state, &v, &id, None).await
}

async fn render_show(state: &WebState, v: &Viewer, id: &str, error: Option<String>) -> WebResult<Response> {
    let (lang, s) = (v.lang, v.lang.bc());
    let b = state.broadcasts.get(&v.user.business_id, id).await?;
    let base = format!("{}/{}", routes::BROADCASTS, id);
    // By row: the service lists the rows its checks refused one check after another.
    let mut rejected = b.row.rejected.as_array().cloned().unwrap_or_default();
    rejected.sort_by_key(|r| r["row"].as_i64().unwrap_or(0));
    let body = html! {
        // What changes as the broadcast runs (its progress, what may be done with it, each
        // recipient's status) is reloaded live as one part.
        div #broadcast-progress aria-live="polite" data-broadcast-progress=(id) data-url=(format!("{base}/progress")) data-events=(routes::EVENTS) {
            (live_part(state, v, &b, error.as_deref()).await?)
        }
        @if !rejected.is_empty() {
            section.card aria-labelledby="rejected-h" {
                h2 id="rejected-h" { (s.rejected) " (" (lang.number(rejected.len() as i64)) ")" }
                div.table-wrap { table {
                    thead { tr { th { (s.row) } th { (s.recipient) } th { (s.reason) } } }
                    tbody { @for r in rejected.iter().take(SHOWN) { tr {
                        td { (lang.number(r["row"].as_i64().unwrap_or(0))) }
                        td { bdi dir="ltr" { (r["input"].as_str().unwrap_or("")) } }
                        td { (crate::i18n::reasons::reason(lang, r["reason"].as_str().unwrap_or(""))) }
                    } } }
                } }
            }
        }
        script src=(assets::url("broadcasts.js")) defer {}
    };
    let mut resp = console_page(v, routes::BROADCASTS, s.broadcasts, body);
    if error.is_some() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

/// The live part of a broadcast's page: its name, progress and actions (and `error`, what the
/// last action met), and the report's first rows.
async fn live_part(state: &WebState, v: &Viewer, b: &BroadcastView, error: Option<&str>) -> WebResult<Markup> {
    let (lang, s) = (v.lang, v.lang.bc());
    let rows = state.broadcasts.report(&v.user.business_id, &b.row.id, 0, SHOWN).await?;
    let base = format!("{}/{}", routes::BROADCASTS, b.row.id);
    Ok(html! {
        section.card aria-labelledby="broadcast-h" {
            h1 id="broadcast-h" { bdi { (b.row.name) } " " span.muted { "(" (recipients(lang, b.row.total)) ")" } }
            @if let Some(e) = error { (alert(true, e)) }
            (progress(lang, b))
            div.broadcast-actions {
                @if matches!(b.row.state.as_str(), "scheduled" | "running" | "paused") {
                    form method="post" action=(format!("{base}/cancel")) { (csrf(v)) button.secondary type="submit" { (s.cancel) } }
                }
                @if matches!(b.row.state.as_str(), "cancelled" | "paused") {
                    form method="post" action=(format!("{base}/resume")) { (csrf(v)) button type="submit" { (s.resume) } }
                }
                a href=(format!("{base}/export.csv")) download { (s.export) }
            }
        }
        section.card aria-labelledby="report-h" {
            h2 id="report-h" { (s.report) }
            p.hint { (s.first_rows.replace("{n}", &lang.number(SHOWN as i64))) }
            div.table-wrap { table.report {
                thead { tr { th { (s.recipient) } th { (s.status) } th { (s.reason) } th { (s.replied) } } }
                tbody { @for r in &rows {
                    @let st = recipient_status(r);
                    tr {
                        td { (phone(lang, &r.recipient.wa_id)) }
                        td { span class=(badge(st)) { (s.status(st)) } }
                        td { @if let Some((_, reason)) = risala_core::tools::broadcasts::views::failure(r) { (reason) } }
                        td { @if r.replied { (s.yes) } }
                    }
                } }
            } }
        }
    })
}

/// `GET /app/tools/broadcasts/{id}/progress`: the live part of the page.
pub async fn live(State(state): State<WebState>, v: Viewer, Path(id): Path<String>) -> WebResult<Response> {
    allowed(&v)?;
    let b = state.broadcasts.get(&v.user.business_id, &id).await?;
    Ok(axum::response::Html(live_part(&state, &v, &b, None).await?.into_string()).into_response())
}

/// `GET /app/tools/broadcasts/{id}/export.csv`: the whole report.
pub async fn export(State(state): State<WebState>, v: Viewer, Path(id): Path<String>) -> WebResult<Response> {
    allowed(&v)?;
    let mut rows = Vec::new();
    let mut after = 0;
    loop {
        let page = state.broadcasts.report(&v.user.business_id, &id, after, 10_000).await?;
        let Some(last) = page.last() else { break };
        after = last.recipient.seq;
        rows.extend(page);
    }
    let disposition = format!("attachment; filename=\"broadcast-{id}.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        report_csv(&rows),
    )
        .into_response())
}

/// `POST /app/tools/broadcasts/{id}/cancel` and `/resume`.
async fn change(state: WebState, a: Action<NoFields>, id: String, resume: bool) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let business = &a.viewer.user.business_id;
    let done = if resume {
        state.broadcasts.resume(business, &id).await
    } else {
        state.broadcasts.cancel(business, &id).await
    };
    match done {
        Ok(_) if a.fetch => Ok(StatusCode::NO_CONTENT.into_response()),
        Ok(_) => Ok(Redirect::to(&format!("{}/{id}", routes::BROADCASTS)).into_response()),
        Err(e) if e.code.row().http_status == 400 && e.code != risala_core::ErrorCode::ObjectNotFound => {
            render_show(&state, &a.viewer, &id, Some(said(a.viewer.lang, &e.details))).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn cancel(State(state): State<WebState>, Path(id): Path<String>, a: Action<NoFields>) -> WebResult<Response> {
    change(state, a, id, false).await
}

pub async fn resume(State(state): State<WebState>, Path(id): Path<String>, a: Action<NoFields>) -> WebResult<Response> {
    change(state, a, id, true).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn datetime_local_as_utc() {
        assert_eq!(super::utc_minute("1970-01-01T00:01"), Some(60_000));
        assert_eq!(super::utc_minute("2026-12-03T23:50"), Some(1_796_341_800_000));
        assert_eq!(super::utc_minute("2026-13-03T23:50"), None);
        assert_eq!(super::utc_minute("soon"), None);
    }
}
