//! The payment provider seam: something that, for an order, makes a checkout the customer pays
//! at. The sandbox provider needs none (the customer page pays in one click); Stripe makes a
//! Checkout Session through its HTTP API with the business's own key.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::ApiError;
use crate::store::PaymentOrder;

/// What to make a checkout for.
pub struct CheckoutRequest<'a> {
    pub order: &'a PaymentOrder,
    /// Sent as the provider's idempotency key: a repeated request makes no second checkout.
    pub idempotency_key: String,
}

/// A provider's checkout: its id and the page the customer pays on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    pub id: String,
    pub url: Option<String>,
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// `sandbox`, `stripe`: the `transaction.type` of the payment webhooks.
    fn name(&self) -> &'static str;
    async fn create_checkout(&self, req: &CheckoutRequest<'_>) -> Result<Checkout, ApiError>;
}

/// Makes a Stripe provider for a business's secret key (implemented by the server, which has
/// the HTTP client and knows Stripe's base URL).
pub trait StripeConnector: Send + Sync {
    fn connect(&self, secret_key: &str) -> Arc<dyn PaymentProvider>;
}
