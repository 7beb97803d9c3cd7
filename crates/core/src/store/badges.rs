//! Official business account (the verified badge) requests: every request a number made, the
//! evidence it carried, the criteria checks at submission and the decision.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::OutboxRow;

/// One request for the badge of a business number.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ObaRequest {
    /// The tracking id (`oba_…`).
    pub id: String,
    pub phone_number_id: String,
    pub business_id: String,
    pub waba_id: String,
    /// `PENDING`, `APPROVED`, `REJECTED` (Meta's `oba_status` values).
    pub status: String,
    /// The submitted fields as the business sent them (`business_website_url`, …).
    pub evidence: serde_json::Value,
    /// The criteria checks at submission: `[{criterion, passed, detail}]`.
    pub checks: serde_json::Value,
    /// Why a rejected request was rejected (empty otherwise).
    pub reasons: Vec<String>,
    pub submitted_at: Millis,
    /// When the rules decide a request no operator has decided.
    pub due_at: Millis,
    pub decided_at: Option<Millis>,
    /// `operator` or `rules`.
    pub decided_by: Option<String>,
}

/// A decision to write: the request's new state, the number's badge, the webhook.
#[derive(Debug, Clone)]
pub struct ObaDecision<'a> {
    pub request: &'a ObaRequest,
    /// The number's `is_official_business_account` after the decision.
    pub official: bool,
    pub outbox: &'a [OutboxRow],
}

#[async_trait]
pub trait BadgeStore: Send + Sync {
    /// Add a pending request; `false` when the number has a pending request already.
    async fn insert_oba_request(&self, r: &ObaRequest) -> StoreResult<bool>;
    /// The number's latest request.
    async fn latest_oba_request(&self, phone_number_id: &str) -> StoreResult<Option<ObaRequest>>;
    /// One request by its id.
    async fn oba_request(&self, id: &str) -> StoreResult<Option<ObaRequest>>;
    /// Requests, newest first: of `status` when given, of `business_id` when given.
    async fn oba_requests(
        &self,
        status: Option<&str>,
        business_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ObaRequest>>;
    /// Pending requests due at `now` or before, oldest first.
    async fn due_oba_requests(&self, now: Millis, limit: i64) -> StoreResult<Vec<ObaRequest>>;
    /// Write a decision of a pending request, with the number's badge and the webhook, in one
    /// commit; `false` (nothing written) when the request was no longer pending.
    async fn decide_oba_request(&self, d: &ObaDecision<'_>) -> StoreResult<bool>;
}
