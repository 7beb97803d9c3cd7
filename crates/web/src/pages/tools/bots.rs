//! `/app/console/bots`: a number's bots (name, version, trigger, state, steps), each exported
//! as JSON or deleted, and a form that imports a definition as a new bot or a new version of
//! one, showing the errors that name the step; each bot opens in the visual editor. Owners and
//! admins; every change goes through the same service and checks as the API.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use risala_core::model::PhoneNumber;
use risala_core::tools::bots::BotService;
use serde_json::Value;

use super::bot_editor::save_typed;
use super::{number_picker, pick_number};
use crate::error::{WebError, WebResult};
use crate::i18n::refusals_bots::BotError;
use crate::layout::{alert, csrf};
use crate::pages::console::{allowed, console_page};
use crate::routes::CONSOLE_BOTS;
use crate::session::{Action, Viewer};
use crate::WebState;

type Form = BTreeMap<String, String>;

/// What the page says above the list: nothing, a change done, or why an import was refused.
enum Notice<'a> {
    None,
    Done(&'static str),
    Refused(&'a [BotError]),
}

fn page_path(phone: &PhoneNumber) -> String {
    format!("{CONSOLE_BOTS}?number={}", phone.id)
}

async fn render(
    state: &WebState,
    v: &Viewer,
    phone: &PhoneNumber,
    notice: Notice<'_>,
    typed: &str,
) -> WebResult<Response> {
    let (lang, b) = (v.lang, v.lang.bots());
    let bots = state.bots.bots(phone).await?;
    let picker = number_picker(state, v, CONSOLE_BOTS, phone).await?;
    let base = format!("{CONSOLE_BOTS}/{}", phone.id);
    let body = html! {
        section.card aria-labelledby="bots-h" {
            h1 id="bots-h" { (b.title) " " span.muted { bdi dir="ltr" { "+" (lang.digits(&phone.number)) } } }
            p.muted { (b.intro) }
            p.hint { (b.editor_hint) }
            (picker)
            p { a.button href=(format!("{base}/new")) { (b.new_bot_button) } }
            @match notice {
                Notice::None => {}
                Notice::Done(text) => (alert(false, text)),
                Notice::Refused(errors) => div.alert.error role="alert" {
                    @if let [one] = errors { (one.text) }
                    @else { ul { @for x in errors { li { (x.text) } } } }
                },
            }
        }
        section.card aria-labelledby="list-h" {
            h2 id="list-h" { (b.bots) }
            @if bots.is_empty() { p.muted { (b.no_bots) } }
            @else {
                div.table-wrap { table.bots {
                    thead { tr { th { (b.name) } th { (b.version) } th { (b.trigger) } th { (b.steps) } th { (b.state) } th {} } }
                    tbody {
                        @for bot in &bots {
                            @let trigger = &bot.definition["trigger"];
                            tr data-bot=(bot.id) {
                                td { a href=(format!("{base}/{}/edit", bot.id)) { bdi { (bot.name) } } }
                                td { (lang.number(bot.version)) }
                                td {
                                    @if trigger["on"] == "keywords" {
                                        (b.keywords) ": " bdi { (trigger["keywords"].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join("، ")) }
                                    } @else { (b.new_conversation) }
                                }
                                td { (lang.number(bot.definition["steps"].as_object().map_or(0, |s| s.len()) as i64)) }
                                td { @if bot.enabled { span.badge.GREEN { (b.on) } } @else { span.badge { (b.off) } } }
                                td { div.actions {
                                    a.button.secondary href=(format!("{base}/{}/edit", bot.id)) aria-label=(format!("{} {}", b.edit, bot.name)) { (b.edit) }
                                    a.button.secondary href=(format!("{base}/{}/export", bot.id)) download { (b.export) }
                                    form method="post" action=(format!("{base}/{}/delete", bot.id)) data-confirm=(v.lang.t().confirm_delete) {
                                        (csrf(v))
                                        button.secondary type="submit" aria-label=(format!("{} {}", b.delete, bot.name)) { (b.delete) }
                                    }
                                } }
                            }
                        }
                    }
                } }
            }
        }
        section.card aria-labelledby="import-h" {
            h2 id="import-h" { (b.import) }
            form method="post" action=(base) {
                (csrf(v))
                label for="bot_id" { (b.replace) }
                select id="bot_id" name="bot_id" {
                    option value="" { (b.new_bot) }
                    @for bot in &bots { option value=(bot.id) { (bot.name) " · v" (bot.version + 1) } }
                }
                label for="definition" { (b.definition) }
                textarea id="definition" name="definition" rows="14" dir="ltr" aria-describedby="def-hint" required { (typed) }
                p.hint id="def-hint" { (b.import_hint) }
                div.buttons { button type="submit" { (b.upload) } }
            }
        }
    };
    Ok(console_page(v, CONSOLE_BOTS, b.title, body))
}

/// `GET /app/console/bots[?number=ID][&saved=1|&deleted=1]`.
pub async fn show(State(state): State<WebState>, v: Viewer, Query(q): Query<Form>) -> WebResult<Response> {
    allowed(&v)?;
    let b = v.lang.bots();
    let Some(phone) = pick_number(&state, &v, q.get("number").map(String::as_str)).await? else {
        let body = html! { section.card { h1 { (b.title) } p { (b.no_numbers) } } };
        return Ok(console_page(&v, CONSOLE_BOTS, b.title, body));
    };
    let notice = if q.contains_key("saved") {
        Notice::Done(b.saved)
    } else if q.contains_key("deleted") {
        Notice::Done(b.deleted)
    } else {
        Notice::None
    };
    render(&state, &v, &phone, notice, "").await
}

/// The business's number `id`, for an owner or admin.
pub(super) async fn number(state: &WebState, v: &Viewer, id: &str) -> WebResult<PhoneNumber> {
    allowed(v)?;
    pick_number(state, v, Some(id)).await?.ok_or(WebError::NotFound)
}

/// `POST /app/console/bots/{phone_number_id}`: import a definition, as a new bot or (with
/// `bot_id`) a new version of one.
pub async fn import(State(state): State<WebState>, Path(id): Path<String>, a: Action<Form>) -> WebResult<Response> {
    let phone = number(&state, &a.viewer, &id).await?;
    let typed = a.form.get("definition").cloned().unwrap_or_default();
    let bot_id = a.form.get("bot_id").map(|s| s.trim()).filter(|s| !s.is_empty());
    match save_typed(&state, a.viewer.lang, &phone, bot_id, &typed).await? {
        Ok(_) => Ok(Redirect::to(&format!("{}&saved=1", page_path(&phone))).into_response()),
        Err(errors) => {
            let mut resp = render(&state, &a.viewer, &phone, Notice::Refused(&errors), &typed).await?;
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
    }
}

/// `GET /app/console/bots/{phone_number_id}/{bot_id}/export`: the definition as a JSON file.
pub async fn export(
    State(state): State<WebState>,
    v: Viewer,
    Path((id, bot_id)): Path<(String, String)>,
) -> WebResult<Response> {
    let phone = number(&state, &v, &id).await?;
    let bot = state.bots.bot(&phone, &bot_id).await?;
    let text = serde_json::to_string_pretty(&BotService::export(&bot)).unwrap_or_default();
    let disposition = format!("attachment; filename=\"bot-{}-v{}.json\"", bot.id, bot.version);
    Ok(([(header::CONTENT_TYPE, "application/json".to_string()), (header::CONTENT_DISPOSITION, disposition)], text)
        .into_response())
}

/// `POST /app/console/bots/{phone_number_id}/{bot_id}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    Path((id, bot_id)): Path<(String, String)>,
    a: Action<Form>,
) -> WebResult<Response> {
    let phone = number(&state, &a.viewer, &id).await?;
    state.bots.delete(&phone, &bot_id).await?;
    Ok(Redirect::to(&format!("{}&deleted=1", page_path(&phone))).into_response())
}
