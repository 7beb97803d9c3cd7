//! Status (issue #18, part 5): a business number posts updates (a text on a background colour,
//! an image or a video) that the customers who have chatted with it see for 24 hours in the
//! customer page's Updates tab. A reply to an update is an ordinary message whose `context`
//! names the update (`{"from": business number, "id": status id}`, Meta's shape of a reply).
//!
//! WhatsApp's Cloud API has no Status endpoint; this API is Risala's own, shaped like the send
//! API's message objects so that a client builds an update as it builds a message.

use serde_json::{json, Map, Value};

use super::fields::{link, object, only_keys, required_text, text};
use super::AdService;
use crate::clock::Millis;
use crate::error::ApiError;
use crate::model::PhoneNumber;
use crate::store::StatusRow;

/// How long a Status update is seen.
pub const STATUS_TTL_MS: Millis = 24 * 3_600_000;
/// The background of a text update when none is given (WhatsApp's teal).
pub const DEFAULT_BACKGROUND: &str = "#128C7E";

/// A business's live updates, as one customer sees them.
#[derive(Debug, Clone)]
pub struct BusinessUpdates {
    pub phone: PhoneNumber,
    pub updates: Vec<StatusRow>,
}

fn colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

impl AdService {
    /// Post a Status update of `phone`: `{type: text, text: {body, background_color}}` or
    /// `{type: image|video, image|video: {id | link, caption}}`.
    pub async fn post_status(&self, phone: &PhoneNumber, body: &Map<String, Value>) -> Result<StatusRow, ApiError> {
        let kind = required_text(body, "", "type", 10)?;
        let content = match kind.as_str() {
            "text" => {
                only_keys(body, "", &["type", "text"])?;
                let t = object(body, "", "text")?.ok_or_else(|| ApiError::missing("text"))?;
                only_keys(t, "text", &["body", "background_color"])?;
                let text_body = required_text(t, "text", "body", 700)?;
                let bg = text(t, "text", "background_color", 7)?.unwrap_or_else(|| DEFAULT_BACKGROUND.to_string());
                if !colour(&bg) {
                    return Err(ApiError::bad_value(format!("text.background_color: a colour as #RRGGBB, not {bg}")));
                }
                json!({"body": text_body, "background_color": bg.to_ascii_uppercase()})
            }
            "image" | "video" => {
                only_keys(body, "", &["type", kind.as_str()])?;
                let m = object(body, "", &kind)?.ok_or_else(|| ApiError::missing(&kind))?;
                only_keys(m, &kind, &["id", "link", "caption"])?;
                let mut c = Map::new();
                match (text(m, &kind, "id", 64)?, link(m, &kind, "link")?) {
                    (Some(id), None) => {
                        self.business_media(phone, &kind, &id, &format!("{kind}.id")).await?;
                        c.insert("id".into(), id.into());
                    }
                    (None, Some(l)) => {
                        c.insert("link".into(), l.into());
                    }
                    (None, None) => return Err(ApiError::missing(&format!("{kind}.id"))),
                    (Some(_), Some(_)) => return Err(ApiError::bad_value(format!("{kind}: id or link, not both"))),
                }
                if let Some(cap) = text(m, &kind, "caption", 700)? {
                    c.insert("caption".into(), cap.into());
                }
                Value::Object(c)
            }
            other => return Err(ApiError::bad_value(format!("type: text, image or video, not {other}"))),
        };
        let now = self.now();
        let row = StatusRow {
            id: crate::ids::new_object_id(),
            business_id: phone.business_id.clone(),
            phone_number_id: phone.id.clone(),
            kind,
            content,
            created_at: now,
            expires_at: now + STATUS_TTL_MS,
            deleted_at: None,
        };
        self.store().put_status(&row).await?;
        Ok(row)
    }

    /// The number's updates still seen (posted in the last 24 hours, not deleted).
    pub async fn statuses(&self, phone: &PhoneNumber) -> Result<Vec<StatusRow>, ApiError> {
        Ok(self.store().live_statuses(&phone.id, self.now()).await?)
    }

    /// Delete an update of the number.
    pub async fn delete_status(&self, phone: &PhoneNumber, id: &str) -> Result<(), ApiError> {
        if !self.store().delete_status(&phone.id, id, self.now()).await? {
            return Err(ApiError::object_not_found(id));
        }
        Ok(())
    }

    /// The updates customer `wa_id` sees: of every business number they have chatted with,
    /// the most recently updated business first.
    pub async fn updates_for(&self, wa_id: &str) -> Result<Vec<BusinessUpdates>, ApiError> {
        let now = self.now();
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for c in self.store().customer_conversations(wa_id).await? {
            if !seen.insert(c.phone_number_id.clone()) {
                continue;
            }
            let updates = self.store().live_statuses(&c.phone_number_id, now).await?;
            if updates.is_empty() {
                continue;
            }
            let Some(phone) = self.store().phone_number(&c.phone_number_id).await? else { continue };
            out.push(BusinessUpdates { phone, updates });
        }
        out.sort_by_key(|b| std::cmp::Reverse(b.updates.last().map(|u| u.created_at)));
        Ok(out)
    }

    /// An update customer `wa_id` can see now, or Graph's answer for an unknown id.
    pub async fn visible_status(&self, wa_id: &str, id: &str) -> Result<StatusRow, ApiError> {
        let now = self.now();
        let s = self.store().status_update(id).await?;
        let s =
            s.filter(|s| s.deleted_at.is_none() && s.expires_at > now).ok_or_else(|| ApiError::object_not_found(id))?;
        let chatted =
            self.store().customer_conversations(wa_id).await?.iter().any(|c| c.phone_number_id == s.phone_number_id);
        if !chatted {
            return Err(ApiError::object_not_found(id));
        }
        Ok(s)
    }

    /// The media of an update customer `wa_id` can see (`{id}` form).
    pub async fn status_media(&self, wa_id: &str, id: &str) -> Result<crate::model::Media, ApiError> {
        let s = self.visible_status(wa_id, id).await?;
        let media_id = s.content["id"].as_str().ok_or_else(|| ApiError::object_not_found(id))?;
        match self.store().media(media_id).await? {
            Some(m) if m.expires_at > self.now() => Ok(m),
            _ => Err(ApiError::object_not_found(id)),
        }
    }
}

/// An update on the wire; `media_url` is where its image or video is read (for the customer,
/// `token` is appended by the page).
pub fn status_view(s: &StatusRow, base: &str) -> Value {
    let mut content = s.content.clone();
    if s.kind != "text" && s.content.get("id").is_some() {
        content["url"] = format!("{base}/customer/v1/status/{}/media", s.id).into();
    } else if let Some(l) = s.content.get("link") {
        content["url"] = l.clone();
    }
    json!({
        "id": s.id,
        "type": s.kind,
        (s.kind.as_str()): content,
        "created_time": s.created_at.div_euclid(1000),
        "expiration_time": s.expires_at.div_euclid(1000),
    })
}
