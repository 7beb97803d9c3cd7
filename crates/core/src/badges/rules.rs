//! Meta's criteria for an official business account, as rules the operator can adjust, and
//! the checks of a request against them.
//!
//! Prerequisites (a request that fails one is refused with Graph's 100 naming the field):
//! two-step verification on (`is_pin_enabled`), the business verified
//! (`business_verification_status`), the display name approved (`name_status`), the number on
//! the platform for `min_days_on_platform` days (`last_onboarded_time`), and at least
//! `min_supporting_links` supporting links (`supporting_links`).
//!
//! Notability (Meta: "substantial presence in online news articles" from publications with
//! sizable audiences) is judged in review: at least `min_notable_links` supporting links on one
//! of the `notable_sources` hosts. An operator decides as they see fit; the rules decide a
//! request nobody decided by its due time: approved when every check holds, else rejected with
//! the failing checks as reasons.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::clock::{iso_time, Millis};
use crate::error::ApiError;
use crate::model::PhoneNumber;

pub const DAY_MS: Millis = 86_400_000;
/// Meta: "you can submit up to 5 supporting links".
pub const MAX_SUPPORTING_LINKS: usize = 5;
/// Meta: "If your request is rejected, you can submit a new request after 30 days."
pub const RESUBMIT_AFTER_MS: Millis = 30 * DAY_MS;
/// The review delay's bounds, in days.
pub const MIN_REVIEW_DAYS: i64 = 3;
pub const MAX_REVIEW_DAYS: i64 = 14;
const MAX_URL: usize = 2048;
const MAX_TEXT: usize = 255;
const MAX_INFO: usize = 1000;
/// The request's fields (Meta's `POST /{phone-number-id}/official_business_account`).
pub const FIELDS: &[&str] = &[
    "business_website_url",
    "primary_country_of_operation",
    "primary_language",
    "parent_business_or_brand",
    "supporting_links",
    "additional_supporting_information",
];

/// The criteria, as the operator set them (the defaults are Meta's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Criteria {
    /// The number has two-step verification on.
    pub two_step_verification: bool,
    /// The WABA's business is verified (`business_verification_status`).
    pub business_verification: bool,
    /// The display name is approved (`name_status`).
    pub display_name_approved: bool,
    /// Days since the number was onboarded. Meta: 30.
    pub min_days_on_platform: i64,
    /// Supporting links a request must carry (0 to 5).
    pub min_supporting_links: usize,
    /// Hosts whose articles count for notability (a link to the host or a subdomain).
    pub notable_sources: Vec<String>,
    /// Supporting links on a notable source for the notability check.
    pub min_notable_links: usize,
    /// Days until the rules decide a request no operator decided (3 to 14).
    pub review_days: i64,
}

impl Default for Criteria {
    fn default() -> Self {
        Criteria {
            two_step_verification: true,
            business_verification: true,
            display_name_approved: true,
            min_days_on_platform: 30,
            min_supporting_links: 1,
            notable_sources: [
                "wikipedia.org",
                "reuters.com",
                "wsj.com",
                "bloomberg.com",
                "businessinsider.com",
                "economictimes.indiatimes.com",
                "indiatoday.in",
                "bbc.co.uk",
                "nytimes.com",
                "forbes.com",
            ]
            .map(String::from)
            .to_vec(),
            min_notable_links: 1,
            review_days: 5,
        }
    }
}

impl Criteria {
    /// The criteria's own bounds, each error naming its field.
    pub fn validate(&self) -> Result<(), ApiError> {
        if !(MIN_REVIEW_DAYS..=MAX_REVIEW_DAYS).contains(&self.review_days) {
            return Err(ApiError::invalid(format!(
                "Param review_days must be {MIN_REVIEW_DAYS} to {MAX_REVIEW_DAYS}, not {}",
                self.review_days
            )));
        }
        if !(0..=365).contains(&self.min_days_on_platform) {
            return Err(ApiError::invalid("Param min_days_on_platform must be 0 to 365"));
        }
        if self.min_supporting_links > MAX_SUPPORTING_LINKS {
            return Err(ApiError::invalid(format!("Param min_supporting_links must be 0 to {MAX_SUPPORTING_LINKS}")));
        }
        if self.min_notable_links > MAX_SUPPORTING_LINKS {
            return Err(ApiError::invalid(format!("Param min_notable_links must be 0 to {MAX_SUPPORTING_LINKS}")));
        }
        if self.notable_sources.len() > 100 {
            return Err(ApiError::invalid("Param notable_sources can list at most 100 hosts"));
        }
        if let Some(bad) = self.notable_sources.iter().find(|h| !is_host(h)) {
            return Err(ApiError::invalid(format!(
                "Param notable_sources: '{bad}' is not a host name such as reuters.com"
            )));
        }
        Ok(())
    }
}

fn is_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.contains('.')
        && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !h.starts_with('.')
        && !h.ends_with('.')
}

/// The host of an `http(s)://` URL, lower-cased.
fn url_host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?.to_ascii_lowercase();
    is_host(&host).then_some(host)
}

fn check_url(field: &str, url: &str) -> Result<(), ApiError> {
    if url.len() > MAX_URL || url.chars().any(char::is_whitespace) || url_host(url).is_none() {
        return Err(ApiError::invalid(format!("Param {field} must be an http:// or https:// URL, not '{url}'")));
    }
    Ok(())
}

fn text(body: &Map<String, Value>, field: &str, max: usize, required: bool) -> Result<Option<String>, ApiError> {
    let v = match body.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Some(_) => return Err(ApiError::invalid(format!("Param {field} must be a string"))),
    };
    match v {
        None if required => Err(ApiError::invalid(format!("The parameter {field} is required"))),
        Some(s) if s.chars().count() > max => {
            Err(ApiError::invalid(format!("Param {field} must be at most {max} characters")))
        }
        v => Ok(v),
    }
}

/// A request's body, read and checked field by field: the evidence as stored.
pub fn evidence(body: &Map<String, Value>, criteria: &Criteria) -> Result<Value, ApiError> {
    if let Some(k) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!(
            "Param {k} is not supported by official_business_account; the fields are {}",
            FIELDS.join(", ")
        )));
    }
    let website = text(body, "business_website_url", MAX_URL, true)?.unwrap_or_default();
    check_url("business_website_url", &website)?;
    let country = text(body, "primary_country_of_operation", MAX_TEXT, true)?;
    let language = text(body, "primary_language", MAX_TEXT, false)?;
    let parent = text(body, "parent_business_or_brand", MAX_TEXT, false)?;
    let info = text(body, "additional_supporting_information", MAX_INFO, false)?;
    let links: Vec<String> = match body.get("supporting_links") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(|s| s.trim().to_string()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ApiError::invalid("Param supporting_links must be an array of URLs"))?,
        Some(_) => return Err(ApiError::invalid("Param supporting_links must be an array of URLs")),
    };
    if links.len() > MAX_SUPPORTING_LINKS {
        return Err(ApiError::invalid(format!(
            "Param supporting_links can have at most {MAX_SUPPORTING_LINKS} links, not {}",
            links.len()
        )));
    }
    for l in &links {
        check_url("supporting_links", l)?;
    }
    if links.len() < criteria.min_supporting_links {
        return Err(ApiError::invalid(format!(
            "Param supporting_links needs at least {} link(s) to articles about the business",
            criteria.min_supporting_links
        )));
    }
    Ok(json!({
        "business_website_url": website,
        "primary_country_of_operation": country,
        "primary_language": language,
        "parent_business_or_brand": parent,
        "supporting_links": links,
        "additional_supporting_information": info,
    }))
}

/// One criterion's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub criterion: &'static str,
    /// The Graph field the criterion reads (what an error names).
    pub field: &'static str,
    pub passed: bool,
    pub detail: String,
}

/// What the checks read of the world besides the number.
pub struct Facts {
    pub business_verified: bool,
    pub now: Millis,
}

/// Every criterion against the number and the evidence; the notability check last.
pub fn checks(c: &Criteria, p: &PhoneNumber, evidence: &Value, facts: &Facts) -> Vec<Check> {
    let days = (facts.now - p.created_at).max(0) / DAY_MS;
    let links: Vec<&str> = evidence["supporting_links"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let notable = links
        .iter()
        .filter(|l| {
            url_host(l).is_some_and(|h| c.notable_sources.iter().any(|s| h == *s || h.ends_with(&format!(".{s}"))))
        })
        .count();
    let mut out = Vec::new();
    if c.two_step_verification {
        out.push(Check {
            criterion: "two_step_verification",
            field: "is_pin_enabled",
            passed: p.pin_enabled,
            detail: if p.pin_enabled { "two-step verification is on" } else { "two-step verification is off" }.into(),
        });
    }
    if c.business_verification {
        out.push(Check {
            criterion: "business_verification",
            field: "business_verification_status",
            passed: facts.business_verified,
            detail: if facts.business_verified { "the business is verified" } else { "the business is not verified" }
                .into(),
        });
    }
    if c.display_name_approved {
        out.push(Check {
            criterion: "display_name_approved",
            field: "name_status",
            passed: p.name_status == "APPROVED",
            detail: format!("the display name \"{}\" is {}", p.verified_name, p.name_status),
        });
    }
    if c.min_days_on_platform > 0 {
        out.push(Check {
            criterion: "min_days_on_platform",
            field: "last_onboarded_time",
            passed: days >= c.min_days_on_platform,
            detail: format!(
                "on the platform {days} of {} days (since {})",
                c.min_days_on_platform,
                iso_time(p.created_at)
            ),
        });
    }
    out.push(Check {
        criterion: "notability",
        field: "supporting_links",
        passed: notable >= c.min_notable_links,
        detail: format!(
            "{notable} of {} supporting links are from notable publications ({} needed)",
            links.len(),
            c.min_notable_links
        ),
    });
    out
}

/// The prerequisites a request is refused for (every check but notability, which is judged in
/// review): Graph's 100 naming the field.
pub fn refuse_unmet(checks: &[Check]) -> Result<(), ApiError> {
    match checks.iter().find(|c| !c.passed && c.criterion != "notability") {
        Some(c) => Err(ApiError::invalid(format!(
            "Param {} does not meet the official business account criterion {}: {}",
            c.field, c.criterion, c.detail
        ))
        .with_user_message(
            "Not eligible for an official business account",
            format!("This phone number does not meet the criterion {}: {}.", c.criterion, c.detail),
        )),
        None => Ok(()),
    }
}

/// The reasons the rules reject for: each failing check's detail.
pub fn failures(checks: &[Check]) -> Vec<String> {
    checks.iter().filter(|c| !c.passed).map(|c| format!("{}: {}", c.criterion, c.detail)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(url_host("https://www.Reuters.com/a?b").as_deref(), Some("www.reuters.com"));
        assert_eq!(url_host("http://user@x.org:8080/").as_deref(), Some("x.org"));
        assert_eq!(url_host("ftp://x.org"), None);
        assert_eq!(url_host("https://localhost/"), None);
    }

    #[test]
    fn evidence_names_the_field() {
        let c = Criteria::default();
        let body = |v: Value| v.as_object().cloned().unwrap();
        let e = evidence(&body(json!({"primary_country_of_operation": "US"})), &c).unwrap_err();
        assert!(e.details.contains("business_website_url"), "{}", e.details);
        let e = evidence(&body(json!({"business_website_url": "https://a.com"})), &c).unwrap_err();
        assert!(e.details.contains("primary_country_of_operation"), "{}", e.details);
        let six = json!([
            "https://a.com/1",
            "https://a.com/2",
            "https://a.com/3",
            "https://a.com/4",
            "https://a.com/5",
            "https://a.com/6"
        ]);
        let e = evidence(
            &body(json!({"business_website_url": "https://a.com", "primary_country_of_operation": "US", "supporting_links": six})),
            &c,
        )
        .unwrap_err();
        assert!(e.details.contains("at most 5"), "{}", e.details);
        let e =
            evidence(&body(json!({"business_website_url": "https://a.com", "primary_country_of_operation": "US"})), &c)
                .unwrap_err();
        assert!(e.details.contains("supporting_links needs at least 1"), "{}", e.details);
        let e = evidence(&body(json!({"business_website_url": "a.com", "primary_country_of_operation": "US"})), &c)
            .unwrap_err();
        assert!(e.details.starts_with("Param business_website_url must be"), "{}", e.details);
        let e = evidence(&body(json!({"bogus": 1})), &c).unwrap_err();
        assert!(e.details.starts_with("Param bogus is not supported"), "{}", e.details);
    }

    #[test]
    fn criteria_bounds() {
        let mut c = Criteria::default();
        assert!(c.validate().is_ok());
        c.review_days = 2;
        assert!(c.validate().unwrap_err().details.contains("review_days"));
        c.review_days = 14;
        c.notable_sources = vec!["not a host".into()];
        assert!(c.validate().unwrap_err().details.contains("notable_sources"));
    }
}
