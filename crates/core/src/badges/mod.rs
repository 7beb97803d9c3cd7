//! The verified badge: a business number's request to be an official business account (Meta's
//! `POST /{phone-number-id}/official_business_account`), its review by the operator within a
//! configurable 3 to 14 days on the service clock (the rules decide a request nobody decided by
//! then), and the decision: `is_official_business_account`, the `official_business_account`
//! read, and Meta's `account_alerts` webhook (`OBA_APPROVED`, `OBA_REJECTED`). An approved
//! number's display name and registration are locked ([`crate::numbers::locked`]). A rejected
//! number may ask again 30 days after the decision.
//!
//! - [`rules`]: the criteria the operator adjusts, the request's fields and the checks.

pub mod rules;

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::clock::{iso_time, Clock, Millis};
use crate::error::ApiError;
use crate::ids;
use crate::messaging::MessagingService;
use crate::model::{OutboxRow, PhoneNumber};
use crate::store::{ObaDecision, ObaRequest, Store};
pub use rules::{Check, Criteria};

/// The webhook field Meta announces official business account decisions in.
pub const ALERTS_FIELD: &str = "account_alerts";
/// Where the operator's criteria are kept (a JSON object).
const CRITERIA_SETTING: &str = "oba_criteria";
/// Meta's description of an approval (`account_alerts`).
pub const APPROVED_DESCRIPTION: &str = "This phone number now has a green badge next to its name showing that it's an authentic and notable business account. Add more details to your business profile to increase customer trust.";
/// How many due requests one round of the rules decides.
const DUE_BATCH: i64 = 100;

/// A request's status as Meta reads it: `NOT_STARTED` before any request.
pub const NOT_STARTED: &str = "NOT_STARTED";

/// Who decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decider {
    Operator,
    Rules,
}

impl Decider {
    fn as_str(self) -> &'static str {
        match self {
            Decider::Operator => "operator",
            Decider::Rules => "rules",
        }
    }
}

/// `oba_status` and `status_message` of a number whose latest request is `r`.
pub fn status_of(r: Option<&ObaRequest>) -> (String, String) {
    match r {
        None => (NOT_STARTED.into(), "No Official Business Account request has been submitted".into()),
        Some(r) => {
            let message = match r.status.as_str() {
                "PENDING" => "Your Official Business Account application is under review".to_string(),
                "APPROVED" => "Your Official Business Account has been approved".to_string(),
                _ => format!(
                    "Your Official Business Account application was rejected: {}. You can submit a new request from {}.",
                    r.reasons.join("; "),
                    iso_time(r.decided_at.unwrap_or(r.submitted_at) + rules::RESUBMIT_AFTER_MS)
                ),
            };
            (r.status.clone(), message)
        }
    }
}

fn alert_row(r: &ObaRequest, now: Millis) -> OutboxRow {
    let approved = r.status == "APPROVED";
    let description = if approved {
        APPROVED_DESCRIPTION.to_string()
    } else {
        format!(
            "Your request for an official business account was not approved: {}. You can submit a new request after 30 days.",
            r.reasons.join("; ")
        )
    };
    OutboxRow {
        business_id: r.business_id.clone(),
        waba_id: r.waba_id.clone(),
        phone_number_id: Some(r.phone_number_id.clone()),
        ordering_key: r.waba_id.clone(),
        field: ALERTS_FIELD.into(),
        value: json!({
            "entity_type": "PHONE_NUMBER",
            "entity_id": r.phone_number_id,
            "alert_info": {
                "alert_severity": if approved { "INFORMATIONAL" } else { "CRITICAL" },
                "alert_status": "ACTIVE",
                "alert_type": if approved { "OBA_APPROVED" } else { "OBA_REJECTED" },
                "alert_description": description,
            },
        })
        .into(),
        created_at: now,
    }
}

/// A request in the operator's queue, with what it is about.
#[derive(Debug, Clone)]
pub struct QueueEntry {
    pub request: ObaRequest,
    pub phone: Option<PhoneNumber>,
    pub business_name: Option<String>,
}

/// A number's badge as a page shows it ([`BadgeService::view`]).
#[derive(Debug, Clone)]
pub struct BadgeView {
    pub latest: Option<ObaRequest>,
    /// The prerequisites, each met or not.
    pub checks: Vec<Check>,
    pub criteria: Criteria,
    /// From when a new request may be submitted: `None` while one is pending or approved.
    pub next_request_from: Option<Millis>,
    /// The service clock's time.
    pub now: Millis,
}

impl BadgeView {
    /// A request may be submitted now, the prerequisites aside.
    pub fn may_request(&self) -> bool {
        self.next_request_from.is_some_and(|from| from <= self.now)
    }

    /// Every prerequisite is met.
    pub fn eligible(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// Official business account requests and their review.
#[derive(Clone)]
pub struct BadgeService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Its cache of numbers forgets a number whose badge changed.
    messaging: MessagingService,
    /// The review delay when the operator never set one (config `[badge] review_days`).
    default_review_days: i64,
}

impl BadgeService {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        messaging: MessagingService,
        default_review_days: i64,
    ) -> Self {
        let default_review_days = default_review_days.clamp(rules::MIN_REVIEW_DAYS, rules::MAX_REVIEW_DAYS);
        BadgeService { store, clock, messaging, default_review_days }
    }

    /// The criteria in force: the operator's, else Meta's with the configured review delay.
    pub async fn criteria(&self) -> Result<Criteria, ApiError> {
        match self.store.setting(CRITERIA_SETTING).await? {
            Some(raw) => Ok(serde_json::from_str(&raw).unwrap_or_default()),
            None => Ok(Criteria { review_days: self.default_review_days, ..Criteria::default() }),
        }
    }

    /// Change some of the criteria (the fields given); the others keep their value.
    pub async fn set_criteria(&self, changes: &Map<String, Value>) -> Result<Criteria, ApiError> {
        let current = self.criteria().await?;
        let mut merged = match serde_json::to_value(&current) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        for (k, v) in changes {
            if !merged.contains_key(k) {
                return Err(ApiError::invalid(format!("Param {k} is not a criterion")));
            }
            merged.insert(k.clone(), v.clone());
        }
        let c: Criteria = serde_json::from_value(Value::Object(merged))
            .map_err(|e| ApiError::invalid(format!("The criteria are not valid: {e}")))?;
        c.validate()?;
        let raw = serde_json::to_string(&c).map_err(|_| ApiError::internal())?;
        self.store.set_setting(CRITERIA_SETTING, &raw).await?;
        Ok(c)
    }

    async fn facts(&self, p: &PhoneNumber) -> Result<rules::Facts, ApiError> {
        let settings = self.store.waba_settings(&p.waba_id).await?;
        Ok(rules::Facts { business_verified: settings.verified, now: self.clock.now_ms() })
    }

    /// The number's latest request, once a due decision is applied.
    pub async fn latest(&self, p: &PhoneNumber) -> Result<Option<ObaRequest>, ApiError> {
        let r = self.store.latest_oba_request(&p.id).await?;
        match r {
            Some(r) if r.status == "PENDING" && r.due_at <= self.clock.now_ms() => {
                self.decide_by_rules(&r).await?;
                Ok(self.store.latest_oba_request(&p.id).await?)
            }
            r => Ok(r),
        }
    }

    /// What a page shows of a number before the business asks: its latest request (a due
    /// decision applied), the prerequisites as `submit` checks them (notability, judged in
    /// review, left out), and whether and from when it may ask.
    pub async fn view(&self, p: &PhoneNumber) -> Result<BadgeView, ApiError> {
        let criteria = self.criteria().await?;
        let latest = self.latest(p).await?;
        let checks = rules::checks(&criteria, p, &Value::Null, &self.facts(p).await?)
            .into_iter()
            .filter(|c| c.criterion != "notability")
            .collect();
        let next_request_from = match latest.as_ref().map(|r| (r.status.as_str(), r)) {
            _ if p.official => None,
            None => Some(0),
            Some(("REJECTED", r)) => Some(r.decided_at.unwrap_or(r.submitted_at) + rules::RESUBMIT_AFTER_MS),
            Some(_) => None,
        };
        Ok(BadgeView { latest, checks, criteria, next_request_from, now: self.clock.now_ms() })
    }

    /// `POST /{phone-number-id}/official_business_account`: a new request, checked field by
    /// field and against the prerequisites; due for a decision `review_days` from now.
    pub async fn submit(&self, p: &PhoneNumber, body: &Map<String, Value>) -> Result<ObaRequest, ApiError> {
        let criteria = self.criteria().await?;
        let now = self.clock.now_ms();
        if p.official {
            return Err(ApiError::invalid(format!(
                "Cannot submit application: +{} is already an official business account",
                p.number
            )));
        }
        if let Some(last) = self.latest(p).await? {
            match last.status.as_str() {
                "PENDING" => {
                    return Err(ApiError::invalid("Cannot submit application: An active application already exists"))
                }
                "REJECTED" => {
                    let from = last.decided_at.unwrap_or(last.submitted_at) + rules::RESUBMIT_AFTER_MS;
                    if now < from {
                        return Err(ApiError::invalid(format!(
                            "Cannot submit application: the last request was rejected; a new request can be submitted 30 days after the decision, from {}",
                            iso_time(from)
                        ))
                        .with_user_message(
                            "Request rejected recently",
                            "You can submit a new request 30 days after a request was rejected.",
                        )
                        .with_retry_after(from - now));
                    }
                }
                _ => {}
            }
        }
        let evidence = rules::evidence(body, &criteria)?;
        let checks = rules::checks(&criteria, p, &evidence, &self.facts(p).await?);
        rules::refuse_unmet(&checks)?;
        let r = ObaRequest {
            id: format!("oba_req_{}", ids::new_secret(16).to_ascii_lowercase()),
            phone_number_id: p.id.clone(),
            business_id: p.business_id.clone(),
            waba_id: p.waba_id.clone(),
            status: "PENDING".into(),
            evidence,
            checks: serde_json::to_value(&checks).unwrap_or(Value::Null),
            reasons: Vec::new(),
            submitted_at: now,
            due_at: now + criteria.review_days * rules::DAY_MS,
            decided_at: None,
            decided_by: None,
        };
        if !self.store.insert_oba_request(&r).await? {
            return Err(ApiError::invalid("Cannot submit application: An active application already exists"));
        }
        Ok(r)
    }

    /// Write a decision of pending `r`; `false` when another decision came first.
    async fn decide(&self, r: &ObaRequest, approve: bool, reasons: Vec<String>, by: Decider) -> Result<bool, ApiError> {
        let now = self.clock.now_ms();
        let decided = ObaRequest {
            status: if approve { "APPROVED" } else { "REJECTED" }.into(),
            reasons,
            decided_at: Some(now),
            decided_by: Some(by.as_str().into()),
            ..r.clone()
        };
        let outbox = [alert_row(&decided, now)];
        let written = self
            .store
            .decide_oba_request(&ObaDecision { request: &decided, official: approve, outbox: &outbox })
            .await?;
        if let Some(p) = self.store.phone_number(&r.phone_number_id).await?.filter(|_| written) {
            self.messaging.forget_phone(&p);
        }
        Ok(written)
    }

    async fn decide_by_rules(&self, r: &ObaRequest) -> Result<bool, ApiError> {
        let Some(p) = self.store.phone_number(&r.phone_number_id).await? else { return Ok(false) };
        let criteria = self.criteria().await?;
        let checks = rules::checks(&criteria, &p, &r.evidence, &self.facts(&p).await?);
        let reasons = rules::failures(&checks);
        self.decide(r, reasons.is_empty(), reasons, Decider::Rules).await
    }

    /// Decide every pending request past its due time by the rules; how many it decided.
    pub async fn apply_due(&self) -> Result<usize, ApiError> {
        let mut decided = 0;
        for r in self.store.due_oba_requests(self.clock.now_ms(), DUE_BATCH).await? {
            decided += usize::from(self.decide_by_rules(&r).await?);
        }
        Ok(decided)
    }

    /// The operator's decision on the number's pending request: `APPROVED`, or `REJECTED` with
    /// at least one reason. Answers the decided request.
    pub async fn review(&self, p: &PhoneNumber, decision: &str, reasons: &[String]) -> Result<ObaRequest, ApiError> {
        let approve = match decision.to_ascii_uppercase().as_str() {
            "APPROVED" | "APPROVE" => true,
            "REJECTED" | "REJECT" => false,
            other => {
                return Err(ApiError::invalid(format!("Param decision must be APPROVED or REJECTED, not '{other}'")))
            }
        };
        let reasons: Vec<String> = reasons.iter().map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect();
        if !approve && reasons.is_empty() {
            return Err(ApiError::invalid("Param reasons must give at least one reason to reject"));
        }
        if reasons.len() > 10 || reasons.iter().any(|r| r.chars().count() > 300) {
            return Err(ApiError::invalid("Param reasons can have at most 10 reasons of at most 300 characters"));
        }
        let pending = self.latest(p).await?.filter(|r| r.status == "PENDING");
        let Some(r) = pending else {
            return Err(ApiError::invalid(format!(
                "+{} has no official business account request under review",
                p.number
            )));
        };
        let reasons = if approve { Vec::new() } else { reasons };
        if !self.decide(&r, approve, reasons, Decider::Operator).await? {
            return Err(ApiError::invalid(format!("The request of +{} was decided meanwhile", p.number)));
        }
        self.store.oba_request(&r.id).await?.ok_or_else(ApiError::internal)
    }

    /// Requests for the operator's queue, newest first: of `status` when given, of `scope`'s
    /// business when given.
    pub async fn queue(
        &self,
        status: Option<&str>,
        scope: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ObaRequest>, ApiError> {
        if let Some(s) = status {
            if !["PENDING", "APPROVED", "REJECTED"].contains(&s) {
                return Err(ApiError::invalid(format!(
                    "Param status must be PENDING, APPROVED or REJECTED, not '{s}'"
                )));
            }
        }
        Ok(self.store.oba_requests(status, scope, limit.clamp(1, 500)).await?)
    }

    /// [`Self::queue`] with each request's number and business name, as the operator reads it.
    pub async fn queue_entries(
        &self,
        status: Option<&str>,
        scope: Option<&str>,
        limit: i64,
    ) -> Result<Vec<QueueEntry>, ApiError> {
        let mut out = Vec::new();
        for request in self.queue(status, scope, limit).await? {
            let phone = self.store.phone_number(&request.phone_number_id).await?;
            let business_name = self.store.business(&request.business_id).await?.map(|b| b.name);
            out.push(QueueEntry { request, phone, business_name });
        }
        Ok(out)
    }

    /// A number, for the operator's decisions (any business's).
    pub async fn phone(&self, id: &str) -> Result<PhoneNumber, ApiError> {
        self.store.phone_number(id).await?.ok_or_else(|| ApiError::object_not_found(id))
    }

    /// One request by its id.
    pub async fn request(&self, id: &str) -> Result<Option<ObaRequest>, ApiError> {
        Ok(self.store.oba_request(id).await?)
    }
}
