//! A WABA's settings over the admin API: `GET /admin/v1/wabas/{id}/settings` and
//! `POST …/settings` with `{"pricing_model":"PMP"|"CBP","verified":true|false}`. A new pricing
//! model applies to messages sent from then on; a new template limit (verified: 6,000, else
//! 250) is applied at once: templates beyond it become LIMIT_EXCEEDED, or return when there
//! is room again. `risala admin wabas settings` does the same on the database.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::clock::Clock;
use risala_core::model::Waba;
use risala_core::ApiError;
use serde_json::Value;

use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::routes::admin::Admin;
use crate::state::AppState;

async fn waba(state: &AppState, admin: &Admin, id: &str) -> GraphResult<Waba> {
    let w = state.store.waba(id).await?.filter(|w| admin.sees(&w.business_id));
    w.ok_or_else(|| ApiError::object_not_found(id).into())
}

pub async fn get(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let w = waba(&state, &admin, &id).await?;
    Ok(Json(state.store.waba_settings(&w.id).await?.to_json(&w.id)))
}

pub async fn set(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let w = waba(&state, &admin, &id).await?;
    let s = state.store.waba_settings(&w.id).await?.apply(&body)?;
    state.messaging.cbp().set_settings(&w.id, &s, state.clock.now_ms()).await?;
    let changed = state.templates.enforce_limit(&w.id, s.template_limit()).await?;
    let mut v = s.to_json(&w.id);
    v["templates_changed"] = changed.into();
    Ok(Json(v))
}
