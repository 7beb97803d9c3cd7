//! Sandbox tools: error-injection rules.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;

/// One stored error-injection rule. The rule itself is kept as JSON (the sandbox service parses
/// and validates it); the store keeps its owner and its count of matching requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFault {
    pub id: String,
    /// The business whose requests it applies to; `None`: the operator's, for every business.
    pub business_id: Option<String>,
    /// The rule, as JSON text.
    pub rule: String,
    /// Matching requests counted so far.
    pub hits: i64,
    pub created_at: Millis,
}

/// Storage of error-injection rules.
#[async_trait]
pub trait FaultStore: Send + Sync {
    /// Every rule, oldest first.
    async fn faults(&self) -> StoreResult<Vec<StoredFault>>;
    async fn add_fault(&self, fault: &StoredFault) -> StoreResult<()>;
    /// Delete one rule (of `business`, or any rule when `None`); false when there was none.
    async fn delete_fault(&self, id: &str, business: Option<&str>) -> StoreResult<bool>;
    /// Delete every rule of `business` (every rule when `None`); returns how many went.
    async fn clear_faults(&self, business: Option<&str>) -> StoreResult<u64>;
    /// Count one more matching request; the new count (`None`: the rule is gone).
    async fn hit_fault(&self, id: &str) -> StoreResult<Option<i64>>;
}
