//! `POST /sandbox/v1/payments/next_outcome {phone_number_id, outcome}`: the number's next
//! sandbox payment ends as `outcome` (`success`, `failure` or `expiry`), whoever pays; the one
//! after it succeeds again. Takes a token of the number's business with
//! `whatsapp_business_management`.

use axum::extract::State;
use axum::Json;
use risala_core::payments::SandboxOutcome;
use risala_core::ApiError;
use serde_json::{json, Value};

use super::sandbox_only;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody};
use crate::routes::tools::number;
use crate::state::AppState;

pub async fn next_outcome(
    State(state): State<AppState>,
    caller: Caller,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    if let Some(k) = body.keys().find(|k| *k != "phone_number_id" && *k != "outcome") {
        return Err(
            ApiError::invalid(format!("Unexpected key \"{k}\": the parameters are phone_number_id, outcome")).into()
        );
    }
    let id = body.get("phone_number_id").and_then(Value::as_str).ok_or_else(|| ApiError::missing("phone_number_id"))?;
    let raw = body.get("outcome").ok_or_else(|| ApiError::missing("outcome"))?;
    let outcome = raw
        .as_str()
        .and_then(SandboxOutcome::parse)
        .ok_or_else(|| ApiError::bad_value(format!("outcome must be one of success, failure, expiry - got {raw}")))?;
    let phone = number(&state, &caller, id).await?;
    state.payments.set_next_outcome(&phone.id, outcome).await?;
    Ok(Json(json!({"phone_number_id": phone.id, "next_outcome": outcome.as_str()})))
}
