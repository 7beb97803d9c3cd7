//! The windows of a business number's conversations: the customer service window and the free
//! entry point window. `GET /{phone-number-id}/conversations[?wa_id=…&limit=…]` here (the
//! business's token), and `GET /admin/v1/phone_numbers/{id}/conversations` for the operator.
//! Meta has no such read; its clients see windows only through status webhooks, so this is
//! Risala's own, in Graph's `{"data":[…]}` shape.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::model::ObjectKind;
use risala_core::ApiError;
use serde_json::{json, Value};

use super::resolve;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphQuery};
use crate::state::AppState;

/// The windows of a number's conversations as `{"data":[…]}`, with `limit` (1–1000, default
/// 100) and an optional `wa_id` from the query.
pub async fn windows(state: &AppState, phone_number_id: &str, q: &GraphQuery) -> GraphResult<Json<Value>> {
    let limit = match q.get("limit") {
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| ApiError::invalid(format!("limit: '{l}' is not a number from 1 to 1000")))?,
        None => 100,
    };
    let wa_id = q.get("wa_id").map(|w| w.trim_start_matches('+').to_string());
    let (rows, now) = state.reports.conversation_windows(phone_number_id, wa_id.as_deref(), limit).await?;
    Ok(Json(json!({"data": rows.iter().map(|c| c.to_json(now)).collect::<Vec<_>>()})))
}

/// `GET /{phone-number-id}/conversations`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let phone = resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    windows(&state, &phone.id, &q).await
}
