//! The one multipart extractor, for both media uploads (`POST /{phone-number-id}/media` and
//! `POST /customer/v1/media`): every way a multipart body can be wrong — a content type that is
//! not `multipart/form-data`, a missing or bad boundary, a truncated body, a field that is not
//! text — is a Graph error (code 100), never axum's plain-text rejection.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use risala_core::filename::check_filename;
use risala_core::ApiError;

use crate::error::GraphError;
use crate::extract::body_params_in_query;

/// The uploaded file: its part's content type and file name, and its bytes.
#[derive(Debug)]
pub struct UploadedFile {
    pub content_type: Option<String>,
    pub file_name: Option<String>,
    pub bytes: Bytes,
}

/// A multipart upload read whole: the `file` part and the text fields beside it.
#[derive(Debug)]
pub struct MediaUpload {
    pub file: Option<UploadedFile>,
    pub fields: BTreeMap<String, String>,
}

fn unreadable(what: &str, detail: &str) -> GraphError {
    GraphError(ApiError::invalid(format!("The multipart body could not be read ({what}): {detail}")))
}

impl<S: Send + Sync> FromRequest<S> for MediaUpload {
    type Rejection = GraphError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = body_params_in_query(req.uri().query())?;
        let mut mp = Multipart::from_request(req, state).await.map_err(|e| unreadable("request", &e.body_text()))?;
        let mut upload = MediaUpload { file: None, fields: BTreeMap::new() };
        while let Some(field) = mp.next_field().await.map_err(|e| unreadable("next part", &e.body_text()))? {
            let name = field.name().unwrap_or("").to_string();
            if name == "file" {
                if upload.file.is_some() {
                    return Err(
                        ApiError::invalid("Param file was given more than once; upload one file per request.").into()
                    );
                }
                let content_type = field.content_type().map(str::to_string);
                let file_name = field.file_name().map(str::to_string);
                if let Some(f) = &file_name {
                    // The same rule as a document's `filename`: the name may reach a customer.
                    check_filename(f, "file (its filename)")?;
                }
                let bytes = field.bytes().await.map_err(|e| unreadable("file", &e.body_text()))?;
                upload.file = Some(UploadedFile { content_type, file_name, bytes });
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
        Ok(upload)
    }
}

impl MediaUpload {
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
