//! Template headers sent with an uploaded media `id` (the header, or a carousel card's): the
//! media must be the business's, unexpired and of the header's kind; the customer receives a
//! copy of their own, committed with the message.

use serde_json::Value;

use super::service::TemplateService;
use crate::error::{ApiError, ErrorCode};
use crate::model::PhoneNumber;
use crate::store::MediaCopy;

impl TemplateService {
    /// If the rendered `header` (`{"type": kind, kind: {"id"}}`) names uploaded media, check it
    /// and point the header at a copy for `wa_id`, pushed to `copies`. `at` names the header in
    /// errors. Other headers are left as they are.
    pub(super) async fn copy_header_media(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        header: &mut Value,
        at: &str,
        copies: &mut Vec<MediaCopy>,
    ) -> Result<(), ApiError> {
        let kind = header["type"].as_str().unwrap_or_default().to_string();
        let Some(media_id) = header[&kind]["id"].as_str().map(str::to_string) else {
            return Ok(());
        };
        let now = self.now();
        let media = match self.store().media(&media_id).await? {
            Some(m) if m.sendable_by(&phone.business_id, now) => m,
            _ => {
                return Err(ApiError::bad_value(format!(
                    "{at}.parameters[0].{kind}.id: no media with id {media_id} was uploaded by this business"
                )))
            }
        };
        if let Some(k) = crate::inbound::InboundKind::parse(&kind) {
            if !k.accepts_mime(&media.mime_type) {
                return Err(ApiError::new(
                    ErrorCode::TemplateParamFormat,
                    format!("{at}: media of type {} cannot be a {} header", media.mime_type, kind.to_uppercase()),
                ));
            }
        }
        let copy = MediaCopy::for_customer(&media, wa_id, now, media.expires_at);
        header[&kind]["id"] = Value::String(copy.new_id.clone());
        header[&kind]["mime_type"] = Value::String(media.mime_type.clone());
        copies.push(copy);
        Ok(())
    }
}
