//! Ads and Status storage, written once for both engines.

use async_trait::async_trait;
use risala_core::store::*;
use risala_core::StoreError;
use serde_json::Value;

use crate::db::Plan;
use crate::params;
use crate::sql::ads::*;
use crate::value::Row;
use crate::SqlStore;

fn parsed(r: &Row, i: usize) -> StoreResult<Value> {
    serde_json::from_str(&r.text(i)?).map_err(|e| StoreError::Database(format!("ads column {i}: {e}")))
}

fn ad(r: &Row) -> StoreResult<AdRow> {
    let countries = match parsed(r, 10)? {
        Value::Array(a) => a.into_iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    };
    Ok(AdRow {
        id: r.text(0)?,
        business_id: r.text(1)?,
        phone_number_id: r.text(2)?,
        name: r.text(3)?,
        placement: r.text(4)?,
        creative: parsed(r, 5)?,
        currency: r.text(6)?,
        budget: r.i64(7)?,
        cost_per: r.text(8)?,
        price: r.i64(9)?,
        countries,
        status: r.text(11)?,
        start_at: r.i64(12)?,
        end_at: r.opt_i64(13)?,
        created_at: r.i64(14)?,
        updated_at: r.i64(15)?,
        impressions: r.i64(16)?,
        taps: r.i64(17)?,
        conversations: r.i64(18)?,
    })
}

fn tap(r: &Row) -> StoreResult<AdTap> {
    Ok(AdTap {
        ctwa_clid: r.text(0)?,
        ad_id: r.text(1)?,
        wa_id: r.text(2)?,
        tapped_at: r.i64(3)?,
        message_id: r.opt_text(4)?,
        conversation_at: r.opt_i64(5)?,
    })
}

fn status(r: &Row) -> StoreResult<StatusRow> {
    Ok(StatusRow {
        id: r.text(0)?,
        business_id: r.text(1)?,
        phone_number_id: r.text(2)?,
        kind: r.text(3)?,
        content: parsed(r, 4)?,
        created_at: r.i64(5)?,
        expires_at: r.i64(6)?,
        deleted_at: r.opt_i64(7)?,
    })
}

#[async_trait]
impl AdStore for SqlStore {
    async fn put_ad(&self, a: &AdRow) -> StoreResult<()> {
        let plan = Plan::one(
            PUT_AD,
            params![
                &a.id,
                &a.business_id,
                &a.phone_number_id,
                &a.name,
                &a.placement,
                a.creative.to_string(),
                &a.currency,
                a.budget,
                &a.cost_per,
                a.price,
                Value::from(a.countries.clone()).to_string(),
                &a.status,
                a.start_at,
                a.end_at,
                a.created_at,
                a.updated_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn update_ad(&self, a: &AdRow) -> StoreResult<bool> {
        let plan = Plan::one(
            UPDATE_AD,
            params![
                &a.name,
                &a.status,
                a.budget,
                a.end_at,
                Value::from(a.countries.clone()).to_string(),
                a.updated_at,
                &a.id
            ],
        );
        self.changed(plan, 0).await
    }

    async fn ad(&self, id: &str) -> StoreResult<Option<AdRow>> {
        self.db.query(AD, params![id]).await?.first().map(ad).transpose()
    }

    async fn ads(&self, phone_number_id: &str) -> StoreResult<Vec<AdRow>> {
        self.db.query(ADS, params![phone_number_id]).await?.iter().map(ad).collect()
    }

    async fn live_ads(&self, now: i64) -> StoreResult<Vec<AdRow>> {
        self.db.query(LIVE_ADS, params![now]).await?.iter().map(ad).collect()
    }

    async fn record_impression(&self, ad_id: &str, wa_id: &str, day: i64, at: i64) -> StoreResult<bool> {
        self.changed(Plan::one(RECORD_IMPRESSION, params![ad_id, wa_id, day, at]), 0).await
    }

    async fn record_tap(&self, t: &AdTap) -> StoreResult<()> {
        let plan = Plan::one(RECORD_TAP, params![&t.ctwa_clid, &t.ad_id, &t.wa_id, t.tapped_at]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn ad_tap(&self, ctwa_clid: &str) -> StoreResult<Option<AdTap>> {
        self.db.query(AD_TAP, params![ctwa_clid]).await?.first().map(tap).transpose()
    }

    async fn record_ad_conversation(
        &self,
        ctwa_clid: &str,
        wa_id: &str,
        message_id: &str,
        at: i64,
    ) -> StoreResult<bool> {
        self.changed(Plan::one(RECORD_AD_CONVERSATION, params![message_id, at, ctwa_clid, wa_id]), 0).await
    }

    async fn put_status(&self, s: &StatusRow) -> StoreResult<()> {
        let plan = Plan::one(
            PUT_STATUS,
            params![
                &s.id,
                &s.business_id,
                &s.phone_number_id,
                &s.kind,
                s.content.to_string(),
                s.created_at,
                s.expires_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn status_update(&self, id: &str) -> StoreResult<Option<StatusRow>> {
        self.db.query(STATUS_UPDATE, params![id]).await?.first().map(status).transpose()
    }

    async fn live_statuses(&self, phone_number_id: &str, now: i64) -> StoreResult<Vec<StatusRow>> {
        self.db.query(LIVE_STATUSES, params![phone_number_id, now]).await?.iter().map(status).collect()
    }

    async fn delete_status(&self, phone_number_id: &str, id: &str, at: i64) -> StoreResult<bool> {
        self.changed(Plan::one(DELETE_STATUS, params![at, phone_number_id, id]), 0).await
    }
}
