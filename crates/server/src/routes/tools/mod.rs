//! The business tools' API (`/tools/v1/{phone-number-id}/…`): each tool of a number managed as
//! code, with the business's Graph access token (the same checks as the Graph routes: a token
//! of another business gets the answer for an unknown id) and errors in the Graph envelope.
//! One file per tool, each with its own router merged here; [`on_inbound`] gives every tool
//! its look at a customer's message.

pub mod ads;
pub mod bots;
pub mod broadcasts;
pub mod contacts;
pub mod faq;
mod hours;
mod payments;
mod quick_replies;

use axum::Router;
use risala_core::model::{Message, ObjectKind, Permission, PhoneNumber};
use risala_core::ApiError;
use std::sync::Arc;

use crate::error::GraphResult;
use crate::extract::Caller;
use crate::routes::graph::resolve;
use crate::state::AppState;

/// Routes under `/tools/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(hours::routes())
        .merge(quick_replies::routes())
        .merge(faq::routes())
        .merge(contacts::routes())
        .merge(broadcasts::routes())
        .merge(bots::routes())
        .merge(ads::routes())
        .merge(payments::routes())
}

/// The caller's business number `id`, for a token with `whatsapp_business_management`.
pub async fn number(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Arc<PhoneNumber>> {
    resolve(state, caller, id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    Ok(state.messaging.phone(id).await?.ok_or_else(|| ApiError::object_not_found(id))?)
}

/// The caller's business number `id`, for a tool that sends messages (broadcasts): the token
/// needs `whatsapp_business_messaging` too.
pub async fn sending_number(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Arc<PhoneNumber>> {
    let phone = number(state, caller, id).await?;
    caller.require(Permission::Messaging)?;
    Ok(phone)
}

/// The `limit` query parameter: `default` when absent, else a whole number from 1 to `max`
/// (131009 otherwise).
pub fn limit(q: &crate::extract::GraphQuery, default: usize, max: usize) -> Result<usize, ApiError> {
    match q.get("limit") {
        None => Ok(default),
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::bad_value(format!("limit: 1 to {max}"))),
    }
}

/// A customer's message was stored: the tools that act on inbound messages act, in order (the
/// away message or the greeting first, then the bot, then an FAQ answer when no bot has the
/// conversation). Their failures are logged; the customer's message stays accepted.
pub async fn on_inbound(state: &AppState, m: &Message) {
    if let Err(e) = state.hours.on_inbound(m).await {
        tracing::warn!(error = %e, message_id = %m.id, "business hours: the automatic answer failed");
    }
    // A bot running the conversation (or the team it handed it to) answers; the FAQ stays out.
    match state.bots.on_inbound(m).await {
        Ok(risala_core::tools::bots::Outcome::Ignored) => {}
        Ok(_) => return,
        Err(e) => tracing::warn!(message_id = %m.id, error = %e.details, "bot failed"),
    }
    if let Err(e) = state.faq.on_inbound(m).await {
        tracing::warn!(message_id = %m.id, error = %e.details, "FAQ answer failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size_of_future<F: std::future::Future>(_: fn(&'static AppState, &'static Message) -> F) -> usize {
        std::mem::size_of::<F>()
    }

    /// Every inbound message gets a task running [`on_inbound`]. Before the tools boxed the
    /// parts that act (a bot's steps, a send), that task was 9.5 KB, and allocating one per
    /// message kept the allocator taking fresh pages from the kernel: 14 % of the server's CPU
    /// on `risala-bench inbound`.
    #[test]
    fn the_task_of_each_inbound_message_stays_small() {
        let size = size_of_future(on_inbound);
        assert!(size <= 2048, "on_inbound's future is {size} bytes");
    }
}
