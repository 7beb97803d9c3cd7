//! Quick replies: storage for both engines.

use async_trait::async_trait;
use risala_core::store::*;

use crate::db::Plan;
use crate::params;
use crate::sql::quick_replies::*;
use crate::value::Row;
use crate::SqlStore;

fn quick_reply(r: &Row) -> StoreResult<QuickReply> {
    Ok(QuickReply {
        id: r.text(0)?,
        business_id: r.text(1)?,
        shortcut: r.text(2)?,
        text: r.text(3)?,
        media_kind: r.opt_text(4)?,
        media_id: r.opt_text(5)?,
        created_at: r.i64(6)?,
        updated_at: r.i64(7)?,
    })
}

#[async_trait]
impl QuickReplyStore for SqlStore {
    async fn quick_replies(&self, business_id: &str) -> StoreResult<Vec<QuickReply>> {
        let rows = self.db.query(QUICK_REPLIES, params![business_id]).await?;
        rows.iter().map(quick_reply).collect()
    }

    async fn quick_reply(&self, business_id: &str, id: &str) -> StoreResult<Option<QuickReply>> {
        let rows = self.db.query(QUICK_REPLY, params![business_id, id]).await?;
        rows.first().map(quick_reply).transpose()
    }

    async fn create_quick_reply(&self, q: &QuickReply, max: usize) -> StoreResult<bool> {
        let mut plan = Plan::new();
        if let Engine::Postgres = self.db.engine() {
            plan.push(QUICK_REPLIES_LOCK, params![&q.business_id]);
        }
        let insert = plan.stmts.len();
        plan.push(
            INSERT_QUICK_REPLY,
            params![
                &q.id,
                &q.business_id,
                &q.shortcut,
                &q.text,
                q.media_kind.clone(),
                q.media_id.clone(),
                q.created_at,
                q.updated_at,
                i64::try_from(max).unwrap_or(i64::MAX)
            ],
        );
        self.changed(plan, insert).await
    }

    async fn update_quick_reply(&self, q: &QuickReply) -> StoreResult<bool> {
        let plan = Plan::one(
            UPDATE_QUICK_REPLY,
            params![
                &q.shortcut,
                &q.text,
                q.media_kind.clone(),
                q.media_id.clone(),
                q.updated_at,
                &q.id,
                &q.business_id
            ],
        );
        self.changed(plan, 0).await
    }

    async fn delete_quick_reply(&self, business_id: &str, id: &str) -> StoreResult<bool> {
        self.changed(Plan::one(DELETE_QUICK_REPLY, params![id, business_id]), 0).await
    }
}
