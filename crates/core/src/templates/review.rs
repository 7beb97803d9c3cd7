//! The review engine: the rules a new or edited template is judged by, in order. The first
//! rule that fails decides; a template that passes them all is approved (possibly in another
//! category). The rules are listed in the book (`docs/src/templates.md`).

use serde_json::Value;

use super::{distinct_names, placeholders, Template};
use crate::model::TemplateCategory;

/// What review decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approved in `category` (different from the requested one when reclassified).
    Approve { category: TemplateCategory },
    /// Rejected with one of Meta's reasons; `details` says which rule and what to do.
    Reject { reason: &'static str, details: String },
}

/// Words that make a message promotional (whole words or phrases, case-insensitive).
const PROMOTIONAL: &[&str] = &[
    "sale",
    "discount",
    "% off",
    "offer",
    "offers",
    "promo",
    "promotion",
    "coupon",
    "deal",
    "deals",
    "buy now",
    "shop now",
    "limited time",
    "free gift",
    "special price",
    "cashback",
];

/// Words that belong to an authentication message.
const AUTH_WORDS: &[&str] =
    &["verification code", "one-time password", "one time password", "otp", "passcode", "login code"];

fn reject(reason: &'static str, details: impl Into<String>) -> Decision {
    Decision::Reject { reason, details: details.into() }
}

/// All customer-visible text of a template, lower-cased.
fn visible_text(t: &Template) -> String {
    let mut parts = Vec::new();
    for c in t.components.as_array().map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(s) = c["text"].as_str() {
            parts.push(s.to_string());
        }
        for b in c["buttons"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(s) = b["text"].as_str() {
                parts.push(s.to_string());
            }
        }
    }
    parts.join(" \n ").to_lowercase()
}

/// The first phrase of `list` found in `text` as whole words.
fn find_phrase(text: &str, list: &[&str]) -> Option<String> {
    for p in list {
        let mut from = 0;
        while let Some(i) = text[from..].find(p) {
            let s = from + i;
            let e = s + p.len();
            let before = text[..s].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = text[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            // "% off" starts with a symbol: the digit before it belongs to it.
            if (before || p.starts_with('%')) && after {
                return Some(p.to_string());
            }
            from = e;
        }
    }
    None
}

fn words(s: &str) -> usize {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).count()
}

/// Review one template.
pub fn review(t: &Template) -> Decision {
    if t.category == TemplateCategory::Authentication {
        // Authentication text is preset by the platform; only the button was chosen.
        return Decision::Approve { category: t.category };
    }
    let text = visible_text(t);
    if let Some(w) = find_phrase(&text, AUTH_WORDS) {
        return reject(
            "TAG_CONTENT_MISMATCH",
            format!("The content ('{w}') is a one-time code message: create it as an AUTHENTICATION template."),
        );
    }
    if let Some(d) = body_format(t) {
        return d;
    }
    if let Some(d) = examples(t) {
        return d;
    }
    if t.category == TemplateCategory::Utility {
        if let Some(w) = find_phrase(&text, PROMOTIONAL) {
            if t.allow_category_change {
                return Decision::Approve { category: TemplateCategory::Marketing };
            }
            return reject(
                "PROMOTIONAL",
                format!(
                    "The content is promotional ('{w}') but the category is UTILITY and allow_category_change is false."
                ),
            );
        }
    }
    Decision::Approve { category: t.category }
}

/// Variable placement in the body: not at the very start or end, never two side by side,
/// and at least two words of fixed text per variable.
fn body_format(t: &Template) -> Option<Decision> {
    let body = t.body_text();
    let ph = placeholders(body).ok()?;
    if ph.is_empty() {
        return None;
    }
    let trimmed = body.trim();
    if trimmed.starts_with("{{") {
        return Some(reject("INVALID_FORMAT", "The body starts with a variable: begin it with fixed text."));
    }
    if trimmed.ends_with("}}") {
        return Some(reject("INVALID_FORMAT", "The body ends with a variable: end it with fixed text."));
    }
    for w in ph.windows(2) {
        if body[w[0].end..w[1].start].chars().all(|c| !c.is_alphanumeric()) {
            return Some(reject(
                "INVALID_FORMAT",
                format!(
                    "The variables {{{{{}}}}} and {{{{{}}}}} are next to each other: put text between them.",
                    w[0].name, w[1].name
                ),
            ));
        }
    }
    let mut fixed = String::new();
    let mut at = 0;
    for p in &ph {
        fixed.push_str(&body[at..p.start]);
        fixed.push(' ');
        at = p.end;
    }
    fixed.push_str(&body[at..]);
    let vars = ph.len();
    if words(&fixed) < 2 * vars {
        return Some(reject(
            "INVALID_FORMAT",
            format!(
                "The body has too many variables ({vars}) for its length ({} words of fixed text): use at least two words per variable.",
                words(&fixed)
            ),
        ));
    }
    None
}

/// Samples for header and body variables: present, and one per variable.
fn examples(t: &Template) -> Option<Decision> {
    let named = t.is_named();
    if let Some(h) = t.component("HEADER") {
        if let Some(text) = h["text"].as_str() {
            let names = distinct_names(&placeholders(text).ok()?);
            if !names.is_empty() {
                let ex = &h["example"];
                let problem = if named {
                    named_problem(&ex["header_text_named_params"], &names, "header_text_named_params")
                } else {
                    match ex["header_text"].as_array() {
                        None => Some("example.header_text is missing".to_string()),
                        Some(a) if a.len() != names.len() || !all_strings(a) => Some(format!(
                            "example.header_text has {} value(s) for {} variable(s)",
                            a.len(),
                            names.len()
                        )),
                        _ => None,
                    }
                };
                if let Some(p) = problem {
                    return Some(reject("INVALID_FORMAT", format!("HEADER: {p}: give a sample for each variable.")));
                }
            }
        }
    }
    let b = t.component("BODY")?;
    let names = distinct_names(&placeholders(b["text"].as_str()?).ok()?);
    if names.is_empty() {
        return None;
    }
    let ex = &b["example"];
    let problem = if named {
        named_problem(&ex["body_text_named_params"], &names, "body_text_named_params")
    } else {
        match ex["body_text"].as_array().and_then(|a| a.first()).and_then(Value::as_array) {
            None => Some("example.body_text is missing".to_string()),
            Some(a) if a.len() != names.len() || !all_strings(a) => {
                Some(format!("example.body_text has {} value(s) for {} variable(s)", a.len(), names.len()))
            }
            _ => None,
        }
    };
    problem.map(|p| reject("INVALID_FORMAT", format!("BODY: {p}: give a sample for each variable.")))
}

fn all_strings(a: &[Value]) -> bool {
    a.iter().all(|v| v.as_str().is_some_and(|s| !s.trim().is_empty()))
}

fn named_problem(ex: &Value, names: &[String], key: &str) -> Option<String> {
    let Some(list) = ex.as_array() else {
        return Some(format!("example.{key} is missing"));
    };
    let mut given = Vec::new();
    for e in list {
        match (e["param_name"].as_str(), e["example"].as_str()) {
            (Some(n), Some(x)) if !x.trim().is_empty() => given.push(n.to_string()),
            _ => return Some(format!("each example.{key} entry needs param_name and example")),
        }
    }
    let mut a = given.clone();
    a.sort();
    let mut b = names.to_vec();
    b.sort();
    (a != b).then(|| format!("example.{key} names {given:?} but the text uses {names:?}"))
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::Template;
    use serde_json::Value;

    /// A pending template for unit tests.
    pub fn template(category: &str, format: &str, components: Value) -> Template {
        Template {
            id: "1234".into(),
            business_id: "b".into(),
            waba_id: "w".into(),
            name: "n".into(),
            language: "en_US".into(),
            category: crate::model::TemplateCategory::parse(category).expect("a category"),
            previous_category: None,
            parameter_format: crate::model::ParameterFormat::parse(format).expect("a parameter format"),
            components,
            status: crate::model::TemplateStatus::Pending,
            rejected_reason: "NONE".into(),
            quality_score: crate::model::TemplateQuality::Unknown,
            negative_feedback: 0,
            pause_count: 0,
            paused_until: None,
            review_due_at: None,
            message_send_ttl_seconds: None,
            sub_category: None,
            cta_url_link_tracking_opted_out: None,
            library_template_name: None,
            allow_category_change: true,
            last_edited_at: None,
            approved_edits: Vec::new(),
            status_before: None,
            version: 1,
            created_at: 0,
            updated_at: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(category: &str, components: Value) -> Template {
        tests_support::template(category, "POSITIONAL", components)
    }

    fn body(text: &str, ex: Value) -> Value {
        json!([{"type": "BODY", "text": text, "example": {"body_text": [ex]}}])
    }

    fn reason(d: Decision) -> &'static str {
        match d {
            Decision::Reject { reason, .. } => reason,
            Decision::Approve { .. } => "APPROVED",
        }
    }

    #[test]
    fn rules() {
        let ok = t("UTILITY", body("Hello {{1}}, your order has shipped today.", json!(["Ann"])));
        assert_eq!(review(&ok), Decision::Approve { category: TemplateCategory::Utility });
        let start = t("UTILITY", body("{{1}}, your order has shipped today.", json!(["Ann"])));
        assert_eq!(reason(review(&start)), "INVALID_FORMAT");
        let end = t("UTILITY", body("Your order has shipped today {{1}}", json!(["Ann"])));
        assert_eq!(reason(review(&end)), "INVALID_FORMAT");
        let adj = t("UTILITY", body("Hello {{1}} {{2}}, your order has shipped today.", json!(["a", "b"])));
        assert_eq!(reason(review(&adj)), "INVALID_FORMAT");
        let dense = t("UTILITY", body("Hi {{1}} and {{2}}.", json!(["a", "b"])));
        assert_eq!(reason(review(&dense)), "INVALID_FORMAT");
        let noex = t("UTILITY", json!([{"type": "BODY", "text": "Hello {{1}}, your order has shipped."}]));
        assert_eq!(reason(review(&noex)), "INVALID_FORMAT");
        let promo = t("UTILITY", body("Hello {{1}}, our summer sale starts today.", json!(["Ann"])));
        assert_eq!(review(&promo), Decision::Approve { category: TemplateCategory::Marketing });
        let mut strict = promo.clone();
        strict.allow_category_change = false;
        assert_eq!(reason(review(&strict)), "PROMOTIONAL");
        let otp = t("MARKETING", body("Your verification code is ready for you {{1}} now.", json!(["1"])));
        assert_eq!(reason(review(&otp)), "TAG_CONTENT_MISMATCH");
        assert_eq!(find_phrase("get 25% off now", PROMOTIONAL).as_deref(), Some("% off"));
        assert_eq!(find_phrase("we offered it", PROMOTIONAL), None);
    }
}
