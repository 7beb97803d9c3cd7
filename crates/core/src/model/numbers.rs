//! A number's life beyond its Graph fields: the two-step PIN, the ownership code, the counters
//! that limit guesses and registrations; and its QR codes and short links.

use crate::clock::Millis;

/// The secrets and counters behind a number's lifecycle fields. Secrets are kept as keyed
/// hashes only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NumberState {
    pub phone_number_id: String,
    /// The two-step verification PIN's keyed hash, once one is set.
    pub pin_hash: Option<String>,
    /// The verification code's keyed hash while one is outstanding (`request_code`).
    pub code_hash: Option<String>,
    pub code_expires_at: Option<Millis>,
    /// Wrong codes tried against the outstanding code.
    pub code_failures: i64,
    /// When wrong PINs were tried (recent ones only).
    pub pin_failures: Vec<Millis>,
    /// When `register` and `deregister` were called (recent ones only).
    pub register_calls: Vec<Millis>,
    /// Changes with every save; empty while nothing was ever saved for the number.
    pub change_token: String,
}

/// A QR code and short link (`/{phone-number-id}/message_qrdls`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrCode {
    /// 14 characters of `A-Z2-7`, as Meta's codes.
    pub code: String,
    pub phone_number_id: String,
    /// The text the customer's chat opens with (at most 140 characters; may be empty).
    pub prefilled_message: String,
    pub created_at: Millis,
    pub updated_at: Millis,
}
