//! Sending as the customer and acknowledging the business's messages.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::ApiError;
use serde_json::{json, Value};

use super::{str_field, CustomerCaller};
use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::state::AppState;

/// `POST /customer/v1/messages {to, type, …}` → `{id, timestamp}`.
pub async fn send(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    GraphBody(mut body): GraphBody,
) -> GraphResult<Json<Value>> {
    let to = match body.remove("to") {
        Some(Value::String(s)) => s,
        Some(_) => return Err(ApiError::invalid("to must be a string").into()),
        None => return Err(ApiError::missing("to").into()),
    };
    let m = state.messaging.customer_send(&wa_id, &to, &Value::Object(body)).await?;
    // A first message from an ad's tap is the ad's conversation.
    if let Err(e) = state.ads.on_inbound(&m).await {
        tracing::warn!(message_id = %m.id, error = %e.details, "counting an ad's conversation failed");
    }
    crate::routes::tools::on_inbound(&state, &m).await;
    Ok(Json(json!({"id": m.id, "timestamp": (m.created_at / 1000).to_string()})))
}

/// `POST /customer/v1/messages/{id}/status {status: delivered|read}`.
pub async fn ack(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let status = str_field(&body, "status")?.ok_or_else(|| ApiError::missing("status"))?;
    let changed = state.messaging.customer_ack(&wa_id, &id, status).await?;
    Ok(Json(json!({"success": true, "changed": changed})))
}
