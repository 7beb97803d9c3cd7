//! Media: `POST /{phone-number-id}/media` (multipart upload), `GET /{media-id}` (metadata and
//! a short-lived download URL), `DELETE /{media-id}`, and the authenticated download.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use risala_core::model::Media;
use risala_core::model::{ObjectKind, Permission};
use risala_core::ports::MediaBody;
use risala_core::sniff::{served_type, shown_inline, MEDIA_CSP};
use risala_core::{ApiError, ErrorCode};
use serde_json::{json, Value};

use super::resolve;
use crate::error::{GraphError, GraphResult};
use crate::extract::{Caller, GraphQuery};
use crate::media::{check_upload, download_url, verify_download};
use crate::multipart::MediaUpload;
use crate::spool::Spooled;
use crate::state::AppState;

/// Read a multipart upload: `file` (with its content type), `type`, `messaging_product`.
pub fn read_upload(up: MediaUpload) -> Result<(String, Option<String>, Spooled), ApiError> {
    up.only_fields(&["messaging_product", "type"])?;
    match up.fields.get("messaging_product").map(String::as_str) {
        Some("whatsapp") => {}
        Some(other) => return Err(ApiError::invalid(format!("messaging_product must be whatsapp, not {other}"))),
        None => return Err(ApiError::missing("messaging_product")),
    }
    let file = up.file.ok_or_else(|| ApiError::missing("file"))?;
    let declared = up.fields.get("type").filter(|t| !t.is_empty()).cloned();
    let mime = declared.or(file.content_type).ok_or_else(|| ApiError::missing("type"))?;
    Ok((mime, file.file_name, file.body))
}

pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    upload: MediaUpload,
) -> GraphResult<Json<Value>> {
    resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Messaging)?;
    let (mime, fname, mut body) = read_upload(upload)?;
    body.set_mime_type(check_upload(&mime, body.size())?);
    let m = state.messaging.store_media(&caller.0.business_id, Some(&id), None, fname.as_deref(), &mut body).await?;
    Ok(Json(json!({"id": m.id})))
}

/// `phone_number_id` guard: when given, the media must have been uploaded by that number.
fn check_phone_guard(m: &Media, q: &GraphQuery) -> GraphResult<()> {
    if let Some(p) = q.get("phone_number_id") {
        if m.phone_number_id.as_deref() != Some(p) {
            return Err(ApiError::object_not_found(&m.id).into());
        }
    }
    Ok(())
}

pub async fn load(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Media> {
    resolve(state, caller, id, &[ObjectKind::Media]).await?;
    caller.require(Permission::Messaging)?;
    Ok(state.messaging.business_media(id).await?)
}

pub async fn info(state: &AppState, caller: &Caller, id: &str, q: &GraphQuery, base: &str) -> GraphResult<Value> {
    let m = load(state, caller, id).await?;
    check_phone_guard(&m, q)?;
    Ok(json!({
        "messaging_product": "whatsapp",
        "url": download_url(state, base, &m.id),
        "mime_type": m.mime_type,
        "sha256": m.sha256,
        "file_size": m.file_size.to_string(),
        "id": m.id,
    }))
}

pub async fn delete(state: &AppState, caller: &Caller, id: &str, q: &GraphQuery) -> GraphResult<Value> {
    let m = load(state, caller, id).await?;
    check_phone_guard(&m, q)?;
    state.messaging.delete_media(&m).await?;
    Ok(json!({"success": true}))
}

/// `GET /media-download/{id}?exp=…&sig=…` with the same bearer token: the bytes. A link that
/// expired (or was altered), or media that is gone, is HTTP 404, as Meta's download host
/// answers, with the Graph error in the body.
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Response, GraphError> {
    let found = async {
        verify_download(&state, &id, q.get("exp"), q.get("sig"))?;
        load(&state, &caller, &id).await
    };
    match found.await {
        Ok(m) => Ok(media_response(&state, m)),
        Err(GraphError(e)) if e.code == ErrorCode::ObjectNotFound => {
            Ok(crate::error::respond(&e, 404, e.code.row().subcode))
        }
        Err(e) => Err(e),
    }
}

/// Stored media as a response: its chunks streamed one at a time, with its length and type.
pub fn media_response(state: &AppState, m: Media) -> Response {
    let (messaging, count, length) = (state.messaging.clone(), m.chunk_count(), m.file_size);
    let (mime, filename) = (m.mime_type.clone(), m.filename.clone());
    let chunks = futures_util::stream::try_unfold((m, 0), move |(m, seq)| {
        let messaging = messaging.clone();
        async move {
            if seq >= count {
                return Ok(None);
            }
            let chunk = messaging.media_chunk(&m, seq).await?;
            Ok::<_, ApiError>(Some((Bytes::from(chunk), (m, seq + 1))))
        }
    });
    let mut resp = Body::from_stream(chunks).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    // The bytes are a customer's or a business's file on the pages' origin: a type a browser
    // could run is served as bytes, and nothing in them runs if the link is opened.
    if let Ok(v) = served_type(&mime).parse() {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(MEDIA_CSP));
    let disposition = match &filename {
        Some(f) => format!("attachment; filename=\"{}\"", f.replace(['"', '\\', '\r', '\n'], "_")),
        None if !shown_inline(&mime) => "attachment".to_string(),
        None => "inline".to_string(),
    };
    if let Ok(v) = disposition.parse() {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// A download link that expired or was tampered with.
pub fn expired_link(id: &str) -> ApiError {
    ApiError::new(ErrorCode::ObjectNotFound, format!("The download URL for media {id} has expired or is not valid."))
}
