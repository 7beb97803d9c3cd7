//! The web app's people: users, their sessions, password resets and invitations.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::{Invitation, Role, User};

/// An open web session and its user, as a lookup by token hash finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSession {
    pub user: User,
    pub expires_at: i64,
    pub last_seen_at: i64,
}

/// Users, sessions (stored by token hash), one-time reset tokens and invitations.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// `Conflict` when the email is taken.
    async fn create_user(&self, u: &User) -> StoreResult<()>;
    async fn user(&self, id: &str) -> StoreResult<Option<User>>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// A business's users, oldest first.
    async fn users(&self, business_id: &str) -> StoreResult<Vec<User>>;
    /// False when the business has no such user.
    async fn set_user_role(&self, business_id: &str, id: &str, role: Role) -> StoreResult<bool>;
    /// Disable (`Some(at)`) or enable (`None`); disabling also ends the user's sessions.
    async fn set_user_disabled(&self, business_id: &str, id: &str, at: Option<i64>) -> StoreResult<bool>;
    /// New password hash; ends every session of the user and uses up the reset token
    /// `reset_hash` when given, in one commit. False when the token was used or expired.
    async fn set_password(&self, id: &str, hash: &str, reset_hash: Option<&str>, now: i64) -> StoreResult<bool>;

    async fn create_user_session(&self, token_hash: &str, user_id: &str, now: i64, expires_at: i64) -> StoreResult<()>;
    /// The unexpired session with this token hash.
    async fn user_session(&self, token_hash: &str, now: i64) -> StoreResult<Option<UserSession>>;
    async fn touch_user_session(&self, token_hash: &str, now: i64) -> StoreResult<()>;
    async fn delete_user_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of the user; how many there were.
    async fn delete_user_sessions(&self, user_id: &str) -> StoreResult<u64>;

    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// The user of an unused, unexpired reset token.
    async fn password_reset(&self, token_hash: &str, now: i64) -> StoreResult<Option<String>>;

    /// Replaces a pending invitation of the same business and email.
    async fn create_invitation(&self, i: &Invitation) -> StoreResult<()>;
    /// The unaccepted, unexpired invitation with this token hash.
    async fn invitation(&self, token_hash: &str, now: i64) -> StoreResult<Option<Invitation>>;
    /// A business's pending invitations, newest first.
    async fn invitations(&self, business_id: &str, now: i64) -> StoreResult<Vec<Invitation>>;
    /// Marks the invitation accepted and creates its user, in one commit; false when it was
    /// accepted already or expired. `Conflict` when the email is taken.
    async fn accept_invitation(&self, token_hash: &str, user: &User, now: i64) -> StoreResult<bool>;
}
