//! Display-name review by the operator: `POST /admin/v1/phone_numbers/{id}/display_name/review`
//! with `{"decision":"APPROVED"}`, `{"decision":"REJECTED","rejection_reason":"NAME_NOT_CONSISTENT"}`
//! or `{"decision":"DEFERRED"}`. Decides the name under review (a number's name while it is
//! `PENDING_REVIEW`, or a requested `new_display_name`) and sends `phone_number_name_update`.
//! Meta decides display names in its own review, so this is the operator's (admin token), or
//! in sandbox mode without one a business's own (its Graph token).

use axum::extract::{Path, State};
use axum::Json;
use risala_core::ApiError;
use serde_json::{json, Value};

use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::routes::admin::Admin;
use crate::state::AppState;

pub async fn review_name(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = state.tenancy.phone_number(&id, admin.scope()).await?;
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let decision = text("decision").ok_or_else(|| ApiError::missing("decision"))?;
    let reason = text("rejection_reason").or_else(|| text("reason"));
    let p = state.numbers.review_name(&phone.id, decision, reason).await?;
    state.messaging.forget_phone(&p);
    Ok(Json(json!({
        "id": p.id,
        "verified_name": p.verified_name,
        "name_status": p.name_status,
        "new_name_status": p.new_name_status,
    })))
}
