//! Stripe's side of a payment: the `Stripe-Signature` header of its webhooks and the Checkout
//! Session events that change a payment.
//!
//! The header is `t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<payload>")>`
//! (more `v1` entries while a secret rolls). A signature that matches none, or a `t` more than
//! five minutes from now, is refused, as Stripe's libraries do.

use serde_json::Value;

use super::StatusChange;
use crate::error::ApiError;
use crate::ids::hmac_sha256;

/// Stripe's default tolerance: five minutes.
pub const TOLERANCE_SECS: i64 = 300;

/// The header value for `payload` signed with `secret` at `t` (tests and the local fake).
pub fn sign(secret: &str, t: i64, payload: &[u8]) -> String {
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(payload);
    format!("t={t},v1={}", hex::encode(hmac_sha256(secret.as_bytes(), &msg)))
}

/// Check `header` for `payload` at `now_secs`; the error is 131009 saying what is wrong.
pub fn verify(secret: &str, header: &str, payload: &[u8], now_secs: i64) -> Result<(), ApiError> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let Some(t) = t else {
        return Err(ApiError::bad_value("Stripe-Signature: no timestamp (t=…) in the header"));
    };
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(payload);
    let want = hex::encode(hmac_sha256(secret.as_bytes(), &msg));
    let matches = sigs.iter().any(|s| s.len() == want.len() && constant_eq(s.as_bytes(), want.as_bytes()));
    if !matches {
        return Err(ApiError::bad_value(
            "Stripe-Signature: no v1 signature matches the payload for this number's signing secret",
        ));
    }
    if (now_secs - t).abs() > TOLERANCE_SECS {
        return Err(ApiError::bad_value(format!(
            "Stripe-Signature: the timestamp {t} is more than {TOLERANCE_SECS} seconds from now"
        )));
    }
    Ok(())
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A Stripe event that changes a payment: which order and how.
#[derive(Debug, Clone)]
pub struct StripeEvent {
    pub reference_id: String,
    pub change: StatusChange,
}

/// The payment change of a Checkout Session event; `None` for other events (answered 200 and
/// ignored, as Stripe expects). The order is the session's `client_reference_id`.
pub fn parse_event(event: &Value) -> Option<StripeEvent> {
    let id = event["id"].as_str()?;
    let ty = event["type"].as_str()?;
    let session = &event["data"]["object"];
    let reference_id = session["client_reference_id"].as_str()?.to_string();
    let transaction_id =
        session["payment_intent"].as_str().or_else(|| session["id"].as_str()).unwrap_or(id).to_string();
    let (status, error) = match ty {
        "checkout.session.completed" if session["payment_status"] == "paid" => ("captured", None),
        "checkout.session.completed" => ("pending", None),
        "checkout.session.async_payment_succeeded" => ("captured", None),
        "checkout.session.async_payment_failed" => {
            ("failed", Some(("payment_failed", "The customer's payment failed.".to_string())))
        }
        "checkout.session.expired" => {
            ("failed", Some(("expired", "The payment session expired before the customer paid.".to_string())))
        }
        _ => return None,
    };
    Some(StripeEvent {
        reference_id,
        change: StatusChange { event_key: format!("stripe:{id}"), status, transaction_id, error },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_expire() {
        let payload = br#"{"id":"evt_1"}"#;
        let header = sign("whsec_test", 1_000, payload);
        assert!(verify("whsec_test", &header, payload, 1_000).is_ok());
        assert!(verify("whsec_test", &header, payload, 1_300).is_ok());
        let late = verify("whsec_test", &header, payload, 1_301).unwrap_err();
        assert!(late.details.contains("more than 300 seconds"), "{}", late.details);
        let bad = verify("whsec_other", &header, payload, 1_000).unwrap_err();
        assert!(bad.details.contains("no v1 signature matches"), "{}", bad.details);
        assert!(verify("whsec_test", &header, br#"{"id":"evt_2"}"#, 1_000).is_err());
        assert!(verify("whsec_test", "v1=abc", payload, 1_000).is_err());
        // A second v1 (a rolled secret) is accepted.
        let two = format!("{header},v1=00");
        assert!(verify("whsec_test", &two, payload, 1_000).is_ok());
    }
}
