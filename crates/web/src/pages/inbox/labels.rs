//! `/app/labels`: the business's labels, with their colours; owners and admins create and
//! delete them (agents put them on conversations and take them off).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use risala_core::inbox::team::{LABEL_COLOURS, MAX_LABEL};
use risala_core::inbox::InboxError;
use serde::Deserialize;

use super::{label_chip, label_name};
use crate::error::{WebError, WebResult};
use crate::i18n::{invalid, isolate};
use crate::layout::{alert, csrf, page};
use crate::live::LiveEvent;
use crate::routes;
use crate::session::{Action, NoFields, Viewer};
use crate::WebState;

/// `GET /app/labels`.
pub async fn list(State(state): State<WebState>, v: Viewer) -> WebResult<Response> {
    render(&state, &v, &NewLabel::default(), None).await
}

/// The page, with the new label's form holding `form` and, when it was refused, why.
async fn render(state: &WebState, v: &Viewer, form: &NewLabel, error: Option<String>) -> WebResult<Response> {
    let (lang, ti) = (v.lang, v.lang.inbox());
    let labels = state.inbox.labels(&v.user.business_id).await?;
    let manage = v.user.role.manages_people();
    let body = html! {
        section.card.labels-page aria-labelledby="labels-h" {
            h1 id="labels-h" { (ti.manage_labels) }
            p.muted { (ti.labels_intro) }
            @if labels.is_empty() { p.muted { (ti.no_labels) } }
            ul.label-list {
                @for l in &labels {
                    li {
                        (label_chip(lang, l))
                        @if manage {
                            form method="post" action=(format!("{}/{}/delete", routes::LABELS, l.id))
                                data-confirm=(ti.confirm_delete_label.replace("{name}", &isolate(label_name(lang, &l.name)))) {
                                (csrf(v))
                                button.small.danger type="submit" aria-label=(format!("{} {}", ti.delete, label_name(lang, &l.name))) { (ti.delete) }
                            }
                        }
                    }
                }
            }
            @if manage {
                h2 id="new-label-h" { (ti.new_label) }
                @if let Some(why) = &error { (alert(true, why)) }
                form method="post" action=(routes::LABELS) aria-labelledby="new-label-h" {
                    (csrf(v))
                    label for="label-name" { (lang.t().name) }
                    input id="label-name" name="name" type="text" maxlength=(MAX_LABEL) required dir="auto" value=(form.name)
                        aria-invalid=[error.as_ref().map(|_| "true")];
                    fieldset.colours {
                        legend { (ti.colour) }
                        @for (i, c) in LABEL_COLOURS.iter().enumerate() {
                            label.colour-choice {
                                input type="radio" name="colour" value=(c) checked[*c == form.colour || (i == 0 && !LABEL_COLOURS.contains(&form.colour.as_str()))];
                                span class=(format!("swatch lc-{i}")) aria-hidden="true" {}
                                (ti.colours[i])
                            }
                        }
                    }
                    button type="submit" { (ti.create) }
                }
            }
        }
    };
    let mut resp = page(lang, Some(v), ti.manage_labels, body);
    if error.is_some() {
        *resp.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewLabel {
    name: String,
    colour: String,
}

/// `POST /app/labels` (owners and admins): created, or the page again with what was typed and
/// why it cannot be used (400).
pub async fn create(State(state): State<WebState>, a: Action<NewLabel>) -> WebResult<Response> {
    match state.inbox.create_label(&a.viewer.user, &a.form.name, &a.form.colour).await {
        Err(InboxError::Invalid(e)) => {
            return render(&state, &a.viewer, &a.form, Some(invalid(a.viewer.lang, &e))).await
        }
        r => r?,
    };
    state.feed.publish(&a.viewer.user.business_id, LiveEvent::Labels);
    Ok(Redirect::to(routes::LABELS).into_response())
}

/// `POST /app/labels/{id}/delete` (owners and admins).
pub async fn delete(State(state): State<WebState>, Path(id): Path<String>, a: Action<NoFields>) -> WebResult<Response> {
    state.inbox.delete_label(&a.viewer.user, &id).await.map_err(WebError::from)?;
    state.feed.publish(&a.viewer.user.business_id, LiveEvent::Labels);
    Ok(Redirect::to(routes::LABELS).into_response())
}
