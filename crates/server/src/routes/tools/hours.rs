//! `GET/POST /tools/v1/{phone-number-id}/business_hours`: a number's business hours, away
//! message and greeting message (see the book's "Business hours" chapter).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use super::number;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/tools/v1/{id}/business_hours", get(show).post(update))
}

/// `GET /tools/v1/{phone-number-id}/business_hours`.
async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(state.hours.settings_json(&phone).await?))
}

/// `POST /tools/v1/{phone-number-id}/business_hours {hours?, away_message?, greeting_message?}`.
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    state.hours.update(&phone, &body).await?;
    Ok(Json(state.hours.settings_json(&phone).await?))
}
