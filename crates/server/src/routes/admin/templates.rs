//! Templates over the admin API:
//! - manual review: `POST /admin/v1/templates/{id}/review` with `{"decision":"approve"}` or
//!   `{"decision":"reject","reason":"INVALID_FORMAT"}`;
//! - the lifecycle: `…/appeal` (a REJECTED template goes IN_APPEAL and is reviewed again),
//!   `…/archive` and `…/unarchive`.
//!
//! Meta offers these in WhatsApp Manager, not on the Graph API, so here they are the
//! operator's (admin token), or in sandbox mode without one a business's own (its Graph token).
//! `risala admin templates review|appeal|archive|unarchive` do the same on the database.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::model::Template;
use risala_core::ApiError;
use serde_json::{json, Value};

use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::routes::admin::Admin;
use crate::state::AppState;

/// What the lifecycle endpoints and manual review answer.
pub fn summary(t: &Template) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "language": t.language,
        "status": t.status,
        "category": t.category,
        "rejected_reason": t.rejected_reason,
    })
}

pub async fn appeal(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    state.templates.visible(&id, admin.scope()).await?;
    Ok(Json(summary(&state.templates.appeal(&id).await?)))
}

pub async fn archive(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    state.templates.visible(&id, admin.scope()).await?;
    Ok(Json(summary(&state.templates.archive(&id).await?)))
}

pub async fn unarchive(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    state.templates.visible(&id, admin.scope()).await?;
    Ok(Json(summary(&state.templates.unarchive(&id).await?)))
}

pub async fn review(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    state.templates.visible(&id, admin.scope()).await?;
    let approve = match body.get("decision").and_then(Value::as_str) {
        Some("approve") => true,
        Some("reject") => false,
        Some(other) => return Err(ApiError::bad_value(format!("decision: '{other}' is not approve or reject")).into()),
        None => return Err(ApiError::missing("decision").into()),
    };
    let reason = body.get("reason").and_then(Value::as_str);
    Ok(Json(summary(&state.templates.decide(&id, approve, reason).await?)))
}
