//! A business number's whole life, as the Cloud API runs it: added unverified
//! (`POST /{waba-id}/phone_numbers`), ownership proven by a one-time code (`request_code`,
//! `verify_code`), registered with a two-step verification PIN (`register`, `deregister`,
//! `POST /{id} {"pin"}`), its display name reviewed (on creation and on `new_display_name`);
//! and its QR codes and short links (`message_qrdls`).
//!
//! - [`lifecycle`]: codes, registration and the PIN, with Meta's error codes for each wrong step;
//! - [`names`]: the display-name rules and the operator's decision;
//! - [`qr`]: QR codes and short links.

pub mod lifecycle;
pub mod names;
pub mod qr;
pub mod settings;

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::clock::{Clock, Millis};
use crate::error::ApiError;
use crate::ids;
use crate::model::{NumberState, OutboxRow, PhoneNumber, Waba};
use crate::phone::WaId;
use crate::ports::CodeSender;
use crate::store::{NumberUpdate, Store};

/// How often a change that lost a race with another request is tried again.
const ATTEMPTS: usize = 5;

/// Phone numbers' lifecycle and QR codes.
#[derive(Clone)]
pub struct NumberService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Where verification codes go: the operator's channel, as customers' sign-in codes.
    sender: Arc<dyn CodeSender>,
    /// Key of the stored form of PINs and codes (HMAC-SHA256).
    key: Arc<str>,
}

/// A text parameter of a request body: strings as given, numbers written out (Graph accepts
/// `"cc": 1` as well as `"cc": "1"`); `None` when absent or null.
pub(crate) fn text_param(body: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ApiError::invalid(format!("Param {key} must be a string"))),
    }
}

/// A required text parameter (Graph's 100 when missing).
pub(crate) fn required_param(body: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    text_param(body, key)?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::invalid(format!("The parameter {key} is required")))
}

/// The refusal of a change an official business account cannot make (Meta: an OBA's display
/// name is changed through Direct Support, and a change removes the badge).
pub fn locked(p: &PhoneNumber, what: &str, field: &str) -> ApiError {
    ApiError::invalid(format!(
        "Param {field}: +{} is an official business account; its {what} cannot be changed through the API. \
         Contact Direct Support to change it: a change removes the green badge and needs a new request.",
        p.number
    ))
    .with_user_message(
        "Official business account",
        format!("The {what} of an official business account is locked: contact Direct Support to change it."),
    )
}

impl NumberService {
    /// `key`: the server's secret for the stored form of PINs and verification codes.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, sender: Arc<dyn CodeSender>, key: &str) -> Self {
        NumberService { store, clock, sender, key: key.into() }
    }

    /// The keyed hash a PIN or code of `kind` (`pin`, `code`) is stored as.
    fn hash(&self, kind: &str, phone_number_id: &str, secret: &str) -> String {
        hex::encode(ids::hmac_sha256(self.key.as_bytes(), format!("{kind}:{phone_number_id}:{secret}").as_bytes()))
    }

    async fn phone(&self, id: &str) -> Result<PhoneNumber, ApiError> {
        self.store.phone_number(id).await?.ok_or_else(|| ApiError::object_not_found(id))
    }

    /// Apply `f` to a number and its state and save what it changed, with the webhook rows it
    /// queued, in one commit; tried again when another request changed the number meanwhile.
    /// What `f` changed is saved even when it answers an error (a wrong PIN counts).
    pub(crate) async fn change<T>(
        &self,
        id: &str,
        mut f: impl FnMut(&mut PhoneNumber, &mut NumberState, &mut Vec<OutboxRow>, Millis) -> Result<T, ApiError>,
    ) -> Result<(PhoneNumber, T), ApiError> {
        for _ in 0..ATTEMPTS {
            let before = self.phone(id).await?;
            let state = self.store.number_state(id).await?;
            let state_before =
                state.unwrap_or_else(|| NumberState { phone_number_id: id.to_string(), ..NumberState::default() });
            let (mut phone, mut state, mut outbox) = (before.clone(), state_before.clone(), Vec::new());
            let now = self.clock.now_ms();
            let result = f(&mut phone, &mut state, &mut outbox, now);
            if phone == before && state == state_before && outbox.is_empty() {
                return result.map(|t| (phone, t));
            }
            let update = NumberUpdate { phone: &phone, state: &state, outbox: &outbox };
            if self.store.update_number(&update).await? {
                return result.map(|t| (phone, t));
            }
        }
        Err(ApiError::new(
            crate::error::ErrorCode::ServiceUnavailable,
            "The number is being changed by other requests; retry shortly.",
        ))
    }

    /// `POST /{waba-id}/phone_numbers`: add a number to a WABA, unverified and unregistered,
    /// its `verified_name` under review. `cc` is the country calling code; `phone_number` the
    /// number without it (Meta's form) or with it (as the OpenAPI examples write it).
    pub async fn add(&self, waba: &Waba, body: &Map<String, Value>) -> Result<PhoneNumber, ApiError> {
        let number = full_number(text_param(body, "cc")?.as_deref(), &required_param(body, "phone_number")?)?;
        let name = names::check_length("verified_name", &required_param(body, "verified_name")?)?;
        if let Some(k) = body.keys().find(|k| !["cc", "phone_number", "verified_name"].contains(&k.as_str())) {
            return Err(ApiError::invalid(format!("Param {k} is not supported when adding a phone number")));
        }
        let p = PhoneNumber {
            id: ids::new_object_id(),
            waba_id: waba.id.clone(),
            business_id: waba.business_id.clone(),
            number: number.into_string(),
            verified_name: name,
            quality_rating: "GREEN".into(),
            code_verification_status: "NOT_VERIFIED".into(),
            name_status: "PENDING_REVIEW".into(),
            status: "PENDING".into(),
            throughput_level: "STANDARD".into(),
            messaging_limit_tier: "TIER_250".into(),
            account_mode: "LIVE".into(),
            created_at: self.clock.now_ms(),
            registered: false,
            pin_enabled: false,
            new_name_status: "NONE".into(),
            requested_name: None,
            official: false,
        };
        self.store.create_phone_number(&p).await.map_err(|e| match e {
            crate::error::StoreError::Conflict(_) => ApiError::invalid(format!(
                "The phone number +{} is already added to a WhatsApp Business Account",
                p.number
            )),
            other => other.into(),
        })?;
        // The rules decide at once; a name they defer stays PENDING_REVIEW for the operator.
        let (p, _) = self.change(&p.id, |p, _, outbox, now| Ok(names::apply_rules(p, outbox, now))).await?;
        Ok(p)
    }
}

/// The number `POST /{waba-id}/phone_numbers` names. With `cc`, `phone_number` is the national
/// number, unless it already starts with `cc` and only the number as written is a valid one
/// (or neither is, as with +1 555 test numbers).
fn full_number(cc: Option<&str>, phone_number: &str) -> Result<WaId, ApiError> {
    let bad =
        |e: crate::phone::PhoneError| ApiError::invalid(format!("Param phone_number is not a valid phone number: {e}"));
    let digits: String = phone_number.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
    let Some(cc) = cc.map(str::trim).filter(|c| !c.is_empty()) else {
        return WaId::parse(&digits, None).map_err(bad);
    };
    if !cc.trim_start_matches('+').chars().all(|c| c.is_ascii_digit()) || cc.trim_start_matches('+').len() > 3 {
        return Err(ApiError::invalid(format!("Param cc must be a country calling code of 1 to 3 digits, not '{cc}'")));
    }
    let cc = cc.trim_start_matches('+');
    if digits.starts_with('+') {
        return WaId::parse(&digits, None).map_err(bad);
    }
    let joined = format!("{cc}{}", digits.trim_start_matches('0'));
    let valid = |d: &str| phonenumber::parse(None, format!("+{d}")).is_ok_and(|n| phonenumber::is_valid(&n));
    let as_written = digits.starts_with(cc) && (valid(&digits) || !valid(&joined));
    WaId::parse(if as_written { &digits } else { &joined }, None).map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_and_without_their_country_code() {
        assert_eq!(full_number(Some("1"), "6315551000").unwrap().as_str(), "16315551000");
        assert_eq!(full_number(Some("1"), "16315551000").unwrap().as_str(), "16315551000");
        assert_eq!(full_number(Some("44"), "07700 900123").unwrap().as_str(), "447700900123");
        assert_eq!(full_number(None, "+44 7700 900123").unwrap().as_str(), "447700900123");
        assert_eq!(full_number(Some("1"), "15550100002").unwrap().as_str(), "15550100002");
        assert!(full_number(Some("abc"), "6315551000").is_err());
        assert!(full_number(Some("1"), "12").is_err());
    }
}
