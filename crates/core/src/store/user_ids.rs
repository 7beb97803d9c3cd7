//! Business-scoped user ids, usernames and number changes.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::*;

#[async_trait]
pub trait UserIdStore: Send + Sync {
    /// The customer `wa_id` as business `business_id` sees them; `None` when no such customer.
    async fn contact(&self, business_id: &str, wa_id: &str) -> StoreResult<Option<ContactRow>>;
    /// Give `wa_id` the BSUID `user_id` at the business unless it has one already; returns the
    /// BSUID it has afterwards.
    async fn ensure_user_id(&self, business_id: &str, wa_id: &str, user_id: &str, at: Millis) -> StoreResult<String>;
    /// The number a BSUID of this business names, if any.
    async fn user_id_owner(&self, business_id: &str, user_id: &str) -> StoreResult<Option<String>>;
    /// The business sent a message `to` the number at `at`.
    async fn share_number(&self, business_id: &str, wa_id: &str, at: Millis) -> StoreResult<()>;
    /// The number whose customer has this username, if any.
    async fn username_owner(&self, username: &str) -> StoreResult<Option<String>>;
    /// Set a customer's username and number setting.
    async fn set_username(&self, s: &UsernameSetting) -> StoreResult<()>;
    /// The businesses (ids) that gave the number a BSUID.
    async fn user_id_businesses(&self, wa_id: &str) -> StoreResult<Vec<String>>;
    /// Move a customer to a new number (see [`NumberChange`]), in one commit.
    async fn change_number(&self, c: &NumberChange) -> StoreResult<()>;
    /// The number the customer of `old_wa_id` moved to, if they did.
    async fn moved_to(&self, old_wa_id: &str) -> StoreResult<Option<String>>;
}
