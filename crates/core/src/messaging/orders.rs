//! What the send path does with payment messages, before and after the message is stored.
//!
//! `order_details`: the `reference_id` is the order's, unique per number. The same request
//! again (same customer, same interactive object) is answered with the first message's id and
//! sends nothing; another body with a used reference id is 131009. The order is stored with
//! the message, with the provider the number uses now.
//!
//! `order_status`: names an order this number sent to this customer, and moves it along the
//! allowed transitions ([`order_transition_allowed`]); else 131009.

use serde_json::Value;

use crate::error::ApiError;
use crate::model::payments::{order_transition_allowed, OrderSummary, PaymentSettings};
use crate::model::{Message, PhoneNumber};
use crate::outbound::{self, MessageKind, OutboundMessage};
use crate::store::{PaymentOrder, Store};

/// SHA-256 of `s`, hex.
pub fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

pub(crate) fn settings_key(phone_number_id: &str) -> String {
    format!("payment_settings:{phone_number_id}")
}

/// A number's payment settings (the sandbox provider when never set).
pub async fn payment_settings(store: &dyn Store, phone_number_id: &str) -> Result<PaymentSettings, ApiError> {
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

/// What to do once the message is stored.
#[derive(Debug)]
pub enum Step {
    Nothing,
    /// The same `order_details` was sent before as this message: answer with its id.
    Repeat(String),
    NewOrder {
        summary: OrderSummary,
        body_hash: String,
        provider: String,
    },
    Status {
        reference_id: String,
        from: String,
        to: String,
    },
}

const REFERENCE_FIELD: &str = "interactive.action.parameters.reference_id";

pub async fn prepare(
    store: &dyn Store,
    phone: &PhoneNumber,
    wa_id: &str,
    msg: &OutboundMessage,
) -> Result<Step, ApiError> {
    if msg.kind != MessageKind::Interactive {
        return Ok(Step::Nothing);
    }
    if let Some(summary) = outbound::order_details_summary(&msg.content) {
        let body_hash = sha256_hex(&format!("{wa_id}\n{}", canonical(&msg.content)));
        if let Some(existing) = store.payment_order(&phone.id, &summary.reference_id).await? {
            if existing.body_hash == body_hash {
                return Ok(Step::Repeat(existing.message_id));
            }
            return Err(ApiError::bad_value(format!(
                "{REFERENCE_FIELD}: reference_id \"{}\" is already used by another order of this number; use a new reference_id for a new order",
                summary.reference_id
            )));
        }
        let provider = payment_settings(store, &phone.id).await?.provider;
        return Ok(Step::NewOrder { summary, body_hash, provider });
    }
    if let Some((reference_id, to, _)) = outbound::order_status_change(&msg.content) {
        let order = match store.payment_order(&phone.id, &reference_id).await? {
            Some(o) if o.wa_id == wa_id => o,
            _ => {
                return Err(ApiError::bad_value(format!(
                    "{REFERENCE_FIELD}: no order \"{reference_id}\" was sent by this number to {wa_id}"
                )))
            }
        };
        if !order_transition_allowed(&order.order_status, &to) {
            return Err(ApiError::bad_value(format!(
                "interactive.action.parameters.order.status: order \"{reference_id}\" is {} and cannot become {to}",
                order.order_status
            )));
        }
        return Ok(Step::Status { reference_id, from: order.order_status, to });
    }
    Ok(Step::Nothing)
}

/// Keys sorted at every level, so the hash does not depend on how the client ordered them.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<_> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> =
                keys.iter().map(|k| format!("{}:{}", Value::from(k.as_str()), canonical(&m[k.as_str()]))).collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// After `message` was stored (and not failed): store the order, or move it.
pub async fn commit(store: &dyn Store, step: Step, message: &Message) -> Result<(), ApiError> {
    match step {
        Step::NewOrder { summary, body_hash, provider } => {
            let o = PaymentOrder {
                phone_number_id: message.phone_number_id.clone(),
                reference_id: summary.reference_id,
                business_id: message.business_id.clone(),
                wa_id: message.wa_id.clone(),
                message_id: message.id.clone(),
                body_hash,
                currency: summary.currency,
                total_value: summary.total_value,
                order_status: "pending".into(),
                payment_status: "unpaid".into(),
                provider,
                checkout_id: None,
                checkout_url: None,
                transaction_id: None,
                attempts: 0,
                created_at: message.created_at,
                updated_at: message.created_at,
            };
            // A concurrent send of the same reference id lost the race: its message went out,
            // the first order stands.
            store.insert_payment_order(&o).await?;
        }
        Step::Status { reference_id, from, to } => {
            store.set_order_status(&message.phone_number_id, &reference_id, &from, &to, message.created_at).await?;
        }
        Step::Nothing | Step::Repeat(_) => {}
    }
    Ok(())
}
