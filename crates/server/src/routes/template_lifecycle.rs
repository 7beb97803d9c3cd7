//! Template lifecycle over the admin API: `POST /admin/v1/templates/{id}/appeal` (a REJECTED
//! template goes IN_APPEAL and is reviewed again), `…/archive` and `…/unarchive`. Meta offers
//! these in WhatsApp Manager, not on the Graph API, so here they are the operator's (admin
//! token), or in sandbox mode without one a business's own (its Graph token).
//! `risala admin templates appeal|archive|unarchive` do the same on the database.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::templates::Template;
use risala_core::ApiError;
use serde_json::{json, Value};

use crate::error::GraphResult;
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

/// The template, if this caller may act on it.
pub async fn visible(state: &AppState, admin: &Admin, id: &str) -> GraphResult<Template> {
    let t = state.store.template(id).await?.filter(|t| admin.sees(&t.business_id) && t.status != "DELETED");
    t.ok_or_else(|| ApiError::object_not_found(id).into())
}

pub async fn appeal(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    visible(&state, &admin, &id).await?;
    Ok(Json(summary(&state.templates.appeal(&id).await?)))
}

pub async fn archive(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    visible(&state, &admin, &id).await?;
    Ok(Json(summary(&state.templates.archive(&id).await?)))
}

pub async fn unarchive(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    visible(&state, &admin, &id).await?;
    Ok(Json(summary(&state.templates.unarchive(&id).await?)))
}
