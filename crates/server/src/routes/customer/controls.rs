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
use serde_json::{json, Map, Value};

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

/// Block and unblock take no parameters: an empty body or `{}`. Anything else (a body that is
/// not a JSON object, or a key) is refused rather than ignored.
fn no_parameters(body: &Map<String, Value>, what: &str) -> GraphResult<()> {
    match body.keys().next() {
        None => Ok(()),
        Some(k) => Err(ApiError::invalid(format!("{what} takes no parameters; unexpected key \"{k}\"")).into()),
    }
}

/// `POST /customer/v1/chats/{business_number}/block`. Blocking a chat already blocked changes
/// nothing and counts nothing.
pub async fn block(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    no_parameters(&body, "block")?;
    Ok(Json(answer(&state.customers.block(&wa_id, &number).await?)))
}

/// `POST /customer/v1/chats/{business_number}/unblock`: the business can message the customer
/// again (the earlier block still counts in its quality rating until it ages out).
pub async fn unblock(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    no_parameters(&body, "unblock")?;
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
    if let Some(k) = body.keys().find(|k| k.as_str() != "block") {
        return Err(ApiError::invalid(format!("report takes only \"block\"; unexpected key \"{k}\"")).into());
    }
    let block = match body.get("block") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ApiError::invalid("block must be a boolean").into()),
    };
    Ok(Json(answer(&state.customers.report(&wa_id, &number, block).await?)))
}
