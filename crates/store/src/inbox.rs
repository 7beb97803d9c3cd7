//! What the web app's pages read of a business's conversations.

use async_trait::async_trait;
use risala_core::model::Conversation;
use risala_core::store::*;

use crate::params;
use crate::sql::inbox::*;
use crate::SqlStore;

#[async_trait]
impl InboxStore for SqlStore {
    async fn business_chats(&self, business_id: &str, limit: usize) -> StoreResult<Vec<ChatRow>> {
        let rows = self.db.query(BUSINESS_CHATS, params![business_id, limit as i64]).await?;
        rows.iter()
            .map(|r| {
                Ok(ChatRow {
                    conversation: Conversation {
                        phone_number_id: r.text(0)?,
                        wa_id: r.text(1)?,
                        business_id: r.text(2)?,
                        last_inbound_at: r.opt_i64(3)?,
                        last_outbound_at: r.opt_i64(4)?,
                        last_message_at: r.i64(5)?,
                        created_at: r.i64(6)?,
                    },
                    profile_name: r.text(7)?,
                    business_number: r.text(8)?,
                })
            })
            .collect()
    }
}
