//! A WABA's settings over the admin API: `GET /admin/v1/wabas/{id}/settings` and
//! `POST …/settings` with `{"pricing_model":"PMP"|"CBP","verified":true|false}`. A new pricing
//! model applies to messages sent from then on; a new template limit (verified: 6,000, else
//! 250) is applied at once: templates beyond it become LIMIT_EXCEEDED, or return when there
//! is room again. `risala admin wabas settings` does the same on the database.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::Value;

use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::routes::admin::Admin;
use crate::state::AppState;

pub async fn get(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let w = state.tenancy.waba(&id, admin.scope()).await?;
    Ok(Json(state.messaging.waba_settings(&w.id).await?.to_json(&w.id)))
}

pub async fn set(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let w = state.tenancy.waba(&id, admin.scope()).await?;
    let (s, changed) = state.messaging.update_waba_settings(&state.templates, &w.id, &body).await?;
    let mut v = s.to_json(&w.id);
    v["templates_changed"] = changed.into();
    Ok(Json(v))
}
