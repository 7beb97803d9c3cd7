//! The web composer's attachments: received exactly as `POST /{phone-number-id}/media`
//! receives a file (the one multipart extractor, streamed to disk under the cap on uploads in
//! flight, Meta's types and size limits, the content checked against its type) and stored as
//! the business's media, which the composer then sends by id.

use std::sync::Arc;

use axum::extract::{FromRequest, Request};
use risala_core::ports::MediaBody;
use risala_core::ApiError;
use risala_web::pages::composer::{AttachmentIntake, Received};

use crate::media::check_upload;
use crate::multipart::MediaUpload;
use crate::state::AppState;

/// The composer's form fields beside `file` (and the CSRF token its action carries).
const FIELDS: &[&str] = &["caption", "reply_to", "csrf"];

async fn receive(
    state: AppState,
    req: Request,
    business_id: String,
    phone_number_id: String,
) -> Result<Received, ApiError> {
    let upload = MediaUpload::<crate::multipart::BusinessLimit>::from_request(req, &state).await.map_err(|e| e.0)?;
    upload.only_fields(FIELDS)?;
    let file = upload.file.ok_or_else(|| ApiError::missing("file"))?;
    let mime = file.content_type.clone().filter(|m| !m.is_empty()).ok_or_else(|| ApiError::missing("type"))?;
    let mut body = file.body;
    body.set_mime_type(check_upload(&mime, body.size())?);
    let filename = file.file_name.filter(|f| !f.is_empty());
    let m =
        state.messaging.store_media(&business_id, Some(&phone_number_id), None, filename.as_deref(), &mut body).await?;
    Ok(Received { media_id: m.id, mime_type: m.mime_type, filename: m.filename, fields: upload.fields })
}

/// The intake the web app's composer calls.
pub fn intake(state: &AppState) -> AttachmentIntake {
    let state = state.clone();
    Arc::new(move |req, business_id, phone_number_id| {
        Box::pin(receive(state.clone(), req, business_id, phone_number_id))
    })
}
