//! Message templates as data: statuses, quality scores, the template row, Meta's limits and
//! languages, and `{{…}}` placeholders.

use serde_json::Value;

use crate::clock::Millis;

wire_enum! {
    /// A template's status, Meta's names.
    TemplateStatus {
        Approved => "APPROVED",
        Pending => "PENDING",
        Rejected => "REJECTED",
        Paused => "PAUSED",
        Disabled => "DISABLED",
        InAppeal => "IN_APPEAL",
        PendingDeletion => "PENDING_DELETION",
        Deleted => "DELETED",
        LimitExceeded => "LIMIT_EXCEEDED",
        Archived => "ARCHIVED",
    }
}

wire_enum! {
    /// A template's category.
    TemplateCategory {
        Marketing => "MARKETING",
        Utility => "UTILITY",
        Authentication => "AUTHENTICATION",
    }
}

wire_enum! {
    /// How a template's variables are named: `{{1}}` (positional) or `{{order_id}}` (named).
    ParameterFormat {
        Positional => "POSITIONAL",
        Named => "NAMED",
    }
}

wire_enum! {
    /// A template's sub-category (`sub_category` on create): Meta's payment templates, both
    /// UTILITY.
    TemplateSubCategory {
        OrderDetails => "ORDER_DETAILS",
        OrderStatus => "ORDER_STATUS",
    }
}

wire_enum! {
    /// A template's quality score (`quality_score.score`).
    TemplateQuality {
        Unknown => "UNKNOWN",
        Green => "GREEN",
        Yellow => "YELLOW",
        Red => "RED",
    }
}

/// Rejection reasons Meta reports (`rejected_reason`, webhook `reason`).
pub const REJECTION_REASONS: &[&str] =
    &["ABUSIVE_CONTENT", "INCORRECT_CATEGORY", "INVALID_FORMAT", "PROMOTIONAL", "SCAM", "TAG_CONTENT_MISMATCH", "NONE"];

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

/// Meta's limits of `message_send_ttl_seconds` per category, in seconds (inclusive).
pub fn ttl_range(category: TemplateCategory) -> (i64, i64) {
    match category {
        TemplateCategory::Authentication => (30, 900),
        TemplateCategory::Utility => (30, 43_200),
        TemplateCategory::Marketing => (43_200, 2_592_000),
    }
}

/// `message_send_ttl_seconds = -1`: the 30-day TTL (authentication and utility only).
pub const TTL_THIRTY_DAYS: i64 = -1;
/// Default delivery TTL of a template message without `message_send_ttl_seconds`: 10 minutes
/// for authentication templates, 30 days otherwise.
pub const DEFAULT_AUTH_TTL_MS: Millis = 600_000;
/// 30 days, the TTL of every other message.
pub const THIRTY_DAYS_MS: Millis = 30 * 86_400_000;

/// A message template: one name in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub id: String,
    pub business_id: String,
    pub waba_id: String,
    pub name: String,
    pub language: String,
    pub category: TemplateCategory,
    /// The category before Meta's review changed it.
    pub previous_category: Option<TemplateCategory>,
    /// `POSITIONAL` or `NAMED`.
    pub parameter_format: ParameterFormat,
    /// The components as created, normalised (upper-case `type` and `format`; authentication
    /// templates carry their generated text).
    pub components: Value,
    pub status: TemplateStatus,
    /// `NONE` unless rejected.
    pub rejected_reason: String,
    pub quality_score: TemplateQuality,
    /// Negative feedback (blocks, reports) since the last pause or approval.
    pub negative_feedback: i64,
    /// How often this template was paused for low quality.
    pub pause_count: i64,
    pub paused_until: Option<Millis>,
    /// When a pending automatic review is decided (`None`: waits for an operator).
    pub review_due_at: Option<Millis>,
    /// `message_send_ttl_seconds` (create or edit): how long a message from this template may
    /// wait for the customer's device; `-1` is 30 days.
    pub message_send_ttl_seconds: Option<i64>,
    /// `sub_category` given at creation.
    pub sub_category: Option<TemplateSubCategory>,
    /// `cta_url_link_tracking_opted_out` (create or edit).
    pub cta_url_link_tracking_opted_out: Option<bool>,
    /// The Template Library template this one was created from (`library_template_name`).
    pub library_template_name: Option<String>,
    /// The create request's `allow_category_change` (default true).
    pub allow_category_change: bool,
    pub last_edited_at: Option<Millis>,
    /// When this template was edited while APPROVED, within the last 30 days (the edit limits).
    pub approved_edits: Vec<Millis>,
    /// The status an ARCHIVED or LIMIT_EXCEEDED template returns to.
    pub status_before: Option<TemplateStatus>,
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
        self.parameter_format == ParameterFormat::Named
    }

    /// How long a message from this template may wait for delivery before it is dropped:
    /// its `message_send_ttl_seconds`, else Meta's default for the category.
    pub fn delivery_ttl_ms(&self) -> Millis {
        match self.message_send_ttl_seconds {
            Some(TTL_THIRTY_DAYS) => THIRTY_DAYS_MS,
            Some(s) => s * 1000,
            None if self.category == TemplateCategory::Authentication => DEFAULT_AUTH_TTL_MS,
            None => THIRTY_DAYS_MS,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in TemplateStatus::ALL {
            assert_eq!(TemplateStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(TemplateStatus::parse("approved"), None);
        assert_eq!(TemplateQuality::parse("GREEN"), Some(TemplateQuality::Green));
    }

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
