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

/// What an import of a state file found: the file's fault (nothing was changed), or the
/// store's own failure.
#[derive(Debug)]
pub enum StateImportError {
    /// The file is not one this server can import; says what is wrong (which table, which row).
    Invalid(String),
    Store(crate::StoreError),
}

impl From<crate::StoreError> for StateImportError {
    fn from(e: crate::StoreError) -> Self {
        StateImportError::Store(e)
    }
}

/// What an import replaced the state with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateSummary {
    pub tables: usize,
    pub rows: usize,
    pub media: usize,
}

/// The whole state as one file (a sandbox bug report): every table's rows and the media bytes.
/// `server_settings` are settings that belong to the server rather than to its state (keys
/// that sign its links): left out of an export and kept as they are by an import.
#[async_trait]
pub trait StateFileStore {
    /// The state file of this store, secrets and bodies opened (so it imports under other keys).
    async fn export_state(&self, server_settings: &[&str]) -> StoreResult<Vec<u8>>;
    /// Check everything in `file`, then replace the whole state with it in one transaction;
    /// an invalid file changes nothing.
    async fn import_state(&self, file: &[u8], server_settings: &[&str]) -> Result<StateSummary, StateImportError>;
}
