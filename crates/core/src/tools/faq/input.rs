//! What a business sends to create or change an entry or the settings, checked: from the
//! API's JSON ([`FaqInput::from_json`]) or the console's form ([`FaqInput::from_form`]).
//! Errors name the field: a missing one is 131008, a wrong type 100, a bad value 131009.

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::tools::body::{get_bool, get_list, get_str, reject_unknown};

/// Longest question or phrasing.
pub const MAX_QUESTION: usize = 500;
/// Longest answer: the body of an interactive message with buttons.
pub const MAX_ANSWER: usize = 1024;
/// Most keywords, and most phrasings, per entry.
pub const MAX_LIST: usize = 50;
/// Longest keyword.
pub const MAX_KEYWORD: usize = 100;
/// Longest button title (WhatsApp's limit for a reply button).
pub const MAX_BUTTON: usize = 20;

/// An entry's content, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqInput {
    pub question: String,
    pub answer: String,
    pub keywords: Vec<String>,
    pub phrasings: Vec<String>,
    pub enabled: bool,
}

/// A number's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsInput {
    pub enabled: bool,
    pub threshold: u8,
    /// Empty: the default title in the answer's language.
    pub handoff_button: String,
    pub handoff_reply: String,
}

fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, ApiError> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(ApiError::bad_value(format!("{field}: must not be empty")));
    }
    if v.chars().count() > max {
        return Err(ApiError::bad_value(format!("{field}: at most {max} characters")));
    }
    Ok(v.to_string())
}

fn list(field: &str, items: Vec<String>, max: usize) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let v = text(&format!("{field}[{i}]"), item, max, false)?;
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    if out.len() > MAX_LIST {
        return Err(ApiError::bad_value(format!("{field}: at most {MAX_LIST} items")));
    }
    Ok(out)
}

impl FaqInput {
    /// Checked content.
    pub fn new(
        question: &str,
        answer: &str,
        keywords: Vec<String>,
        phrasings: Vec<String>,
        enabled: bool,
    ) -> Result<Self, ApiError> {
        let input = FaqInput {
            question: text("question", question, MAX_QUESTION, true)?,
            answer: text("answer", answer, MAX_ANSWER, true)?,
            keywords: list("keywords", keywords, MAX_KEYWORD)?,
            phrasings: list("phrasings", phrasings, MAX_QUESTION)?,
            enabled,
        };
        if super::normalize::tokens(&input.question).is_empty()
            && input.phrasings.is_empty()
            && input.keywords.is_empty()
        {
            return Err(ApiError::bad_value(
                "question: has no word to match (only common words, numbers or punctuation); add keywords or phrasings",
            ));
        }
        Ok(input)
    }

    /// `{question, answer, keywords?, phrasings?, enabled?}`.
    pub fn from_json(body: &Map<String, Value>) -> Result<Self, ApiError> {
        reject_unknown(body, &["question", "answer", "keywords", "phrasings", "enabled"])?;
        let question = get_str(body, "question")?.ok_or_else(|| ApiError::missing("question"))?;
        let answer = get_str(body, "answer")?.ok_or_else(|| ApiError::missing("answer"))?;
        let enabled = get_bool(body, "enabled")?.unwrap_or(true);
        FaqInput::new(question, answer, get_list(body, "keywords")?, get_list(body, "phrasings")?, enabled)
    }

    /// The console's form: keywords separated by commas (or ،), one phrasing per line.
    pub fn from_form(
        question: &str,
        answer: &str,
        keywords: &str,
        phrasings: &str,
        enabled: bool,
    ) -> Result<Self, ApiError> {
        let keywords = keywords.split([',', '،', '\n']).map(String::from).collect();
        let phrasings = phrasings.lines().map(String::from).collect();
        FaqInput::new(question, answer, keywords, phrasings, enabled)
    }
}

impl SettingsInput {
    /// Checked settings.
    pub fn new(enabled: bool, threshold: i64, handoff_button: &str, handoff_reply: &str) -> Result<Self, ApiError> {
        let threshold = u8::try_from(threshold)
            .ok()
            .filter(|t| (1..=100).contains(t))
            .ok_or_else(|| ApiError::bad_value("threshold: a whole percentage from 1 to 100"))?;
        Ok(SettingsInput {
            enabled,
            threshold,
            handoff_button: text("handoff_button", handoff_button, MAX_BUTTON, false)?,
            handoff_reply: text("handoff_reply", handoff_reply, MAX_ANSWER, false)?,
        })
    }

    /// `{enabled?, threshold?, handoff_button?, handoff_reply?}` over `current`.
    pub fn from_json(body: &Map<String, Value>, current: &crate::store::FaqSettings) -> Result<Self, ApiError> {
        reject_unknown(body, &["enabled", "threshold", "handoff_button", "handoff_reply"])?;
        let threshold = match body.get("threshold") {
            None | Some(Value::Null) => i64::from(current.threshold),
            Some(v) => v.as_i64().ok_or_else(|| ApiError::invalid("threshold: must be a whole number"))?,
        };
        SettingsInput::new(
            get_bool(body, "enabled")?.unwrap_or(current.enabled),
            threshold,
            get_str(body, "handoff_button")?.unwrap_or(&current.handoff_button),
            get_str(body, "handoff_reply")?.unwrap_or(&current.handoff_reply),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn entries_are_checked_field_by_field() {
        let ok = FaqInput::from_json(&obj(
            json!({"question": " Hours? ", "answer": "9-5", "keywords": ["open", "open", " "]}),
        ));
        let ok = ok.expect("valid");
        assert_eq!((ok.question.as_str(), ok.keywords.clone(), ok.enabled), ("Hours?", vec!["open".to_string()], true));
        let e = FaqInput::from_json(&obj(json!({"answer": "x"}))).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::RequiredParameterMissing);
        let e = FaqInput::from_json(&obj(json!({"question": "q", "answer": "x", "keywords": "a"}))).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidParameter);
        let e = FaqInput::from_json(&obj(json!({"question": "hours", "answer": "x".repeat(1025)}))).unwrap_err();
        assert!(e.details.starts_with("answer:"), "{}", e.details);
        let e = FaqInput::from_json(&obj(json!({"question": "what is it?", "answer": "x"}))).unwrap_err();
        assert!(e.details.contains("no word to match"), "{}", e.details);
        let e = FaqInput::from_json(&obj(json!({"question": "q", "answer": "x", "colour": 1}))).unwrap_err();
        assert!(e.details.starts_with("colour: unknown field"), "{}", e.details);
    }

    #[test]
    fn the_form_splits_keywords_and_phrasings() {
        let f =
            FaqInput::from_form("Hours", "9-5", "open, hours،دوام", "when do you open\nمتى تفتحون\n", true).unwrap();
        assert_eq!(f.keywords, vec!["open", "hours", "دوام"]);
        assert_eq!(f.phrasings, vec!["when do you open", "متى تفتحون"]);
    }

    #[test]
    fn settings_are_checked() {
        assert!(SettingsInput::new(true, 0, "", "").is_err());
        assert!(SettingsInput::new(true, 101, "", "").is_err());
        assert!(SettingsInput::new(true, 60, "a button title that is too long", "").is_err());
        assert_eq!(SettingsInput::new(false, 60, "Agent", "").unwrap().threshold, 60);
    }
}
