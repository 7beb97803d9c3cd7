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
use risala_core::model::PhoneNumber;
use risala_core::phone::WaId;
use risala_core::templates::FeedbackKind;
use risala_core::ApiError;
use serde_json::{json, Value};

use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::routes::customer::CustomerCaller;
use crate::state::AppState;

async fn business_number(state: &AppState, number: &str) -> GraphResult<PhoneNumber> {
    let wa = WaId::parse(number, None).map_err(|e| ApiError::bad_value(format!("business number: {e}")))?;
    Ok(state
        .store
        .phone_number_by_number(wa.as_str())
        .await?
        .ok_or_else(|| ApiError::bad_value(format!("{number} is not a business number here")))?)
}

/// The answer: whether the chat is blocked now, and the template the feedback went to.
/// `kind` counts one negative feedback event on that template (a new block or a report).
async fn answer(
    state: &AppState,
    phone: &PhoneNumber,
    wa_id: &str,
    kind: Option<FeedbackKind>,
    blocked: bool,
) -> GraphResult<Value> {
    let template_id = state.store.last_template_sent(&phone.id, wa_id).await?;
    let template = match (&template_id, kind) {
        (Some(id), Some(kind)) => state.templates.record_negative_feedback(id, kind).await?,
        _ => None,
    };
    Ok(json!({
        "success": true,
        "blocked": blocked,
        "template_id": template_id,
        "template_status": template.as_ref().map(|t| t.status.clone()),
        "quality_score": template.as_ref().map(|t| t.quality_score.clone()),
    }))
}

/// `POST /customer/v1/chats/{business_number}/block`. Blocking a chat already blocked changes
/// nothing and counts nothing.
pub async fn block(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
) -> GraphResult<Json<Value>> {
    let phone = business_number(&state, &number).await?;
    let newly = state.messaging.quality().customer_feedback(&wa_id, &phone, true, false).await?;
    Ok(Json(answer(&state, &phone, &wa_id, newly.then_some(FeedbackKind::Block), true).await?))
}

/// `POST /customer/v1/chats/{business_number}/unblock`: the business can message the customer
/// again (the earlier block still counts in its quality rating until it ages out).
pub async fn unblock(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
) -> GraphResult<Json<Value>> {
    let phone = business_number(&state, &number).await?;
    let was = state.messaging.quality().customer_unblock(&wa_id, &phone).await?;
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
    let phone = business_number(&state, &number).await?;
    state.messaging.quality().customer_feedback(&wa_id, &phone, block, true).await?;
    let blocked = block || state.messaging.quality().blocked_by_customer(&wa_id).await?.contains(&phone.id);
    Ok(Json(answer(&state, &phone, &wa_id, Some(FeedbackKind::Report), blocked).await?))
}
