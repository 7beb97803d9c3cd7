//! The business tools' HTTP API (issue #17): `/tools/v1/{phone-number-id}/…`, JSON,
//! authenticated with the business's Graph access token exactly like the Graph routes (a token
//! of one business never reaches another business's number), errors in the Graph envelope.
//! One file per tool, each with its own router merged here.

mod hours;
mod quick_replies;

use axum::Router;
use risala_core::model::{ObjectKind, Permission, PhoneNumber};

use crate::error::GraphResult;
use crate::extract::Caller;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(hours::routes()).merge(quick_replies::routes())
}

/// The caller's business number `id`, for a token that may send messages (`whatsapp_business_messaging`).
pub async fn number(state: &AppState, caller: &Caller, id: &str) -> GraphResult<PhoneNumber> {
    let obj = super::graph::resolve(state, caller, id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Messaging)?;
    Ok(state.tenancy.phone_number(&obj.id, Some(&caller.0.business_id)).await?)
}

/// A customer's message was stored: the tools that answer inbound messages run, in order,
/// before the customer's request is answered (so their sends follow the message). A tool that
/// fails is logged; the customer's message stays sent.
pub async fn on_inbound(state: &AppState, m: &risala_core::model::Message) {
    if let Err(e) = state.hours.on_inbound(m).await {
        tracing::warn!(error = %e, message_id = %m.id, "business hours: the automatic answer failed");
    }
}
