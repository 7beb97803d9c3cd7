//! `POST /{phone-number-id}/messages`: send any message type, mark as read, typing; and
//! `POST /{phone-number-id}/marketing_messages` (Marketing Messages Lite API): marketing
//! templates only.

use axum::extract::{Path, State};
use axum::Extension;
use axum::Json;
use risala_core::messaging::{went_stale, SendOutcome};
use risala_core::model::{ObjectKind, Permission, PhoneNumber};
use risala_core::ApiError;
use std::sync::Arc;

use super::resolve;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, SendBody};
use crate::routes::sandbox::faults::InjectedStatus;
use crate::state::AppState;

pub async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    injected: Option<Extension<InjectedStatus>>,
    body: SendBody,
) -> GraphResult<Json<SendOutcome>> {
    let phone = sender(&state, &caller, &id).await?;
    // A sandbox fault rule's `status_error`: accepted, then a failed status.
    let failure = injected.map(|Extension(InjectedStatus(e))| e);
    let messaging = &state.messaging;
    let outcome = match body {
        SendBody::Plain(plain, raw) => {
            // A plain text read straight; a rule broken, or what the send read changed meanwhile
            // (`went_stale`), goes by the usual reading, which answers it or reads all again.
            let straight = match plain.message(risala_core::phone::calling_code_of(&phone.number)) {
                Some(msg) => match Box::pin(messaging.send_plain_failing(&phone, msg, failure.clone())).await {
                    Err(e) if went_stale(&e) => None,
                    outcome => Some(outcome?),
                },
                None => None,
            };
            match straight {
                Some(outcome) => outcome,
                None => Box::pin(messaging.send_failing(&phone, &raw.params()?, failure)).await?,
            }
        }
        SendBody::Params(body) => Box::pin(messaging.send_failing(&phone, &body, failure)).await?,
    };
    Ok(Json(outcome))
}

pub async fn send_marketing(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<SendOutcome>> {
    let phone = sender(&state, &caller, &id).await?;
    let outcome = state.messaging.send_marketing(&phone, &body).await?;
    Ok(Json(outcome))
}

/// The caller's business number `id`, for a caller with the messaging permission.
async fn sender(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Arc<PhoneNumber>> {
    resolve(state, caller, id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Messaging)?;
    Ok(state.messaging.phone(id).await?.ok_or_else(|| ApiError::object_not_found(id))?)
}

#[cfg(test)]
mod tests {
    fn size_of_handler<A, B, C, D, E, F: std::future::Future>(_: fn(A, B, C, D, E) -> F) -> usize {
        std::mem::size_of::<F>()
    }

    /// Every send's handler future is moved through the router's and the middleware's layers
    /// and boxed on the way. With the send inline it was 5.9 KB, copied several times per
    /// request; the send is boxed once instead.
    #[test]
    fn the_future_of_each_send_stays_small() {
        let size = size_of_handler(super::send);
        assert!(size <= 1536, "the send handler's future is {size} bytes");
    }
}
