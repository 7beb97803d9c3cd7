//! Payments (issue #18 part 3): the orders a business sent with `order_details`, one per
//! (number, `reference_id`), and the payment events that changed them, one per (number, event
//! key), so a repeated provider webhook or pay click changes nothing twice.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::OutboxRow;

/// An order sent to a customer with an `order_details` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOrder {
    pub phone_number_id: String,
    pub reference_id: String,
    pub business_id: String,
    pub wa_id: String,
    /// The `order_details` message (the `id` of the payment status webhooks).
    pub message_id: String,
    /// SHA-256 (hex) of the customer and the interactive object: a repeated send with the
    /// same hash is the same request.
    pub body_hash: String,
    pub currency: String,
    /// `total_amount.value`, minor units.
    pub total_value: i64,
    /// `pending`, `processing`, `partially-shipped`, `shipped`, `completed`, `canceled`.
    pub order_status: String,
    /// `unpaid`, `pending`, `captured`, `failed`.
    pub payment_status: String,
    /// `sandbox` or `stripe`: the provider the number used when the order was sent.
    pub provider: String,
    /// The provider's checkout (a Stripe Checkout Session id) and where the customer pays.
    pub checkout_id: Option<String>,
    pub checkout_url: Option<String>,
    /// The last transaction's id.
    pub transaction_id: Option<String>,
    /// Payment events recorded (each pay click of the sandbox is one).
    pub attempts: i64,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// One payment status change, applied once per `event_key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentEvent {
    pub phone_number_id: String,
    pub reference_id: String,
    /// Unique per number: Stripe's event id, or `sandbox:{reference_id}:{attempt}`.
    pub event_key: String,
    /// The order's payment status after it: `pending`, `captured` or `failed`.
    pub status: String,
    pub transaction_id: String,
    pub at: Millis,
}

#[async_trait]
pub trait PaymentStore: Send + Sync {
    async fn payment_order(&self, phone_number_id: &str, reference_id: &str) -> StoreResult<Option<PaymentOrder>>;
    /// A number's orders, newest first.
    async fn payment_orders(&self, phone_number_id: &str, limit: usize) -> StoreResult<Vec<PaymentOrder>>;
    /// One chat's orders (this number, this customer), newest first.
    async fn chat_payment_orders(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        limit: usize,
    ) -> StoreResult<Vec<PaymentOrder>>;
    /// `false` when the number already has an order with this reference id.
    async fn insert_payment_order(&self, o: &PaymentOrder) -> StoreResult<bool>;
    /// Move the order status from `from` to `to`; `false` when it was not `from` any more.
    async fn set_order_status(
        &self,
        phone_number_id: &str,
        reference_id: &str,
        from: &str,
        to: &str,
        at: Millis,
    ) -> StoreResult<bool>;
    /// Record where the customer pays (a provider checkout).
    async fn set_checkout(
        &self,
        phone_number_id: &str,
        reference_id: &str,
        checkout_id: &str,
        checkout_url: Option<&str>,
        at: Millis,
    ) -> StoreResult<()>;
    /// Apply `e` to its order and queue `outbox`, in one commit, only if the event key is new
    /// and the order is not `captured` already. `false` when nothing changed.
    async fn record_payment_event(&self, e: &PaymentEvent, outbox: &[OutboxRow]) -> StoreResult<bool>;
}
