//! The customer's side of ads and Status:
//! - `GET /customer/v1/ads[?placement=facebook,instagram]`: the ads this customer sees now;
//! - `POST /customer/v1/ads/{id}/impression`: the page showed the ad (counted once a day);
//! - `POST /customer/v1/ads/{id}/tap`: the customer tapped it: the chat to open, the text to
//!   put in the composer and the `referral` the first message carries;
//! - `GET /customer/v1/status`: the Updates tab (businesses' Status updates and sponsored ads);
//! - `GET /customer/v1/status/{id}/media`: an update's image or video;
//! - public: `GET /wa/ads/{id}` (an ad's `source_url`) and `GET /wa/ads/{id}/media`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use risala_core::ads::status::status_view;
use risala_core::ads::{feed_item, PLACEMENTS};
use risala_core::ApiError;
use serde_json::{json, Value};

use super::CustomerCaller;
use crate::error::{GraphError, GraphResult};
use crate::extract::GraphQuery;
use crate::routes::graph::media::media_response;
use crate::routes::graph::objects::base_url;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customer/v1/ads", get(feed))
        .route("/customer/v1/ads/{id}/impression", post(impression))
        .route("/customer/v1/ads/{id}/tap", post(tap))
        .route("/customer/v1/status", get(updates))
        .route("/customer/v1/status/{id}/media", get(status_media))
        .route("/wa/ads/{id}", get(public_ad))
        .route("/wa/ads/{id}/media", get(ad_media))
}

async fn feed(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    headers: HeaderMap,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let wanted: Vec<&str> = match q.get("placement") {
        None | Some("") => vec!["facebook", "instagram"],
        Some(list) => list.split(',').map(str::trim).collect(),
    };
    if let Some(bad) = wanted.iter().find(|p| !PLACEMENTS.contains(p)) {
        return Err(ApiError::bad_value(format!("placement: facebook, instagram or status, not {bad}")).into());
    }
    let base = base_url(&state, &headers);
    let ads = state.ads.feed(&wa_id, &wanted).await?;
    Ok(Json(json!({"data": ads.iter().map(|(a, p)| feed_item(a, p, &base)).collect::<Vec<_>>()})))
}

async fn impression(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    let counted = state.ads.impression(&wa_id, &id).await?;
    Ok(Json(json!({"success": true, "counted": counted})))
}

async fn tap(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    let t = state.ads.tap(&wa_id, &id, &base_url(&state, &headers)).await?;
    Ok(Json(json!({
        "chat": t.phone.number,
        "name": t.phone.verified_name,
        "prefilled_text": t.ad.creative["prefilled_text"],
        "referral": t.referral,
    })))
}

async fn updates(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    headers: HeaderMap,
) -> GraphResult<Json<Value>> {
    let base = base_url(&state, &headers);
    let businesses = state.ads.updates_for(&wa_id).await?;
    let sponsored = state.ads.feed(&wa_id, &["status"]).await?;
    Ok(Json(json!({
        "data": businesses.iter().map(|b| json!({
            "business": {"wa_id": b.phone.number, "name": b.phone.verified_name},
            "updates": b.updates.iter().map(|s| status_view(s, &base)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "sponsored": sponsored.iter().map(|(a, p)| feed_item(a, p, &base)).collect::<Vec<_>>(),
    })))
}

async fn status_media(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    let m = state.ads.status_media(&wa_id, &id).await?;
    Ok(media_response(&state, m))
}

/// An ad's `source_url`: what it says, for whoever follows the link.
async fn public_ad(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    let ad = state.ads.public(&id).await?;
    let phone = state.messaging.phone(&ad.phone_number_id).await?.ok_or_else(|| ApiError::object_not_found(&id))?;
    Ok(Json(feed_item(&ad, &phone, &base_url(&state, &headers))))
}

/// An ad's uploaded image or video (ads are public).
async fn ad_media(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, GraphError> {
    let m = state.ads.media_of(&id).await?;
    Ok(media_response(&state, m))
}
