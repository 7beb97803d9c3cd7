//! Click-to-WhatsApp ads of a business number with their impressions and taps, and the
//! number's Status updates.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;

/// An ad, with the figures counted from its impressions and taps.
#[derive(Debug, Clone, PartialEq)]
pub struct AdRow {
    pub id: String,
    pub business_id: String,
    pub phone_number_id: String,
    pub name: String,
    /// `facebook`, `instagram` or `status`.
    pub placement: String,
    /// `{headline, body, media, prefilled_text, welcome_message}` as validated.
    pub creative: serde_json::Value,
    pub currency: String,
    /// Minor units of `currency`.
    pub budget: i64,
    /// `impression`, `tap` or `conversation`.
    pub cost_per: String,
    /// Minor units per `cost_per`.
    pub price: i64,
    /// Calling codes the ad is shown to; empty: everyone.
    pub countries: Vec<String>,
    /// `ACTIVE`, `PAUSED` or `DELETED`.
    pub status: String,
    pub start_at: Millis,
    pub end_at: Option<Millis>,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// Counted, never written: customers shown the ad, a day each.
    pub impressions: i64,
    /// Counted, never written.
    pub taps: i64,
    /// Counted, never written: taps whose click id came back in a customer's message.
    pub conversations: i64,
}

/// A tap on an ad: the click id its referral carries.
#[derive(Debug, Clone, PartialEq)]
pub struct AdTap {
    pub ctwa_clid: String,
    pub ad_id: String,
    pub wa_id: String,
    pub tapped_at: Millis,
    pub message_id: Option<String>,
    pub conversation_at: Option<Millis>,
}

/// A Status update of a business number.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    pub id: String,
    pub business_id: String,
    pub phone_number_id: String,
    /// `text`, `image` or `video`.
    pub kind: String,
    /// The type object: `{body, background_color}` or `{id|link, caption}`.
    pub content: serde_json::Value,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub deleted_at: Option<Millis>,
}

#[async_trait]
pub trait AdStore: Send + Sync {
    async fn put_ad(&self, ad: &AdRow) -> StoreResult<()>;
    /// Write the editable fields (name, status, budget, end, countries, updated_at); whether
    /// the ad was there.
    async fn update_ad(&self, ad: &AdRow) -> StoreResult<bool>;
    async fn ad(&self, id: &str) -> StoreResult<Option<AdRow>>;
    /// The number's ads, newest first (deleted ones too).
    async fn ads(&self, phone_number_id: &str) -> StoreResult<Vec<AdRow>>;
    /// Every `ACTIVE` ad that has started by `now` and not ended.
    async fn live_ads(&self, now: Millis) -> StoreResult<Vec<AdRow>>;
    /// Count an impression; `false` when the customer saw the ad that day already.
    async fn record_impression(&self, ad_id: &str, wa_id: &str, day: i64, at: Millis) -> StoreResult<bool>;
    async fn record_tap(&self, tap: &AdTap) -> StoreResult<()>;
    async fn ad_tap(&self, ctwa_clid: &str) -> StoreResult<Option<AdTap>>;
    /// The click's conversation started with `message_id`; `false` when it had one already.
    async fn record_ad_conversation(
        &self,
        ctwa_clid: &str,
        wa_id: &str,
        message_id: &str,
        at: Millis,
    ) -> StoreResult<bool>;
    async fn put_status(&self, s: &StatusRow) -> StoreResult<()>;
    async fn status_update(&self, id: &str) -> StoreResult<Option<StatusRow>>;
    /// The number's Status updates not deleted and not expired at `now`, oldest first.
    async fn live_statuses(&self, phone_number_id: &str, now: Millis) -> StoreResult<Vec<StatusRow>>;
    /// Delete a Status update of the number; whether it was there.
    async fn delete_status(&self, phone_number_id: &str, id: &str, at: Millis) -> StoreResult<bool>;
}
