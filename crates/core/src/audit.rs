//! The audit log: who did what to which object, when, from which address. Every surface that
//! changes state on behalf of an operator or a business owner records here (the admin API, the
//! Graph API's configuration edges, the CLI, the web app); `GET /admin/v1/audit` reads it.
//!
//! An entry holds ids and a short detail, never message text or a customer's profile, so
//! erasing a customer leaves the log whole.

use std::sync::Arc;

use crate::clock::Clock;
use crate::error::ApiError;
use crate::model::{Actor, AuditEntry, AuditFilter, Target};
use crate::store::Store;

/// Longest `detail` kept (characters); a longer one is cut.
pub const MAX_DETAIL: usize = 500;

#[derive(Clone)]
pub struct AuditService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl AuditService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        AuditService { store, clock }
    }

    /// Record that `actor` did `action` (e.g. `customer.erase`, `POST /{id}/subscribed_apps`)
    /// to `target`, with a short `detail` (field names, counts: no message text, no profile).
    pub async fn record(&self, actor: &Actor, action: &str, target: &Target, detail: &str) -> Result<(), ApiError> {
        let detail: String = detail.chars().take(MAX_DETAIL).collect();
        let entry = AuditEntry {
            id: 0,
            at: self.clock.now_ms(),
            business_id: target.business_id.clone(),
            actor: actor.id.clone(),
            action: action.to_string(),
            target: target.id.clone(),
            detail,
            address: actor.address.clone(),
        };
        self.store.record_audit(&entry).await?;
        Ok(())
    }

    /// Entries matching `filter`, newest first (at most 1000 a page).
    pub async fn list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, ApiError> {
        let mut f = filter.clone();
        f.limit = f.limit.clamp(1, 1000);
        Ok(self.store.audit_entries(&f).await?)
    }
}
