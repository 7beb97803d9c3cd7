//! `/app/console/bots/{phone_number_id}/new` and `…/{bot_id}/edit`: the visual editor of a bot.
//! The server draws the bot as cards, one per step (its kind, its main text, its outgoing
//! connections by name, the start marked, the errors that name it), which reads without
//! JavaScript; `bot-editor.js` turns them into form controls rendered from the validator's
//! table of step kinds ([`STEP_KINDS`]), so a kind added there is editable here. Saving posts
//! the whole definition as JSON (the form's `definition` field, also the "JSON" view, editable
//! without JavaScript) to the same service as the API: a new bot, or a new version. Refused,
//! the page comes back with what was typed and the errors on the cards they name.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::model::PhoneNumber;
use risala_core::store::BotRow;
use risala_core::tools::bots::definition::{COLLECT_KINDS, STEP_KINDS};
use risala_core::tools::bots::BotService;
use risala_core::ErrorCode;
use serde_json::{json, Map, Value};

use super::bots::number;
use crate::assets;
use crate::error::WebResult;
use crate::i18n::bots::EditorStrings;
use crate::i18n::refusals_bots::{say_bot, split, BotError};
use crate::i18n::Lang;
use crate::layout::{alert, csrf};
use crate::pages::console::console_page;
use crate::routes::CONSOLE_BOTS;
use crate::session::{Action, Viewer};
use crate::WebState;

type Form = BTreeMap<String, String>;

/// A field that names another step (a card's outgoing connection): `next`, `default`, and the
/// `on_…` fields (`on_fail`; a kind added to the table with, say, `on_error` is drawn too).
fn is_link(field: &str) -> bool {
    field == "next" || field == "default" || field.starts_with("on_")
}

/// What the editor is editing: a new bot, or bot `id` of the number.
struct Target<'a> {
    phone: &'a PhoneNumber,
    bot_id: Option<&'a str>,
}

impl Target<'_> {
    fn action(&self) -> String {
        match self.bot_id {
            Some(id) => format!("{CONSOLE_BOTS}/{}/{id}/edit", self.phone.id),
            None => format!("{CONSOLE_BOTS}/{}/new", self.phone.id),
        }
    }
}

fn word(list: &'static [(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    list.iter().find(|(k, _)| *k == key).map(|(_, w)| *w)
}

/// A step's main text: its question, its message's text, its label or field.
fn main_text(step: &Map<String, Value>) -> String {
    let message = step.get("message");
    let text = step.get("text").and_then(Value::as_str).map(str::to_string);
    text.or_else(|| message.and_then(Value::as_str).map(str::to_string))
        .or_else(|| message.and_then(|m| m["text"]["body"].as_str()).map(str::to_string))
        .or_else(|| message.and_then(|m| m["type"].as_str()).map(|t| format!("[{t}]")))
        .or_else(|| step.get("label").and_then(Value::as_str).map(str::to_string))
        .or_else(|| step.get("field").and_then(Value::as_str).map(|f| format!("{f} = {}", step["value"])))
        .unwrap_or_default()
}

/// A step's outgoing connections: (what leads there, the step id).
fn links(step: &Map<String, Value>, e: &EditorStrings) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in step {
        if let (true, Some(to)) = (is_link(key), value.as_str()) {
            out.push((word(e.fields, key).unwrap_or(key).to_string(), to.to_string()));
        }
        for (i, row) in value.as_array().into_iter().flatten().enumerate() {
            let Some(to) = row["next"].as_str() else { continue };
            let name = ["title", "label", "id"].iter().find_map(|k| row[*k].as_str()).map(str::to_string);
            let name = name.or_else(|| row["variable"].as_str().map(|v| format!("{v} = {}", row["equals"])));
            out.push((name.unwrap_or_else(|| format!("{key}[{i}]")), to.to_string()));
        }
    }
    out
}

/// The step ids in the order of the graph: the start, then breadth first along the
/// connections, then any step nothing leads to.
fn ordered<'a>(steps: &'a Map<String, Value>, start: &'a str, e: &EditorStrings) -> Vec<&'a String> {
    let mut seen: Vec<&String> = Vec::new();
    let mut queue = std::collections::VecDeque::from([start.to_string()]);
    while let Some(id) = queue.pop_front() {
        let Some((key, step)) = steps.get_key_value(&id) else { continue };
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        queue.extend(step.as_object().map(|s| links(s, e)).unwrap_or_default().into_iter().map(|(_, to)| to));
    }
    let rest: Vec<&String> = steps.keys().filter(|k| !seen.contains(k)).collect();
    seen.extend(rest);
    seen
}

/// The cards, drawn on the server: how the bot reads without JavaScript.
fn cards(def: &Value, errors: &[BotError], e: &EditorStrings) -> Markup {
    let empty = Map::new();
    let steps = def["steps"].as_object().unwrap_or(&empty);
    let start = def["start"].as_str().unwrap_or_default();
    let arrow = word(e.words, "arrow").unwrap_or("→");
    html! {
        @if steps.is_empty() { p.muted { (e.no_steps) } }
        @for id in ordered(steps, start, e) {
            @let step = &steps[id.as_str()];
            @let step = step.as_object().unwrap_or(&empty);
            @let kind = step.get("type").and_then(Value::as_str).unwrap_or_default();
            @let mine: Vec<&BotError> = errors.iter().filter(|x| x.step.as_deref() == Some(id.as_str())).collect();
            article.step-card.start[id == start].has-error[!mine.is_empty()] data-step=(id) {
                header {
                    h3 { bdi dir="ltr" { (id) } }
                    span.badge { (word(e.kinds, kind).unwrap_or(kind)) }
                    @if id == start { span.badge.GREEN { (e.start) } }
                }
                p.main { bdi { (main_text(step)) } }
                ul.links {
                    @for (name, to) in links(step, e) {
                        li class=[(!steps.contains_key(&to)).then_some("broken")] { bdi { (name) } " " (arrow) " " bdi dir="ltr" { (to) } }
                    }
                }
                @if !mine.is_empty() {
                    ul.errors { @for x in mine { li { (x.text) } } }
                }
            }
        }
    }
}

/// What the script renders from: the kinds and their fields, and the choices it offers.
fn schema() -> Value {
    let kinds: Vec<Value> = STEP_KINDS.iter().map(|(k, f)| json!({"type": k, "fields": f})).collect();
    let mut links: Vec<&str> = STEP_KINDS.iter().flat_map(|(_, f)| f.iter().copied()).filter(|f| is_link(f)).collect();
    links.sort_unstable();
    links.dedup();
    json!({"kinds": kinds, "links": links, "choices": {
        "style": ["buttons", "list"], "kind": COLLECT_KINDS, "assign": ["label_only", "round_robin"]}})
}

fn strings(e: &EditorStrings) -> Value {
    let map = |list: &[(&str, &str)]| list.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<Map<_, _>>();
    json!({"words": map(e.words), "fields": map(e.fields), "kinds": map(e.kinds), "values": map(e.values)})
}

fn render(
    v: &Viewer,
    target: &Target<'_>,
    text: &str,
    errors: &[BotError],
    notice: Option<&str>,
) -> WebResult<Response> {
    let (lang, b, e) = (v.lang, v.lang.bots(), v.lang.bot_editor());
    let title = if target.bot_id.is_some() { e.edit_title } else { e.new_title };
    let def: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let top: Vec<&BotError> = errors.iter().filter(|x| x.step.is_none()).collect();
    let list = format!("{CONSOLE_BOTS}?number={}", target.phone.id);
    let body = html! {
        section.card aria-labelledby="editor-h" {
            h1 id="editor-h" { (title) " " span.muted { bdi dir="ltr" { "+" (lang.digits(&target.phone.number)) } } }
            p { a href=(list) { (e.back) } }
            @if let Some(n) = notice { (alert(false, n)) }
            @if !errors.is_empty() {
                div.alert.error role="alert" id="bot-errors" {
                    p { (e.errors) }
                    ul { @for x in errors { li { (x.text) } } }
                }
            }
        }
        form.bot-editor method="post" action=(target.action()) id="bot-form"
            data-schema=(schema()) data-strings=(strings(e)) data-errors=(json!(errors)) {
            (csrf(v))
            section.card aria-labelledby="settings-h" {
                h2 id="settings-h" { (e.settings) }
                div id="bot-settings" {
                    dl.bot-settings {
                        dt { (b.name) } dd { bdi { (def["name"].as_str().unwrap_or_default()) } }
                        dt { (b.trigger) }
                        dd {
                            @if def["trigger"]["on"] == "keywords" {
                                (b.keywords) ": " bdi { (def["trigger"]["keywords"].as_array().into_iter().flatten()
                                    .filter_map(Value::as_str).collect::<Vec<_>>().join("، ")) }
                            } @else { (b.new_conversation) }
                        }
                    }
                    @for x in &top { p.field-error { (x.text) } }
                }
            }
            section.card aria-labelledby="steps-h" {
                h2 id="steps-h" { (e.steps) }
                p.hint.no-js { (e.needs_js) }
                div.bot-graph id="bot-graph" { (cards(&def, errors, e)) }
                div id="bot-add" {}
            }
            section.card {
                details id="bot-json" open[def.is_null()] {
                    summary { (e.json) }
                    label for="definition" { (b.definition) }
                    textarea id="definition" name="definition" rows="16" dir="ltr" aria-describedby="json-hint" required { (text) }
                    p.hint id="json-hint" { (e.json_hint) }
                    div id="bot-json-actions" {}
                }
                div.form-actions {
                    button type="submit" id="bot-save" { (e.save) }
                    @if let Some(id) = target.bot_id {
                        a.button.secondary href=(format!("{CONSOLE_BOTS}/{}/{id}/export", target.phone.id)) download { (b.export) }
                    }
                }
            }
        }
        script src=(assets::url("bot-editor.js")) defer {}
    };
    Ok(console_page(v, CONSOLE_BOTS, title, body))
}

/// Save the typed definition as a new bot or (with `bot_id`) a new version of one: the row,
/// or why not (not JSON, the validator's errors, the number's refusal) said in `lang`. The bots
/// page's import and the editor both save through it.
pub(super) async fn save_typed(
    state: &WebState,
    lang: Lang,
    phone: &PhoneNumber,
    bot_id: Option<&str>,
    typed: &str,
) -> WebResult<Result<BotRow, Vec<BotError>>> {
    let def = match serde_json::from_str::<Value>(typed) {
        Ok(def) => def,
        Err(err) => {
            let text = lang
                .bot_editor()
                .not_json
                .replace("{line}", &lang.number(err.line() as i64))
                .replace("{column}", &lang.number(err.column() as i64));
            return Ok(Err(vec![BotError { step: None, text }]));
        }
    };
    let errors = state.bots.validate(&def);
    if !errors.is_empty() {
        return Ok(Err(errors.iter().map(|x| say_bot(lang, x)).collect()));
    }
    let saved = match bot_id {
        Some(id) => state.bots.new_version(phone, id, def).await,
        None => state.bots.create(phone, def).await,
    };
    match saved {
        Ok(row) => Ok(Ok(row)),
        // Refused for the number (too many bots, a flow not published, a version raced).
        Err(err) if err.code.row().http_status == 400 && err.code != ErrorCode::ObjectNotFound => {
            Ok(Err(split(&err.details).iter().map(|x| say_bot(lang, x)).collect()))
        }
        Err(err) => Err(err.into()),
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// `GET /app/console/bots/{phone_number_id}/new`: an empty bot.
pub async fn new_form(State(state): State<WebState>, v: Viewer, Path(id): Path<String>) -> WebResult<Response> {
    let phone = number(&state, &v, &id).await?;
    let blank = json!({"name": "", "trigger": {"on": "new_conversation"}, "start": "", "steps": {}});
    render(&v, &Target { phone: &phone, bot_id: None }, &pretty(&blank), &[], None)
}

/// `GET /app/console/bots/{phone_number_id}/{bot_id}/edit[?saved=1]`: the latest version.
pub async fn edit_form(
    State(state): State<WebState>,
    v: Viewer,
    Path((id, bot_id)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<Form>,
) -> WebResult<Response> {
    let phone = number(&state, &v, &id).await?;
    let bot = state.bots.bot(&phone, &bot_id).await?;
    let notice = q.contains_key("saved").then_some(v.lang.bots().saved);
    render(&v, &Target { phone: &phone, bot_id: Some(&bot.id) }, &pretty(&BotService::export(&bot)), &[], notice)
}

/// Save the posted definition as a new bot or a new version; refused, the page again with what
/// was typed and the errors, said in the page's language.
async fn save_as(state: &WebState, a: Action<Form>, phone: &PhoneNumber, bot_id: Option<&str>) -> WebResult<Response> {
    let typed = a.form.get("definition").cloned().unwrap_or_default();
    match save_typed(state, a.viewer.lang, phone, bot_id, &typed).await? {
        Ok(row) => {
            let to = format!("{CONSOLE_BOTS}/{}/{}/edit?saved=1", phone.id, row.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(errors) => {
            let mut resp = render(&a.viewer, &Target { phone, bot_id }, &typed, &errors, None)?;
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
    }
}

/// `POST /app/console/bots/{phone_number_id}/new`: create the bot.
pub async fn create(State(state): State<WebState>, Path(id): Path<String>, a: Action<Form>) -> WebResult<Response> {
    let phone = number(&state, &a.viewer, &id).await?;
    save_as(&state, a, &phone, None).await
}

/// `POST /app/console/bots/{phone_number_id}/{bot_id}/edit`: a new version of the bot.
pub async fn save(
    State(state): State<WebState>,
    Path((id, bot_id)): Path<(String, String)>,
    a: Action<Form>,
) -> WebResult<Response> {
    let phone = number(&state, &a.viewer, &id).await?;
    let bot = state.bots.bot(&phone, &bot_id).await?;
    save_as(&state, a, &phone, Some(&bot.id)).await
}
