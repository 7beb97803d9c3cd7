//! Template analytics storage, written once for both engines.

use async_trait::async_trait;
use risala_core::clock::Millis;
use risala_core::model::*;
use risala_core::store::*;

use crate::db::Plan;
use crate::params;
use crate::sql::insights::*;
use crate::sql::messages::{TEMPLATE_BUTTON_REPLIES, TEMPLATE_DAY_COUNTS};
use crate::SqlStore;

#[async_trait]
impl InsightsStore for SqlStore {
    async fn insights_enabled_at(&self, waba_id: &str) -> StoreResult<Option<Millis>> {
        let row = self.db.query_opt(INSIGHTS_ENABLED_AT, params![waba_id]).await?;
        row.map(|r| r.i64(0)).transpose()
    }

    async fn enable_insights(&self, waba_id: &str, at: Millis) -> StoreResult<()> {
        self.db.write(Plan::one(ENABLE_INSIGHTS, params![waba_id, at])).await.map(|_| ())
    }

    async fn template_day_counts(
        &self,
        template_id: &str,
        from: Millis,
        to: Millis,
    ) -> StoreResult<Vec<TemplateDayCounts>> {
        let rows = self.db.query(TEMPLATE_DAY_COUNTS, params![template_id, from, to]).await?;
        rows.iter()
            .map(|r| Ok(TemplateDayCounts { day: r.i64(0)?, sent: r.i64(1)?, delivered: r.i64(2)?, read: r.i64(3)? }))
            .collect()
    }

    async fn template_button_replies(&self, template_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<Message>> {
        let rows = self.db.query(TEMPLATE_BUTTON_REPLIES, params![template_id, from, to]).await?;
        self.messages(&rows)
    }
}
