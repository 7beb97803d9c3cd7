//! Display names: the rules a name is judged by when a number is added and when a new name is
//! asked for (`new_display_name`), the operator's decision on names the rules defer, and the
//! `phone_number_name_update` webhook each decision sends.
//!
//! The rules, in order (the first that fails decides):
//! 1. `NAME_FORMAT_UNACCEPTABLE` (REJECTED): fewer than 3 letters or digits, a web address,
//!    "WhatsApp" in the name, emoji or symbols other than `& ' - . , ! ( ) + / : @ #`, or a
//!    word of 5 or more capital letters (all caps is for acronyms).
//! 2. DEFERRED to the operator: a name that claims an official or regulated standing (bank,
//!    government, ministry, police, official, verified).
//! 3. Otherwise APPROVED.

use serde_json::json;

use super::NumberService;
use crate::clock::Millis;
use crate::error::ApiError;
use crate::model::{OutboxRow, PhoneNumber};

/// The `phone_number_name_update` webhook field.
pub const NAME_FIELD: &str = "phone_number_name_update";
/// Meta's length limits of a display name.
pub const MIN_NAME_CHARS: usize = 2;
pub const MAX_NAME_CHARS: usize = 75;

/// Words that make a name wait for an operator.
const DEFERRED_WORDS: &[&str] = &["bank", "government", "ministry", "police", "official", "verified"];
const ALLOWED_SYMBOLS: &str = "&'-.,!()+/:@# ";

/// What review decided about a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameDecision {
    Approved,
    /// Rejected with one of Meta's reasons; the text says which rule.
    Rejected {
        reason: String,
        why: String,
    },
    /// Left for an operator.
    Deferred,
}

impl NameDecision {
    /// The webhook's `decision`.
    pub fn as_str(&self) -> &'static str {
        match self {
            NameDecision::Approved => "APPROVED",
            NameDecision::Rejected { .. } => "REJECTED",
            NameDecision::Deferred => "DEFERRED",
        }
    }
}

/// A name's length, as Meta limits it (2 to 75 characters).
pub fn check_length(field: &str, name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    let n = name.chars().count();
    if !(MIN_NAME_CHARS..=MAX_NAME_CHARS).contains(&n) {
        return Err(ApiError::invalid(format!(
            "Param {field} must be {MIN_NAME_CHARS} to {MAX_NAME_CHARS} characters long, not {n}"
        )));
    }
    Ok(name.to_string())
}

fn reject(why: &str) -> NameDecision {
    NameDecision::Rejected { reason: "NAME_FORMAT_UNACCEPTABLE".into(), why: why.into() }
}

/// Judge a display name by the rules (module docs).
pub fn review(name: &str) -> NameDecision {
    let lower = name.to_lowercase();
    if name.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
        return reject("a display name needs at least 3 letters or digits");
    }
    if lower.contains("http")
        || lower.contains("www.")
        || [".com", ".net", ".org", ".io"].iter().any(|t| lower.contains(t))
    {
        return reject("a display name cannot be a web address");
    }
    if lower.contains("whatsapp") {
        return reject("a display name cannot contain \"WhatsApp\"");
    }
    if let Some(c) = name.chars().find(|c| !c.is_alphanumeric() && !ALLOWED_SYMBOLS.contains(*c)) {
        return reject(&format!("a display name cannot contain '{c}'"));
    }
    let shouting = name
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.chars().filter(|c| c.is_uppercase()).count() >= 5 && !w.chars().any(char::is_lowercase));
    if shouting {
        return reject("a display name cannot be written in capitals (acronyms excepted)");
    }
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    if DEFERRED_WORDS.iter().any(|w| words.contains(w)) {
        return NameDecision::Deferred;
    }
    NameDecision::Approved
}

fn name_row(p: &PhoneNumber, decision: &NameDecision, requested: &str, now: Millis) -> OutboxRow {
    let reason = match decision {
        NameDecision::Rejected { reason, .. } => reason.as_str(),
        _ => "NONE",
    };
    OutboxRow {
        business_id: p.business_id.clone(),
        waba_id: p.waba_id.clone(),
        phone_number_id: Some(p.id.clone()),
        ordering_key: p.waba_id.clone(),
        field: NAME_FIELD.into(),
        value: json!({
            "display_phone_number": p.number,
            "decision": decision.as_str(),
            "requested_verified_name": requested,
            "rejection_reason": reason,
        })
        .into(),
        created_at: now,
    }
}

/// The name under review: a requested new name, else the number's own name while it is
/// `PENDING_REVIEW`.
fn pending(p: &PhoneNumber) -> Option<String> {
    match &p.requested_name {
        Some(n) => Some(n.clone()),
        None if p.name_status == "PENDING_REVIEW" => Some(p.verified_name.clone()),
        None => None,
    }
}

/// Apply `decision` to the name under review and queue its webhook.
fn decide(p: &mut PhoneNumber, decision: &NameDecision, outbox: &mut Vec<OutboxRow>, now: Millis) -> Option<String> {
    let name = pending(p)?;
    let renaming = p.requested_name.is_some();
    match (decision, renaming) {
        (NameDecision::Approved, true) => {
            p.verified_name = name.clone();
            p.name_status = "APPROVED".into();
            p.new_name_status = "APPROVED".into();
            p.requested_name = None;
        }
        (NameDecision::Approved, false) => p.name_status = "APPROVED".into(),
        (NameDecision::Rejected { .. }, true) => {
            p.new_name_status = "DECLINED".into();
            p.requested_name = None;
        }
        (NameDecision::Rejected { .. }, false) => p.name_status = "DECLINED".into(),
        (NameDecision::Deferred, _) => {}
    }
    outbox.push(name_row(p, decision, &name, now));
    Some(name)
}

/// Review the pending name by the rules.
pub(crate) fn apply_rules(p: &mut PhoneNumber, outbox: &mut Vec<OutboxRow>, now: Millis) -> Option<NameDecision> {
    let decision = review(&pending(p)?);
    decide(p, &decision, outbox, now);
    Some(decision)
}

impl NumberService {
    /// `POST /{phone-number-id} {"new_display_name"}`: ask for a new display name, reviewed at
    /// once by the rules (a deferred name waits for the operator). Answers the decision. An
    /// official business account's name is locked (100).
    pub async fn request_name(&self, id: &str, name: &str) -> Result<NameDecision, ApiError> {
        let name = check_length("new_display_name", name)?;
        let (_, decision) = self
            .change(id, |p, _, outbox, now| {
                if p.official {
                    return Err(super::locked(p, "display name", "new_display_name"));
                }
                p.requested_name = Some(name.clone());
                p.new_name_status = "PENDING_REVIEW".into();
                Ok(apply_rules(p, outbox, now).unwrap_or(NameDecision::Deferred))
            })
            .await?;
        Ok(decision)
    }

    /// The operator's decision on the name under review (`APPROVED`, `REJECTED` with a
    /// reason, or `DEFERRED`), with its `phone_number_name_update` webhook.
    pub async fn review_name(&self, id: &str, decision: &str, reason: Option<&str>) -> Result<PhoneNumber, ApiError> {
        let decision = match decision.to_ascii_uppercase().as_str() {
            "APPROVED" | "APPROVE" => NameDecision::Approved,
            "DEFERRED" | "DEFER" => NameDecision::Deferred,
            "REJECTED" | "REJECT" => {
                let reason = reason.map(str::trim).filter(|r| !r.is_empty()).unwrap_or("UNKNOWN");
                if !reason.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                    return Err(ApiError::invalid(format!(
                        "rejection_reason must be an upper-case reason such as NAME_NOT_CONSISTENT, not '{reason}'"
                    )));
                }
                NameDecision::Rejected { reason: reason.into(), why: "the operator rejected the name".into() }
            }
            other => {
                return Err(ApiError::invalid(format!(
                    "decision must be APPROVED, REJECTED or DEFERRED, not '{other}'"
                )))
            }
        };
        let (p, ()) = self
            .change(id, |p, _, outbox, now| {
                decide(p, &decision, outbox, now)
                    .map(|_| ())
                    .ok_or_else(|| ApiError::invalid(format!("+{} has no display name under review", p.number)))
            })
            .await?;
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(review("Lucky Shrub"), NameDecision::Approved);
        assert_eq!(review("IBM Cloud"), NameDecision::Approved);
        assert_eq!(review("Zahra's Café & Co."), NameDecision::Approved);
        assert_eq!(review("مخبز الأمل"), NameDecision::Approved);
        assert_eq!(review("First National Bank"), NameDecision::Deferred);
        for bad in ["Ab", "shop.com", "WhatsApp Deals", "Best Shop 🎉", "SUPER DEALS", "https://x"] {
            assert!(matches!(review(bad), NameDecision::Rejected { .. }), "{bad}");
        }
    }
}
