//! `GET /customer/v1/stream`: the customer's device over WebSocket.
//!
//! Server → device frames (JSON text):
//! `{"event":"message","message":{…}}`, `{"event":"typing","from":"<business number>"}`,
//! `{"event":"read","id":"wamid…","from":"<business number>"}`, and
//! `{"event":"error","error":{…Graph error…}}` for a bad device frame.
//! Device → server frames: `{"action":"ack","id":"wamid…","status":"delivered"|"read"|"played"}` and
//! `{"action":"send","to":"<business number>", …message…}` (answered by `{"event":"sent","id":…}`).
//!
//! On connect the device first receives every business message still waiting for it, so a
//! customer who was offline gets them on reconnect.

use std::collections::{HashMap, HashSet};

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use risala_core::clock::Clock;
use risala_core::inbound::webhook::object;
use risala_core::model::{CustomerEvent, Message};
use risala_core::ApiError;
use serde_json::{json, Value};

use super::{customer_view, CustomerCaller};
use crate::error::envelope;
use crate::state::AppState;

pub async fn stream(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    ws: WebSocketUpgrade,
) -> Response {
    // Small buffers: an idle device should cost kilobytes, not the 128 KiB default.
    ws.read_buffer_size(4 * 1024).write_buffer_size(4 * 1024).on_upgrade(move |socket| run(state, wa_id, socket))
}

/// How long after its making a backlog message may still arrive live: far more than a commit
/// and its publication take.
const LIVE_COPY_WINDOW_MS: i64 = 60_000;

/// Business numbers by phone-number id, looked up once per connection.
struct Numbers(HashMap<String, String>);

impl Numbers {
    async fn get(&mut self, state: &AppState, phone_number_id: &str) -> String {
        if let Some(n) = self.0.get(phone_number_id) {
            return n.clone();
        }
        let n = match state.messaging.phone(phone_number_id).await {
            Ok(Some(p)) => p.number.clone(),
            _ => String::new(),
        };
        self.0.insert(phone_number_id.to_string(), n.clone());
        n
    }
}

async fn message_frame(state: &AppState, numbers: &mut Numbers, m: &Message) -> String {
    let number = numbers.get(state, &m.phone_number_id).await;
    object([("event", Value::from("message")), ("message", customer_view(m, &number))]).to_string()
}

fn error_frame(e: &ApiError) -> String {
    json!({"event": "error", "error": envelope(e, crate::error::trace_id()).error}).to_string()
}

/// A device's connection for as long as it is open. The work a frame or an event starts is
/// boxed for its duration: awaited inline, the largest of it (a customer's send) would be part
/// of every idle connection's task, kilobytes each.
async fn run(state: AppState, wa_id: String, mut socket: WebSocket) {
    // Register before loading the backlog, so nothing sent in between is missed. A message
    // committed in between comes both ways; the live copy of a backlog message is skipped.
    let mut device = state.hub.connect(&wa_id);
    let mut numbers = Numbers(HashMap::new());
    let mut in_backlog = HashSet::new();
    match Box::pin(state.messaging.undelivered(&wa_id)).await {
        Ok(backlog) => {
            // Only a message made just now can still be on its way live: older ones were
            // published long ago, so the set stays small however long the backlog.
            let recent = state.clock.now_ms() - LIVE_COPY_WINDOW_MS;
            in_backlog.extend(backlog.iter().filter(|m| m.created_at >= recent).map(|m| m.id.clone()));
            for m in &backlog {
                let frame = Box::pin(message_frame(&state, &mut numbers, m)).await;
                if socket.send(WsMessage::Text(frame.into())).await.is_err() {
                    return;
                }
            }
        }
        Err(e) => {
            let _ = socket.send(WsMessage::Text(error_frame(&e).into())).await;
            return;
        }
    }
    loop {
        tokio::select! {
            event = device.events.recv() => {
                let Some(event) = event else { return };
                let frame = match event {
                    CustomerEvent::Message(m) if in_backlog.remove(&m.id) => continue,
                    CustomerEvent::Message(m) => Box::pin(message_frame(&state, &mut numbers, &m)).await,
                    CustomerEvent::Typing { from, .. } => json!({"event": "typing", "from": from}).to_string(),
                    CustomerEvent::Read { message_id, from } => json!({"event": "read", "id": message_id, "from": from}).to_string(),
                };
                if socket.send(WsMessage::Text(frame.into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(WsMessage::Text(t))) => t.to_string(),
                    Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                };
                let reply = Box::pin(handle_frame(&state, &wa_id, &text)).await;
                if let Some(reply) = reply {
                    if socket.send(WsMessage::Text(reply.into())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

async fn handle_frame(state: &AppState, wa_id: &str, text: &str) -> Option<String> {
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Some(error_frame(&ApiError::invalid(format!("frame is not valid JSON: {e}")))),
    };
    // The frame is taken apart, not copied: a `send` becomes the message's body.
    let action = v.get("action").and_then(Value::as_str).map(str::to_owned);
    let result: Result<Option<String>, ApiError> = async {
        match action.as_deref() {
            Some("ack") => {
                let id = v.get("id").and_then(Value::as_str).ok_or_else(|| ApiError::missing("id"))?;
                let status = v.get("status").and_then(Value::as_str).ok_or_else(|| ApiError::missing("status"))?;
                state.messaging.customer_ack(wa_id, id, status).await?;
                Ok(None)
            }
            Some("send") => {
                let mut body = match v {
                    Value::Object(body) => body,
                    _ => Default::default(),
                };
                body.remove("action");
                let to = match body.remove("to") {
                    Some(Value::String(s)) => s,
                    _ => return Err(ApiError::missing("to")),
                };
                let m = state.messaging.customer_send(wa_id, &to, &Value::Object(body)).await?;
                let sent =
                    json!({"event": "sent", "id": m.id, "timestamp": (m.created_at / 1000).to_string()}).to_string();
                // After the `sent` frame, so the device sees its message acknowledged first.
                let tools_state = state.clone();
                tokio::spawn(async move { crate::routes::tools::on_inbound(&tools_state, &m).await });
                Ok(Some(sent))
            }
            Some(other) => Err(ApiError::bad_value(format!("action: unknown action {other}"))),
            None => Err(ApiError::missing("action")),
        }
    }
    .await;
    match result {
        Ok(reply) => reply,
        Err(e) => Some(error_frame(&e)),
    }
}
