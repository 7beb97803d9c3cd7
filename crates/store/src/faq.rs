//! FAQ answers' storage, written once for both engines.

use async_trait::async_trait;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::Plan;
use crate::params;
use crate::sql::faq::*;
use crate::value::Row;
use crate::SqlStore;

fn texts(r: &Row, i: usize) -> StoreResult<Vec<String>> {
    serde_json::from_str(&r.text(i)?).map_err(|e| StoreError::Database(format!("faq column {i}: {e}")))
}

fn entry(r: &Row) -> StoreResult<FaqEntry> {
    Ok(FaqEntry {
        id: r.text(0)?,
        business_id: r.text(1)?,
        phone_number_id: r.text(2)?,
        question: r.text(3)?,
        answer: r.text(4)?,
        keywords: texts(r, 5)?,
        phrasings: texts(r, 6)?,
        enabled: r.bool(7)?,
        created_at: r.i64(8)?,
        updated_at: r.i64(9)?,
    })
}

fn json(v: &[String]) -> String {
    serde_json::Value::from(v.to_vec()).to_string()
}

#[async_trait]
impl FaqStore for SqlStore {
    async fn faq_entries(&self, phone_number_id: &str) -> StoreResult<Vec<FaqEntry>> {
        self.db.query(FAQ_ENTRIES, params![phone_number_id]).await?.iter().map(entry).collect()
    }

    async fn faq_entry(&self, phone_number_id: &str, id: &str) -> StoreResult<Option<FaqEntry>> {
        self.db.query(FAQ_ENTRY, params![phone_number_id, id]).await?.first().map(entry).transpose()
    }

    async fn put_faq_entry(&self, e: &FaqEntry) -> StoreResult<()> {
        let plan = Plan::one(
            PUT_FAQ_ENTRY,
            params![
                &e.id,
                &e.business_id,
                &e.phone_number_id,
                &e.question,
                &e.answer,
                json(&e.keywords),
                json(&e.phrasings),
                e.enabled,
                e.created_at,
                e.updated_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn delete_faq_entry(&self, phone_number_id: &str, id: &str) -> StoreResult<bool> {
        self.changed(Plan::one(DELETE_FAQ_ENTRY, params![phone_number_id, id]), 0).await
    }

    async fn faq_settings(&self, phone_number_id: &str) -> StoreResult<Option<FaqSettings>> {
        let rows = self.db.query(FAQ_SETTINGS, params![phone_number_id]).await?;
        rows.first()
            .map(|r| {
                Ok(FaqSettings {
                    phone_number_id: r.text(0)?,
                    enabled: r.bool(1)?,
                    threshold: u8::try_from(r.i64(2)?).unwrap_or(risala_core::tools::faq::DEFAULT_THRESHOLD),
                    handoff_button: r.text(3)?,
                    handoff_reply: r.text(4)?,
                    updated_at: r.i64(5)?,
                })
            })
            .transpose()
    }

    async fn put_faq_settings(&self, s: &FaqSettings) -> StoreResult<()> {
        let plan = Plan::one(
            PUT_FAQ_SETTINGS,
            params![
                &s.phone_number_id,
                s.enabled,
                i64::from(s.threshold),
                &s.handoff_button,
                &s.handoff_reply,
                s.updated_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }
}
