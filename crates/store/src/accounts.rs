//! The web app's people, written once for both engines.

use async_trait::async_trait;
use risala_core::model::Role;
use risala_core::model::{Invitation, User};
use risala_core::store::*;

use crate::db::Plan;
use crate::params;
use crate::sql::accounts::*;
use crate::value::Row;
use crate::SqlStore;

/// A user from the row's columns starting at `at`.
fn user_at(r: &Row, at: usize) -> StoreResult<User> {
    Ok(User {
        id: r.text(at)?,
        business_id: r.text(at + 1)?,
        email: r.text(at + 2)?,
        name: r.text(at + 3)?,
        password_hash: r.text(at + 4)?,
        role: r.wire(at + 5)?,
        created_at: r.i64(at + 6)?,
        disabled_at: r.opt_i64(at + 7)?,
    })
}

fn user(r: &Row) -> StoreResult<User> {
    user_at(r, 0)
}

fn invitation(r: &Row) -> StoreResult<Invitation> {
    Ok(Invitation {
        token_hash: r.text(0)?,
        business_id: r.text(1)?,
        email: r.text(2)?,
        role: r.wire(3)?,
        invited_by: r.text(4)?,
        created_at: r.i64(5)?,
        expires_at: r.i64(6)?,
        accepted_at: r.opt_i64(7)?,
    })
}

impl SqlStore {
    /// Run `plan`; whether its statement number `i` changed a row.
    pub(crate) async fn changed(&self, plan: Plan, i: usize) -> StoreResult<bool> {
        let out = self.db.write(plan).await?;
        Ok(out.get(i).is_some_and(|o| o.affected > 0))
    }
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_user(&self, u: &User) -> StoreResult<()> {
        let plan = Plan::one(
            INSERT_USER,
            params![
                &u.id,
                &u.business_id,
                &u.email,
                &u.name,
                &u.password_hash,
                u.role.as_str(),
                u.created_at,
                u.disabled_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn user(&self, id: &str) -> StoreResult<Option<User>> {
        self.db.query_opt(USER, params![id]).await?.as_ref().map(user).transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.db.query_opt(USER_BY_EMAIL, params![email]).await?.as_ref().map(user).transpose()
    }

    async fn users(&self, business_id: &str) -> StoreResult<Vec<User>> {
        self.db.query(USERS, params![business_id]).await?.iter().map(user).collect()
    }

    async fn set_user_role(&self, business_id: &str, id: &str, role: Role) -> StoreResult<bool> {
        self.changed(Plan::one(SET_USER_ROLE, params![role.as_str(), business_id, id]), 0).await
    }

    async fn set_user_disabled(&self, business_id: &str, id: &str, at: Option<i64>) -> StoreResult<bool> {
        let mut plan = Plan::one(SET_USER_DISABLED, params![at, business_id, id]);
        if at.is_some() {
            plan.push(DELETE_USER_SESSIONS, params![id]);
        }
        self.changed(plan, 0).await
    }

    async fn set_password(&self, id: &str, hash: &str, reset_hash: Option<&str>, now: i64) -> StoreResult<bool> {
        let mut plan = Plan::new();
        if let Some(reset) = reset_hash {
            plan.push(USE_PASSWORD_RESET, params![now, reset, id]);
        }
        plan.push(SET_PASSWORD, params![hash, id, reset_hash, now]);
        plan.push(END_SESSIONS_AFTER_PASSWORD, params![id, hash]);
        self.changed(plan, usize::from(reset_hash.is_some())).await
    }

    async fn create_user_session(&self, token_hash: &str, user_id: &str, now: i64, expires_at: i64) -> StoreResult<()> {
        let plan = Plan::one(INSERT_USER_SESSION, params![token_hash, user_id, now, expires_at]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn user_session(&self, token_hash: &str, now: i64) -> StoreResult<Option<UserSession>> {
        let Some(r) = self.db.query_opt(USER_SESSION, params![token_hash, now]).await? else { return Ok(None) };
        Ok(Some(UserSession { expires_at: r.i64(0)?, last_seen_at: r.i64(1)?, user: user_at(&r, 2)? }))
    }

    async fn touch_user_session(&self, token_hash: &str, now: i64) -> StoreResult<()> {
        self.db.write(Plan::one(TOUCH_USER_SESSION, params![now, token_hash])).await.map(|_| ())
    }

    async fn delete_user_session(&self, token_hash: &str) -> StoreResult<()> {
        self.db.write(Plan::one(DELETE_USER_SESSION, params![token_hash])).await.map(|_| ())
    }

    async fn delete_user_sessions(&self, user_id: &str) -> StoreResult<u64> {
        let out = self.db.write(Plan::one(DELETE_USER_SESSIONS, params![user_id])).await?;
        Ok(out.first().map(|o| o.affected).unwrap_or(0))
    }

    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        let plan = Plan::one(INSERT_PASSWORD_RESET, params![token_hash, user_id, now, expires_at]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn password_reset(&self, token_hash: &str, now: i64) -> StoreResult<Option<String>> {
        self.db.query_opt(PASSWORD_RESET, params![token_hash, now]).await?.map(|r| r.text(0)).transpose()
    }

    async fn create_invitation(&self, i: &Invitation) -> StoreResult<()> {
        let mut plan = Plan::one(DELETE_PENDING_INVITATION, params![&i.business_id, &i.email]);
        plan.push(
            INSERT_INVITATION,
            params![
                &i.token_hash,
                &i.business_id,
                &i.email,
                i.role.as_str(),
                &i.invited_by,
                i.created_at,
                i.expires_at,
                i.accepted_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn invitation(&self, token_hash: &str, now: i64) -> StoreResult<Option<Invitation>> {
        self.db.query_opt(INVITATION, params![token_hash, now]).await?.as_ref().map(invitation).transpose()
    }

    async fn invitations(&self, business_id: &str, now: i64) -> StoreResult<Vec<Invitation>> {
        self.db.query(INVITATIONS, params![business_id, now]).await?.iter().map(invitation).collect()
    }

    async fn accept_invitation(&self, token_hash: &str, u: &User, now: i64) -> StoreResult<bool> {
        let mut plan = Plan::one(ACCEPT_INVITATION, params![now, token_hash]);
        plan.push(INSERT_INVITED_USER, params![&u.id, &u.name, &u.password_hash, now, token_hash]);
        let out = self.db.write(plan).await?;
        Ok(out.get(1).is_some_and(|o| o.affected > 0))
    }
}
