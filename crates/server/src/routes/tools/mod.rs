//! The business tools' API (`/tools/v1/{phone-number-id}/…`, issue #17): JSON, authenticated
//! with the business's Graph access token like the Graph routes, errors in the Graph
//! envelope. One file per tool; each merges its router here.

pub mod broadcasts;

use axum::Router;
use risala_core::model::{ObjectKind, Permission, PhoneNumber};
use risala_core::ApiError;

use crate::error::GraphResult;
use crate::extract::Caller;
use crate::routes::graph::resolve;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(broadcasts::routes())
}

/// The caller's business number `id` (another business's is not found), for a caller with
/// the messaging permission: the tools send messages.
pub async fn number(state: &AppState, caller: &Caller, id: &str) -> GraphResult<PhoneNumber> {
    resolve(state, caller, id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Messaging)?;
    Ok(state.messaging.phone(id).await?.ok_or_else(|| ApiError::object_not_found(id))?)
}
