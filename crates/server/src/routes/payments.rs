//! `POST /payments/v1/stripe/{phone-number-id}/webhook`: Stripe's webhook for a number that
//! takes payments with Stripe (set this URL as the endpoint in the business's Stripe
//! dashboard). The `Stripe-Signature` header is checked with the number's signing secret
//! (HMAC-SHA256 of `t.payload`, five minutes' tolerance); a bad one is 400 with a Graph error.
//! Checkout Session events change the order's payment and reach the business as `payment`
//! status webhooks, once per Stripe event id however often Stripe retries.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::GraphResult;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/payments/v1/stripe/{id}/webhook", post(stripe_webhook))
}

async fn stripe_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> GraphResult<Json<Value>> {
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    let applied = state.payments.stripe_webhook(&id, signature, &body).await?;
    Ok(Json(json!({"received": true, "applied": applied})))
}
