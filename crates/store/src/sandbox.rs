//! Sandbox error-injection rules, written once for both engines. A rule's count of matching
//! requests is incremented in the database, so "next N" and "every Nth" rules count each
//! request once however many nodes serve them.

use async_trait::async_trait;
use risala_core::store::*;

use crate::db::Plan;
use crate::params;
use crate::sql::sandbox::*;
use crate::SqlStore;

#[async_trait]
impl FaultStore for SqlStore {
    async fn faults(&self) -> StoreResult<Vec<StoredFault>> {
        let rows = self.db.query(FAULTS, params![]).await?;
        rows.iter()
            .map(|r| {
                Ok(StoredFault {
                    id: r.text(0)?,
                    business_id: r.opt_text(1)?,
                    rule: r.text(2)?,
                    hits: r.i64(3)?,
                    created_at: r.i64(4)?,
                })
            })
            .collect()
    }

    async fn add_fault(&self, f: &StoredFault) -> StoreResult<()> {
        let plan = Plan::one(ADD_FAULT, params![&f.id, f.business_id.as_deref(), &f.rule, f.hits, f.created_at]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn delete_fault(&self, id: &str, business: Option<&str>) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(DELETE_FAULT, params![id, business])).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn clear_faults(&self, business: Option<&str>) -> StoreResult<u64> {
        let out = self.db.write(Plan::one(CLEAR_FAULTS, params![business])).await?;
        Ok(out.first().map(|o| o.affected).unwrap_or(0))
    }

    async fn hit_fault(&self, id: &str) -> StoreResult<Option<i64>> {
        let mut plan = Plan::new();
        plan.push_returning(HIT_FAULT, params![id]);
        let out = self.db.write(plan).await?;
        out.first().and_then(|o| o.rows.first()).map(|r| r.i64(0)).transpose()
    }
}
