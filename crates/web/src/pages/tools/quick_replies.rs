//! The console's quick replies (owners and admins): the business's saved answers by shortcut,
//! a form to add one (text; media through the API) and a delete button on each. Saved by the
//! service the API uses, so the rules (unique shortcut, variables, lengths) are the API's.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::WebResult;
use crate::i18n::refusals::say;
use crate::layout::{alert, csrf};
use crate::pages::console::{allowed, console_page};
use crate::routes;
use crate::session::{Action, NoFields, Viewer};
use crate::WebState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewQuickReply {
    shortcut: String,
    text: String,
}

async fn render(state: &WebState, v: &Viewer, form: &NewQuickReply, note: Markup) -> WebResult<Response> {
    let t = v.lang.tools();
    let all = state.quick_replies.list(&v.user.business_id).await?;
    let body = html! {
        section.card aria-labelledby="qr-h" {
            h1 id="qr-h" { (t.quick_replies) }
            (note)
            @if all.is_empty() { p.muted { (t.no_quick_replies) } }
            @else {
                div.table-wrap { table.quick-replies {
                    thead { tr { th { (t.shortcut) } th { (t.text) } th { (t.media) } th {} } }
                    tbody {
                        @for q in &all {
                            tr data-shortcut=(q.shortcut) {
                                td { code dir="auto" { "/" (q.shortcut) } }
                                td.pre { bdi { (q.text) } }
                                td { @if let Some(k) = &q.media_kind { span.badge { (k) } } }
                                td {
                                    form method="post" action=(format!("{}/{}/delete", routes::CONSOLE_QUICK_REPLIES, q.id)) data-confirm=(v.lang.t().confirm_delete) {
                                        (csrf(v))
                                        button.small type="submit" aria-label=(format!("{} /{}", t.delete, q.shortcut)) { (t.delete) }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
        section.card aria-labelledby="qr-new-h" {
            h2 id="qr-new-h" { (t.new_quick_reply) }
            form method="post" action=(routes::CONSOLE_QUICK_REPLIES) {
                (csrf(v))
                label for="qr-shortcut" { (t.shortcut) }
                input id="qr-shortcut" name="shortcut" value=(form.shortcut) required dir="auto" placeholder="/hello" aria-describedby="qr-shortcut-hint";
                p.hint id="qr-shortcut-hint" { (t.shortcut_hint) }
                label for="qr-text" { (t.text) }
                textarea id="qr-text" name="text" rows="3" required dir="auto" aria-describedby="qr-text-hint" { (form.text) }
                p.hint id="qr-text-hint" { (t.qr_variables_hint) }
                button type="submit" { (t.create) }
            }
        }
    };
    Ok(console_page(v, routes::CONSOLE_QUICK_REPLIES, t.quick_replies, body))
}

/// `GET /app/console/quick-replies[?done=created|deleted]`.
pub async fn list(
    State(state): State<WebState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> WebResult<Response> {
    allowed(&v)?;
    let t = v.lang.tools();
    let note = html! {
        @match q.get("done").map(String::as_str) {
            Some("created") => (alert(false, t.created)),
            Some("deleted") => (alert(false, t.deleted)),
            _ => {}
        }
    };
    render(&state, &v, &NewQuickReply::default(), note).await
}

/// `POST /app/console/quick-replies`: created, or the form again with the reason.
pub async fn create(State(state): State<WebState>, a: Action<NewQuickReply>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let t = a.viewer.lang.tools();
    let mut body = Map::new();
    body.insert("shortcut".into(), json!(a.form.shortcut));
    body.insert("text".into(), Value::String(a.form.text.clone()));
    match state.quick_replies.create(&a.viewer.user.business_id, &body).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?done=created", routes::CONSOLE_QUICK_REPLIES)).into_response()),
        Err(e) if e.code.row().http_status < 500 => {
            let mut resp = render(
                &state,
                &a.viewer,
                &a.form,
                alert(
                    true,
                    &say(a.viewer.lang, &e.details, &[("shortcut", t.shortcut), ("text", t.text), ("media", t.media)]),
                ),
            )
            .await?;
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /app/console/quick-replies/{id}/delete`: another business's id is not found.
pub async fn delete(State(state): State<WebState>, Path(id): Path<String>, a: Action<NoFields>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    match state.quick_replies.delete(&a.viewer.user.business_id, &id).await {
        Ok(()) => Ok(Redirect::to(&format!("{}?done=deleted", routes::CONSOLE_QUICK_REPLIES)).into_response()),
        Err(e) if e.code.row().http_status < 500 => Err(crate::error::WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}
