//! FAQ answers of a number: `/tools/v1/{phone-number-id}/faq` (list, create),
//! `…/faq/{entry-id}` (read, change, delete), `…/faq/settings` and `…/faq/try` (how the
//! entries score a question).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use risala_core::store::{FaqEntry, FaqSettings};
use risala_core::tools::faq::{FaqInput, SettingsInput};
use risala_core::ApiError;
use serde_json::{json, Value};

use super::number;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tools/v1/{phone_number_id}/faq", get(list).post(create))
        .route("/tools/v1/{phone_number_id}/faq/settings", get(settings).post(save_settings))
        .route("/tools/v1/{phone_number_id}/faq/try", post(try_question))
        .route("/tools/v1/{phone_number_id}/faq/{entry_id}", get(show).post(update).delete(delete))
}

pub fn entry_json(e: &FaqEntry) -> Value {
    json!({
        "id": e.id,
        "question": e.question,
        "answer": e.answer,
        "keywords": e.keywords,
        "phrasings": e.phrasings,
        "enabled": e.enabled,
        "created_at": e.created_at / 1000,
        "updated_at": e.updated_at / 1000,
    })
}

fn settings_json(s: &FaqSettings) -> Value {
    json!({
        "enabled": s.enabled,
        "threshold": s.threshold,
        "handoff_button": s.handoff_button,
        "handoff_reply": s.handoff_reply,
    })
}

async fn list(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let entries = state.faq.entries(&phone).await?;
    Ok(Json(json!({"data": entries.iter().map(entry_json).collect::<Vec<_>>()})))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let entry = state.faq.create(&phone, FaqInput::from_json(&body)?).await?;
    Ok(Json(entry_json(&entry)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, entry_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(entry_json(&state.faq.entry(&phone, &entry_id).await?)))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, entry_id)): Path<(String, String)>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let entry = state.faq.update(&phone, &entry_id, FaqInput::from_json(&body)?).await?;
    Ok(Json(entry_json(&entry)))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, entry_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    state.faq.delete(&phone, &entry_id).await?;
    Ok(Json(json!({"success": true})))
}

async fn settings(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(settings_json(&state.faq.settings(&phone).await?)))
}

async fn save_settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let current = state.faq.settings(&phone).await?;
    let saved = state.faq.save_settings(&phone, SettingsInput::from_json(&body, &current)?).await?;
    Ok(Json(settings_json(&saved)))
}

async fn try_question(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let question = match body.get("question") {
        Some(Value::String(q)) if !q.trim().is_empty() => q.clone(),
        Some(Value::String(_)) => return Err(ApiError::bad_value("question: must not be empty").into()),
        Some(_) => return Err(ApiError::invalid("question: must be a string").into()),
        None => return Err(ApiError::missing("question").into()),
    };
    let trials = state.faq.try_question(&phone, &question, 5).await?;
    Ok(Json(json!({"data": trials})))
}
