//! Template header samples: an IMAGE, VIDEO, GIF or DOCUMENT header's `example.header_handle`
//! must be a handle this business got from the Resumable Upload API, as on Meta's platform
//! (where any other string is 131009/2494102, "invalid media handle").

use serde_json::Value;

use super::service::TemplateService;
use crate::error::ApiError;

/// Every string in a components list's `example.header_handle`, with its path.
fn header_handles(components: &Value) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    for (i, c) in components.as_array().into_iter().flatten().enumerate() {
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
            crate::profile::uploaded_file(&*self.store, now, business_id, handle, &path).await?;
        }
        Ok(())
    }
}
