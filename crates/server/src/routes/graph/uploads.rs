//! The Resumable Upload API, as Meta's Graph serves it for template header samples and profile
//! pictures:
//! - `POST /{app-id}/uploads?file_name=&file_length=&file_type=` → `{"id":"upload:<id>"}`;
//! - `POST /upload:<id>` with header `file_offset` and the bytes from that offset →
//!   `{"h":"<handle>"}` once the file is whole (`{"id","file_offset"}` while bytes are missing);
//! - `GET /upload:<id>` → `{"id":"upload:<id>","file_offset":N}`: where to resume.
//!
//! Meta shows `Authorization: OAuth <token>`; `Bearer` works too. The app must be one of the
//! caller's business (as for `/{app-id}/subscriptions`), the token needs
//! `whatsapp_business_management`. Bytes stream to a temporary file and are stored as media
//! (the media store's chunks); a request cut off halfway keeps the bytes that arrived.

use axum::extract::{FromRequestParts, Path, Request, State};
use axum::Json;
use futures_util::StreamExt;
use risala_core::model::{Permission, UploadSession};
use risala_core::profile::UPLOAD_TYPES;
use risala_core::ApiError;
use serde_json::{json, Map, Value};

use super::subscriptions::app_of;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody};
use crate::state::AppState;

fn param<'a>(body: &'a Map<String, Value>, key: &str) -> GraphResult<&'a Value> {
    body.get(key)
        .filter(|v| !v.is_null() && v.as_str() != Some(""))
        .ok_or_else(|| ApiError::invalid(format!("The parameter {key} is required")).into())
}

/// `POST /{app-id}/uploads`.
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let app = app_of(&state, &caller, &id).await?;
    let file_name =
        param(&body, "file_name")?.as_str().ok_or_else(|| ApiError::invalid("Param file_name must be a string"))?;
    let file_length = match param(&body, "file_length")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .ok_or_else(|| ApiError::invalid("Param file_length must be an integer number of bytes"))?;
    let file_type = param(&body, "file_type")?
        .as_str()
        .map(crate::media::essence)
        .ok_or_else(|| ApiError::invalid("Param file_type must be a string"))?;
    if !UPLOAD_TYPES.contains(&file_type.as_str()) {
        return Err(ApiError::invalid(format!(
            "Param file_type must be one of {{{}}} - got \"{file_type}\"",
            UPLOAD_TYPES.join(", ")
        ))
        .into());
    }
    let limit = crate::media::upload_limit(if file_type == "image/jpg" { "image/jpeg" } else { &file_type })
        .ok_or_else(ApiError::internal)?;
    let s = state
        .profile
        .start_upload(&caller.0.business_id, &app.id, file_name, file_length, &file_type, limit as i64)
        .await?;
    Ok(Json(json!({"id": s.wire_id()})))
}

/// The session an `upload:<id>` path names, for a caller with `whatsapp_business_management`.
async fn session(state: &AppState, caller: &Caller, wire_id: &str) -> GraphResult<UploadSession> {
    caller.require(Permission::Management)?;
    Ok(state.profile.upload_session(&caller.0.business_id, wire_id).await?)
}

fn progress(s: &UploadSession) -> Value {
    json!({"id": s.wire_id(), "file_offset": s.file_offset})
}

/// `GET /upload:<id>`.
pub async fn status(state: &AppState, caller: &Caller, wire_id: &str) -> GraphResult<Value> {
    Ok(progress(&session(state, caller, wire_id).await?))
}

/// `POST /upload:<id>`: the body is the file's bytes from `file_offset` on, read as they
/// arrive (never more than the declared length). Handled in a task of its own from the start:
/// when the client goes away mid-body the connection drops this handler, but the task still
/// stores what arrived.
pub async fn receive(state: AppState, wire_id: String, req: Request) -> GraphResult<Json<Value>> {
    tokio::spawn(receive_task(state, wire_id, req)).await.map_err(|e| ApiError::internal().with_cause(e))?
}

async fn receive_task(state: AppState, wire_id: String, req: Request) -> GraphResult<Json<Value>> {
    let (mut parts, body) = req.into_parts();
    let caller = Caller::from_request_parts(&mut parts, &state).await?;
    let s = session(&state, &caller, &wire_id).await?;
    let offset = parts
        .headers
        .get("file_offset")
        .ok_or_else(|| ApiError::invalid("The header file_offset is required: where in the file these bytes start"))?
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|o| *o >= 0)
        .ok_or_else(|| ApiError::invalid("The header file_offset must be a non-negative integer"))?;
    risala_core::profile::check_upload_offset(&s, offset)?;
    let (s, cut_off) = receive_bytes(&state, &s, offset, body).await?;
    if let Some(e) = cut_off {
        // The client is most likely gone; what arrived is kept and GET tells where to resume.
        return Err(ApiError::invalid(format!(
            "The upload was cut off ({e}); {} bytes are held: resume from file_offset {}",
            s.file_offset, s.file_offset
        ))
        .into());
    }
    Ok(Json(match &s.handle {
        Some(h) => json!({"h": h}),
        None => progress(&s),
    }))
}

/// Read the bytes from `offset` into a temporary file (at most what the file still lacks) and
/// store them; a body that breaks off is stored up to where it broke, with the reason.
async fn receive_bytes(
    state: &AppState,
    s: &UploadSession,
    offset: i64,
    body: axum::body::Body,
) -> GraphResult<(UploadSession, Option<axum::Error>)> {
    let room = u64::try_from(s.file_length - offset).map_err(|_| ApiError::internal())?;
    let permit = state.intake.admit().await?;
    let mut spool = state.intake.spool(permit).await?;
    let mut stream = body.into_data_stream();
    let mut cut_off = None;
    while let Some(frame) = stream.next().await {
        match frame {
            Ok(bytes) => {
                if spool.write(&bytes, room).await?.is_err() {
                    return Err(ApiError::invalid(format!(
                        "The upload is longer than its file_length: more than {room} bytes from offset {offset}, \
                         {} declared",
                        s.file_length
                    ))
                    .into());
                }
            }
            Err(e) => {
                cut_off = Some(e);
                break;
            }
        }
    }
    let mut received = spool.finish("application/octet-stream".into()).await?;
    Ok((state.profile.append_upload(s, offset, &mut received).await?, cut_off))
}
