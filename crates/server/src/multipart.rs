//! The one multipart extractor, for both media uploads (`POST /{phone-number-id}/media` and
//! `POST /customer/v1/media`): every way a multipart body can be wrong — a content type that is
//! not `multipart/form-data`, a missing or bad boundary, a truncated body, a field that is not
//! text — is a Graph error (code 100), never axum's plain-text rejection.
//!
//! The file streams to a temporary file ([`crate::spool`]) under the cap on uploads in flight,
//! and reading stops as soon as it passes the size limit of its declared type.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use axum::extract::{FromRequest, Multipart, Request};
use risala_core::filename::{check_filename, upload_file_name};
use risala_core::{ApiError, ErrorCode};
use serde_json::{Map, Value};

use crate::error::GraphError;
use crate::extract::{body_params_in_query, form_value, too_large, GRAPH_REQUEST_PARAMS, MAX_BODY};
use crate::media::{essence, over_limit, upload_limit, MAX_UPLOAD};
use crate::spool::Spooled;
use crate::state::AppState;

/// The uploaded file: its part's content type and file name, and its content on disk.
pub struct UploadedFile {
    pub content_type: Option<String>,
    pub file_name: Option<String>,
    pub body: Spooled,
}

/// Who uploads decides the size limit while the file streams in, and the error past it.
pub trait UploadLimit {
    /// The limit for a file declared as `declared` (so far), and the error past it.
    fn limit(declared: Option<&str>) -> (usize, ApiError);
}

/// A business (`POST /{phone-number-id}/media`): Meta's limit of the declared type (131053);
/// a type Meta does not accept is refused after the upload, at most 100 MB read.
pub struct BusinessLimit;

impl UploadLimit for BusinessLimit {
    fn limit(declared: Option<&str>) -> (usize, ApiError) {
        let essence = declared.map(essence).unwrap_or_default();
        let limit = upload_limit(&essence).unwrap_or(MAX_UPLOAD);
        (limit, over_limit(&essence, limit))
    }
}

/// A customer (`POST /customer/v1/media`): inbound media up to 100 MB (131052, as Meta's
/// inbound media download error).
pub struct CustomerLimit;

impl UploadLimit for CustomerLimit {
    fn limit(_: Option<&str>) -> (usize, ApiError) {
        (MAX_UPLOAD, ApiError::new(ErrorCode::MediaDownloadError, "file: inbound media is limited to 100 MB"))
    }
}

/// A multipart upload: the `file` part (on disk) and the text fields beside it.
pub struct MediaUpload<L = BusinessLimit> {
    pub file: Option<UploadedFile>,
    pub fields: BTreeMap<String, String>,
    limit: PhantomData<fn() -> L>,
}

fn unreadable(what: &str, detail: &str) -> GraphError {
    GraphError(ApiError::invalid(format!("The multipart body could not be read ({what}): {detail}")))
}

impl<L: UploadLimit> FromRequest<AppState> for MediaUpload<L> {
    type Rejection = GraphError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let query = body_params_in_query(req.uri().query())?;
        let mut mp = Multipart::from_request(req, state).await.map_err(|e| unreadable("request", &e.body_text()))?;
        let mut upload = MediaUpload { file: None, fields: BTreeMap::new(), limit: PhantomData };
        while let Some(mut field) = mp.next_field().await.map_err(|e| unreadable("next part", &e.body_text()))? {
            let name = field.name().unwrap_or("").to_string();
            if name == "file" {
                if upload.file.is_some() {
                    return Err(
                        ApiError::invalid("Param file was given more than once; upload one file per request.").into()
                    );
                }
                let content_type = field.content_type().map(str::to_string);
                // Clients send the path they read the file from (pywa's and heyoo's
                // `upload_media("/path/to/photo.jpg")`): only its last part is the name, which
                // then meets the rule of a document's `filename`, since it may reach a customer.
                let file_name = field.file_name().map(|f| upload_file_name(f).to_string());
                if let Some(f) = &file_name {
                    check_filename(f, "file (its filename)")?;
                }
                // A `type` field before the file declares it; else the part's own type.
                let declared = upload.fields.get("type").filter(|t| !t.is_empty()).or(content_type.as_ref());
                let (limit, over) = L::limit(declared.map(String::as_str));
                let permit = state.intake.admit().await?;
                let mut spool = state.intake.spool(permit).await?;
                while let Some(bytes) = field.chunk().await.map_err(|e| unreadable("file", &e.body_text()))? {
                    if spool.write(&bytes, limit as u64).await?.is_err() {
                        return Err(over.into());
                    }
                }
                let body = spool.finish(declared.cloned().unwrap_or_default()).await?;
                upload.file = Some(UploadedFile { content_type, file_name, body });
            } else {
                let text = field.text().await.map_err(|e| unreadable(&name, &e.body_text()))?;
                if upload.fields.insert(name.clone(), text).is_some() {
                    return Err(ApiError::invalid(format!("Param {name} was given more than once.")).into());
                }
            }
        }
        // Graph merges query-string parameters with the body (`?messaging_product=whatsapp`
        // beside a form holding only `file`); the body wins.
        for (k, v) in query {
            upload.fields.entry(k).or_insert(v);
        }
        // A token in the form authenticated the request ([`crate::extract::token_in_body`]).
        upload.fields.retain(|k, _| !GRAPH_REQUEST_PARAMS.contains(&k.as_str()));
        Ok(upload)
    }
}

/// A `multipart/form-data` body's text fields as a Graph body (`curl -F code_method=SMS`),
/// each value read as a form field's; a file part is refused, since only uploads take one.
pub(crate) async fn text_fields(req: Request) -> Result<Map<String, Value>, GraphError> {
    let mut form = Multipart::from_request(req, &()).await.map_err(|e| unreadable("request", &e.body_text()))?;
    let mut fields = Map::new();
    let mut size = 0;
    while let Some(field) = form.next_field().await.map_err(|e| unreadable("next part", &e.body_text()))? {
        let name = field.name().unwrap_or("").to_string();
        if field.file_name().is_some() {
            return Err(ApiError::invalid(format!("Param {name} must be a text field, not a file.")).into());
        }
        let value = field.text().await.map_err(|e| unreadable(&name, &e.body_text()))?;
        size += name.len() + value.len();
        if size > MAX_BODY {
            return Err(too_large().into());
        }
        fields.insert(name, form_value(value));
    }
    Ok(fields)
}

impl<L> MediaUpload<L> {
    /// Refuse fields other than `allowed` (beside `file`), as unknown JSON keys are refused.
    pub fn only_fields(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self.fields.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(ApiError::invalid(format!(
                "Unexpected field \"{k}\" in the upload; expected file{}",
                allowed.iter().map(|a| format!(", {a}")).collect::<String>()
            ))),
            None => Ok(()),
        }
    }
}
