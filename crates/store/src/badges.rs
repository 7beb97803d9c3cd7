//! Official business account requests' storage, written once for both engines.

use async_trait::async_trait;
use risala_core::store::*;
use risala_core::StoreError;
use serde_json::Value;

use crate::db::Plan;
use crate::params;
use crate::sql::badges::*;
use crate::value::Row;
use crate::SqlStore;

fn parsed(r: &Row, i: usize) -> StoreResult<Value> {
    serde_json::from_str(&r.text(i)?).map_err(|e| StoreError::Database(format!("oba_requests column {i}: {e}")))
}

fn request(r: &Row) -> StoreResult<ObaRequest> {
    let reasons = match parsed(r, 7)? {
        Value::Array(a) => a.into_iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    };
    Ok(ObaRequest {
        id: r.text(0)?,
        phone_number_id: r.text(1)?,
        business_id: r.text(2)?,
        waba_id: r.text(3)?,
        status: r.text(4)?,
        evidence: parsed(r, 5)?,
        checks: parsed(r, 6)?,
        reasons,
        submitted_at: r.i64(8)?,
        due_at: r.i64(9)?,
        decided_at: r.opt_i64(10)?,
        decided_by: r.opt_text(11)?,
    })
}

#[async_trait]
impl BadgeStore for SqlStore {
    async fn insert_oba_request(&self, r: &ObaRequest) -> StoreResult<bool> {
        let plan = Plan::one(
            INSERT_OBA_REQUEST,
            params![
                &r.id,
                &r.phone_number_id,
                &r.business_id,
                &r.waba_id,
                &r.status,
                r.evidence.to_string(),
                r.checks.to_string(),
                Value::from(r.reasons.clone()).to_string(),
                r.submitted_at,
                r.due_at,
                r.decided_at,
                r.decided_by.as_deref()
            ],
        );
        self.changed(plan, 0).await
    }

    async fn latest_oba_request(&self, phone_number_id: &str) -> StoreResult<Option<ObaRequest>> {
        self.db.query_opt(LATEST_OBA_REQUEST, params![phone_number_id]).await?.as_ref().map(request).transpose()
    }

    async fn oba_request(&self, id: &str) -> StoreResult<Option<ObaRequest>> {
        self.db.query_opt(OBA_REQUEST, params![id]).await?.as_ref().map(request).transpose()
    }

    async fn oba_requests(
        &self,
        status: Option<&str>,
        business_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ObaRequest>> {
        self.db.query(OBA_REQUESTS, params![status, business_id, limit]).await?.iter().map(request).collect()
    }

    async fn due_oba_requests(&self, now: i64, limit: i64) -> StoreResult<Vec<ObaRequest>> {
        self.db.query(DUE_OBA_REQUESTS, params![now, limit]).await?.iter().map(request).collect()
    }

    async fn decide_oba_request(&self, d: &ObaDecision<'_>) -> StoreResult<bool> {
        let r = d.request;
        let token = risala_core::ids::new_secret(24);
        let mut plan = Plan::one(
            DECIDE_OBA_REQUEST,
            params![
                &r.status,
                Value::from(r.reasons.clone()).to_string(),
                r.decided_at,
                r.decided_by.as_deref(),
                &token,
                &r.id
            ],
        );
        plan.push(SET_OFFICIAL_IF_DECIDED, params![d.official, &r.phone_number_id, &r.id, &token]);
        self.push_guarded_outbox(&mut plan, OUTBOX_IF_OBA_DECIDED, d.outbox, || params![&r.id, &token])?;
        self.changed(plan, 0).await
    }
}
