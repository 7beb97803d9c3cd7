//! The customer API (`/customer/v1/…`): what a WhatsApp user's device does. Sessions, chats,
//! sending every inbound type, media, delivery and read acknowledgements, and a WebSocket
//! stream of the business's messages, typing indicators and read receipts.

pub mod stream;

use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::Json;
use risala_core::clock::Clock;
use risala_core::messaging::model::{Customer, Direction, Message};
use risala_core::messaging::SERVICE_WINDOW_MS;
use risala_core::phone::WaId;
use risala_core::{ApiError, ErrorCode};
use serde_json::{json, Map, Value};

use crate::config::Mode;
use crate::error::{GraphError, GraphResult};
use crate::extract::{bearer_token, GraphBody, GraphQuery};
use crate::state::AppState;

/// Customer sessions last 30 days.
const SESSION_TTL_MS: i64 = 30 * 86_400_000;
/// One-time codes last 10 minutes.
const CODE_TTL_MS: i64 = 10 * 60_000;

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
        let hash = risala_core::ids::hash_token(&token);
        match state.store.customer_session(&hash, state.clock.now_ms()).await? {
            Some(wa_id) => Ok(CustomerCaller(wa_id)),
            None => {
                Err(ApiError::new(ErrorCode::TokenInvalid, "The customer session is not valid or has expired.").into())
            }
        }
    }
}

fn str_field<'a>(body: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a string"))),
    }
}

/// `POST /customer/v1/session/code {phone}`: platform mode sends a one-time code.
pub async fn request_code(State(state): State<AppState>, GraphBody(body): GraphBody) -> GraphResult<Json<Value>> {
    let phone = str_field(&body, "phone")?.ok_or_else(|| ApiError::missing("phone"))?;
    let wa = WaId::parse(phone, None).map_err(|e| ApiError::bad_value(format!("phone: {e}")))?;
    let code = format!("{:06}", rand::random::<u32>() % 1_000_000);
    state
        .store
        .set_customer_code(wa.as_str(), &risala_core::ids::hash_token(&code), state.clock.now_ms() + CODE_TTL_MS)
        .await?;
    state.code_sender.send(wa.as_str(), &code);
    Ok(Json(json!({"sent": true})))
}

/// `POST /customer/v1/session {phone, name?, code?}` → `{token, wa_id, profile_name}`.
/// Sandbox: the phone number alone opens a session. Platform: a one-time code is needed.
pub async fn open_session(State(state): State<AppState>, GraphBody(body): GraphBody) -> GraphResult<Json<Value>> {
    let phone = str_field(&body, "phone")?.ok_or_else(|| ApiError::missing("phone"))?;
    let wa = WaId::parse(phone, None).map_err(|e| ApiError::bad_value(format!("phone: {e}")))?;
    let now = state.clock.now_ms();
    if state.config.mode == Mode::Platform {
        let code = str_field(&body, "code")?.ok_or_else(|| {
            ApiError::missing("code").with_message("A one-time code is required: POST /customer/v1/session/code first")
        })?;
        if !state.store.check_customer_code(wa.as_str(), &risala_core::ids::hash_token(code), now).await? {
            return Err(ApiError::new(ErrorCode::AccessDenied, "code: the code is wrong or has expired").into());
        }
    }
    let name = str_field(&body, "name")?.map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 100) {
        return Err(ApiError::bad_value("name: at most 100 characters").into());
    }
    let customer = Customer {
        wa_id: wa.as_str().to_string(),
        profile_name: name.unwrap_or(wa.as_str()).to_string(),
        created_at: now,
    };
    state.store.upsert_customer(&customer, name.is_some()).await?;
    state.messaging.forget_customer(wa.as_str());
    let token = format!("cs_{}", risala_core::ids::new_secret(40));
    state
        .store
        .create_customer_session(&risala_core::ids::hash_token(&token), wa.as_str(), now, now + SESSION_TTL_MS)
        .await?;
    let c = state.store.customer(wa.as_str()).await?.ok_or_else(ApiError::internal)?;
    Ok(Json(json!({"token": token, "wa_id": c.wa_id, "profile_name": c.profile_name})))
}

/// `GET /customer/v1/me`.
pub async fn me(State(state): State<AppState>, CustomerCaller(wa_id): CustomerCaller) -> GraphResult<Json<Value>> {
    let c = state.store.customer(&wa_id).await?.ok_or_else(ApiError::internal)?;
    Ok(Json(json!({"wa_id": c.wa_id, "profile_name": c.profile_name})))
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
        o.insert(m.kind.clone(), body);
        if let Some(c) = &m.context_id {
            o.insert("context".into(), json!({"id": c}));
        }
    }
    v
}

/// `GET /customer/v1/chats`: one entry per business number, with the service window and
/// whether the customer blocked it.
pub async fn chats(State(state): State<AppState>, CustomerCaller(wa_id): CustomerCaller) -> GraphResult<Json<Value>> {
    let now = state.clock.now_ms();
    let mut out = Vec::new();
    let blocked = state.messaging.quality().blocked_by_customer(&wa_id).await?;
    for c in state.store.customer_conversations(&wa_id).await? {
        let Some(p) = state.store.phone_number(&c.phone_number_id).await? else { continue };
        let window_expires = c.last_inbound_at.map(|t| t + SERVICE_WINDOW_MS);
        let entry = state.store.entry_point(&c.phone_number_id, &wa_id).await?;
        let windows = risala_core::pricing::windows_json(c.last_inbound_at, entry.as_ref(), now);
        out.push(json!({
            "business_number": p.number,
            "display_phone_number": WaId::from_trusted(p.number.clone()).display(),
            "verified_name": p.verified_name,
            "last_message_at": c.last_message_at,
            "customer_service_window": {
                "open": window_expires.is_some_and(|e| e > now),
                "expires_at": window_expires,
            },
            "free_entry_point_window": windows["free_entry_point_window"],
            "blocked": blocked.contains(&c.phone_number_id),
        }));
    }
    Ok(Json(json!({"data": out})))
}

/// `GET /customer/v1/chats/{business_number}/messages?before=&limit=`: newest first.
pub async fn history(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let wa = WaId::parse(&number, None).map_err(|e| ApiError::bad_value(format!("business number: {e}")))?;
    let phone = state
        .store
        .phone_number_by_number(wa.as_str())
        .await?
        .ok_or_else(|| ApiError::bad_value(format!("{number} is not a business number here")))?;
    let limit = q.get("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(50).clamp(1, 500);
    let before = q
        .get("before")
        .map(|b| b.parse::<i64>())
        .transpose()
        .map_err(|_| ApiError::invalid("before must be an integer"))?;
    let msgs = state.store.chat_history(&phone.id, &wa_id, before, limit).await?;
    let data: Vec<Value> = msgs.iter().map(|m| customer_view(m, &phone.number)).collect();
    let next = msgs.last().map(|m| m.seq);
    Ok(Json(json!({"data": data, "before": next})))
}

/// `POST /customer/v1/messages {to, type, …}` → `{id, timestamp}`.
pub async fn send(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    GraphBody(mut body): GraphBody,
) -> GraphResult<Json<Value>> {
    let to = match body.remove("to") {
        Some(Value::String(s)) => s,
        Some(_) => return Err(ApiError::invalid("to must be a string").into()),
        None => return Err(ApiError::missing("to").into()),
    };
    let m = state.messaging.customer_send(&wa_id, &to, &Value::Object(body)).await?;
    Ok(Json(json!({"id": m.id, "timestamp": (m.created_at / 1000).to_string()})))
}

/// `POST /customer/v1/messages/{id}/status {status: delivered|read}`.
pub async fn ack(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let status = str_field(&body, "status")?.ok_or_else(|| ApiError::missing("status"))?;
    let changed = state.messaging.customer_ack(&wa_id, &id, status).await?;
    Ok(Json(json!({"success": true, "changed": changed})))
}

/// `POST /customer/v1/media` (multipart `file`) → `{id, mime_type, sha256, file_size}`.
pub async fn upload(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    mut mp: Multipart,
) -> GraphResult<Json<Value>> {
    let mut file = None;
    while let Some(field) =
        mp.next_field().await.map_err(|e| ApiError::invalid(format!("multipart body: {}", e.body_text())))?
    {
        if field.name() == Some("file") {
            let ct = field.content_type().map(str::to_string);
            let name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(|e| ApiError::invalid(format!("file: {}", e.body_text())))?;
            file = Some((ct, name, bytes));
        }
    }
    let (ct, name, bytes) = file.ok_or_else(|| ApiError::missing("file"))?;
    let mime = ct.filter(|c| c.contains('/')).ok_or_else(|| ApiError::missing("file content type"))?;
    if bytes.is_empty() {
        return Err(ApiError::new(ErrorCode::MediaUploadError, "file: the file is empty").into());
    }
    if bytes.len() > crate::media::MAX_UPLOAD {
        return Err(ApiError::new(ErrorCode::MediaDownloadError, "file: inbound media is limited to 100 MB").into());
    }
    let m = state.messaging.store_media("", None, Some(&wa_id), &mime, name.as_deref(), &bytes).await?;
    Ok(Json(json!({"id": m.id, "mime_type": m.mime_type, "sha256": m.sha256, "file_size": m.file_size})))
}

/// `GET /customer/v1/media/{id}`: media this customer sent or was sent.
pub async fn download(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    let now = state.clock.now_ms();
    let m = match state.store.media(&id).await? {
        Some(m) if m.owner_wa_id.as_deref() == Some(wa_id.as_str()) && m.expires_at > now => m,
        _ => return Err(ApiError::object_not_found(&id).into()),
    };
    let data = state.store.media_data(&id).await?.ok_or_else(|| ApiError::object_not_found(&id))?;
    Ok(crate::routes::graph::media::bytes_response(&m, data))
}
