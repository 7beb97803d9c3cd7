//! Message templates: the model, the creation rules ([`validate`]), the review engine
//! ([`review`]), send-time rendering ([`render`]), the webhook values ([`events`]) and the
//! service that ties them to storage and time ([`service`]).

pub mod events;
pub mod lifecycle;
pub mod render;
pub mod review;
pub mod service;
pub mod validate;

use async_trait::async_trait;
use serde_json::Value;

use crate::clock::Millis;
use crate::error::ApiError;
use crate::messaging::model::OutboxRow;
use crate::model::{Page, PageRequest};
use crate::store::{NewMessage, StoreResult};

pub use render::{render, RenderedTemplate};
pub use service::{FeedbackKind, ReviewMode, TemplateConfig, TemplateService};

/// Template statuses, Meta's names.
pub mod status {
    pub const APPROVED: &str = "APPROVED";
    pub const PENDING: &str = "PENDING";
    pub const REJECTED: &str = "REJECTED";
    pub const PAUSED: &str = "PAUSED";
    pub const DISABLED: &str = "DISABLED";
    pub const IN_APPEAL: &str = "IN_APPEAL";
    pub const PENDING_DELETION: &str = "PENDING_DELETION";
    pub const DELETED: &str = "DELETED";
    pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";
    pub const ARCHIVED: &str = "ARCHIVED";

    /// Every status a template can have.
    pub const ALL: &[&str] = &[
        APPROVED,
        PENDING,
        REJECTED,
        PAUSED,
        DISABLED,
        IN_APPEAL,
        PENDING_DELETION,
        DELETED,
        LIMIT_EXCEEDED,
        ARCHIVED,
    ];
}

/// Template categories.
pub const CATEGORIES: &[&str] = &["MARKETING", "UTILITY", "AUTHENTICATION"];

/// Rejection reasons Meta reports (`rejected_reason`, webhook `reason`).
pub const REJECTION_REASONS: &[&str] =
    &["ABUSIVE_CONTENT", "INCORRECT_CATEGORY", "INVALID_FORMAT", "PROMOTIONAL", "SCAM", "TAG_CONTENT_MISMATCH", "NONE"];

/// Quality scores.
pub mod quality {
    pub const UNKNOWN: &str = "UNKNOWN";
    pub const GREEN: &str = "GREEN";
    pub const YELLOW: &str = "YELLOW";
    pub const RED: &str = "RED";
}

/// Language codes Meta supports for templates.
pub const LANGUAGES: &[&str] = &[
    "af", "sq", "ar", "ar_EG", "ar_AE", "ar_LB", "ar_MA", "ar_QA", "az", "be_BY", "bn", "bn_IN", "bg", "ca", "zh_CN",
    "zh_HK", "zh_TW", "hr", "cs", "da", "prs_AF", "nl", "nl_BE", "en", "en_GB", "en_US", "en_AE", "en_AU", "en_CA",
    "en_GH", "en_IE", "en_IN", "en_JM", "en_MY", "en_NZ", "en_QA", "en_SG", "en_UG", "en_ZA", "et", "fil", "fi", "fr",
    "fr_BE", "fr_CA", "fr_CH", "fr_CI", "fr_MA", "ka", "de", "de_AT", "de_CH", "el", "gu", "ha", "he", "hi", "hu",
    "id", "ga", "it", "ja", "kn", "kk", "rw_RW", "ko", "ky_KG", "lo", "lv", "lt", "mk", "ms", "ml", "mr", "nb",
    "ps_AF", "fa", "pl", "pt_BR", "pt_PT", "pa", "ro", "ru", "sr", "si_LK", "sk", "sl", "es", "es_AR", "es_CL",
    "es_CO", "es_CR", "es_DO", "es_EC", "es_HN", "es_MX", "es_PA", "es_PE", "es_ES", "es_UY", "sw", "sv", "ta", "te",
    "th", "tr", "uk", "ur", "uz", "vi", "zu",
];

/// True when `code` is one of Meta's template language codes.
pub fn is_language(code: &str) -> bool {
    LANGUAGES.contains(&code)
}

/// Most templates a WABA may hold (Meta: 250 for a portfolio that is not verified).
pub const MAX_TEMPLATES_PER_WABA: i64 = 250;
/// Most templates a WABA of a verified business portfolio may hold.
pub const MAX_TEMPLATES_VERIFIED: i64 = 6_000;
/// Edits of an APPROVED template: at most one per 24 hours…
pub const EDIT_INTERVAL_MS: Millis = 86_400_000;
/// …and at most this many in 30 days.
pub const MAX_EDITS_PER_30_DAYS: usize = 10;
/// The window of [`MAX_EDITS_PER_30_DAYS`].
pub const EDIT_WINDOW_MS: Millis = 30 * 86_400_000;
/// Most template creations per WABA in a moving hour.
pub const MAX_CREATIONS_PER_HOUR: i64 = 100;

/// A message template: one name in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub id: String,
    pub business_id: String,
    pub waba_id: String,
    pub name: String,
    pub language: String,
    pub category: String,
    /// The category before Meta's review changed it.
    pub previous_category: Option<String>,
    /// `POSITIONAL` or `NAMED`.
    pub parameter_format: String,
    /// The components as created, normalised (upper-case `type` and `format`; authentication
    /// templates carry their generated text).
    pub components: Value,
    pub status: String,
    /// `NONE` unless rejected.
    pub rejected_reason: String,
    pub quality_score: String,
    /// Negative feedback (blocks, reports) since the last pause or approval.
    pub negative_feedback: i64,
    /// How often this template was paused for low quality.
    pub pause_count: i64,
    pub paused_until: Option<Millis>,
    /// When a pending automatic review is decided (`None`: waits for an operator).
    pub review_due_at: Option<Millis>,
    /// The create request's `allow_category_change` (default true).
    pub allow_category_change: bool,
    pub last_edited_at: Option<Millis>,
    /// When this template was edited while APPROVED, within the last 30 days (the edit limits).
    pub approved_edits: Vec<Millis>,
    /// The status an ARCHIVED or LIMIT_EXCEEDED template returns to.
    pub status_before: Option<String>,
    /// Bumped by every change; updates are applied only over the version they were made from.
    pub version: i64,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Template {
    /// The component of this type (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`).
    pub fn component(&self, kind: &str) -> Option<&Value> {
        self.components.as_array()?.iter().find(|c| c["type"].as_str() == Some(kind))
    }

    pub fn body_text(&self) -> &str {
        self.component("BODY").and_then(|c| c["text"].as_str()).unwrap_or("")
    }

    pub fn buttons(&self) -> &[Value] {
        self.component("BUTTONS").and_then(|c| c["buttons"].as_array()).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn is_named(&self) -> bool {
        self.parameter_format == "NAMED"
    }

    /// The id as a number, as webhooks carry it.
    pub fn id_number(&self) -> Value {
        self.id.parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::String(self.id.clone()))
    }
}

/// One `{{…}}` variable in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Byte range of `{{…}}` in the text.
    pub start: usize,
    pub end: usize,
    /// What is between the braces.
    pub name: String,
}

/// The variables of a text, in order. A `{{` without a closing `}}`, or a name with braces
/// inside, is an error naming it.
pub fn placeholders(text: &str) -> Result<Vec<Placeholder>, String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let start = from + i;
        let Some(j) = text[start + 2..].find("}}") else {
            return Err(format!("an opening '{{{{' at position {start} is never closed"));
        };
        let name = &text[start + 2..start + 2 + j];
        if name.contains('{') || name.contains('}') {
            return Err(format!("'{{{{{name}}}}}' is not a valid variable"));
        }
        let end = start + 2 + j + 2;
        out.push(Placeholder { start, end, name: name.to_string() });
        from = end;
    }
    Ok(out)
}

/// Distinct variable names in order of first appearance.
pub fn distinct_names(ph: &[Placeholder]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in ph {
        if !out.contains(&p.name) {
            out.push(p.name.clone());
        }
    }
    out
}

/// Filters of `GET /{waba-id}/message_templates`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateFilter {
    pub name: Option<String>,
    pub statuses: Vec<String>,
    pub category: Option<String>,
    pub language: Option<String>,
}

/// A change to one template, applied only if the stored template still has
/// `expected_version`; the outbox rows commit with it.
#[derive(Debug, Clone)]
pub struct TemplateUpdate<'a> {
    pub template: &'a Template,
    pub expected_version: i64,
    pub outbox: &'a [OutboxRow],
    /// Remove the id from the object index (deletion).
    pub remove_object: bool,
}

/// Template storage.
#[async_trait]
pub trait TemplateStore: Send + Sync {
    /// Store a new template, register its id, queue `outbox`: one commit. A live template
    /// with the same name and language in the WABA is a `Conflict`.
    async fn insert_template(&self, t: &Template, outbox: &[OutboxRow]) -> StoreResult<()>;
    /// Apply an update; false when the template changed meanwhile (nothing is written).
    async fn update_template(&self, u: &TemplateUpdate<'_>) -> StoreResult<bool>;
    /// A template by id, deleted ones included.
    async fn template(&self, id: &str) -> StoreResult<Option<Template>>;
    /// The live template with this name and language.
    async fn template_by_name(&self, waba_id: &str, name: &str, language: &str) -> StoreResult<Option<Template>>;
    /// Live templates of a WABA with this name (every language).
    async fn templates_named(&self, waba_id: &str, name: &str) -> StoreResult<Vec<Template>>;
    /// A page of a WABA's live templates in id order.
    async fn page_templates(
        &self,
        waba_id: &str,
        filter: &TemplateFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Template>>;
    /// Live templates of a WABA.
    async fn count_templates(&self, waba_id: &str) -> StoreResult<i64>;
    /// Templates created in a WABA since `since`, deleted ones included.
    async fn count_created_since(&self, waba_id: &str, since: Millis) -> StoreResult<i64>;
    /// Templates with a decision or an unpause due at `now`.
    async fn due_templates(&self, now: Millis, limit: usize) -> StoreResult<Vec<Template>>;
    /// The template of the most recent template message from this business number to `wa_id`.
    async fn last_template_sent(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<String>>;
    /// `record_message`, also noting which template the message was sent from.
    async fn record_template_message(&self, new: &NewMessage<'_>, template_id: &str) -> StoreResult<()>;
}

/// Shorthand for the Graph error 100 most template rules give.
pub(crate) fn invalid(details: impl Into<String>) -> ApiError {
    ApiError::invalid(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders() {
        let p = placeholders("Hi {{1}}, code {{name}} {{1}}").unwrap();
        assert_eq!(p.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["1", "name", "1"]);
        assert_eq!(distinct_names(&p), ["1", "name"]);
        assert_eq!(&"Hi {{1}}"[p[0].start..p[0].end], "{{1}}");
        assert!(placeholders("Hi {{1").is_err());
        assert!(placeholders("Hi {{{1}}}").is_err());
        assert!(placeholders("no vars").unwrap().is_empty());
    }

    #[test]
    fn languages() {
        assert!(is_language("en_US") && is_language("pt_BR") && is_language("es_MX"));
        assert!(!is_language("en-US") && !is_language("xx"));
    }
}
