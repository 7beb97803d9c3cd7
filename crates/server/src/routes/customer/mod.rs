//! The customer API (`/customer/v1/…`): what a WhatsApp user's device does. Sessions, chats,
//! sending every inbound type, media, delivery and read acknowledgements, the chat menu's
//! controls, and a WebSocket stream of the business's messages, typing indicators and read
//! receipts.

pub mod ads;
pub mod catalog;
pub mod chats;
pub mod controls;
pub mod flows;
pub mod media;
pub mod messages;
pub mod payments;
pub mod preferences;
pub mod profile;
pub mod session;
pub mod stream;

use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::Router;
use risala_core::model::{Direction, Message};
use risala_core::{ApiError, ErrorCode};
use serde_json::{json, Map, Value};

use crate::error::GraphError;
use crate::extract::{bearer_token, GraphQuery};
use crate::state::AppState;

/// Routes under `/customer/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customer/v1/session", post(session::open))
        .route("/customer/v1/session/code", post(session::request_code))
        .route("/customer/v1/me", get(session::me).post(session::update_me))
        .route("/customer/v1/me/change_number", post(session::change_number))
        .route("/customer/v1/chats", get(chats::list))
        .route("/customer/v1/chats/{number}/messages", get(chats::history))
        .route("/customer/v1/chats/{number}/block", post(controls::block))
        .route("/customer/v1/chats/{number}/unblock", post(controls::unblock))
        .route("/customer/v1/chats/{number}/report", post(controls::report))
        .route("/customer/v1/chats/{number}/marketing", post(preferences::marketing))
        .route("/customer/v1/chats/{number}/profile", get(profile::profile))
        .route("/customer/v1/chats/{number}/open", post(profile::open))
        .route("/customer/v1/chats/{number}/catalog", get(catalog::catalog))
        .route("/customer/v1/addresses/{message_id}", post(flows::answer_address))
        .route("/customer/v1/flows/{message_id}", get(flows::open))
        .route("/customer/v1/flows/{message_id}/data_exchange", post(flows::exchange))
        .route("/customer/v1/flows/{message_id}/complete", post(flows::complete))
        .route("/customer/v1/messages", post(messages::send))
        .route("/customer/v1/messages/{id}/status", post(messages::ack))
        .route(
            "/customer/v1/media",
            post(media::upload).layer(DefaultBodyLimit::max(crate::media::MAX_UPLOAD + 1024 * 1024)),
        )
        .route("/customer/v1/media/{id}", get(media::download))
        .route("/customer/v1/stream", get(stream::stream))
        .merge(ads::routes())
        .route("/customer/v1/chats/{number}/orders/{reference_id}", get(payments::order))
        .route("/customer/v1/chats/{number}/orders/{reference_id}/pay", post(payments::pay))
}

/// The signed-in customer (`Authorization: Bearer <session token>` or `?token=`).
#[derive(Debug, Clone)]
pub struct CustomerCaller(pub String);

impl FromRequestParts<AppState> for CustomerCaller {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = match bearer_token(parts)? {
            Some(t) => t,
            None => GraphQuery::from_request_parts(parts, state)
                .await?
                .get("token")
                .map(str::to_string)
                .ok_or_else(|| ApiError::new(ErrorCode::TokenMissing, "A customer session token is required."))?,
        };
        Ok(CustomerCaller(state.customers.authenticate(&token).await?))
    }
}

/// A string field of a body, if present.
pub fn str_field<'a>(body: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a string"))),
    }
}

/// How a message looks to the customer's device.
pub fn customer_view(m: &Message, business_number: &str) -> Value {
    let (from, to) = match m.direction {
        Direction::Outbound => (business_number.to_string(), m.wa_id.clone()),
        Direction::Inbound => (m.wa_id.clone(), business_number.to_string()),
    };
    let body = match m.direction {
        // Inbound content is the webhook element; show the customer the type object.
        Direction::Inbound => m.content.get(&m.kind).cloned().unwrap_or(Value::Null),
        Direction::Outbound => m.content.clone(),
    };
    let mut v = json!({
        "id": m.id,
        "chat": business_number,
        "from": from,
        "to": to,
        "timestamp": (m.created_at / 1000).to_string(),
        "type": m.kind,
        "status": m.status,
    });
    if let Some(o) = v.as_object_mut() {
        // A body removed by retention or erasure: the message stays in the history, marked
        // deleted, without its type object.
        match risala_core::model::tombstone_of(&m.content) {
            Some(t) => o.insert("deleted".into(), t.clone()),
            None => o.insert(m.kind.clone(), body),
        };
        if let Some(c) = &m.context_id {
            o.insert("context".into(), json!({"id": c}));
        }
    }
    v
}
