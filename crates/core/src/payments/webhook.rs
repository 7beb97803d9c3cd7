//! The `payment` status webhook: a `statuses` entry of a `messages` change with
//! `type: "payment"`, about the `order_details` message, carrying `payment` {`reference_id`,
//! `amount` {value, offset}, `currency`, `transaction` {id, type, status, created_timestamp,
//! updated_timestamp, amount, currency, method, error?}}. `status` is `pending`, `captured`
//! or `failed`; `transaction.status` is `pending`, `success` or `failed`.

use serde_json::{json, Value};

use super::{currency, StatusChange};
use crate::clock::Millis;
use crate::inbound::{self, WebhookContact};
use crate::model::PhoneNumber;
use crate::store::PaymentOrder;

pub(super) fn payment_value(
    phone: &PhoneNumber,
    o: &PaymentOrder,
    contact: &WebhookContact,
    c: &StatusChange,
    now: Millis,
) -> Value {
    let amount = json!({"value": o.total_value, "offset": currency::offset(&o.currency).unwrap_or(100)});
    let secs = now.div_euclid(1000);
    let mut transaction = json!({
        "id": c.transaction_id,
        "type": o.provider,
        "status": match c.status { "captured" => "success", "failed" => "failed", _ => "pending" },
        "created_timestamp": secs,
        "updated_timestamp": secs,
        "amount": amount,
        "currency": o.currency,
        "method": {"type": "card"},
    });
    if let Some((code, reason)) = &c.error {
        transaction["error"] = json!({"code": code, "reason": reason});
    }
    let status = json!({
        "id": o.message_id,
        "status": c.status,
        "timestamp": secs.to_string(),
        "recipient_id": contact.address(),
        "recipient_user_id": contact.user_id,
        "type": "payment",
        "payment": {
            "reference_id": o.reference_id,
            "amount": amount,
            "currency": o.currency,
            "transaction": transaction,
        },
    });
    inbound::statuses_value(&phone.id, &phone.number, contact, vec![status])
}
