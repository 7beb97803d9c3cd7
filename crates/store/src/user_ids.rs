//! Business-scoped user ids, usernames and number changes, written once for both engines.

use async_trait::async_trait;
use risala_core::clock::Millis;
use risala_core::model::*;
use risala_core::store::*;

use crate::db::Plan;
use crate::params;
use crate::sql::privacy::{ERASE_CODES, ERASE_CUSTOMER};
use crate::sql::user_ids::*;
use crate::SqlStore;

#[async_trait]
impl UserIdStore for SqlStore {
    async fn contact(&self, business_id: &str, wa_id: &str) -> StoreResult<Option<ContactRow>> {
        let row = self.db.query_opt(CONTACT, params![business_id, wa_id]).await?;
        row.map(|r| {
            Ok(ContactRow {
                wa_id: r.text(0)?,
                profile_name: r.text(1)?,
                username: r.opt_text(2)?,
                hide_number: r.i64(3)? != 0,
                user_id: r.opt_text(4)?,
                number_shared_at: r.opt_i64(5)?,
            })
        })
        .transpose()
    }

    async fn ensure_user_id(&self, business_id: &str, wa_id: &str, user_id: &str, at: Millis) -> StoreResult<String> {
        self.db.write(Plan::one(INSERT_USER_ID, params![business_id, wa_id, user_id, at])).await?;
        // Another node may have given one first: the stored one wins.
        let row = self.db.query_opt(USER_ID, params![business_id, wa_id]).await?;
        match row {
            Some(r) => r.text(0),
            None => Err(risala_core::StoreError::NotFound),
        }
    }

    async fn user_id_owner(&self, business_id: &str, user_id: &str) -> StoreResult<Option<String>> {
        let row = self.db.query_opt(USER_ID_OWNER, params![user_id, business_id]).await?;
        row.map(|r| r.text(0)).transpose()
    }

    async fn share_number(&self, business_id: &str, wa_id: &str, at: Millis) -> StoreResult<()> {
        self.db.write(Plan::one(SHARE_NUMBER, params![at, business_id, wa_id])).await.map(|_| ())
    }

    async fn username_owner(&self, username: &str) -> StoreResult<Option<String>> {
        let row = self.db.query_opt(USERNAME_OWNER, params![username]).await?;
        row.map(|r| r.text(0)).transpose()
    }

    async fn set_username(&self, s: &UsernameSetting) -> StoreResult<()> {
        let plan = Plan::one(SET_USERNAME, params![&s.wa_id, s.username.as_deref(), s.hide_number, s.at]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn user_id_businesses(&self, wa_id: &str) -> StoreResult<Vec<String>> {
        let rows = self.db.query(USER_ID_BUSINESSES, params![wa_id]).await?;
        rows.iter().map(|r| r.text(0)).collect()
    }

    async fn change_number(&self, c: &NumberChange) -> StoreResult<()> {
        let (new, old) = (c.new_wa_id.as_str(), c.old_wa_id.as_str());
        let mut plan = Plan::new();
        plan.push(MOVE_CUSTOMER, params![new, old]);
        for sql in [
            MOVE_SESSIONS,
            MOVE_CONVERSATIONS,
            MOVE_MESSAGES,
            MOVE_MEDIA,
            MOVE_BLOCKS,
            MOVE_PREFERENCES,
            MOVE_ENTRY_POINTS,
            MOVE_USERNAME,
        ] {
            plan.push(sql, params![new, old]);
        }
        crate::privacy::move_kept_rows(&mut plan, new, old);
        // The old number's BSUIDs go; the new number gets new ones.
        plan.push(ERASE_USER_IDS, params![old]);
        for (business_id, user_id) in &c.new_user_ids {
            plan.push(INSERT_USER_ID, params![business_id.as_str(), new, user_id.as_str(), c.at]);
        }
        // Sign-in codes of either number go: the one the new number used is spent.
        plan.push(ERASE_CODES, params![old])
            .push(ERASE_CODES, params![new])
            .push(ERASE_CUSTOMER, params![old])
            .push(CLEAR_NUMBER_CHANGE, params![new])
            .push(RECORD_NUMBER_CHANGE, params![old, new, c.at]);
        self.push_outbox(&mut plan, &c.outbox)?;
        self.db.write(plan).await.map(|_| ())
    }

    async fn moved_to(&self, old_wa_id: &str) -> StoreResult<Option<String>> {
        let row = self.db.query_opt(MOVED_TO, params![old_wa_id]).await?;
        row.map(|r| r.text(0)).transpose()
    }
}
