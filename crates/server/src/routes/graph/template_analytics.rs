//! Template analytics on the Graph API: `GET /{waba-id}/template_analytics` and the WABA's
//! `is_enabled_for_insights` (`POST /{waba-id}?is_enabled_for_insights=true`). Management
//! permission.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::templates::analytics::parse_query;
use serde_json::{json, Map, Value};

use super::waba_for;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphQuery};
use crate::state::AppState;

/// `GET /{waba-id}/template_analytics?start=&end=&granularity=DAILY&template_ids=[…]&metric_types=[…]`.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    let query = parse_query(&q.0)?;
    Ok(Json(state.templates.analytics(&waba, &query).await?))
}

/// `POST /{waba-id}`: the one WABA field this server updates is `is_enabled_for_insights`
/// (with nothing else but the token); `{"id": waba-id}`, as Meta answers.
pub async fn enable(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: &Map<String, Value>,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(state, caller, id).await?;
    if let Some(k) = body.keys().find(|k| *k != "is_enabled_for_insights") {
        return Err(risala_core::ApiError::invalid(format!(
            "Param {k} cannot be set together with is_enabled_for_insights"
        ))
        .into());
    }
    let value = body.get("is_enabled_for_insights").ok_or_else(|| {
        risala_core::ApiError::invalid(
            "The parameter is_enabled_for_insights is required: it is the WhatsApp Business Account field this server updates (other settings change through the admin API).",
        )
    })?;
    state.templates.enable_insights(&waba, value).await?;
    Ok(Json(json!({"id": waba.id})))
}
