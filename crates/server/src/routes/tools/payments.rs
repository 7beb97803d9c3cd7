//! `/tools/v1/{phone-number-id}/payments/…`: a number's payment settings (which provider takes
//! its customers' payments, and the Stripe keys, stored encrypted and shown masked) and the
//! orders it sent with `order_details` (see the book's "Payments" chapter).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use risala_core::payments::order_json;
use risala_core::ApiError;
use serde_json::{json, Value};

use super::number;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tools/v1/{id}/payments/settings", get(settings).post(update_settings))
        .route("/tools/v1/{id}/payments/orders", get(orders))
        .route("/tools/v1/{id}/payments/orders/{reference_id}", get(order))
}

/// `GET …/payments/settings` → `{phone_number_id, provider, stripe: {secret_key (masked),
/// webhook_secret_set, webhook_path}}`.
async fn settings(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(state.payments.settings(&phone.id).await?.to_json(&phone.id)))
}

/// `POST …/payments/settings {provider?, stripe_secret_key?, stripe_webhook_secret?}`.
async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    Ok(Json(state.payments.update_settings(&phone.id, &body).await?.to_json(&phone.id)))
}

/// `GET …/payments/orders?limit=` → `{data: [...]}`, newest first.
async fn orders(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let limit = super::limit(&q, 50, 500)?;
    let all = state.payments.orders(&phone.id, limit).await?;
    Ok(Json(json!({"data": all.iter().map(order_json).collect::<Vec<_>>()})))
}

async fn order(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, reference_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let o = state
        .payments
        .order(&phone.id, &reference_id)
        .await?
        .ok_or_else(|| ApiError::object_not_found(&reference_id))?;
    Ok(Json(order_json(&o)))
}
