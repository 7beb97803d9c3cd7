//! `/tools/v1/{phone-number-id}/ads…` and `…/status…`: click-to-WhatsApp ads with their
//! figures (create, list, read, pause/resume and edit, delete) and Status updates (post,
//! list, delete). Risala's own API (Meta's Marketing API is out of scope), in the Graph
//! envelope, with the business's token as for the other tools.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{delete, get};
use axum::{Json, Router};
use risala_core::ads::ad_view;
use risala_core::ads::status::status_view;
use serde_json::{json, Value};

use super::number;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody};
use crate::routes::graph::objects::base_url;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tools/v1/{phone_number_id}/ads", get(list).post(create))
        .route("/tools/v1/{phone_number_id}/ads/{id}", get(show).post(update).delete(remove))
        .route("/tools/v1/{phone_number_id}/status", get(statuses).post(post_status))
        .route("/tools/v1/{phone_number_id}/status/{id}", delete(delete_status))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(p): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &p).await?;
    let ad = state.ads.create(&phone, &body).await?;
    Ok(Json(ad_view(&ad, &base_url(&state, &headers), state.ads.now())))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(p): Path<String>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &p).await?;
    let (base, now) = (base_url(&state, &headers), state.ads.now());
    let all = state.ads.list(&phone).await?;
    Ok(Json(json!({"data": all.iter().map(|a| ad_view(a, &base, now)).collect::<Vec<_>>()})))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((p, id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &p).await?;
    let ad = state.ads.get(&phone, &id).await?;
    Ok(Json(ad_view(&ad, &base_url(&state, &headers), state.ads.now())))
}

/// `POST …/ads/{id} {status: PAUSED|ACTIVE, name, budget: {amount}, end_time, target}`.
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((p, id)): Path<(String, String)>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &p).await?;
    let ad = state.ads.update(&phone, &id, &body).await?;
    Ok(Json(ad_view(&ad, &base_url(&state, &headers), state.ads.now())))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((p, id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &p).await?;
    state.ads.delete(&phone, &id).await?;
    Ok(Json(json!({"success": true})))
}

async fn post_status(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(p): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &p).await?;
    let s = state.ads.post_status(&phone, &body).await?;
    Ok(Json(status_view(&s, &base_url(&state, &headers))))
}

async fn statuses(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(p): Path<String>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &p).await?;
    let base = base_url(&state, &headers);
    let all = state.ads.statuses(&phone).await?;
    Ok(Json(json!({"data": all.iter().map(|s| status_view(s, &base)).collect::<Vec<_>>()})))
}

async fn delete_status(
    State(state): State<AppState>,
    caller: Caller,
    Path((p, id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &p).await?;
    state.ads.delete_status(&phone, &id).await?;
    Ok(Json(json!({"success": true})))
}
