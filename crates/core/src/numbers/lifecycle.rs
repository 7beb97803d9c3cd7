//! Ownership codes, registration and the two-step verification PIN, with Meta's error codes
//! for each wrong step: 136025 (wrong, expired or missing code), 133006 (register before
//! verifying), 133005 (PIN mismatch), 133008 / 133009 (too many PIN guesses / too fast),
//! 133010 (deregister or send while not registered), 133016 (register/deregister limit).

use serde_json::{json, Map, Value};

use super::{required_param, text_param, NumberService};
use crate::clock::{iso_time, Millis};
use crate::error::{ApiError, ErrorCode};
use crate::model::{NumberState, OutboxRow, PhoneNumber};

/// A verification code is good for 10 minutes.
pub const CODE_TTL_MS: Millis = 10 * 60_000;
/// Wrong codes before the outstanding code is void (a new one must be requested).
pub const MAX_CODE_FAILURES: i64 = 5;
/// Meta's registration limit: 10 register and deregister calls per number in 72 hours.
pub const MAX_REGISTER_CALLS: usize = 10;
pub const REGISTER_WINDOW_MS: Millis = 72 * 3_600_000;
/// Wrong PINs within [`PIN_FAILURE_WINDOW_MS`] before guessing stops (133008) until the
/// oldest of them is that old.
pub const MAX_PIN_FAILURES: usize = 5;
pub const PIN_FAILURE_WINDOW_MS: Millis = 3_600_000;
/// After a wrong PIN, the next guess must wait this long (133009).
pub const PIN_GUESS_INTERVAL_MS: Millis = 10_000;

/// The `security` webhook field.
pub const SECURITY_FIELD: &str = "security";

/// Six digits, as Meta's PINs and codes are.
fn six_digits(field: &str, value: &str) -> Result<(), ApiError> {
    if value.len() == 6 && value.chars().all(|c| c.is_ascii_digit()) {
        return Ok(());
    }
    Err(ApiError::invalid(format!("Param {field} must be exactly 6 digits")))
}

fn security_row(p: &PhoneNumber, event: &str, requester: &str, now: Millis) -> OutboxRow {
    OutboxRow {
        business_id: p.business_id.clone(),
        waba_id: p.waba_id.clone(),
        phone_number_id: Some(p.id.clone()),
        ordering_key: p.waba_id.clone(),
        field: SECURITY_FIELD.into(),
        value: json!({"display_phone_number": p.number, "event": event, "requester": requester}).into(),
        created_at: now,
    }
}

/// Count a register or deregister call, or refuse it with 133016 when the number had its
/// ten in the last 72 hours.
fn count_register_call(p: &PhoneNumber, s: &mut NumberState, now: Millis) -> Result<(), ApiError> {
    s.register_calls.retain(|t| now - t < REGISTER_WINDOW_MS);
    if s.register_calls.len() >= MAX_REGISTER_CALLS {
        let oldest = s.register_calls.iter().copied().min().unwrap_or(now);
        let next = oldest + REGISTER_WINDOW_MS;
        return Err(ApiError::new(
            ErrorCode::RegisterRateLimit,
            format!(
                "+{} was registered or deregistered {MAX_REGISTER_CALLS} times in the last 72 hours; it can be again from {}.",
                p.number,
                iso_time(next)
            ),
        )
        .with_retry_after(next - now));
    }
    s.register_calls.push(now);
    Ok(())
}

/// Check a PIN against the number's, with the guessing limits.
fn check_pin(p: &PhoneNumber, s: &mut NumberState, expected: &str, given: &str, now: Millis) -> Result<(), ApiError> {
    s.pin_failures.retain(|t| now - t < PIN_FAILURE_WINDOW_MS);
    if s.pin_failures.len() >= MAX_PIN_FAILURES {
        let until = s.pin_failures.iter().copied().min().unwrap_or(now) + PIN_FAILURE_WINDOW_MS;
        return Err(ApiError::new(
            ErrorCode::CodeGuessLimit,
            format!("Too many wrong PINs for +{}; try again after {}.", p.number, iso_time(until)),
        )
        .with_retry_after(until - now));
    }
    if let Some(last) = s.pin_failures.iter().copied().max().filter(|l| now - l < PIN_GUESS_INTERVAL_MS) {
        let until = last + PIN_GUESS_INTERVAL_MS;
        return Err(ApiError::new(
            ErrorCode::CodeGuessTooFast,
            format!(
                "A wrong PIN was entered for +{} moments ago; wait until {} before the next.",
                p.number,
                iso_time(until)
            ),
        )
        .with_retry_after(until - now));
    }
    if expected != given {
        s.pin_failures.push(now);
        return Err(ApiError::new(
            ErrorCode::PinMismatch,
            format!(
                "The PIN does not match the two-step verification PIN of +{} ({} wrong of {MAX_PIN_FAILURES} allowed in an hour).",
                p.number,
                s.pin_failures.len()
            ),
        ));
    }
    s.pin_failures.clear();
    Ok(())
}

impl NumberService {
    /// `POST /{phone-number-id}/request_code {code_method, language}`: a new six-digit code,
    /// good for 10 minutes, handed to the code sender (the operator's channel).
    pub async fn request_code(&self, id: &str, body: &Map<String, Value>) -> Result<(), ApiError> {
        let method = required_param(body, "code_method")?.to_ascii_uppercase();
        if method != "SMS" && method != "VOICE" {
            return Err(ApiError::invalid(format!("Param code_method must be one of {{SMS, VOICE}}, not '{method}'")));
        }
        let language = required_param(body, "language")?;
        let well_formed =
            (2..=10).contains(&language.len()) && language.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
        if !well_formed {
            return Err(ApiError::invalid(format!(
                "Param language must be a language code such as en_US, not '{language}'"
            )));
        }
        let code = format!("{:06}", rand::random::<u32>() % 1_000_000);
        let hash = self.hash("code", id, &code);
        let (phone, ()) = self
            .change(id, |_, s, _, now| {
                s.code_hash = Some(hash.clone());
                s.code_expires_at = Some(now + CODE_TTL_MS);
                s.code_failures = 0;
                Ok(())
            })
            .await?;
        self.sender.send_number_code(&phone.number, &method, &code).map_err(|e| {
            ApiError::internal().with_cause(std::io::Error::other(format!("sending a verification code: {e}")))
        })
    }

    /// `POST /{phone-number-id}/verify_code {code}`: the outstanding code makes the number
    /// `VERIFIED`; a wrong, expired or missing code is 136025.
    pub async fn verify_code(&self, id: &str, body: &Map<String, Value>) -> Result<(), ApiError> {
        let code = required_param(body, "code")?;
        six_digits("code", &code)?;
        let given = self.hash("code", id, &code);
        let fail = |details: String| ApiError::new(ErrorCode::VerificationCodeError, details);
        self.change(id, |p, s, _, now| {
            let Some(expected) = s.code_hash.clone() else {
                return Err(fail(format!("No verification code is outstanding for +{}: request one with request_code.", p.number)));
            };
            if s.code_expires_at.is_none_or(|t| now >= t) {
                s.code_hash = None;
                s.code_expires_at = None;
                return Err(fail("The verification code has expired: request a new one with request_code.".into()));
            }
            if expected != given {
                s.code_failures += 1;
                if s.code_failures >= MAX_CODE_FAILURES {
                    s.code_hash = None;
                    s.code_expires_at = None;
                    return Err(fail(format!(
                        "Wrong verification code, {MAX_CODE_FAILURES} times: the code is void; request a new one with request_code."
                    )));
                }
                return Err(fail("The verification code is wrong.".into()));
            }
            s.code_hash = None;
            s.code_expires_at = None;
            s.code_failures = 0;
            p.code_verification_status = "VERIFIED".into();
            Ok(())
        })
        .await
        .map(|_| ())
    }

    /// `POST /{phone-number-id}/register {messaging_product, pin}`: a verified number starts
    /// on the Cloud API. The first registration sets the two-step PIN; later ones must give it.
    pub async fn register(&self, id: &str, body: &Map<String, Value>) -> Result<PhoneNumber, ApiError> {
        match text_param(body, "messaging_product")?.as_deref() {
            Some("whatsapp") => {}
            None => return Err(ApiError::invalid("The parameter messaging_product is required")),
            Some(other) => {
                return Err(ApiError::invalid(format!("Param messaging_product must be 'whatsapp', not '{other}'")))
            }
        }
        let pin = required_param(body, "pin")?;
        six_digits("pin", &pin)?;
        if body.contains_key("data_localization_region") {
            // Risala keeps every message in its own database, wherever the operator runs it:
            // there is no region to choose, and accepting one would promise what is not done.
            return Err(ApiError::invalid(
                "Param data_localization_region is not supported: Risala stores all data in its own database",
            ));
        }
        if let Some(k) = body.keys().find(|k| !["messaging_product", "pin"].contains(&k.as_str())) {
            return Err(ApiError::invalid(format!("Param {k} is not supported on register")));
        }
        let given = self.hash("pin", id, &pin);
        let (p, ()) = self
            .change(id, |p, s, _, now| {
                count_register_call(p, s, now)?;
                if p.code_verification_status != "VERIFIED" {
                    return Err(ApiError::new(
                        ErrorCode::VerificationNeeded,
                        format!(
                            "+{} must be verified before it is registered: request_code, then verify_code.",
                            p.number
                        ),
                    ));
                }
                match s.pin_hash.clone() {
                    Some(expected) => check_pin(p, s, &expected, &given, now)?,
                    None => {
                        s.pin_hash = Some(given.clone());
                        p.pin_enabled = true;
                    }
                }
                p.registered = true;
                if p.status == "PENDING" || p.status == "DISCONNECTED" {
                    p.status = crate::model::NUMBER_CONNECTED.into();
                }
                Ok(())
            })
            .await?;
        Ok(p)
    }

    /// `POST /{phone-number-id}/deregister`: the number stops sending and receiving. An official
    /// business account's number is locked (100).
    pub async fn deregister(&self, id: &str) -> Result<PhoneNumber, ApiError> {
        let (p, ()) = self
            .change(id, |p, s, _, now| {
                if p.official {
                    return Err(super::locked(p, "registration", "deregister"));
                }
                count_register_call(p, s, now)?;
                if !p.registered {
                    return Err(ApiError::new(
                        ErrorCode::NotRegistered,
                        format!("+{} is not registered on the Cloud API.", p.number),
                    ));
                }
                p.registered = false;
                p.status = "DISCONNECTED".into();
                Ok(())
            })
            .await?;
        Ok(p)
    }

    /// `POST /{phone-number-id} {"pin"}`: set or change the two-step verification PIN, with a
    /// `security` webhook (`PIN_CHANGED`) naming `requester`.
    pub async fn set_pin(&self, id: &str, pin: &str, requester: &str) -> Result<(), ApiError> {
        six_digits("pin", pin)?;
        let hash = self.hash("pin", id, pin);
        self.change(id, |p, s, outbox, now| {
            s.pin_hash = Some(hash.clone());
            s.pin_failures.clear();
            p.pin_enabled = true;
            outbox.push(security_row(p, "PIN_CHANGED", requester, now));
            Ok(())
        })
        .await
        .map(|_| ())
    }
}
