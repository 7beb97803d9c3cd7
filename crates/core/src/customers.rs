//! The customer's side as a service: signing in (a session per device; in platform mode after a
//! one-time code), the profile, the chat list with each chat's windows, a chat's history, media
//! the customer may open, and the chat menu's controls (block, unblock, report spam). Sending,
//! acknowledging and marketing preferences are messaging's ([`crate::messaging`]).
//!
//! A new block and every report are quality signals of the number and negative feedback on the
//! template of the business's most recent template message to this customer, which may pause it.

use std::net::IpAddr;
use std::sync::Arc;

use crate::clock::{Clock, Millis};
use crate::error::{ApiError, ErrorCode};
use crate::ids;
use crate::limits::RateLimiter;
use crate::messaging::MessagingService;
use crate::model::{Conversation, Customer, EntryPoint, Media, Message, PhoneNumber, Template};
use crate::phone::WaId;
use crate::ports::CodeSender;
use crate::store::Store;
use crate::templates::{FeedbackKind, TemplateService};

mod identity;

pub use identity::Identity;

/// Customer sessions last 30 days.
pub const SESSION_TTL_MS: Millis = 30 * 86_400_000;
/// One-time codes last 10 minutes.
pub const CODE_TTL_MS: Millis = 10 * 60_000;
/// Most characters of a profile name.
pub const MAX_PROFILE_NAME: usize = 100;
/// Wrong codes for one number, across re-issued codes, before it is locked for
/// [`LOCKOUT_MS`]. They count until a sign-in succeeds: once locked, each lock allows one guess.
pub const MAX_CODE_FAILURES: i64 = 10;
/// How long a number stays locked after too many wrong codes: an hour.
pub const LOCKOUT_MS: Millis = 60 * 60_000;
/// Codes one number may be sent: a burst of 5, then 5 an hour.
pub const CODES_PER_NUMBER: (u32, u32, Millis) = (5, 5, 60 * 60_000);
/// Code requests from one client address: a burst of 20, then 20 an hour.
pub const CODES_PER_ADDRESS: (u32, u32, Millis) = (20, 20, 60 * 60_000);
/// Codes tried from one client address: a burst of 20, then 20 an hour.
pub const GUESSES_PER_ADDRESS: (u32, u32, Millis) = (20, 20, 60 * 60_000);

/// An open session: its token (shown once) and the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token: String,
    pub customer: Customer,
}

/// One chat of the customer's list.
#[derive(Debug, Clone, PartialEq)]
pub struct Chat {
    pub phone: PhoneNumber,
    pub conversation: Conversation,
    pub entry_point: Option<EntryPoint>,
    /// The customer blocked this business number.
    pub blocked: bool,
}

/// What a block or report did.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackOutcome {
    pub blocked: bool,
    /// The template of the business's last template message to the customer, if any.
    pub template_id: Option<String>,
    /// That template after the feedback counted against it.
    pub template: Option<Template>,
}

#[derive(Clone)]
pub struct CustomerService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    messaging: MessagingService,
    templates: TemplateService,
    code_sender: Arc<dyn CodeSender>,
    /// Platform mode: a session needs a one-time code (sandbox: the number alone).
    require_code: bool,
    /// Key of the stored form of codes (HMAC-SHA256): six digits under a bare hash would be
    /// read back from a copy of the database in a million tries.
    code_key: Arc<str>,
    /// Kept in memory, per node.
    limits: Arc<SignInLimits>,
}

struct SignInLimits {
    codes_per_number: RateLimiter<String>,
    codes_per_address: RateLimiter<IpAddr>,
    guesses_per_address: RateLimiter<IpAddr>,
}

fn limiter<K: Eq + std::hash::Hash + Clone>((burst, refill, period): (u32, u32, Millis)) -> RateLimiter<K> {
    RateLimiter::per_period(burst, refill, period)
}

/// `code` with `details` and when to retry, `wait` ms from now (also in `Retry-After`).
fn retry_later(code: ErrorCode, details: &str, wait: Millis) -> ApiError {
    ApiError::new(code, format!("{details}; try again in {} s", (wait + 999) / 1000)).with_retry_after(wait)
}

fn parse_number(raw: &str, what: &str) -> Result<WaId, ApiError> {
    WaId::parse(raw, None).map_err(|e| ApiError::bad_value(format!("{what}: {e}")))
}

impl CustomerService {
    /// `code_key`: the server's secret for the stored form of one-time codes.
    pub fn new(
        messaging: MessagingService,
        templates: TemplateService,
        code_sender: Arc<dyn CodeSender>,
        require_code: bool,
        code_key: &str,
    ) -> Self {
        CustomerService {
            store: messaging.store().clone(),
            clock: messaging.clock().clone(),
            messaging,
            templates,
            code_sender,
            require_code,
            code_key: code_key.into(),
            limits: Arc::new(SignInLimits {
                codes_per_number: limiter(CODES_PER_NUMBER),
                codes_per_address: limiter(CODES_PER_ADDRESS),
                guesses_per_address: limiter(GUESSES_PER_ADDRESS),
            }),
        }
    }

    /// The stored form of `code` for `wa_id`: hex HMAC-SHA256 under the server's key.
    pub fn code_hash(&self, wa_id: &str, code: &str) -> String {
        hex::encode(ids::hmac_sha256(self.code_key.as_bytes(), format!("{wa_id}:{code}").as_bytes()))
    }

    /// 133008 while `wa_id` is locked after too many wrong codes.
    async fn refuse_if_locked(&self, wa_id: &str, now: Millis) -> Result<(), ApiError> {
        match self.store.customer_code_state(wa_id).await? {
            Some((_, until)) if until > now => {
                Err(retry_later(ErrorCode::CodeGuessLimit, "code: too many wrong codes for this number", until - now))
            }
            _ => Ok(()),
        }
    }

    /// Send a one-time sign-in code to `phone`, asked from `client` (its address). Limited per
    /// number and per address (130429 with `Retry-After`), refused while the number is locked
    /// (133008).
    pub async fn request_code(&self, phone: &str, client: IpAddr) -> Result<(), ApiError> {
        let wa = parse_number(phone, "phone")?;
        let now = self.clock.now_ms();
        let too_many = |who: &str, wait: Millis| {
            retry_later(ErrorCode::RateLimitHit, &format!("phone: too many sign-in codes requested {who}"), wait)
        };
        self.limits.codes_per_address.try_take(&client, now).map_err(|w| too_many("from this address", w))?;
        self.refuse_if_locked(wa.as_str(), now).await?;
        self.limits
            .codes_per_number
            .try_take(&wa.as_str().to_string(), now)
            .map_err(|w| too_many("for this number", w))?;
        let code = format!("{:06}", rand::random::<u32>() % 1_000_000);
        let expires = now + CODE_TTL_MS;
        self.store.set_customer_code(wa.as_str(), &self.code_hash(wa.as_str(), &code), expires).await?;
        self.code_sender
            .send(wa.as_str(), &code)
            .map_err(|e| ApiError::internal().with_cause(std::io::Error::other(format!("sending a sign-in code: {e}"))))
    }

    /// Open a session for `phone` (creating the customer, or renaming them when `name` is
    /// given); in platform mode only with a valid one-time `code`, tried from `client` (its
    /// address): limited per address (133009), and a number is locked after
    /// [`MAX_CODE_FAILURES`] wrong codes (133008), both with `Retry-After`.
    pub async fn open_session(
        &self,
        phone: &str,
        name: Option<&str>,
        code: Option<&str>,
        client: IpAddr,
    ) -> Result<Session, ApiError> {
        let wa = parse_number(phone, "phone")?;
        let now = self.clock.now_ms();
        self.verify_code(&wa, code, client, now).await?;
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        if name.is_some_and(|n| n.chars().count() > MAX_PROFILE_NAME) {
            return Err(ApiError::bad_value(format!("name: at most {MAX_PROFILE_NAME} characters")));
        }
        let customer = Customer {
            wa_id: wa.as_str().to_string(),
            profile_name: name.unwrap_or(wa.as_str()).to_string(),
            created_at: now,
        };
        self.store.upsert_customer(&customer, name.is_some()).await?;
        self.messaging.forget_customer(wa.as_str());
        let token = format!("cs_{}", ids::new_secret(40));
        self.store.create_customer_session(&ids::hash_token(&token), wa.as_str(), now, now + SESSION_TTL_MS).await?;
        let customer = self.profile(wa.as_str()).await?;
        Ok(Session { token, customer })
    }

    /// In platform mode, check the one-time `code` sent to `wa`, tried from `client`: limited
    /// per address (133009), the number locked after [`MAX_CODE_FAILURES`] wrong codes
    /// (133008). Sandbox mode needs no code.
    async fn verify_code(&self, wa: &WaId, code: Option<&str>, client: IpAddr, now: Millis) -> Result<(), ApiError> {
        if !self.require_code {
            return Ok(());
        }
        let code = code.ok_or_else(|| {
            ApiError::missing("code").with_message("A one-time code is required: POST /customer/v1/session/code first")
        })?;
        self.limits.guesses_per_address.try_take(&client, now).map_err(|wait| {
            retry_later(ErrorCode::CodeGuessTooFast, "code: too many codes tried from this address", wait)
        })?;
        self.refuse_if_locked(wa.as_str(), now).await?;
        let hash = self.code_hash(wa.as_str(), code);
        let lock_until = now + LOCKOUT_MS;
        if !self.store.check_customer_code(wa.as_str(), &hash, now, MAX_CODE_FAILURES, lock_until).await? {
            // This attempt may have been the one that locked the number.
            self.refuse_if_locked(wa.as_str(), now).await?;
            return Err(ApiError::new(ErrorCode::AccessDenied, "code: the code is wrong or has expired"));
        }
        Ok(())
    }

    /// The customer a session token belongs to.
    pub async fn authenticate(&self, token: &str) -> Result<String, ApiError> {
        match self.store.customer_session(&ids::hash_token(token), self.clock.now_ms()).await? {
            Some(wa_id) => Ok(wa_id),
            None => Err(ApiError::new(ErrorCode::TokenInvalid, "The customer session is not valid or has expired.")),
        }
    }

    pub async fn profile(&self, wa_id: &str) -> Result<Customer, ApiError> {
        self.store.customer(wa_id).await?.ok_or_else(ApiError::internal)
    }

    /// The customer's chats, most recent first.
    pub async fn chats(&self, wa_id: &str) -> Result<Vec<Chat>, ApiError> {
        let blocked = self.messaging.quality().blocked_by_customer(wa_id).await?;
        let mut out = Vec::new();
        for c in self.store.customer_conversations(wa_id).await? {
            let Some(phone) = self.store.phone_number(&c.phone_number_id).await? else { continue };
            let entry_point = self.store.entry_point(&c.phone_number_id, wa_id).await?;
            out.push(Chat { blocked: blocked.contains(&phone.id), phone, conversation: c, entry_point });
        }
        Ok(out)
    }

    /// A business number by the digits a customer addresses it with.
    pub async fn business_number(&self, number: &str) -> Result<PhoneNumber, ApiError> {
        let wa = parse_number(number, "business number")?;
        // Read fresh, not from the send path's cache: a block or report rates the number from
        // its stored rating.
        self.store
            .phone_number_by_number(wa.as_str())
            .await?
            .ok_or_else(|| ApiError::bad_value(format!("{number} is not a business number here")))
    }

    /// A page of a chat, newest first, with `seq < before`.
    pub async fn history(
        &self,
        wa_id: &str,
        number: &str,
        before: Option<i64>,
        limit: usize,
    ) -> Result<(PhoneNumber, Vec<Message>), ApiError> {
        let phone = self.business_number(number).await?;
        let messages = self.store.chat_history(&phone.id, wa_id, before, limit).await?;
        Ok((phone, messages))
    }

    /// Media this customer sent or was sent, while it is kept (its bytes through
    /// [`MessagingService::media_chunk`]).
    pub async fn media(&self, wa_id: &str, id: &str) -> Result<Media, ApiError> {
        let now = self.clock.now_ms();
        match self.store.media(id).await? {
            Some(m) if m.owner_wa_id.as_deref() == Some(wa_id) && m.expires_at > now => Ok(m),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    /// Block a business number. Blocking a chat already blocked changes nothing and counts
    /// nothing.
    pub async fn block(&self, wa_id: &str, number: &str) -> Result<FeedbackOutcome, ApiError> {
        let phone = self.business_number(number).await?;
        let newly = self.messaging.quality().customer_feedback(wa_id, &phone, true, false).await?;
        self.feedback(&phone, wa_id, newly.then_some(FeedbackKind::Block), true).await
    }

    /// Unblock: the business can message the customer again (the earlier block still counts in
    /// its quality rating until it ages out). True when the chat was blocked.
    pub async fn unblock(&self, wa_id: &str, number: &str) -> Result<bool, ApiError> {
        let phone = self.business_number(number).await?;
        self.messaging.quality().customer_unblock(wa_id, &phone).await
    }

    /// Report a business number as spam, blocking it too when `block`: one feedback event
    /// either way.
    pub async fn report(&self, wa_id: &str, number: &str, block: bool) -> Result<FeedbackOutcome, ApiError> {
        let phone = self.business_number(number).await?;
        let quality = self.messaging.quality();
        quality.customer_feedback(wa_id, &phone, block, true).await?;
        let blocked = block || quality.blocked_by_customer(wa_id).await?.contains(&phone.id);
        self.feedback(&phone, wa_id, Some(FeedbackKind::Report), blocked).await
    }

    /// Count `kind` against the template of the business's last template message to the
    /// customer.
    async fn feedback(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        kind: Option<FeedbackKind>,
        blocked: bool,
    ) -> Result<FeedbackOutcome, ApiError> {
        let template_id = self.store.last_template_sent(&phone.id, wa_id).await?;
        let template = match (&template_id, kind) {
            (Some(id), Some(kind)) => self.templates.record_negative_feedback(id, kind).await?,
            _ => None,
        };
        Ok(FeedbackOutcome { blocked, template_id, template })
    }
}
