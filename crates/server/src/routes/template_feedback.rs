//! Customer feedback on a business (`/customer/v1/chats/{business_number}/block` and
//! `/report`): recorded against the most recent template message from that business to this
//! customer, lowering the template's quality as blocks and reports do on WhatsApp.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::phone::WaId;
use risala_core::templates::FeedbackKind;
use risala_core::ApiError;
use serde_json::{json, Value};

use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::routes::customer::CustomerCaller;
use crate::state::AppState;

async fn feedback(state: &AppState, wa_id: &str, number: &str, kind: FeedbackKind) -> GraphResult<Value> {
    let wa = WaId::parse(number, None).map_err(|e| ApiError::bad_value(format!("business number: {e}")))?;
    let phone = state
        .store
        .phone_number_by_number(wa.as_str())
        .await?
        .ok_or_else(|| ApiError::bad_value(format!("{number} is not a business number here")))?;
    let template_id = state.store.last_template_sent(&phone.id, wa_id).await?;
    let template = match &template_id {
        Some(id) => state.templates.record_negative_feedback(id, kind).await?,
        None => None,
    };
    Ok(json!({
        "success": true,
        "template_id": template_id,
        "template_status": template.as_ref().map(|t| t.status.clone()),
        "quality_score": template.as_ref().map(|t| t.quality_score.clone()),
    }))
}

/// `POST /customer/v1/chats/{business_number}/block`.
pub async fn block(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
) -> GraphResult<Json<Value>> {
    let mut v = feedback(&state, &wa_id, &number, FeedbackKind::Block).await?;
    v["blocked"] = json!(true);
    Ok(Json(v))
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
    let mut v = feedback(&state, &wa_id, &number, FeedbackKind::Report).await?;
    v["blocked"] = json!(block);
    Ok(Json(v))
}
