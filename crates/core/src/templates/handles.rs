//! Template header samples: an IMAGE, VIDEO, GIF or DOCUMENT header's `example.header_handle`
//! must be a handle this business got from the Resumable Upload API, as on Meta's platform
//! (where any other string is 131009/2494102, "invalid media handle").

use serde_json::Value;

use super::service::TemplateService;
use crate::clock::Millis;
use crate::error::{ApiError, ErrorCode};
use crate::model::UploadSession;
use crate::store::Store;

/// Every string in a components list's `example.header_handle`, with its path.
fn header_handles(components: &Value) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    for (i, c) in components.as_array().into_iter().flatten().enumerate() {
        // A carousel's cards each carry a header sample.
        for (k, card) in c.get("cards").and_then(Value::as_array).into_iter().flatten().enumerate() {
            for (path, h) in header_handles(&card["components"]) {
                out.push((format!("components[{i}].cards[{k}].{path}"), h));
            }
        }
        let handles = c.get("example").and_then(|e| e.get("header_handle")).and_then(Value::as_array);
        for (j, h) in handles.into_iter().flatten().enumerate() {
            if let Some(h) = h.as_str() {
                out.push((format!("components[{i}].example.header_handle[{j}]"), h));
            }
        }
    }
    out
}

impl TemplateService {
    /// Check the header samples of `components` (raw or validated) against the uploads of
    /// business `business_id`.
    pub(super) async fn check_header_handles(&self, business_id: &str, components: &Value) -> Result<(), ApiError> {
        let now = self.now();
        for (path, handle) in header_handles(components) {
            uploaded_file(&*self.store, now, business_id, handle, &path).await?;
        }
        Ok(())
    }
}

/// The upload behind `handle` at `now`: a whole file business `business_id` uploaded with the
/// Resumable Upload API, whose session lasts. Anything else is 131009/2494102, naming `field`.
pub async fn uploaded_file(
    store: &dyn Store,
    now: Millis,
    business_id: &str,
    handle: &str,
    field: &str,
) -> Result<UploadSession, ApiError> {
    match store.upload_by_handle(handle).await? {
        Some(s) if s.business_id == business_id && s.expires_at > now && s.media_id.is_some() => Ok(s),
        _ => Err(ApiError::new(
            ErrorCode::InvalidMediaHandle,
            format!(
                "{field}: '{handle}' is not a handle of a file this business uploaded with the Resumable Upload API \
                 (POST /{{app-id}}/uploads, then POST /upload:<id>)"
            ),
        )
        .with_user_message(
            "Invalid media handle",
            "The uploaded media handle is not valid. Upload the file again and use the new handle.",
        )),
    }
}
