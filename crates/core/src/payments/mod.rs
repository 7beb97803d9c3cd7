//! Payments (issue #18 part 3): `order_details` messages make orders a customer pays with the
//! payment provider chosen for the business number, `order_status` messages move an order, and
//! payment status changes reach the business as Meta's `payment` status webhooks.
//!
//! - [`currency`]: ISO 4217 exponents (amounts are integer minor units with `offset` 10^e).
//! - [`provider`]: the [`PaymentProvider`] trait and the sandbox provider; the Stripe provider
//!   is an HTTP client, so it lives in the server behind [`StripeConnector`].
//! - [`stripe`]: Stripe's webhook signature and the events that change a payment.
//! - [`send`]: what the send path does with `order_details` and `order_status`.
//!
//! A payment status changes through [`PaymentService::apply`]: one event key per change (a
//! Stripe event id, a sandbox attempt), stored with a unique constraint, so a repeated webhook
//! or pay click neither changes the order twice nor notifies the business twice.

pub mod currency;
pub mod provider;
pub mod send;
pub mod stripe;
mod webhook;

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::error::{ApiError, ErrorCode};
use crate::messaging::MessagingService;
use crate::model::PhoneNumber;
use crate::store::{PaymentEvent, PaymentOrder, Store};

pub use provider::{Checkout, CheckoutRequest, PaymentProvider, StripeConnector};

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

/// SHA-256 of `s`, hex.
pub(crate) fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

fn settings_key(phone_number_id: &str) -> String {
    format!("payment_settings:{phone_number_id}")
}

fn next_outcome_key(phone_number_id: &str) -> String {
    format!("payment_sandbox_next:{phone_number_id}")
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

/// A number's payment settings (the sandbox provider when never set).
pub async fn settings(store: &dyn Store, phone_number_id: &str) -> Result<PaymentSettings, ApiError> {
    let Some(raw) = store.setting(&settings_key(phone_number_id)).await? else {
        return Ok(PaymentSettings { provider: "sandbox".into(), ..Default::default() });
    };
    let v: Value = serde_json::from_str(&raw).unwrap_or(Value::Null);
    let s = |k: &str| v[k].as_str().map(str::to_string);
    Ok(PaymentSettings {
        provider: s("provider").unwrap_or_else(|| "sandbox".into()),
        stripe_secret_key: s("stripe_secret_key"),
        stripe_webhook_secret: s("stripe_webhook_secret"),
    })
}

/// How the sandbox provider ends the next payment of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxOutcome {
    Success,
    Failure,
    Expiry,
}

impl SandboxOutcome {
    pub fn parse(s: &str) -> Option<SandboxOutcome> {
        match s {
            "success" => Some(SandboxOutcome::Success),
            "failure" => Some(SandboxOutcome::Failure),
            "expiry" => Some(SandboxOutcome::Expiry),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SandboxOutcome::Success => "success",
            SandboxOutcome::Failure => "failure",
            SandboxOutcome::Expiry => "expiry",
        }
    }
}

/// An order as the APIs show it.
pub fn order_json(o: &PaymentOrder) -> Value {
    json!({
        "reference_id": o.reference_id,
        "phone_number_id": o.phone_number_id,
        "wa_id": o.wa_id,
        "message_id": o.message_id,
        "currency": o.currency,
        "total_amount": {"value": o.total_value, "offset": currency::offset(&o.currency).unwrap_or(100)},
        "order_status": o.order_status,
        "payment_status": o.payment_status,
        "provider": o.provider,
        "checkout_url": o.checkout_url,
        "transaction_id": o.transaction_id,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    })
}

/// A payment status change to apply: what the business's webhook says.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub event_key: String,
    /// `pending`, `captured` or `failed`.
    pub status: &'static str,
    pub transaction_id: String,
    /// `{code, reason}` of a failed payment.
    pub error: Option<(&'static str, String)>,
}

#[derive(Clone)]
pub struct PaymentService {
    messaging: MessagingService,
    stripe: Option<Arc<dyn StripeConnector>>,
}

impl PaymentService {
    /// `stripe`: how to reach Stripe (the server's HTTP client); without one, a number cannot
    /// take payments with Stripe.
    pub fn new(messaging: MessagingService, stripe: Option<Arc<dyn StripeConnector>>) -> Self {
        PaymentService { messaging, stripe }
    }

    fn store(&self) -> &dyn Store {
        self.messaging.store().as_ref()
    }

    pub async fn settings(&self, phone_number_id: &str) -> Result<PaymentSettings, ApiError> {
        settings(self.store(), phone_number_id).await
    }

    pub async fn update_settings(
        &self,
        phone_number_id: &str,
        body: &Map<String, Value>,
    ) -> Result<PaymentSettings, ApiError> {
        let s = self.settings(phone_number_id).await?.apply(body)?;
        let raw = json!({
            "provider": s.provider,
            "stripe_secret_key": s.stripe_secret_key,
            "stripe_webhook_secret": s.stripe_webhook_secret,
        });
        self.store().set_setting(&settings_key(phone_number_id), &raw.to_string()).await?;
        Ok(s)
    }

    /// Make the number's next sandbox payment end as `outcome` (sandbox API).
    pub async fn set_next_outcome(&self, phone_number_id: &str, outcome: SandboxOutcome) -> Result<(), ApiError> {
        self.store().set_setting(&next_outcome_key(phone_number_id), outcome.as_str()).await?;
        Ok(())
    }

    pub async fn order(&self, phone_number_id: &str, reference_id: &str) -> Result<Option<PaymentOrder>, ApiError> {
        Ok(self.store().payment_order(phone_number_id, reference_id).await?)
    }

    pub async fn orders(&self, phone_number_id: &str, limit: usize) -> Result<Vec<PaymentOrder>, ApiError> {
        Ok(self.store().payment_orders(phone_number_id, limit).await?)
    }

    /// The customer's order `reference_id` from `phone`: another customer's is unknown.
    pub async fn customer_order(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        reference_id: &str,
    ) -> Result<PaymentOrder, ApiError> {
        match self.order(&phone.id, reference_id).await? {
            Some(o) if o.wa_id == wa_id => Ok(o),
            _ => Err(ApiError::new(ErrorCode::ObjectNotFound, format!("No order {reference_id} in this chat."))),
        }
    }

    /// The customer pays order `o` (one click). A captured order is answered as it is (nothing
    /// is charged twice). With the sandbox provider the payment ends at once, as `outcome`
    /// says (sandbox mode), else as the sandbox API last asked, else successfully; with Stripe
    /// the answer carries the Checkout URL to pay at, made once per order.
    pub async fn pay(&self, o: PaymentOrder, outcome: Option<SandboxOutcome>) -> Result<PaymentOrder, ApiError> {
        if o.payment_status == "captured" {
            return Ok(o);
        }
        if o.order_status == "canceled" {
            return Err(ApiError::bad_value(format!("Order {} was canceled; it cannot be paid.", o.reference_id)));
        }
        let phone = self
            .messaging
            .phone(&o.phone_number_id)
            .await?
            .ok_or_else(|| ApiError::object_not_found(&o.phone_number_id))?;
        match o.provider.as_str() {
            "stripe" => self.stripe_checkout(&phone, o).await,
            _ => {
                let key = next_outcome_key(&phone.id);
                let outcome = match outcome {
                    Some(x) => x,
                    None => {
                        let stored = self.store().setting(&key).await?;
                        match stored.as_deref().and_then(SandboxOutcome::parse) {
                            Some(x) if x != SandboxOutcome::Success => {
                                self.store().set_setting(&key, "success").await?;
                                x
                            }
                            _ => SandboxOutcome::Success,
                        }
                    }
                };
                let attempt = o.attempts + 1;
                let transaction_id = format!(
                    "sbx_{}",
                    &sha256_hex(&format!("{}:{}:{attempt}", o.phone_number_id, o.reference_id))[..20]
                );
                // Unique per number: the order and its attempt.
                let event_key = format!("sandbox:{}:{attempt}", o.reference_id);
                let change = match outcome {
                    SandboxOutcome::Success => {
                        StatusChange { event_key: event_key.clone(), status: "captured", transaction_id, error: None }
                    }
                    SandboxOutcome::Failure => StatusChange {
                        event_key: event_key.clone(),
                        status: "failed",
                        transaction_id,
                        error: Some(("card_declined", "The sandbox declined the payment.".into())),
                    },
                    SandboxOutcome::Expiry => StatusChange {
                        event_key: event_key.clone(),
                        status: "failed",
                        transaction_id,
                        error: Some(("expired", "The payment session expired before the customer paid.".into())),
                    },
                };
                self.apply(&phone, &o, change).await?;
                self.order(&o.phone_number_id, &o.reference_id)
                    .await?
                    .ok_or_else(|| ApiError::object_not_found(&o.reference_id))
            }
        }
    }

    async fn stripe_checkout(&self, phone: &PhoneNumber, o: PaymentOrder) -> Result<PaymentOrder, ApiError> {
        if o.checkout_url.is_some() {
            return Ok(o);
        }
        let settings = self.settings(&phone.id).await?;
        let (Some(connector), Some(key)) = (&self.stripe, settings.stripe_secret_key.as_deref()) else {
            return Err(ApiError::bad_value("This number has no Stripe key: set one in its payment settings."));
        };
        let provider = connector.connect(key);
        // One Checkout Session per order: Stripe answers a repeated request with the same key
        // with the first answer.
        let idempotency_key = format!("risala-{}-{}", o.phone_number_id, o.reference_id);
        let checkout = provider.create_checkout(&CheckoutRequest { order: &o, idempotency_key }).await?;
        let now = self.messaging.now();
        self.store()
            .set_checkout(&o.phone_number_id, &o.reference_id, &checkout.id, checkout.url.as_deref(), now)
            .await?;
        let change = StatusChange {
            event_key: format!("checkout:{}", checkout.id),
            status: "pending",
            transaction_id: checkout.id.clone(),
            error: None,
        };
        self.apply(phone, &o, change).await?;
        self.order(&o.phone_number_id, &o.reference_id)
            .await?
            .ok_or_else(|| ApiError::object_not_found(&o.reference_id))
    }

    /// Apply a payment status change to order `o` and queue its `payment` status webhook, once
    /// per event key. `false` when it changed nothing (a repeat, or the order was captured).
    pub async fn apply(&self, phone: &PhoneNumber, o: &PaymentOrder, c: StatusChange) -> Result<bool, ApiError> {
        let now = self.messaging.now();
        let contact = self.messaging.webhook_contact(&phone.business_id, &o.wa_id).await?;
        let value = webhook::payment_value(phone, o, &contact, &c, now);
        let row = self.messaging.outbox(phone, &o.wa_id, "messages", value, now);
        let event = PaymentEvent {
            phone_number_id: o.phone_number_id.clone(),
            reference_id: o.reference_id.clone(),
            event_key: c.event_key.clone(),
            status: c.status.to_string(),
            transaction_id: c.transaction_id.clone(),
            at: now,
        };
        let applied = self.store().record_payment_event(&event, &[row]).await?;
        if applied {
            self.messaging.notify_outbox(&phone.business_id, &phone.id, &o.wa_id);
        }
        Ok(applied)
    }

    /// A Stripe webhook for number `phone_number_id`: `payload` verified against the number's
    /// signing secret with `signature` (the `Stripe-Signature` header), then applied. Returns
    /// whether it changed an order.
    pub async fn stripe_webhook(
        &self,
        phone_number_id: &str,
        signature: Option<&str>,
        payload: &[u8],
    ) -> Result<bool, ApiError> {
        let phone =
            self.messaging.phone(phone_number_id).await?.ok_or_else(|| ApiError::object_not_found(phone_number_id))?;
        let settings = self.settings(phone_number_id).await?;
        let Some(secret) = settings.stripe_webhook_secret else {
            return Err(ApiError::bad_value("This number has no Stripe signing secret."));
        };
        let now_secs = self.messaging.now() / 1000;
        stripe::verify(&secret, signature.unwrap_or_default(), payload, now_secs)?;
        let event: Value = serde_json::from_slice(payload)
            .map_err(|e| ApiError::invalid(format!("The Stripe event is not JSON: {e}")))?;
        let Some(ev) = stripe::parse_event(&event) else { return Ok(false) };
        let Some(o) = self.order(phone_number_id, &ev.reference_id).await? else {
            return Ok(false);
        };
        self.apply(&phone, &o, ev.change).await
    }
}
