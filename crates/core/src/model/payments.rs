//! Payments (issue #18 part 3), as plain data: what an `order_details` message orders, the
//! order statuses and their transitions, and a number's payment settings.

use serde_json::{json, Map, Value};

use crate::error::ApiError;

/// An order's status, as `order_status` messages set it (Meta's values).
pub const ORDER_STATUSES: &[&str] = &["pending", "processing", "partially-shipped", "shipped", "completed", "canceled"];

/// The providers a number can take payments with.
pub const PROVIDERS: &[&str] = &["sandbox", "stripe"];

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    pub retailer_id: String,
    pub name: String,
    /// The price paid for one (its `sale_amount` when it has one), minor units.
    pub unit_value: i64,
    pub quantity: i64,
}

/// What a validated `order_details` message orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSummary {
    pub reference_id: String,
    /// `digital-goods` or `physical-goods`.
    pub kind: String,
    pub currency: String,
    /// `total_amount.value`, minor units.
    pub total_value: i64,
    pub items: Vec<OrderItem>,
}

/// Whether an order may move from `from` to `to`: forward along pending → processing →
/// partially-shipped → shipped → completed; canceled from any status before shipped.
/// Completed and canceled are final.
pub fn order_transition_allowed(from: &str, to: &str) -> bool {
    let rank = |s: &str| ORDER_STATUSES.iter().position(|x| *x == s);
    match (from, to) {
        ("completed" | "canceled", _) => false,
        (_, "canceled") => matches!(from, "pending" | "processing"),
        _ => matches!((rank(from), rank(to)), (Some(a), Some(b)) if b > a),
    }
}

/// A number's payment settings. Stored in the settings table, which is encrypted at rest, so
/// the Stripe keys are sealed like every other secret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentSettings {
    /// `sandbox` (the default) or `stripe`.
    pub provider: String,
    pub stripe_secret_key: Option<String>,
    pub stripe_webhook_secret: Option<String>,
}

/// `sk_live_…wxyz`: enough to tell keys apart, never the key.
pub fn mask(key: &str) -> String {
    let prefix: String = key.split('_').take(2).collect::<Vec<_>>().join("_");
    let tail: String = key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{prefix}_…{tail}")
}

impl PaymentSettings {
    /// The settings as the API shows them: keys masked.
    pub fn to_json(&self, phone_number_id: &str) -> Value {
        json!({
            "phone_number_id": phone_number_id,
            "provider": self.provider,
            "stripe": {
                "secret_key": self.stripe_secret_key.as_deref().map(mask),
                "webhook_secret_set": self.stripe_webhook_secret.is_some(),
                "webhook_path": format!("/payments/v1/stripe/{phone_number_id}/webhook"),
            },
        })
    }

    /// Apply `{"provider", "stripe_secret_key", "stripe_webhook_secret"}`: another key is 100; an
    /// unknown provider, a key of the wrong form, or Stripe without both keys is 131009.
    pub fn apply(mut self, body: &Map<String, Value>) -> Result<PaymentSettings, ApiError> {
        const KEYS: &[&str] = &["provider", "stripe_secret_key", "stripe_webhook_secret"];
        if let Some(k) = body.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(ApiError::invalid(format!(
                "Unexpected key \"{k}\": the payment settings are {}",
                KEYS.join(", ")
            )));
        }
        let text = |k: &str| -> Result<Option<String>, ApiError> {
            match body.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
                Some(_) => Err(ApiError::invalid(format!("Param {k} must be a string"))),
            }
        };
        if let Some(p) = text("provider")? {
            if !PROVIDERS.contains(&p.as_str()) {
                return Err(ApiError::bad_value(format!(
                    "provider must be one of {} - got \"{p}\"",
                    PROVIDERS.join(", ")
                )));
            }
            self.provider = p;
        }
        if let Some(k) = text("stripe_secret_key")? {
            if !(k.starts_with("sk_") || k.starts_with("rk_")) || k.len() < 12 {
                return Err(ApiError::bad_value(
                    "stripe_secret_key must be a Stripe secret or restricted key (sk_… or rk_…)",
                ));
            }
            self.stripe_secret_key = Some(k);
        }
        if let Some(k) = text("stripe_webhook_secret")? {
            if !k.starts_with("whsec_") || k.len() < 12 {
                return Err(ApiError::bad_value("stripe_webhook_secret must be a Stripe signing secret (whsec_…)"));
            }
            self.stripe_webhook_secret = Some(k);
        }
        if self.provider == "stripe" && (self.stripe_secret_key.is_none() || self.stripe_webhook_secret.is_none()) {
            return Err(ApiError::bad_value(
                "provider stripe needs stripe_secret_key and stripe_webhook_secret (the endpoint's signing secret)",
            ));
        }
        Ok(self)
    }
}
