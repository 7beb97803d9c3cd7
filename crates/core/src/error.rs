//! The one error-code table (name → HTTP status → Graph code, subcode, type, title) and the
//! error type every service returns. The server writes it as the Graph envelope.

use std::fmt;
use std::sync::Arc;

/// One row of the error-code table: what the client sees for a kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorRow {
    pub http_status: u16,
    pub code: i64,
    pub subcode: Option<i64>,
    pub kind: &'static str,
    pub title: &'static str,
    pub transient: bool,
}

const fn row(http_status: u16, code: i64, subcode: Option<i64>, title: &'static str) -> ErrorRow {
    ErrorRow { http_status, code, subcode, kind: "OAuthException", title, transient: false }
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $name:ident => $row:expr;)*) => {
        /// Every error Risala answers with, named. The name doubles as a log and metrics label.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($(#[$doc])* $name,)* }

        impl ErrorCode {
            /// All codes, for documentation and tests.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The row of the table for this code.
            pub const fn row(self) -> ErrorRow {
                match self { $(ErrorCode::$name => $row,)* }
            }

            /// The name, as a label.
            pub const fn name(self) -> &'static str {
                match self { $(ErrorCode::$name => stringify!($name),)* }
            }
        }
    };
}

error_codes! {
    /// 0: cannot authenticate the app user.
    AuthException => row(401, 0, None, "AuthException");
    /// 1: unknown error.
    Unknown => ErrorRow { transient: true, ..row(500, 1, None, "An unknown error occurred") };
    /// 2: service temporarily unavailable.
    ServiceUnavailable => ErrorRow { transient: true, ..row(503, 2, None, "Service temporarily unavailable") };
    /// 3: a capability or permissions issue with the method (sandbox fault injection answers it).
    CapabilityIssue => row(400, 3, None, "Capability or permissions issue");
    /// 4: application request limit reached.
    AppRateLimit => ErrorRow { transient: true, ..row(400, 4, None, "Application request limit reached") };
    /// 10: permission not granted.
    PermissionDenied => row(403, 10, None, "Application does not have permission for this action");
    /// 33: the business phone number has been deleted (sandbox fault injection answers it).
    NumberDeleted => row(400, 33, None, "Parameter value is not valid");
    /// 17: the user's request limit reached (sandbox fault injection answers it).
    UserRateLimit => ErrorRow { transient: true, ..row(400, 17, None, "User request limit reached") };
    /// 368: temporarily blocked for policy violations (sandbox fault injection answers it).
    PolicyBlocked => row(403, 368, None, "Temporarily blocked for policies violations");
    /// 100: invalid parameter.
    InvalidParameter => row(400, 100, None, "Invalid parameter");
    /// 100/33: the object does not exist, or this token cannot see it.
    ObjectNotFound => ErrorRow { kind: "GraphMethodException", ..row(400, 100, Some(33), "Unsupported request - method type or object not supported") };
    /// 100: unknown path component.
    UnknownPath => row(400, 100, None, "Unknown path components");
    /// 803: a path component that is neither an object id nor a known alias.
    AliasNotFound => row(404, 803, None, "Some of the aliases you requested do not exist");
    /// 104: no access token.
    TokenMissing => row(400, 104, None, "An access token is required to request this resource");
    /// 190 without a subcode: not an access token this server issued (Meta's answer to a token
    /// it cannot parse).
    TokenInvalid => row(401, 190, None, "Invalid OAuth access token - Cannot parse access token");
    /// 190/467: the access token was revoked (Meta's subcode for a token that has "expired, been
    /// revoked, or is otherwise invalid").
    TokenRevoked => row(401, 190, Some(467), "Error validating access token: The session has been invalidated");
    /// 190/463: the access token has expired.
    TokenExpired => row(401, 190, Some(463), "Error validating access token: Session has expired");
    /// 200: the token lacks the permission this call needs.
    MissingPermission => row(403, 200, None, "Requires permission");
    /// 130429: throughput exceeded.
    RateLimitHit => row(429, 130429, None, "Rate limit hit");
    /// 80007: the WhatsApp Business Account's (business use case) rate limit.
    WabaRateLimit => ErrorRow { transient: true, ..row(400, 80007, None, "Rate limit issues") };
    /// 130472: the recipient is part of a marketing-message experiment.
    ExperimentGroup => row(400, 130472, None, "User's number is part of an experiment");
    /// 131000: generic failure.
    SomethingWentWrong => ErrorRow { transient: true, ..row(500, 131000, None, "Something went wrong") };
    /// 131005: access denied.
    AccessDenied => row(403, 131005, None, "Access denied");
    /// 131008: a required parameter is missing.
    RequiredParameterMissing => row(400, 131008, None, "Required parameter is missing");
    /// 131009: a parameter value is not valid.
    ParameterValueInvalid => row(400, 131009, None, "Parameter value is not valid");
    /// 131016: the service is unavailable.
    MessagingUnavailable => ErrorRow { transient: true, ..row(500, 131016, None, "Service unavailable") };
    /// 131009/2494102: a media handle that is not one of the business's Resumable Upload API
    /// handles (Meta's answer to a template `header_handle` it did not issue).
    InvalidMediaHandle => row(400, 131009, Some(2494102), "Invalid media handle");
    /// 131021: sender and recipient are the same number.
    RecipientIsSender => row(400, 131021, None, "Recipient cannot be sender");
    /// 131026: message undeliverable.
    Undeliverable => row(400, 131026, None, "Message undeliverable");
    /// 131030: the recipient is not in the allowed list (test numbers).
    NotAllowedRecipient => row(400, 131030, None, "Recipient phone number not in allowed list");
    /// 131031: the business account is locked.
    AccountLocked => row(403, 131031, None, "Business Account locked");
    /// 131042: a payment problem with the business account.
    PaymentIssue => row(400, 131042, None, "Business eligibility payment issue");
    /// 131047: more than 24 hours since the customer last replied.
    ReEngagement => row(400, 131047, None, "Re-engagement message");
    /// 131048: spam rate limit.
    SpamRateLimit => row(400, 131048, None, "Spam rate limit hit");
    /// 131049: not delivered, to maintain healthy ecosystem engagement.
    EcosystemEngagement => row(400, 131049, None, "This message was not delivered to maintain healthy ecosystem engagement");
    /// 131050: the customer stopped marketing messages.
    MarketingStopped => row(400, 131050, None, "User has stopped marketing messages from this business");
    /// 131051: unsupported message type.
    UnsupportedMessageType => row(400, 131051, None, "Unsupported message type");
    /// 131052: media download error.
    MediaDownloadError => row(400, 131052, None, "Media download error");
    /// 131053: media upload error.
    MediaUploadError => row(400, 131053, None, "Media upload error");
    /// 131055: the method is not allowed for this message, e.g. a UTILITY or AUTHENTICATION
    /// template sent through the Marketing Messages Lite API (`/marketing_messages`).
    MethodNotAllowed => row(400, 131055, None, "Method not allowed");
    /// 131056: too many messages to the same customer.
    PairRateLimit => row(400, 131056, None, "(Business Account, Consumer Account) pair rate limit hit");
    /// 131062: this message cannot be sent to a business-scoped user ID (authentication
    /// templates need a phone number).
    UserIdRecipientUnsupported => row(400, 131062, None, "Business-scoped User ID (BSUID) recipients are not supported for this message");
    /// 131057: the business account is in maintenance mode.
    AccountMaintenance => ErrorRow { transient: true, ..row(500, 131057, None, "Account in maintenance mode") };
    /// 131045: incorrect certificate, a registration problem (sandbox fault injection answers it).
    IncorrectCertificate => row(500, 131045, None, "Incorrect certificate");
    /// 100/2388024: a template with this name already has content in this language.
    TemplateExists => row(400, 100, Some(2388024), "Message template already exists");
    /// 100: an APPROVED template was already edited in the last 24 hours. Meta publishes no
    /// subcode for this rule; 2388301 is Risala's.
    TemplateEditDaily => row(400, 100, Some(2388301), "Message template edit limit reached");
    /// 100: an APPROVED template was already edited 10 times in 30 days (Risala's subcode).
    TemplateEditMonthly => row(400, 100, Some(2388302), "Message template edit limit reached");
    /// 132000: template parameter count mismatch.
    TemplateParamCount => row(400, 132000, None, "Number of parameters does not match the expected number of params");
    /// 132001: template does not exist.
    TemplateMissing => row(404, 132001, None, "Template name does not exist in the translation");
    /// 132005: hydrated template text too long.
    TemplateTextTooLong => row(400, 132005, None, "Translated text too long");
    /// 132007: template content policy.
    TemplatePolicy => row(400, 132007, None, "Template Format Character Policy Violated");
    /// 132012: template parameter format mismatch.
    TemplateParamFormat => row(400, 132012, None, "Parameter format does not match format in the created template");
    /// 132018: a parameter's value breaks a rule of template parameters (a new line, a tab or
    /// more than 4 spaces in a row in a text).
    TemplateParamInvalid => row(400, 132018, None, "There was an issue with the parameters in your template.");
    /// 132015: template paused.
    TemplatePaused => row(400, 132015, None, "Template is Paused");
    /// 132016: template disabled.
    TemplateDisabled => row(400, 132016, None, "Template is Disabled");
    /// 132068: the flow is blocked (sandbox fault injection answers it).
    FlowBlocked => row(400, 132068, None, "Flow is in blocked state");
    /// 132069: the flow is throttled: 10 messages with it were sent in the last hour.
    FlowThrottled => row(400, 132069, None, "Flow is in throttled state and 10 messages using this flow were already sent in the last hour");
    /// 133000: a previous deregistration did not complete: deregister again.
    IncompleteDeregistration => row(500, 133000, None, "Incomplete deregistration");
    /// 133004: the registration server is temporarily unavailable.
    RegistrationUnavailable => ErrorRow { transient: true, ..row(503, 133004, None, "Server temporarily unavailable") };
    /// 133008: too many wrong one-time codes for this number; locked for a while. Meta's code
    /// for too many two-step PIN guesses; Risala answers 429 with `Retry-After` (Meta: 400).
    CodeGuessLimit => row(429, 133008, None, "Too many two step verification PIN guesses for this phone number");
    /// 133009: codes tried too fast from one client address. Meta's code for PIN guesses too
    /// fast; Risala answers 429 with `Retry-After` (Meta: 400).
    CodeGuessTooFast => row(429, 133009, None, "Two step verification PIN was entered too quickly");
    /// 133005: the two-step verification PIN given does not match the number's.
    PinMismatch => row(400, 133005, None, "Two step verification PIN Mismatch");
    /// 133006: the number must be verified (`request_code` / `verify_code`) before it is
    /// registered.
    VerificationNeeded => row(400, 133006, None, "Phone number re-verification needed");
    /// 133010: the number is not registered (send, deregister).
    NotRegistered => row(400, 133010, None, "Phone number Not Registered");
    /// 133015: the number was deleted recently: wait about five minutes before registering it.
    NumberRecentlyDeleted => row(400, 133015, None, "Please wait a few minutes before attempting to register this phone number");
    /// 133016: more than 10 register and deregister calls for one number in 72 hours.
    RegisterRateLimit => row(400, 133016, None, "Account register deregister rate limit exceeded");
    /// 135000: a generic user error in the request (sandbox fault injection answers it).
    GenericUserError => row(400, 135000, None, "Generic user error");
    /// 136025: the verification code is wrong, expired, or was never requested.
    VerificationCodeError => row(400, 136025, None, "Verification code error");
    /// 139001: a flow cannot be updated (its Flow JSON once published, anything once deprecated).
    FlowUpdate => row(400, 139001, None, "Flow can't be updated");
    /// 139002: a flow cannot be published (state, validation errors, endpoint, key).
    FlowPublish => row(400, 139002, None, "Publishing Flow failed");
    /// 139003: a flow cannot be deprecated (not published, or already deprecated).
    FlowDeprecate => row(400, 139003, None, "Can't deprecate unpublished flow");
    /// 139004: a flow cannot be deleted (only a DRAFT can).
    FlowDelete => row(400, 139004, None, "Can't delete published Flow");
    /// 139100: some users of a `block_users` request could not be blocked or unblocked.
    BlockUsersFailed => row(400, 139100, None, "Failed to block/unblock users");
    /// 139101: the number's blocklist is full (64,000 users).
    BlocklistLimit => row(400, 139101, None, "Blocklist limit reached");
}

/// An error a service returns: a row of the table plus the precise reason, and for internal
/// errors the cause, which is logged (with the request's trace id) but never sent.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    /// `error_data.details`: the precise reason, naming the field where there is one.
    pub details: String,
    /// Overrides the title in `message` where Meta words it per case.
    pub message: Option<String>,
    /// `error_user_title` and `error_user_msg`: the rule in words an end user can read.
    pub user_title: Option<String>,
    pub user_msg: Option<String>,
    /// What went wrong underneath (a failed SQL statement): for the log, not for the client.
    pub cause: Option<Arc<dyn std::error::Error + Send + Sync>>,
    /// Seconds before a retry can succeed (a rate limit or lock): the `Retry-After` header.
    /// (Non-zero, so the error stays small enough to return by value.)
    pub retry_after_s: Option<std::num::NonZeroU32>,
}

/// Two errors are equal when clients see the same thing; the cause is not compared.
impl PartialEq for ApiError {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
            && self.details == other.details
            && self.message == other.message
            && self.user_title == other.user_title
            && self.user_msg == other.user_msg
    }
}

impl Eq for ApiError {}

impl ApiError {
    pub fn new(code: ErrorCode, details: impl Into<String>) -> Self {
        ApiError {
            code,
            details: details.into(),
            message: None,
            user_title: None,
            user_msg: None,
            cause: None,
            retry_after_s: None,
        }
    }

    /// Keep `cause` for the log.
    pub fn with_cause(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(Arc::new(cause));
        self
    }

    /// The cause and its sources, outermost first, joined with `: `.
    pub fn cause_chain(&self) -> Option<String> {
        let mut e: &(dyn std::error::Error + 'static) = self.cause.as_deref()?;
        let mut out = e.to_string();
        while let Some(next) = e.source() {
            out.push_str(": ");
            out.push_str(&next.to_string());
            e = next;
        }
        Some(out)
    }

    /// Add `error_user_title` and `error_user_msg`.
    pub fn with_user_message(mut self, title: impl Into<String>, msg: impl Into<String>) -> Self {
        self.user_title = Some(title.into());
        self.user_msg = Some(msg.into());
        self
    }

    /// Say when a retry can succeed, `ms` from now (rounded up to whole seconds, at least 1).
    pub fn with_retry_after(mut self, ms: i64) -> Self {
        let secs = (ms.clamp(1, u32::MAX as i64 * 1000) + 999) / 1000;
        self.retry_after_s = u32::try_from(secs).ok().and_then(std::num::NonZeroU32::new);
        self
    }

    /// Replace the title used in `message`.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    pub fn invalid(details: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, details)
    }

    pub fn missing(field: &str) -> Self {
        Self::new(ErrorCode::RequiredParameterMissing, format!("The parameter {field} is required."))
    }

    pub fn bad_value(details: impl Into<String>) -> Self {
        Self::new(ErrorCode::ParameterValueInvalid, details)
    }

    /// Graph's answer for an id that does not exist or is not visible to this token.
    pub fn object_not_found(id: &str) -> Self {
        Self::new(
            ErrorCode::ObjectNotFound,
            format!(
                "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
            ),
        )
        .with_message(format!(
            "Unsupported request - method type or object not supported. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
        ))
    }

    pub fn internal() -> Self {
        Self::new(ErrorCode::Unknown, "An unexpected error occurred. Please retry your request later.")
    }

    /// The `message` field: `"(#code) title"`, except for the access-token errors 104 and 190,
    /// whose message Meta writes without the code (`Error validating access token: …`).
    pub fn graph_message(&self) -> String {
        let row = self.code.row();
        let title = self.message.as_deref().unwrap_or(row.title);
        match row.code {
            104 | 190 => title.to_string(),
            code => format!("(#{code}) {title}"),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.graph_message(), self.details)
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|c| c as &(dyn std::error::Error + 'static))
    }
}

/// Errors from storage, seen by services.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(String),
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let answer = match e {
            StoreError::Unavailable(_) => ApiError::new(
                ErrorCode::ServiceUnavailable,
                "The service is temporarily unavailable. Please retry your request later.",
            ),
            _ => ApiError::internal(),
        };
        answer.with_cause(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_per_name_and_statuses_plausible() {
        for c in ErrorCode::ALL {
            let r = c.row();
            assert!((400..=503).contains(&r.http_status), "{c:?}");
            assert!(!r.title.is_empty());
        }
        let mut names: Vec<_> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn a_store_error_keeps_its_cause_but_not_in_what_clients_see() {
        let e: ApiError = StoreError::Database("no such table: media".into()).into();
        assert_eq!(e.code, ErrorCode::Unknown);
        assert!(!e.details.contains("media"), "{}", e.details);
        assert_eq!(e.cause_chain().as_deref(), Some("database error: no such table: media"));
        assert!(std::error::Error::source(&e).is_some());
        assert_eq!(e, ApiError::internal());
        assert_eq!(ApiError::internal().cause_chain(), None);
    }

    #[test]
    fn message_has_code_prefix() {
        let e = ApiError::new(ErrorCode::ReEngagement, "x");
        assert_eq!(e.graph_message(), "(#131047) Re-engagement message");
        let e = ApiError::object_not_found("12");
        assert!(e.graph_message().starts_with("(#100) Unsupported request"));
        // Access-token errors read as Meta writes them, without the code.
        assert_eq!(
            ApiError::new(ErrorCode::TokenExpired, "x").graph_message(),
            "Error validating access token: Session has expired"
        );
        assert_eq!(
            ApiError::new(ErrorCode::TokenMissing, "x").graph_message(),
            "An access token is required to request this resource"
        );
    }
}
