//! A number's lifecycle (verification, registration, PIN, display name) and its QR codes.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::*;

/// A lifecycle change of one number: its Graph fields (`verified_name`,
/// `code_verification_status`, `name_status`, `status`, `registered`, `pin_enabled`,
/// `new_name_status`, `requested_name` of `phone`) and its state, applied only if the stored
/// state still has `state.change_token` (empty: no state stored yet); `outbox` commits with it.
#[derive(Debug, Clone)]
pub struct NumberUpdate<'a> {
    pub phone: &'a PhoneNumber,
    pub state: &'a NumberState,
    pub outbox: &'a [OutboxRow],
}

/// Storage of number lifecycles and QR codes.
#[async_trait]
pub trait NumberStore: Send + Sync {
    /// The number's state; `None` while nothing was saved for it.
    async fn number_state(&self, phone_number_id: &str) -> StoreResult<Option<NumberState>>;
    /// Apply `u`; false (nothing written) when the state changed meanwhile.
    async fn update_number(&self, u: &NumberUpdate<'_>) -> StoreResult<bool>;

    /// Store a new QR code; a code that exists already is a `Conflict`.
    async fn insert_qr(&self, qr: &QrCode) -> StoreResult<()>;
    /// A QR code by its code, whichever number it belongs to.
    async fn qr(&self, code: &str) -> StoreResult<Option<QrCode>>;
    /// A number's QR codes, newest first.
    async fn qrs(&self, phone_number_id: &str) -> StoreResult<Vec<QrCode>>;
    async fn count_qrs(&self, phone_number_id: &str) -> StoreResult<i64>;
    /// Change a number's QR code's message; false when the number has no such code.
    async fn update_qr(&self, phone_number_id: &str, code: &str, message: &str, at: Millis) -> StoreResult<bool>;
    /// Delete a number's QR code; false when the number has no such code.
    async fn delete_qr(&self, phone_number_id: &str, code: &str) -> StoreResult<bool>;
}
