//! Chatbots of a number: `/tools/v1/{phone-number-id}/bots` (list, create),
//! `…/bots/{bot-id}` (read, upload a new version, delete), `…/bots/{bot-id}/export` (the JSON
//! to import elsewhere) and `…/bots/validate` (the errors of a definition, nothing stored).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use risala_core::tools::bots::{bot_json, BotService};
use serde_json::{json, Value};

use super::number;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tools/v1/{phone_number_id}/bots", get(list).post(create))
        .route("/tools/v1/{phone_number_id}/bots/validate", post(validate))
        .route("/tools/v1/{phone_number_id}/bots/{bot_id}", get(show).post(new_version).delete(delete))
        .route("/tools/v1/{phone_number_id}/bots/{bot_id}/export", get(export))
}

async fn list(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let bots = state.bots.bots(&phone).await?;
    Ok(Json(json!({"data": bots.iter().map(bot_json).collect::<Vec<_>>()})))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(bot_json(&state.bots.create(&phone, Value::Object(body)).await?)))
}

async fn validate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    number(&state, &caller, &id).await?;
    let errors = state.bots.validate(&Value::Object(body));
    Ok(Json(json!({"valid": errors.is_empty(), "errors": errors})))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, bot_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(bot_json(&state.bots.bot(&phone, &bot_id).await?)))
}

async fn new_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, bot_id)): Path<(String, String)>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(bot_json(&state.bots.new_version(&phone, &bot_id, Value::Object(body)).await?)))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, bot_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    state.bots.delete(&phone, &bot_id).await?;
    Ok(Json(json!({"success": true})))
}

async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, bot_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(BotService::export(&state.bots.bot(&phone, &bot_id).await?)))
}
