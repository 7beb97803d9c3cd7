//! Business hours, the away message and the greeting: storage for both engines.

use async_trait::async_trait;
use risala_core::store::*;

use crate::db::Plan;
use crate::params;
use crate::sql::hours::*;
use crate::SqlStore;

#[async_trait]
impl HoursStore for SqlStore {
    async fn hours(&self, phone_number_id: &str) -> StoreResult<Option<HoursRow>> {
        let rows = self.db.query(HOURS, params![phone_number_id]).await?;
        let Some(r) = rows.first() else { return Ok(None) };
        Ok(Some(HoursRow {
            phone_number_id: r.text(0)?,
            business_id: r.text(1)?,
            settings: r.text(2)?,
            updated_at: r.i64(3)?,
        }))
    }

    async fn save_hours(&self, h: &HoursRow) -> StoreResult<()> {
        let plan = Plan::one(SAVE_HOURS, params![&h.phone_number_id, &h.business_id, &h.settings, h.updated_at]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn auto_reply_state(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<AutoReplyState>> {
        let rows = self.db.query(AUTO_REPLY_STATE, params![phone_number_id, wa_id]).await?;
        let Some(r) = rows.first() else { return Ok(None) };
        Ok(Some(AutoReplyState { last_inbound_at: r.opt_i64(0)?, greeted_at: r.opt_i64(1)?, away_at: r.opt_i64(2)? }))
    }

    async fn save_auto_reply_state(&self, phone_number_id: &str, wa_id: &str, s: &AutoReplyState) -> StoreResult<()> {
        let plan = Plan::one(
            SAVE_AUTO_REPLY_STATE,
            params![phone_number_id, wa_id, s.last_inbound_at, s.greeted_at, s.away_at],
        );
        self.db.write(plan).await.map(|_| ())
    }
}
