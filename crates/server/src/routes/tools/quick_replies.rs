//! `/tools/v1/{phone-number-id}/quick_replies[/{id}[/render]]`: the business's quick replies
//! (see the book's "Quick replies" chapter). Quick replies belong to the business; the number
//! in the path names which business (and, for rendering, the conversation).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use risala_core::tools::quick_replies::to_json;
use risala_core::ApiError;
use serde_json::{json, Value};

use super::number;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tools/v1/{id}/quick_replies", get(list).post(create))
        .route("/tools/v1/{id}/quick_replies/{reply}", get(show).post(update).delete(remove))
        .route("/tools/v1/{id}/quick_replies/{reply}/render", post(render))
}

/// `GET …/quick_replies` → `{data: [...]}`, by shortcut.
async fn list(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let all = state.quick_replies.list(&phone.business_id).await?;
    Ok(Json(json!({"data": all.iter().map(to_json).collect::<Vec<_>>()})))
}

/// `POST …/quick_replies {shortcut, text, media?}`.
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let q = state.quick_replies.create(&phone.business_id, &body).await?;
    Ok(Json(to_json(&q)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, reply)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(to_json(&state.quick_replies.get(&phone.business_id, &reply).await?)))
}

/// `POST …/quick_replies/{id}`: the fields given change.
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, reply)): Path<(String, String)>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(to_json(&state.quick_replies.update(&phone.business_id, &reply, &body).await?)))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, reply)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    state.quick_replies.delete(&phone.business_id, &reply).await?;
    Ok(Json(json!({"success": true})))
}

/// `POST …/quick_replies/{id}/render {to, agent_name?}` → `{id, shortcut, text, media}`: the
/// text with its variables filled in for customer `to` of this number.
async fn render(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, reply)): Path<(String, String)>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let q = state.quick_replies.get(&phone.business_id, &reply).await?;
    let to = match body.get("to") {
        Some(Value::String(s)) => risala_core::phone::WaId::parse(s, None)
            .map_err(|e| ApiError::bad_value(format!("to: {e}")))?
            .as_str()
            .to_string(),
        Some(_) => return Err(ApiError::bad_value("to must be a string").into()),
        None => return Err(ApiError::missing("to").into()),
    };
    let agent = match body.get("agent_name") {
        None | Some(Value::Null) => phone.verified_name.clone(),
        Some(Value::String(s)) if s.chars().count() <= 100 => s.clone(),
        Some(_) => return Err(ApiError::bad_value("agent_name: a text of at most 100 characters").into()),
    };
    Ok(Json(state.quick_replies.render_for(&phone, &q, &to, &agent).await?))
}
