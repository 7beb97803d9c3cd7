//! `POST /customer/v1/chats/{business_number}/marketing` with `{"value":"stop"|"resume"}`: the
//! customer stops or resumes marketing messages from that business, as in WhatsApp's chat
//! menu. The business gets a `user_preferences` webhook; marketing templates sent while stopped
//! fail with 131050 (and are not charged).

use axum::extract::{Path, State};
use axum::Json;
use risala_core::ApiError;
use serde_json::{json, Value};

use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::routes::customer::CustomerCaller;
use crate::state::AppState;

pub async fn marketing(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let stop = match body.get("value").and_then(Value::as_str) {
        Some("stop") => true,
        Some("resume") => false,
        Some(other) => return Err(ApiError::bad_value(format!("value: '{other}' is not stop or resume")).into()),
        None => return Err(ApiError::missing("value").into()),
    };
    state.messaging.customer_marketing_preference(&wa_id, &number, stop).await?;
    Ok(Json(json!({"success": true, "marketing_messages": if stop { "stop" } else { "resume" }})))
}
