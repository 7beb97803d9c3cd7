//! The customer's side of an `order_details` message:
//! - `GET /customer/v1/chats/{business_number}/orders/{reference_id}`: the order's status and
//!   payment status;
//! - `POST /customer/v1/chats/{business_number}/orders/{reference_id}/pay`: pay it. With the
//!   sandbox provider the payment ends at once (`{"outcome": "failure"|"expiry"}` in sandbox
//!   mode makes it fail); with Stripe the answer's `checkout_url` is where to pay. A paid order
//!   is answered as it is: nothing is charged twice.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::payments::{order_json, SandboxOutcome};
use risala_core::ApiError;
use serde_json::Value;

use super::CustomerCaller;
use crate::config::Mode;
use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::state::AppState;

pub async fn order(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path((number, reference_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = state.customers.business_number(&number).await?;
    let o = state.payments.customer_order(&phone, &wa_id, &reference_id).await?;
    Ok(Json(order_json(&o)))
}

pub async fn pay(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path((number, reference_id)): Path<(String, String)>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    if let Some(k) = body.keys().find(|k| *k != "outcome") {
        return Err(ApiError::invalid(format!("Unexpected key \"{k}\": the only parameter is outcome")).into());
    }
    let outcome = match body.get("outcome") {
        None | Some(Value::Null) => None,
        Some(_) if state.config.mode != Mode::Sandbox => {
            return Err(ApiError::invalid("outcome exists only in sandbox mode").into())
        }
        Some(v) => Some(v.as_str().and_then(SandboxOutcome::parse).ok_or_else(|| {
            ApiError::bad_value(format!("outcome must be one of success, failure, expiry - got {v}"))
        })?),
    };
    let phone = state.customers.business_number(&number).await?;
    let o = state.payments.customer_order(&phone, &wa_id, &reference_id).await?;
    let o = state.payments.pay(o, outcome).await?;
    Ok(Json(order_json(&o)))
}
