//! `/app/labels`: the business's labels, with their colours; owners and admins create and
//! delete them (agents put them on conversations and take them off).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use risala_core::inbox::team::{LABEL_COLOURS, MAX_LABEL};
use serde::Deserialize;

use super::{label_chip, label_name};
use crate::error::{WebError, WebResult};
use crate::layout::{csrf, page};
use crate::live::LiveEvent;
use crate::routes;
use crate::session::{Action, NoFields, Viewer};
use crate::WebState;

/// `GET /app/labels`.
pub async fn list(State(state): State<WebState>, v: Viewer) -> WebResult<Response> {
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
                            form method="post" action=(format!("{}/{}/delete", routes::LABELS, l.id)) data-confirm=(v.lang.t().confirm_delete) {
                                (csrf(&v))
                                button.small.danger type="submit" aria-label=(format!("{} {}", ti.delete, label_name(lang, &l.name))) { (ti.delete) }
                            }
                        }
                    }
                }
            }
            @if manage {
                h2 { (ti.new_label) }
                form method="post" action=(routes::LABELS) {
                    (csrf(&v))
                    label for="label-name" { (lang.t().name) }
                    input id="label-name" name="name" type="text" maxlength=(MAX_LABEL) required;
                    fieldset.colours {
                        legend { (ti.colour) }
                        @for (i, c) in LABEL_COLOURS.iter().enumerate() {
                            label.colour-choice {
                                input type="radio" name="colour" value=(c) checked[i == 0];
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
    Ok(page(lang, Some(&v), ti.manage_labels, body))
}

#[derive(Deserialize)]
pub struct NewLabel {
    name: String,
    colour: String,
}

/// `POST /app/labels` (owners and admins).
pub async fn create(State(state): State<WebState>, a: Action<NewLabel>) -> WebResult<Response> {
    state.inbox.create_label(&a.viewer.user, &a.form.name, &a.form.colour).await?;
    state.feed.publish(&a.viewer.user.business_id, LiveEvent::Labels);
    Ok(Redirect::to(routes::LABELS).into_response())
}

/// `POST /app/labels/{id}/delete` (owners and admins).
pub async fn delete(State(state): State<WebState>, Path(id): Path<String>, a: Action<NoFields>) -> WebResult<Response> {
    state.inbox.delete_label(&a.viewer.user, &id).await.map_err(WebError::from)?;
    state.feed.publish(&a.viewer.user.business_id, LiveEvent::Labels);
    Ok(Redirect::to(routes::LABELS).into_response())
}
