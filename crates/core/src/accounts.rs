//! The web app's people: users of a business with a role, signing in with email and password
//! (argon2id), sessions (only a hash of the token stored), password reset by a one-time link,
//! invitations, and the rules of who may manage whom. Failed sign-ins are limited per email and
//! per client address, in memory per node.

use std::net::IpAddr;
use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::audit::AuditService;
use crate::clock::{Clock, Millis};
use crate::error::{ApiError, ErrorCode};
use crate::ids;
use crate::limits::RateLimiter;
use crate::model::{Actor, Invitation, Role, Target, User};
use crate::ports::LinkSender;
use crate::store::Store;

/// Sessions last 14 days from sign-in.
pub const SESSION_TTL_MS: Millis = 14 * 86_400_000;
/// A session's last-seen time is written at most once a minute.
pub const TOUCH_EVERY_MS: Millis = 60_000;
/// Password-reset links last an hour.
pub const RESET_TTL_MS: Millis = 60 * 60_000;
/// Invitations last 7 days.
pub const INVITE_TTL_MS: Millis = 7 * 86_400_000;
/// Failed sign-ins for one email: 5, then one more every 3 minutes.
pub const FAILURES_PER_EMAIL: (u32, u32, Millis) = (5, 5, 15 * 60_000);
/// Failed sign-ins from one client address: 20, then 20 an hour.
pub const FAILURES_PER_ADDRESS: (u32, u32, Millis) = (20, 20, 60 * 60_000);
/// Wrong admin tokens on the operator console's sign-in from one address: 5, then one more
/// every 3 minutes (the console has one identity, so this is its per-email limit too).
pub const OPERATOR_FAILURES: (u32, u32, Millis) = (5, 5, 15 * 60_000);
/// The setting that holds when the operator last signed out: sessions issued before it ended.
const OPERATOR_SIGNED_OUT: &str = "operator_signed_out_at";
/// Reset links one email may be sent: 3, then 3 an hour.
pub const RESETS_PER_EMAIL: (u32, u32, Millis) = (3, 3, 60 * 60_000);
/// Shortest and longest password, in characters.
pub const PASSWORD_CHARS: (usize, usize) = (10, 256);
/// Longest name, in characters.
pub const MAX_NAME: usize = 100;
/// The sandbox's demo owner.
pub const DEMO_OWNER_EMAIL: &str = "owner@demo.test";

/// Why an account operation was refused; the web app words each for the person.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AccountError {
    #[error("the email or password is wrong")]
    WrongCredentials,
    #[error("this account is disabled")]
    Disabled,
    #[error("too many failed sign-ins; try again in {} s", (.0 + 999) / 1000)]
    TooManyAttempts(Millis),
    #[error("email: not a valid email address")]
    InvalidEmail,
    #[error("password: {} to {} characters", PASSWORD_CHARS.0, PASSWORD_CHARS.1)]
    BadPassword,
    #[error("name: 1 to {MAX_NAME} characters")]
    BadName,
    #[error("email: this email already has an account")]
    EmailTaken,
    #[error("your role does not allow this")]
    NotAllowed,
    #[error("no such business or person")]
    NotFound,
    #[error("the link is not valid or has expired")]
    LinkExpired,
    #[error("a business keeps at least one owner, and you cannot change or disable yourself")]
    KeepOwner,
    #[error(transparent)]
    Internal(ApiError),
}

impl From<ApiError> for AccountError {
    fn from(e: ApiError) -> Self {
        AccountError::Internal(e)
    }
}

impl From<crate::error::StoreError> for AccountError {
    fn from(e: crate::error::StoreError) -> Self {
        match e {
            crate::error::StoreError::Conflict(_) => AccountError::EmailTaken,
            e => AccountError::Internal(e.into()),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        let code = match &e {
            AccountError::Internal(inner) => return inner.clone(),
            AccountError::TooManyAttempts(wait) => {
                return ApiError::new(ErrorCode::RateLimitHit, e.to_string()).with_retry_after(*wait)
            }
            AccountError::WrongCredentials | AccountError::Disabled => ErrorCode::AuthException,
            AccountError::NotAllowed | AccountError::KeepOwner => ErrorCode::PermissionDenied,
            AccountError::NotFound | AccountError::LinkExpired => ErrorCode::AliasNotFound,
            _ => ErrorCode::InvalidParameter,
        };
        ApiError::new(code, e.to_string())
    }
}

pub type AccountResult<T> = Result<T, AccountError>;

/// A new session: its token (for the cookie, shown once) and its user.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub user: User,
}

/// Lower-cased, trimmed `raw` when it looks like an email address.
pub fn normalize_email(raw: &str) -> AccountResult<String> {
    let e = raw.trim().to_lowercase();
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(e.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !d.contains('@'));
    if ok {
        Ok(e)
    } else {
        Err(AccountError::InvalidEmail)
    }
}

fn check_name(raw: &str) -> AccountResult<String> {
    let n = raw.trim();
    if n.is_empty() || n.chars().count() > MAX_NAME || n.chars().any(char::is_control) {
        return Err(AccountError::BadName);
    }
    Ok(n.to_string())
}

/// The argon2id hash (PHC string) of `password`, after checking its length.
pub fn hash_password(password: &str) -> AccountResult<String> {
    let n = password.chars().count();
    if n < PASSWORD_CHARS.0 || n > PASSWORD_CHARS.1 {
        return Err(AccountError::BadPassword);
    }
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| ApiError::internal().with_cause(std::io::Error::other(e.to_string())))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Internal(ApiError::internal().with_cause(std::io::Error::other(e.to_string()))))
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A password to hand out once (the demo owner's, `risala admin users create`'s).
pub fn new_password() -> String {
    ids::new_secret(20)
}

struct Limits {
    failures_per_email: RateLimiter<String>,
    failures_per_address: RateLimiter<IpAddr>,
    resets_per_email: RateLimiter<String>,
    operator_failures: RateLimiter<IpAddr>,
}

fn limiter<K: Eq + std::hash::Hash + Clone>((burst, refill, period): (u32, u32, Millis)) -> RateLimiter<K> {
    RateLimiter::per_period(burst, refill, period)
}

#[derive(Clone)]
pub struct AccountService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    sender: Arc<dyn LinkSender>,
    /// Owners' and admins' changes to the people of their business are recorded here.
    audit: AuditService,
    limits: Arc<Limits>,
    /// Verified against when the email is unknown, so that the answer takes as long.
    dummy_hash: Arc<str>,
}

impl AccountService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, sender: Arc<dyn LinkSender>) -> Self {
        AccountService {
            audit: AuditService::new(store.clone(), clock.clone()),
            store,
            clock,
            sender,
            limits: Arc::new(Limits {
                failures_per_email: limiter(FAILURES_PER_EMAIL),
                failures_per_address: limiter(FAILURES_PER_ADDRESS),
                resets_per_email: limiter(RESETS_PER_EMAIL),
                operator_failures: limiter(OPERATOR_FAILURES),
            }),
            dummy_hash: hash_password("not a password of anyone").unwrap_or_default().into(),
        }
    }

    /// A user of `business_id` (the operator's command, the demo owner).
    pub async fn create_user(
        &self,
        business_id: &str,
        email: &str,
        name: &str,
        password: &str,
        role: Role,
    ) -> AccountResult<User> {
        if self.store.business(business_id).await?.is_none() {
            return Err(AccountError::NotFound);
        }
        let user = User {
            id: ids::new_object_id(),
            business_id: business_id.to_string(),
            email: normalize_email(email)?,
            name: check_name(name)?,
            password_hash: hash_password(password)?,
            role,
            created_at: self.clock.now_ms(),
            disabled_at: None,
        };
        self.store.create_user(&user).await?;
        Ok(user)
    }

    /// The sandbox's demo owner of `business_id`, created when missing with `fixed` as password
    /// or a new one. The password when it is known now: fixed, or just made (shown once: only
    /// its hash is kept).
    pub async fn ensure_demo_owner(&self, business_id: &str, fixed: Option<&str>) -> AccountResult<Option<String>> {
        if self.store.user_by_email(DEMO_OWNER_EMAIL).await?.is_some() {
            return Ok(fixed.map(str::to_string));
        }
        let password = fixed.map(str::to_string).unwrap_or_else(new_password);
        self.create_user(business_id, DEMO_OWNER_EMAIL, "Demo Owner", &password, Role::Owner).await?;
        Ok(Some(password))
    }

    /// Sign in with email and password from `client`. Failed attempts are limited per email
    /// and per address ([`FAILURES_PER_EMAIL`], [`FAILURES_PER_ADDRESS`]): past them every
    /// attempt is refused until the wait is over, right password or not.
    pub async fn sign_in(&self, email: &str, password: &str, client: IpAddr) -> AccountResult<NewSession> {
        let now = self.clock.now_ms();
        let email = normalize_email(email).map_err(|_| AccountError::WrongCredentials)?;
        self.limits.failures_per_address.check(&client, now).map_err(AccountError::TooManyAttempts)?;
        self.limits.failures_per_email.check(&email, now).map_err(AccountError::TooManyAttempts)?;
        let user = self.store.user_by_email(&email).await?;
        let hash = user.as_ref().map(|u| u.password_hash.as_str()).unwrap_or(&self.dummy_hash);
        let matches = password_matches(hash, password);
        let Some(user) = user.filter(|_| matches) else {
            let _ = self.limits.failures_per_address.try_take(&client, now);
            let _ = self.limits.failures_per_email.try_take(&email, now);
            return Err(AccountError::WrongCredentials);
        };
        if user.disabled_at.is_some() {
            return Err(AccountError::Disabled);
        }
        self.open_session(user).await
    }

    /// An attempt to open the operator console from `client`, `matches` telling whether the
    /// admin token given was right: failures are limited per address ([`OPERATOR_FAILURES`]),
    /// and past the limit the right token is refused too until the wait is over. `now` is the
    /// system's time, as the operator's sessions keep it (not the sandbox's clock).
    pub fn operator_sign_in(&self, client: IpAddr, matches: bool, now: Millis) -> AccountResult<()> {
        self.limits.operator_failures.check(&client, now).map_err(AccountError::TooManyAttempts)?;
        if !matches {
            let _ = self.limits.operator_failures.try_take(&client, now);
            return Err(AccountError::WrongCredentials);
        }
        Ok(())
    }

    /// When the operator last signed out (0: never). An operator session carries no identity
    /// of its own, only the time it was issued, so a sign-out ends every one issued before it,
    /// on every node.
    pub async fn operator_signed_out_at(&self) -> AccountResult<Millis> {
        Ok(self.store.setting(OPERATOR_SIGNED_OUT).await?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Sign the operator out at `now`: [`Self::operator_signed_out_at`].
    pub async fn operator_sign_out(&self, now: Millis) -> AccountResult<()> {
        Ok(self.store.set_setting(OPERATOR_SIGNED_OUT, &now.to_string()).await?)
    }

    async fn open_session(&self, user: User) -> AccountResult<NewSession> {
        let now = self.clock.now_ms();
        let token = ids::new_secret(43);
        self.store.create_user_session(&ids::hash_token(&token), &user.id, now, now + SESSION_TTL_MS).await?;
        Ok(NewSession { token, user })
    }

    /// The enabled user of an unexpired session token, or `None`.
    pub async fn authenticate(&self, token: &str) -> AccountResult<Option<User>> {
        let now = self.clock.now_ms();
        let hash = ids::hash_token(token);
        let Some(s) = self.store.user_session(&hash, now).await? else { return Ok(None) };
        if s.user.disabled_at.is_some() {
            return Ok(None);
        }
        if now - s.last_seen_at >= TOUCH_EVERY_MS {
            self.store.touch_user_session(&hash, now).await?;
        }
        Ok(Some(s.user))
    }

    /// End the session of `token`.
    pub async fn sign_out(&self, token: &str) -> AccountResult<()> {
        Ok(self.store.delete_user_session(&ids::hash_token(token)).await?)
    }

    /// End every session of `user`, on every device; how many there were.
    pub async fn sign_out_everywhere(&self, user: &User) -> AccountResult<u64> {
        Ok(self.store.delete_user_sessions(&user.id).await?)
    }

    /// Send a one-time password-reset link (`link_base` + token) to `email` when it has an
    /// enabled account. Answers the same whether it has or not, so that accounts cannot be
    /// probed; at most [`RESETS_PER_EMAIL`] links are sent.
    pub async fn request_reset(&self, email: &str, link_base: &str) -> AccountResult<()> {
        let Ok(email) = normalize_email(email) else { return Ok(()) };
        let now = self.clock.now_ms();
        let Some(user) = self.store.user_by_email(&email).await?.filter(|u| u.disabled_at.is_none()) else {
            return Ok(());
        };
        if self.limits.resets_per_email.try_take(&email, now).is_err() {
            return Ok(());
        }
        let token = ids::new_secret(43);
        self.store.create_password_reset(&ids::hash_token(&token), &user.id, now, now + RESET_TTL_MS).await?;
        self.send(&email, "password reset", &format!("{link_base}{token}"))
    }

    /// The user a reset token is for, while it is unused and unexpired.
    pub async fn reset_user(&self, token: &str) -> AccountResult<User> {
        let now = self.clock.now_ms();
        let id = self.store.password_reset(&ids::hash_token(token), now).await?.ok_or(AccountError::LinkExpired)?;
        self.store.user(&id).await?.ok_or(AccountError::LinkExpired)
    }

    /// Set a new password with a reset token (used up); every session of the user ends.
    pub async fn reset_password(&self, token: &str, password: &str) -> AccountResult<User> {
        let user = self.reset_user(token).await?;
        let hash = hash_password(password)?;
        let now = self.clock.now_ms();
        if !self.store.set_password(&user.id, &hash, Some(&ids::hash_token(token)), now).await? {
            return Err(AccountError::LinkExpired);
        }
        Ok(user)
    }

    /// Invite `email` to `actor`'s business as `role`, sending the link (`link_base` + token).
    /// Owners invite anyone; admins invite admins and agents; agents nobody.
    pub async fn invite(&self, actor: &User, email: &str, role: Role, link_base: &str) -> AccountResult<Invitation> {
        may_grant(actor, role)?;
        let email = normalize_email(email)?;
        if self.store.user_by_email(&email).await?.is_some() {
            return Err(AccountError::EmailTaken);
        }
        let now = self.clock.now_ms();
        let token = ids::new_secret(43);
        let inv = Invitation {
            token_hash: ids::hash_token(&token),
            business_id: actor.business_id.clone(),
            email,
            role,
            invited_by: actor.id.clone(),
            created_at: now,
            expires_at: now + INVITE_TTL_MS,
            accepted_at: None,
        };
        self.store.create_invitation(&inv).await?;
        self.send(&inv.email, "invitation", &format!("{link_base}{token}"))?;
        self.record(actor, "user.invite", &inv.invited_by, &format!("role={}", role.as_str())).await?;
        Ok(inv)
    }

    /// The pending invitation of a token.
    pub async fn invitation(&self, token: &str) -> AccountResult<Invitation> {
        let now = self.clock.now_ms();
        self.store.invitation(&ids::hash_token(token), now).await?.ok_or(AccountError::LinkExpired)
    }

    /// The name of a business, for the invitation page.
    pub async fn business_name(&self, id: &str) -> AccountResult<String> {
        self.store.business(id).await?.map(|b| b.name).ok_or(AccountError::NotFound)
    }

    /// Accept an invitation: the invitee's account, with the name and password they chose,
    /// signed in.
    pub async fn accept(&self, token: &str, name: &str, password: &str) -> AccountResult<NewSession> {
        let inv = self.invitation(token).await?;
        let now = self.clock.now_ms();
        let user = User {
            id: ids::new_object_id(),
            business_id: inv.business_id,
            email: inv.email,
            name: check_name(name)?,
            password_hash: hash_password(password)?,
            role: inv.role,
            created_at: now,
            disabled_at: None,
        };
        if !self.store.accept_invitation(&inv.token_hash, &user, now).await? {
            return Err(AccountError::LinkExpired);
        }
        self.open_session(user).await
    }

    /// The people of `actor`'s business and its pending invitations (owners and admins).
    pub async fn people(&self, actor: &User) -> AccountResult<(Vec<User>, Vec<Invitation>)> {
        if !actor.role.manages_people() {
            return Err(AccountError::NotAllowed);
        }
        let now = self.clock.now_ms();
        Ok((self.store.users(&actor.business_id).await?, self.store.invitations(&actor.business_id, now).await?))
    }

    /// Give a person of `actor`'s business another role.
    pub async fn set_role(&self, actor: &User, user_id: &str, role: Role) -> AccountResult<User> {
        let target = self.managed(actor, user_id).await?;
        may_grant(actor, role)?;
        if target.role == Role::Owner && role != Role::Owner {
            self.keep_an_owner(&target).await?;
        }
        self.store.set_user_role(&actor.business_id, &target.id, role).await?;
        self.record(actor, "user.role", &target.id, &format!("role={}", role.as_str())).await?;
        Ok(User { role, ..target })
    }

    /// Disable (signing them out everywhere) or enable a person of `actor`'s business.
    pub async fn set_disabled(&self, actor: &User, user_id: &str, disabled: bool) -> AccountResult<User> {
        let target = self.managed(actor, user_id).await?;
        if disabled && target.role == Role::Owner {
            self.keep_an_owner(&target).await?;
        }
        let at = disabled.then(|| self.clock.now_ms());
        self.store.set_user_disabled(&actor.business_id, &target.id, at).await?;
        let action = if disabled { "user.disable" } else { "user.enable" };
        self.record(actor, action, &target.id, "").await?;
        Ok(User { disabled_at: at, ..target })
    }

    /// An owner's or admin's change in the audit log: actor `user:<id>`, ids only (an
    /// invitation is recorded on its inviter, never with the invitee's email).
    async fn record(&self, actor: &User, action: &str, target: &str, detail: &str) -> AccountResult<()> {
        let who = Actor { id: format!("user:{}", actor.id), address: None };
        let what = Target { business_id: Some(actor.business_id.clone()), id: target.to_string() };
        Ok(self.audit.record(&who, action, &what, detail).await?)
    }

    /// Another person of `actor`'s business whom `actor` may manage: an id of another business
    /// is not found.
    async fn managed(&self, actor: &User, user_id: &str) -> AccountResult<User> {
        if !actor.role.manages_people() {
            return Err(AccountError::NotAllowed);
        }
        let target = self
            .store
            .user(user_id)
            .await?
            .filter(|u| u.business_id == actor.business_id)
            .ok_or(AccountError::NotFound)?;
        if target.id == actor.id {
            return Err(AccountError::KeepOwner);
        }
        if target.role == Role::Owner && actor.role != Role::Owner {
            return Err(AccountError::NotAllowed);
        }
        Ok(target)
    }

    /// Refuse when `leaving` is the business's last enabled owner.
    async fn keep_an_owner(&self, leaving: &User) -> AccountResult<()> {
        let others = self.store.users(&leaving.business_id).await?;
        let left = others.iter().filter(|u| u.role == Role::Owner && u.disabled_at.is_none() && u.id != leaving.id);
        if left.count() == 0 {
            return Err(AccountError::KeepOwner);
        }
        Ok(())
    }

    fn send(&self, email: &str, purpose: &str, link: &str) -> AccountResult<()> {
        self.sender.send_link(email, purpose, link).map_err(|e| {
            AccountError::Internal(
                ApiError::internal().with_cause(std::io::Error::other(format!("sending a {purpose} link: {e}"))),
            )
        })
    }
}

/// Owners grant any role; admins grant admin and agent; agents nothing.
fn may_grant(actor: &User, role: Role) -> AccountResult<()> {
    match (actor.role, role) {
        (Role::Owner, _) | (Role::Admin, Role::Admin | Role::Agent) => Ok(()),
        _ => Err(AccountError::NotAllowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(normalize_email("  Ana@Example.COM ").unwrap(), "ana@example.com");
        for bad in ["", "ana", "@example.com", "ana@", "ana@example", "a b@example.com", "a@b@example.com", "ana@.com"]
        {
            assert_eq!(normalize_email(bad), Err(AccountError::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(password_matches(&h, "correct horse battery"));
        assert!(!password_matches(&h, "correct horse battery!"));
        assert!(!password_matches("not a hash", "x"));
        assert_eq!(hash_password("short"), Err(AccountError::BadPassword));
    }
}
