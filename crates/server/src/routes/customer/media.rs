//! Media from the customer's side: upload (`POST /customer/v1/media`, multipart `file`) and
//! download of media this customer sent or was sent.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use risala_core::ports::MediaBody;
use risala_core::{ApiError, ErrorCode};
use serde_json::{json, Value};

use super::CustomerCaller;
use crate::error::{GraphError, GraphResult};
use crate::multipart::{CustomerLimit, MediaUpload};
use crate::state::AppState;

/// `POST /customer/v1/media` (multipart `file`) → `{id, mime_type, sha256, file_size}`.
pub async fn upload(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    upload: MediaUpload<CustomerLimit>,
) -> GraphResult<Json<Value>> {
    upload.only_fields(&[])?;
    let file = upload.file.ok_or_else(|| ApiError::missing("file"))?;
    let (ct, name, mut body) = (file.content_type, file.file_name, file.body);
    let mime = ct.filter(|c| c.contains('/')).ok_or_else(|| ApiError::missing("file content type"))?;
    if body.size() == 0 {
        return Err(ApiError::new(ErrorCode::MediaUploadError, "file: the file is empty").into());
    }
    body.set_mime_type(mime);
    let m = state.messaging.store_media("", None, Some(&wa_id), name.as_deref(), &mut body).await?;
    Ok(Json(json!({"id": m.id, "mime_type": m.mime_type, "sha256": m.sha256, "file_size": m.file_size})))
}

/// `GET /customer/v1/media/{id}`: media this customer sent or was sent.
pub async fn download(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    let m = state.customers.media(&wa_id, &id).await?;
    Ok(crate::routes::graph::media::media_response(&state, m))
}
