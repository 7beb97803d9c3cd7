//! A business number's commerce settings (`GET|POST /{phone-number-id}/whatsapp_commerce_settings`):
//! whether customers can put products in a cart (`is_cart_enabled`) and whether the catalog
//! storefront is shown (`is_catalog_visible`). Both default to true. With the cart off a
//! customer cannot send an `order` (a cart) to the number; the customer API shows both
//! settings on the chat, as WhatsApp shows or hides the cart and storefront buttons.

use serde_json::{json, Map, Value};

use super::MessagingService;
use crate::error::ApiError;

/// The settings of one business number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommerceSettings {
    /// Customers can add products to a cart and send it as an `order` message.
    pub is_cart_enabled: bool,
    /// The catalog storefront icon is shown in the chat.
    pub is_catalog_visible: bool,
}

impl Default for CommerceSettings {
    fn default() -> Self {
        CommerceSettings { is_cart_enabled: true, is_catalog_visible: true }
    }
}

/// The settings table key of a number's commerce settings.
fn key(phone_number_id: &str) -> String {
    format!("commerce_settings:{phone_number_id}")
}

/// A boolean parameter: JSON `true`/`false`, or the text `"true"`/`"false"` a form or query
/// string carries.
fn flag(body: &Map<String, Value>, name: &str) -> Result<Option<bool>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") || s == "1" => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") || s == "0" => Ok(Some(false)),
        Some(other) => Err(ApiError::invalid(format!("Param {name} must be a boolean - got {other}"))),
    }
}

impl CommerceSettings {
    /// `{"is_cart_enabled":…,"is_catalog_visible":…,"id":…}`, one entry of Meta's `data`.
    pub fn to_json(&self, phone_number_id: &str) -> Value {
        json!({
            "is_cart_enabled": self.is_cart_enabled,
            "is_catalog_visible": self.is_catalog_visible,
            "id": phone_number_id,
        })
    }

    /// Apply `is_cart_enabled` and/or `is_catalog_visible`; another key is 100, and so is a
    /// request that names neither.
    pub fn apply(mut self, body: &Map<String, Value>) -> Result<CommerceSettings, ApiError> {
        if let Some(k) = body.keys().find(|k| *k != "is_cart_enabled" && *k != "is_catalog_visible") {
            return Err(ApiError::invalid(format!(
                "Unexpected key \"{k}\": the commerce settings are is_cart_enabled and is_catalog_visible"
            )));
        }
        let cart = flag(body, "is_cart_enabled")?;
        let catalog = flag(body, "is_catalog_visible")?;
        if cart.is_none() && catalog.is_none() {
            return Err(ApiError::invalid("Set at least one of is_cart_enabled, is_catalog_visible"));
        }
        self.is_cart_enabled = cart.unwrap_or(self.is_cart_enabled);
        self.is_catalog_visible = catalog.unwrap_or(self.is_catalog_visible);
        Ok(self)
    }
}

impl MessagingService {
    /// A number's commerce settings (the defaults when never set).
    pub async fn commerce_settings(&self, phone_number_id: &str) -> Result<CommerceSettings, ApiError> {
        let Some(raw) = self.store.setting(&key(phone_number_id)).await? else {
            return Ok(CommerceSettings::default());
        };
        let v: Value = serde_json::from_str(&raw).unwrap_or(Value::Null);
        let d = CommerceSettings::default();
        Ok(CommerceSettings {
            is_cart_enabled: v["is_cart_enabled"].as_bool().unwrap_or(d.is_cart_enabled),
            is_catalog_visible: v["is_catalog_visible"].as_bool().unwrap_or(d.is_catalog_visible),
        })
    }

    /// Change a number's commerce settings; returns the new settings.
    pub async fn update_commerce_settings(
        &self,
        phone_number_id: &str,
        body: &Map<String, Value>,
    ) -> Result<CommerceSettings, ApiError> {
        let s = self.commerce_settings(phone_number_id).await?.apply(body)?;
        let raw = json!({"is_cart_enabled": s.is_cart_enabled, "is_catalog_visible": s.is_catalog_visible});
        self.store.set_setting(&key(phone_number_id), &raw.to_string()).await?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn applies_booleans_and_their_text() {
        let s = CommerceSettings::default();
        let s = s.apply(&body(json!({"is_cart_enabled": "false"}))).unwrap();
        assert_eq!(s, CommerceSettings { is_cart_enabled: false, is_catalog_visible: true });
        let s = s.apply(&body(json!({"is_catalog_visible": false, "is_cart_enabled": true}))).unwrap();
        assert_eq!(s, CommerceSettings { is_cart_enabled: true, is_catalog_visible: false });
        assert!(s.apply(&body(json!({}))).is_err());
        assert!(s.apply(&body(json!({"is_cart_enabled": "maybe"}))).is_err());
        assert!(s.apply(&body(json!({"is_cart_enabled": true, "cart": true}))).is_err());
    }
}
