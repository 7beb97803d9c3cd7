//! Manual template review over HTTP: `POST /admin/v1/templates/{id}/review` with
//! `{"decision":"approve"}` or `{"decision":"reject","reason":"INVALID_FORMAT"}`. The operator
//! (admin token) reviews any template; in sandbox mode without an admin token a business's
//! Graph token reviews its own. `risala admin templates review` does the same on the database.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::ApiError;
use serde_json::Value;

use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::routes::admin::Admin;
use crate::state::AppState;

pub async fn review(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    crate::routes::template_lifecycle::visible(&state, &admin, &id).await?;
    let approve = match body.get("decision").and_then(Value::as_str) {
        Some("approve") => true,
        Some("reject") => false,
        Some(other) => return Err(ApiError::bad_value(format!("decision: '{other}' is not approve or reject")).into()),
        None => return Err(ApiError::missing("decision").into()),
    };
    let reason = body.get("reason").and_then(Value::as_str);
    let t = state.templates.decide(&id, approve, reason).await?;
    Ok(Json(crate::routes::template_lifecycle::summary(&t)))
}
