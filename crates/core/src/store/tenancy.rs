//! Businesses, WABAs, numbers, apps, tokens, the object index and small settings.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::*;

/// Tenancy: businesses, WABAs, numbers, apps, tokens, and the global object index.
#[async_trait]
pub trait TenancyStore: Send + Sync {
    async fn create_business(&self, b: &Business) -> StoreResult<()>;
    async fn create_waba(&self, w: &Waba) -> StoreResult<()>;
    async fn create_phone_number(&self, p: &PhoneNumber) -> StoreResult<()>;
    async fn create_app(&self, a: &App) -> StoreResult<()>;
    async fn create_token(&self, t: &TokenRecord) -> StoreResult<()>;

    async fn list_businesses(&self) -> StoreResult<Vec<Business>>;
    async fn list_wabas(&self, business_id: Option<&str>) -> StoreResult<Vec<Waba>>;
    async fn list_apps(&self, business_id: Option<&str>) -> StoreResult<Vec<App>>;
    async fn list_tokens(&self, business_id: Option<&str>) -> StoreResult<Vec<TokenRecord>>;
    async fn page_phone_numbers(&self, waba_id: &str, page: &PageRequest) -> StoreResult<Page<PhoneNumber>>;
    async fn list_phone_numbers(&self, business_id: Option<&str>) -> StoreResult<Vec<PhoneNumber>>;

    async fn object(&self, id: &str) -> StoreResult<Option<ObjectRef>>;
    async fn business(&self, id: &str) -> StoreResult<Option<Business>>;
    async fn waba(&self, id: &str) -> StoreResult<Option<Waba>>;
    async fn phone_number(&self, id: &str) -> StoreResult<Option<PhoneNumber>>;
    async fn phone_number_by_number(&self, number: &str) -> StoreResult<Option<PhoneNumber>>;
    async fn app(&self, id: &str) -> StoreResult<Option<App>>;
    async fn token_by_hash(&self, hash: &str) -> StoreResult<Option<TokenRecord>>;
    /// Marks a token revoked; false when no such (unrevoked) token exists.
    async fn revoke_token(&self, id: &str, at: i64) -> StoreResult<bool>;
    /// Set (or clear, `None`) when an active token expires; false when no active token has `id`.
    async fn expire_token(&self, id: &str, at: Option<i64>) -> StoreResult<bool>;
}

/// Small key/value settings (demo tenant ids, sandbox clock offset).
#[async_trait]
pub trait SettingsStore: Send + Sync {
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;
}
