//! `POST /{phone-number-id}/messages`: send any message type, mark as read, typing.

use axum::extract::{Path, State};
use axum::Extension;
use axum::Json;
use risala_core::model::{ObjectKind, Permission};
use risala_core::ApiError;
use serde_json::Value;

use super::resolve;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody};
use crate::routes::sandbox::faults::InjectedStatus;
use crate::state::AppState;

pub async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    injected: Option<Extension<InjectedStatus>>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Messaging)?;
    let phone = state.messaging.phone(&id).await?.ok_or_else(|| ApiError::object_not_found(&id))?;
    // A sandbox fault rule's `status_error`: accepted, then a failed status.
    let failure = injected.map(|Extension(InjectedStatus(e))| e);
    let outcome = state.messaging.send_failing(&phone, &body, failure).await?;
    Ok(Json(outcome.to_json()))
}
