//! A customer's controls over a chat with a business number, as in WhatsApp's chat menu:
//! `POST /customer/v1/chats/{business_number}/block`, `/unblock`, and `/report` (spam, with an
//! optional `{"block":true}`).
//!
//! A blocked number's messages to the customer fail with 131026 (accepted, then a `failed`
//! status, never charged) and the customer cannot write to it until they unblock. A new block
//! and every report are quality signals of the number (see `risala_core::quality::rating`) and
//! negative feedback on the template of the business's most recent template message to this
//! customer, which may pause it.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::customers::FeedbackOutcome;
use risala_core::ApiError;
use serde_json::{json, Value};

use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::routes::customer::CustomerCaller;
use crate::state::AppState;

/// The answer: whether the chat is blocked now, and the template the feedback went to.
fn answer(o: &FeedbackOutcome) -> Value {
    json!({
        "success": true,
        "blocked": o.blocked,
        "template_id": o.template_id,
        "template_status": o.template.as_ref().map(|t| t.status),
        "quality_score": o.template.as_ref().map(|t| t.quality_score),
    })
}

/// `POST /customer/v1/chats/{business_number}/block`. Blocking a chat already blocked changes
/// nothing and counts nothing.
pub async fn block(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
) -> GraphResult<Json<Value>> {
    Ok(Json(answer(&state.customers.block(&wa_id, &number).await?)))
}

/// `POST /customer/v1/chats/{business_number}/unblock`: the business can message the customer
/// again (the earlier block still counts in its quality rating until it ages out).
pub async fn unblock(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
) -> GraphResult<Json<Value>> {
    let was = state.customers.unblock(&wa_id, &number).await?;
    Ok(Json(json!({"success": true, "blocked": false, "was_blocked": was})))
}

/// `POST /customer/v1/chats/{business_number}/report` with an optional `{"block":true}`: one
/// feedback event either way.
pub async fn report(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let block = match body.get("block") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ApiError::invalid("block must be a boolean").into()),
    };
    Ok(Json(answer(&state.customers.report(&wa_id, &number, block).await?)))
}
