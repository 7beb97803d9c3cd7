//! The Stripe payment provider: a Checkout Session per order through Stripe's HTTP API
//! (`POST {base}/v1/checkout/sessions`, form-encoded, `Authorization: Bearer sk_…`, an
//! `Idempotency-Key` so a repeated request makes no second session), with the business's own
//! secret key. The base URL is `stripe_api_base` in the configuration (tests point it at a
//! local fake of Stripe's endpoints).

use std::sync::Arc;
use std::time::Duration;

use risala_core::payments::{currency, Checkout, CheckoutRequest, PaymentProvider, StripeConnector};
use risala_core::{ApiError, ErrorCode};
use serde_json::Value;

/// Makes a [`StripeProvider`] per secret key, sharing one HTTP client.
pub struct HttpStripe {
    client: reqwest::Client,
    base: String,
    /// Where Stripe sends the customer after paying: the customer web chat.
    return_url: String,
}

impl HttpStripe {
    pub fn new(base: &str, return_url: String) -> anyhow::Result<HttpStripe> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(HttpStripe { client, base: base.trim_end_matches('/').to_string(), return_url })
    }
}

impl StripeConnector for HttpStripe {
    fn connect(&self, secret_key: &str) -> Arc<dyn PaymentProvider> {
        Arc::new(StripeProvider {
            client: self.client.clone(),
            base: self.base.clone(),
            return_url: self.return_url.clone(),
            key: secret_key.to_string(),
        })
    }
}

pub struct StripeProvider {
    client: reqwest::Client,
    base: String,
    return_url: String,
    key: String,
}

fn refused(details: String) -> ApiError {
    ApiError::new(ErrorCode::PaymentIssue, details)
}

#[async_trait::async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    async fn create_checkout(&self, req: &CheckoutRequest<'_>) -> Result<Checkout, ApiError> {
        let o = req.order;
        // One line for the whole order: its total already holds tax, shipping and discount.
        let form = [
            ("mode", "payment".to_string()),
            ("client_reference_id", o.reference_id.clone()),
            ("success_url", self.return_url.clone()),
            ("cancel_url", self.return_url.clone()),
            ("line_items[0][quantity]", "1".to_string()),
            ("line_items[0][price_data][currency]", o.currency.to_ascii_lowercase()),
            ("line_items[0][price_data][unit_amount]", o.total_value.to_string()),
            ("line_items[0][price_data][product_data][name]", format!("Order {}", o.reference_id)),
            ("metadata[reference_id]", o.reference_id.clone()),
            ("metadata[phone_number_id]", o.phone_number_id.clone()),
            ("metadata[amount]", currency::decimal(o.total_value, &o.currency)),
        ];
        let body = serde_urlencoded::to_string(form).map_err(|e| refused(format!("Stripe request: {e}")))?;
        let answer = self
            .client
            .post(format!("{}/v1/checkout/sessions", self.base))
            .bearer_auth(&self.key)
            .header("Idempotency-Key", &req.idempotency_key)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| refused(format!("Stripe could not be reached: {e}")))?;
        let status = answer.status();
        let v: Value =
            answer.json().await.map_err(|e| refused(format!("Stripe answered {status} without JSON: {e}")))?;
        if !status.is_success() {
            let msg = v["error"]["message"].as_str().unwrap_or("no message");
            return Err(refused(format!("Stripe refused the checkout ({status}): {msg}")));
        }
        let id = v["id"].as_str().ok_or_else(|| refused("Stripe's checkout session has no id".into()))?;
        Ok(Checkout { id: id.to_string(), url: v["url"].as_str().map(str::to_string) })
    }
}
