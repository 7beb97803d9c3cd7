//! WhatsApp Flows and the business encryption keys their data endpoints use.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::*;

/// Flow storage.
#[async_trait]
pub trait FlowStore: Send + Sync {
    /// Store a new flow and register its id: one commit. A flow with the same name in the
    /// WABA is a `Conflict`.
    async fn insert_flow(&self, f: &Flow) -> StoreResult<()>;
    /// Write every field of an existing flow; false when there is no such flow. Another flow
    /// of the WABA with the new name is a `Conflict`.
    async fn update_flow(&self, f: &Flow) -> StoreResult<bool>;
    /// Delete a flow and its id from the object index.
    async fn delete_flow(&self, id: &str) -> StoreResult<()>;
    /// A flow by id.
    async fn flow(&self, id: &str) -> StoreResult<Option<Flow>>;
    /// A flow of a WABA by name.
    async fn flow_by_name(&self, waba_id: &str, name: &str) -> StoreResult<Option<Flow>>;
    /// A page of a WABA's flows in id order.
    async fn page_flows(&self, waba_id: &str, page: &PageRequest) -> StoreResult<Page<Flow>>;
    /// Set (or replace) the business public key (PEM) of a phone number.
    async fn set_business_public_key(&self, phone_number_id: &str, pem: &str, at: i64) -> StoreResult<()>;
    /// The business public key (PEM) of a phone number.
    async fn business_public_key(&self, phone_number_id: &str) -> StoreResult<Option<String>>;
}
