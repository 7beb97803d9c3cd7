//! The console's webhooks: the business's latest deliveries (field, state, attempts, the last
//! answer of its endpoint, the next retry), filtered by state, each sent again on demand, and
//! every failed one at once.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use risala_core::model::DeliveryState;

use super::{allowed, console_page};
use crate::error::WebResult;
use crate::layout::{alert, csrf};
use crate::routes;
use crate::session::{Action, NoFields, Viewer};
use crate::WebState;

/// `GET /app/console/webhooks[?state=pending|delivered|dead][&replayed=N]`.
pub async fn list(
    State(state): State<WebState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> WebResult<Response> {
    allowed(&v)?;
    let (lang, c) = (v.lang, v.lang.c());
    let filter = q.get("state").and_then(|s| DeliveryState::parse(s));
    let rows = state.console.deliveries(&v.user, filter).await?;
    let replayed = q.get("replayed").and_then(|n| n.parse::<i64>().ok());
    let states = [
        (None, c.all),
        (Some(DeliveryState::Pending), c.pending),
        (Some(DeliveryState::Delivered), c.delivered),
        (Some(DeliveryState::Dead), c.dead),
    ];
    let body = html! {
        section.card aria-labelledby="webhooks-h" {
            h1 id="webhooks-h" { (c.webhooks) }
            @if let Some(n) = replayed { (alert(false, &c.replayed.replace("{n}", &lang.number(n)))) }
            nav.filters aria-label=(c.status) {
                @for (s, name) in states {
                    @let href = match s { Some(s) => format!("{}?state={}", routes::CONSOLE_WEBHOOKS, s.as_str()), None => routes::CONSOLE_WEBHOOKS.to_string() };
                    a href=(href) aria-current=[(s == filter).then_some("page")] { (name) }
                }
            }
            form method="post" action=(format!("{}/replay-dead", routes::CONSOLE_WEBHOOKS)) {
                (csrf(&v))
                button.small type="submit" { (c.replay_dead) }
            }
            @if rows.is_empty() { p.muted { (c.no_deliveries) } }
            @else {
                div.table-wrap { table.deliveries {
                    thead { tr { th { "#" } th { (c.field) } th { (c.status) } th { (c.attempts) } th { (c.last_answer) } th { (c.next_attempt) } th {} } }
                    tbody {
                        @for d in &rows {
                            tr data-delivery=(d.id) {
                                td { (lang.digits(&d.id.to_string())) }
                                td { code { (d.field) } }
                                td { span class=(match d.state { DeliveryState::Delivered => "badge GREEN", DeliveryState::Dead => "badge RED", _ => "badge YELLOW" }) {
                                    (match d.state { DeliveryState::Delivered => c.delivered, DeliveryState::Dead => c.dead, _ => c.pending })
                                } }
                                td { (lang.number(d.attempts)) }
                                td {
                                    @if let Some(s) = d.last_status { "HTTP " (lang.digits(&s.to_string())) " " }
                                    @if let Some(e) = &d.last_error { span.muted { bdi { (e) } } }
                                }
                                td { @if d.state == DeliveryState::Pending { (lang.datetime(d.next_attempt_at)) } }
                                td {
                                    @if d.state != DeliveryState::Pending {
                                        form method="post" action=(format!("{}/{}/replay", routes::CONSOLE_WEBHOOKS, d.id)) {
                                            (csrf(&v))
                                            button.small type="submit" { (c.replay) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
    };
    Ok(console_page(&v, routes::CONSOLE_WEBHOOKS, c.webhooks, body))
}

fn replayed(fetch: bool, n: u64) -> Response {
    if fetch {
        return StatusCode::NO_CONTENT.into_response();
    }
    Redirect::to(&format!("{}?replayed={n}", routes::CONSOLE_WEBHOOKS)).into_response()
}

/// `POST /app/console/webhooks/{id}/replay`: another business's delivery is not found.
pub async fn replay(State(state): State<WebState>, Path(id): Path<String>, a: Action<NoFields>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let n = state.console.replay(&a.viewer.user, &id).await?;
    Ok(replayed(a.fetch, n))
}

/// `POST /app/console/webhooks/replay-dead`.
pub async fn replay_dead(State(state): State<WebState>, a: Action<NoFields>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let n = state.console.replay_dead(&a.viewer.user).await?;
    Ok(replayed(a.fetch, n))
}
