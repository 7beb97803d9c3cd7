//! Quick replies: a business's saved answers, each with a `/shortcut` unique in the business,
//! a text with variables (`{{customer_name}}`, `{{agent_name}}`, `{{business_name}}`) and
//! optionally uploaded media. The inbox composer offers them when a person types `/`; the API
//! manages them and renders one for a customer.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::clock::Clock;
use crate::error::StoreError;
use crate::error::{ApiError, ErrorCode};
use crate::model::PhoneNumber;
use crate::store::{QuickReply, Store};

/// The variables a quick reply may use.
pub const VARIABLES: &[&str] = &["customer_name", "agent_name", "business_name"];
/// Longest shortcut, in characters.
pub const MAX_SHORTCUT: usize = 32;
/// Longest text: a text message's body (4096); with media it is the caption (1024).
pub const MAX_TEXT: usize = 4096;
pub const MAX_CAPTION: usize = 1024;
/// Most quick replies a business keeps.
pub const MAX_QUICK_REPLIES: usize = 500;
/// The media a quick reply may carry.
pub const MEDIA_KINDS: &[&str] = &["image", "video", "audio", "document"];

/// A quick reply as a chat's composer offers it.
#[derive(Debug, Clone)]
pub struct Offer {
    pub reply: QuickReply,
    /// The text rendered for the chat.
    pub text: String,
    /// The file name of its media, when it has media uploaded with one.
    pub filename: Option<String>,
}

/// A quick reply's media, as the composer attaches it to a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// `image`, `video`, `audio` or `document`.
    pub kind: String,
    pub media_id: String,
    pub filename: Option<String>,
}

/// A quick reply's wire shape.
pub fn to_json(q: &QuickReply) -> Value {
    let media = match (&q.media_kind, &q.media_id) {
        (Some(k), Some(id)) => json!({"type": k, "id": id}),
        _ => Value::Null,
    };
    json!({"id": q.id, "shortcut": format!("/{}", q.shortcut), "text": q.text, "media": media,
        "created_time": q.created_at / 1000, "updated_time": q.updated_at / 1000})
}

/// `/Hello` or `hello` → `hello`: letters (any script), digits, `_` and `-`, lower case.
pub fn normalize_shortcut(s: &str) -> Result<String, ApiError> {
    let s = s.trim();
    let s = s.strip_prefix('/').unwrap_or(s).to_lowercase();
    let n = s.chars().count();
    if n == 0 || n > MAX_SHORTCUT || !s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
        return Err(ApiError::bad_value(format!(
            "shortcut: '{s}' must be 1 to {MAX_SHORTCUT} letters, digits, _ or - (the / in front is optional)"
        )));
    }
    Ok(s)
}

/// The text with its variables filled in.
pub fn render(text: &str, customer_name: &str, agent_name: &str, business_name: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        match after[..j].trim() {
            "customer_name" => out.push_str(customer_name),
            "agent_name" => out.push_str(agent_name),
            "business_name" => out.push_str(business_name),
            _ => out.push_str(&rest[i..i + 2 + j + 2]),
        }
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    out
}

/// The quick reply service.
#[derive(Clone)]
pub struct QuickReplyService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl QuickReplyService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        QuickReplyService { store, clock }
    }

    pub async fn list(&self, business_id: &str) -> Result<Vec<QuickReply>, ApiError> {
        Ok(self.store.quick_replies(business_id).await?)
    }

    /// One of the business's quick replies, or Graph's 100/33 for an id it cannot see.
    pub async fn get(&self, business_id: &str, id: &str) -> Result<QuickReply, ApiError> {
        self.store.quick_reply(business_id, id).await?.ok_or_else(|| ApiError::object_not_found(id))
    }

    /// Read `{shortcut, text, media: {type, id} | null}` onto `q` (fields left out stay).
    async fn apply(&self, q: &mut QuickReply, body: &Map<String, Value>) -> Result<(), ApiError> {
        for k in body.keys() {
            if !["shortcut", "text", "media"].contains(&k.as_str()) {
                return Err(ApiError::bad_value(format!("{k}: unknown field (use shortcut, text, media)")));
            }
        }
        if let Some(s) = body.get("shortcut") {
            let s = s.as_str().ok_or_else(|| ApiError::bad_value("shortcut must be a string"))?;
            q.shortcut = normalize_shortcut(s)?;
        }
        if let Some(t) = body.get("text") {
            q.text = t.as_str().ok_or_else(|| ApiError::bad_value("text must be a string"))?.trim().to_string();
        }
        match body.get("media") {
            None => {}
            Some(Value::Null) => (q.media_kind, q.media_id) = (None, None),
            Some(Value::Object(m)) => {
                let kind = m.get("type").and_then(Value::as_str).ok_or_else(|| ApiError::missing("media.type"))?;
                if !MEDIA_KINDS.contains(&kind) {
                    return Err(ApiError::bad_value(format!("media.type: one of {}", MEDIA_KINDS.join(", "))));
                }
                let id = m.get("id").and_then(Value::as_str).ok_or_else(|| ApiError::missing("media.id"))?;
                let media = self.store.media(id).await?;
                let now = self.clock.now_ms();
                if !media.is_some_and(|m| m.sendable_by(&q.business_id, now)) {
                    return Err(ApiError::bad_value(format!(
                        "media.id: no media with id {id} was uploaded by this business"
                    )));
                }
                (q.media_kind, q.media_id) = (Some(kind.to_string()), Some(id.to_string()));
            }
            Some(_) => return Err(ApiError::bad_value("media must be an object {type, id} or null")),
        }
        if q.shortcut.is_empty() {
            return Err(ApiError::missing("shortcut"));
        }
        let max =
            if q.media_kind.is_some() && q.media_kind.as_deref() != Some("audio") { MAX_CAPTION } else { MAX_TEXT };
        let n = q.text.chars().count();
        if n == 0 && q.media_kind.is_none() {
            return Err(ApiError::missing("text"));
        }
        if n > max {
            return Err(ApiError::bad_value(format!("text: at most {max} characters ({n} given)")));
        }
        super::variables::check("text", &q.text, VARIABLES)
    }

    fn taken(shortcut: &str) -> ApiError {
        ApiError::new(
            ErrorCode::ParameterValueInvalid,
            format!("shortcut: /{shortcut} is already used by another quick reply of this business"),
        )
    }

    pub async fn create(&self, business_id: &str, body: &Map<String, Value>) -> Result<QuickReply, ApiError> {
        let now = self.clock.now_ms();
        let mut q = QuickReply {
            id: crate::ids::new_object_id(),
            business_id: business_id.to_string(),
            shortcut: String::new(),
            text: String::new(),
            media_kind: None,
            media_id: None,
            created_at: now,
            updated_at: now,
        };
        self.apply(&mut q, body).await?;
        if self.store.create_quick_reply(&q, MAX_QUICK_REPLIES).await? {
            return Ok(q);
        }
        // Not made: the business has them all already, or this shortcut.
        if self.store.quick_replies(business_id).await?.len() >= MAX_QUICK_REPLIES {
            return Err(ApiError::bad_value(format!("a business keeps at most {MAX_QUICK_REPLIES} quick replies")));
        }
        Err(Self::taken(&q.shortcut))
    }

    pub async fn update(&self, business_id: &str, id: &str, body: &Map<String, Value>) -> Result<QuickReply, ApiError> {
        let mut q = self.get(business_id, id).await?;
        self.apply(&mut q, body).await?;
        q.updated_at = self.clock.now_ms();
        match self.store.update_quick_reply(&q).await {
            Ok(true) => Ok(q),
            Ok(false) => Err(ApiError::object_not_found(id)),
            Err(StoreError::Conflict(_)) => Err(Self::taken(&q.shortcut)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn delete(&self, business_id: &str, id: &str) -> Result<(), ApiError> {
        match self.store.delete_quick_reply(business_id, id).await? {
            true => Ok(()),
            false => Err(ApiError::object_not_found(id)),
        }
    }

    /// The business's quick replies as the composer of a chat offers them: each with its text
    /// rendered for this customer, by `agent_name`, for number `phone_number_id` (whose display
    /// name is the business's name), and its media's file name. Another business's number
    /// offers none.
    pub async fn for_chat(
        &self,
        business_id: &str,
        phone_number_id: &str,
        customer_name: &str,
        agent_name: &str,
    ) -> Result<Vec<Offer>, ApiError> {
        let Some(phone) = self.store.phone_number(phone_number_id).await?.filter(|p| p.business_id == business_id)
        else {
            return Ok(Vec::new());
        };
        let mut offers = Vec::new();
        for q in self.store.quick_replies(business_id).await? {
            let text = render(&q.text, customer_name, agent_name, &phone.verified_name);
            let filename = match &q.media_id {
                Some(id) => self.store.media(id).await?.and_then(|m| m.filename),
                None => None,
            };
            offers.push(Offer { reply: q, text, filename });
        }
        Ok(offers)
    }

    /// The media of the business's quick reply `id`, as the composer sends it; `None` when the
    /// quick reply has none.
    pub async fn attachment(&self, business_id: &str, id: &str) -> Result<Option<Attachment>, ApiError> {
        let q = self.get(business_id, id).await?;
        let (Some(kind), Some(media_id)) = (q.media_kind, q.media_id) else { return Ok(None) };
        let filename = self.store.media(&media_id).await?.and_then(|m| m.filename);
        Ok(Some(Attachment { kind, media_id, filename }))
    }

    /// A quick reply rendered for customer `wa_id` of `phone` by `agent_name`: `{text, media}`.
    /// The customer must have written to or been written by the number (their name is only
    /// shown to a business they talk with).
    pub async fn render_for(
        &self,
        phone: &PhoneNumber,
        q: &QuickReply,
        wa_id: &str,
        agent_name: &str,
    ) -> Result<Value, ApiError> {
        if self.store.conversation(&phone.id, wa_id).await?.is_none() {
            return Err(ApiError::bad_value(format!("to: {wa_id} has no conversation with this number")));
        }
        let customer = self.store.customer(wa_id).await?.map(|c| c.profile_name).unwrap_or_default();
        let text = render(&q.text, &customer, agent_name, &phone.verified_name);
        Ok(json!({"id": q.id, "shortcut": format!("/{}", q.shortcut), "text": text, "media": to_json(q)["media"]}))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn shortcuts_are_normalised_and_checked() {
        assert_eq!(normalize_shortcut("/Hours").unwrap(), "hours");
        assert_eq!(normalize_shortcut("مرحبا").unwrap(), "مرحبا");
        assert!(normalize_shortcut("/").is_err());
        assert!(normalize_shortcut("two words").is_err());
        assert!(normalize_shortcut(&"a".repeat(33)).is_err());
    }

    #[test]
    fn variables_render_and_unknown_ones_are_refused() {
        let t = "Hi {{customer_name}}, {{ agent_name }} of {{business_name}} here. {{x";
        assert_eq!(render(t, "Ann", "Bo", "Shop"), "Hi Ann, Bo of Shop here. {{x");
        assert!(super::super::variables::check("text", t, VARIABLES).is_ok());
    }
}
