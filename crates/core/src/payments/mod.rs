//! Payments (issue #18 part 3): `order_details` messages make orders a customer pays with the
//! payment provider chosen for the business number, `order_status` messages move an order, and
//! payment status changes reach the business as Meta's `payment` status webhooks.
//!
//! - [`currency`] (in the model): ISO 4217 exponents (amounts are integer minor units with `offset` 10^e).
//! - [`provider`]: the [`PaymentProvider`] trait and the sandbox provider; the Stripe provider
//!   is an HTTP client, so it lives in the server behind [`StripeConnector`].
//! - [`stripe`]: Stripe's webhook signature and the events that change a payment.
//! - [`crate::messaging`]'s `orders`: what the send path does with `order_details` and
//!   `order_status`.
//!
//! A payment status changes through [`PaymentService::apply`]: one event key per change (a
//! Stripe event id, a sandbox attempt), stored with a unique constraint, so a repeated webhook
//! or pay click neither changes the order twice nor notifies the business twice.

pub mod provider;
pub mod stripe;
mod webhook;

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::error::{ApiError, ErrorCode};
use crate::messaging::MessagingService;
use crate::model::PhoneNumber;
use crate::store::{PaymentEvent, PaymentOrder, Store};

pub use crate::messaging::orders::payment_settings as settings;
use crate::messaging::orders::sha256_hex;
pub use crate::model::currency;
pub use crate::model::payments::*;
pub use provider::{Checkout, CheckoutRequest, PaymentProvider, StripeConnector};

fn next_outcome_key(phone_number_id: &str) -> String {
    format!("payment_sandbox_next:{phone_number_id}")
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
        crate::messaging::orders::payment_settings(self.store(), phone_number_id).await
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
        self.store().set_setting(&crate::messaging::orders::settings_key(phone_number_id), &raw.to_string()).await?;
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
