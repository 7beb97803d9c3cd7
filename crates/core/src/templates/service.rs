//! The template service: create, list, edit, delete, review (automatic after a delay, or by an
//! operator), quality (negative feedback pauses and disables), and what a template send needs.
//! Every change commits with its webhook rows; concurrent changes to one template are
//! serialised by its version.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::review::{review, Decision};
use super::validate::{self, parse_category, parse_components};
use super::{events, render};
use crate::cache::TtlCache;
use crate::clock::{Clock, Millis};
use crate::error::{ApiError, ErrorCode, StoreError};
use crate::model::{
    OutboxRow, ParameterFormat, PhoneNumber, Template, TemplateCategory, TemplateQuality, TemplateStatus, Waba,
    MAX_CREATIONS_PER_HOUR, REJECTION_REASONS,
};
use crate::store::{MediaCopy, Store, TemplateUpdate};

/// How new and edited templates are reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewMode {
    /// The rule set decides, `review_delay_ms` after submission.
    Auto,
    /// Templates stay PENDING until an operator approves or rejects them.
    Manual,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TemplateConfig {
    pub review: ReviewMode,
    /// Delay of an automatic decision; 0 decides at once, in the create request.
    pub review_delay_ms: Millis,
    /// Length of the first, second, … pause; one more pause than listed disables the template.
    pub pause_ms: Vec<Millis>,
    /// Negative feedback events that turn a template RED and pause it (YELLOW at half).
    pub pause_after_feedback: i64,
}

impl Default for TemplateConfig {
    fn default() -> Self {
        TemplateConfig {
            review: ReviewMode::Auto,
            review_delay_ms: 0,
            pause_ms: vec![3 * 3_600_000, 6 * 3_600_000],
            pause_after_feedback: 3,
        }
    }
}

/// Kinds of negative feedback a customer gives after a template message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackKind {
    Block,
    Report,
}

/// What a template send hands to the messaging service.
#[derive(Debug, Clone)]
pub struct PreparedSend {
    pub template_id: String,
    /// The rendered template: the message content.
    pub content: Value,
    /// Copies of header images/videos/documents sent by id (the header, each card's), for the
    /// customer.
    pub media_copies: Vec<MediaCopy>,
    /// How long the message may wait for the customer's device ([`Template::delivery_ttl_ms`]).
    pub ttl_ms: Millis,
}

#[derive(Clone)]
pub struct TemplateService {
    pub(super) store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: TemplateConfig,
    /// The last creation time handed out: templates created in one millisecond still get
    /// distinct, increasing times, so "oldest first" (the template limit) is creation order.
    last_created: Arc<std::sync::atomic::AtomicI64>,
    /// Approved templates as sends name them (WABA, name, language), for
    /// [`Self::prepare_send`]: each send read its template twice. Dropped whole when this
    /// node writes a template; kept [`SENDABLE_TTL`], so a change made elsewhere (another
    /// node, `risala admin templates`) to an approved template reaches this node's sends
    /// within that. Templates in any other status are read each time: an approval, which
    /// time or another process may make, is seen by the next send.
    sendable: Arc<TtlCache<String, Arc<Template>>>,
}

/// How long a template a send read is kept for the next sends.
const SENDABLE_TTL: std::time::Duration = std::time::Duration::from_millis(500);

pub use super::listing::{translations_complete, TemplateSearch, SUMMARY_FIELDS};

pub(super) type Change = Option<(Template, Vec<OutboxRow>, bool)>;

/// Apply a review decision.
fn decided(t: &Template, d: Decision, now: Millis) -> (Template, Vec<OutboxRow>) {
    let mut n = t.clone();
    n.review_due_at = None;
    let mut rows = Vec::new();
    match d {
        Decision::Approve { category } => {
            if category != t.category {
                n.previous_category = Some(t.category);
                n.category = category;
                rows.push(events::category_changed(&n, t.category.as_str(), n.category.as_str(), now));
            }
            n.status = TemplateStatus::Approved;
            n.rejected_reason = "NONE".into();
            rows.push(events::approved(&n, now));
        }
        Decision::Reject { reason, details } => {
            n.status = TemplateStatus::Rejected;
            n.rejected_reason = reason.into();
            rows.push(events::rejected(&n, reason, &details, now));
        }
    }
    (n, rows)
}

fn not_found(id: &str) -> ApiError {
    ApiError::object_not_found(id)
}

impl TemplateService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: TemplateConfig) -> Self {
        TemplateService {
            store,
            clock,
            config,
            last_created: Arc::default(),
            sendable: Arc::new(TtlCache::new(SENDABLE_TTL, 10_000)),
        }
    }

    pub fn config(&self) -> &TemplateConfig {
        &self.config
    }

    /// Forget the templates kept for sends (a template written on this node, a state import).
    pub fn forget_all(&self) {
        self.sendable.clear();
    }

    pub(super) fn now(&self) -> Millis {
        self.clock.now_ms()
    }

    pub(super) fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub(super) fn due_at(&self, now: Millis) -> Option<Millis> {
        match self.config.review {
            ReviewMode::Auto => Some(now + self.config.review_delay_ms.max(0)),
            ReviewMode::Manual => None,
        }
    }

    /// Review at once when automatic review has no delay.
    pub(super) fn review_now(&self, t: Template, now: Millis) -> (Template, Vec<OutboxRow>) {
        if self.config.review == ReviewMode::Auto && self.config.review_delay_ms <= 0 {
            decided(&t, review(&t), now)
        } else {
            (t, Vec::new())
        }
    }

    /// Load, change and store one template, retrying when it changed meanwhile. `f` returns
    /// the new state, its webhook rows and whether the id leaves the object index, or None
    /// for no change. Returns the template as it is afterwards (None: no such template).
    pub(super) async fn transition<F>(&self, id: &str, mut f: F) -> Result<Option<Template>, ApiError>
    where
        F: FnMut(&Template, Millis) -> Result<Change, ApiError>,
    {
        for _ in 0..8 {
            let Some(t) = self.store.template(id).await? else { return Ok(None) };
            let now = self.now();
            let Some((mut n, rows, remove)) = f(&t, now)? else { return Ok(Some(t)) };
            n.version = t.version + 1;
            n.updated_at = now;
            let u = TemplateUpdate { template: &n, expected_version: t.version, outbox: &rows, remove_object: remove };
            if self.store.update_template(&u).await? {
                self.forget_all();
                return Ok(Some(n));
            }
        }
        Err(ApiError::new(ErrorCode::ServiceUnavailable, "The template is changing too often; retry."))
    }

    /// A change that time has made due: a delayed review, or the end of a pause.
    fn due_change(&self, t: &Template, now: Millis) -> Change {
        let reviewed = t.status == TemplateStatus::Pending || t.status == TemplateStatus::InAppeal;
        if reviewed && t.review_due_at.is_some_and(|d| d <= now) {
            let (n, rows) = decided(t, review(t), now);
            return Some((n, rows, false));
        }
        if t.status == TemplateStatus::Paused && t.paused_until.is_some_and(|u| u <= now) {
            let mut n = t.clone();
            n.status = TemplateStatus::Approved;
            n.paused_until = None;
            n.negative_feedback = 0;
            n.quality_score = TemplateQuality::Green;
            let mut rows = Vec::new();
            if t.quality_score != TemplateQuality::Green {
                rows.push(events::quality_changed(&n, t.quality_score, TemplateQuality::Green, now));
            }
            rows.push(events::unpaused(&n, now));
            return Some((n, rows, false));
        }
        None
    }

    /// A live template by id, with due changes applied.
    pub async fn get(&self, id: &str) -> Result<Option<Template>, ApiError> {
        let t = self.transition(id, |t, now| Ok(self.due_change(t, now))).await?;
        Ok(t.filter(|t| t.status != TemplateStatus::Deleted))
    }

    /// A template (not deleted) that a caller limited to `scope` may act on.
    pub async fn visible(&self, id: &str, scope: Option<&str>) -> Result<Template, ApiError> {
        let t = self.store.template(id).await?;
        t.filter(|t| scope.is_none_or(|b| b == t.business_id) && t.status != TemplateStatus::Deleted)
            .ok_or_else(|| ApiError::object_not_found(id))
    }

    /// Apply every due decision and unpause; returns how many templates changed.
    pub async fn apply_due(&self) -> Result<usize, ApiError> {
        let due = self.store.due_templates(self.now(), 200).await?;
        let mut n = 0;
        for t in due {
            let before = t.version;
            if let Some(after) = self.transition(&t.id, |t, now| Ok(self.due_change(t, now))).await? {
                n += usize::from(after.version != before);
            }
        }
        Ok(n)
    }

    /// `now`, or just after the last creation through this service when that was in the same
    /// millisecond.
    fn creation_time(&self, now: Millis) -> Millis {
        use std::sync::atomic::Ordering;
        let prev = self.last_created.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(now.max(last + 1)));
        let prev = prev.unwrap_or(now);
        now.max(prev + 1)
    }

    /// `POST /{waba-id}/message_templates`.
    pub async fn create(&self, waba: &Waba, body: &Map<String, Value>) -> Result<Template, ApiError> {
        // A template from the Template Library is the library's content with the business's inputs.
        let library = super::library::create_request(body)?;
        let spec = match &library {
            Some(lib) => validate::parse_create(&lib.request)?,
            None => validate::parse_create(body)?,
        };
        let library_template_name = library.map(|lib| lib.library_template_name);
        self.check_header_handles(&waba.business_id, &spec.components).await?;
        self.check_flow_buttons(&waba.id, &spec.components).await?;
        let now = self.now();
        let limit = self.store.waba_settings(&waba.id).await?.template_limit();
        if self.store.count_templates(&waba.id).await? >= limit {
            return Err(ApiError::invalid(format!(
                "Message template limit reached: this WhatsApp Business Account can have at most {limit} message templates. Delete templates you no longer use."
            ))
            .with_message("Message template limit exceeded"));
        }
        if self.store.count_created_since(&waba.id, now - 3_600_000).await? >= MAX_CREATIONS_PER_HOUR {
            return Err(ApiError::invalid(format!(
                "Template creation rate limit: at most {MAX_CREATIONS_PER_HOUR} message templates can be created per WhatsApp Business Account per hour."
            ))
            .with_message("Message template creation limit per hour reached"));
        }
        let t = Template {
            id: crate::ids::new_object_id(),
            business_id: waba.business_id.clone(),
            waba_id: waba.id.clone(),
            name: spec.name,
            language: spec.language,
            category: spec.category,
            previous_category: None,
            parameter_format: spec.parameter_format,
            components: spec.components,
            status: TemplateStatus::Pending,
            rejected_reason: "NONE".into(),
            quality_score: TemplateQuality::Unknown,
            negative_feedback: 0,
            pause_count: 0,
            paused_until: None,
            review_due_at: self.due_at(now),
            message_send_ttl_seconds: spec.message_send_ttl_seconds,
            sub_category: spec.sub_category,
            cta_url_link_tracking_opted_out: spec.cta_url_link_tracking_opted_out,
            library_template_name,
            allow_category_change: spec.allow_category_change,
            last_edited_at: None,
            approved_edits: Vec::new(),
            status_before: None,
            version: 1,
            created_at: self.creation_time(now),
            updated_at: now,
        };
        // Library content was reviewed when it entered the library: approved at once.
        let (t, rows) = match t.library_template_name {
            Some(_) => decided(&t, Decision::Approve { category: t.category }, now),
            None => self.review_now(t, now),
        };
        match self.store.insert_template(&t, &rows).await {
            Ok(()) => {
                self.forget_all();
                Ok(t)
            }
            Err(StoreError::Conflict(_)) => Err(ApiError::new(
                ErrorCode::TemplateExists,
                format!(
                    "Content in this language already exists: the template {} already has {} content. Edit it, or use another name.",
                    t.name, t.language
                ),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// `POST /{template-id}` with `components` and/or `category` (content: reviewed again), and/or
    /// the settings `message_send_ttl_seconds` and `cta_url_link_tracking_opted_out` (applied
    /// at once, no review: they do not change what the customer reads).
    pub async fn edit(&self, id: &str, body: &Map<String, Value>) -> Result<Template, ApiError> {
        validate::only_keys(body, validate::EDIT_KEYS)?;
        let category = match body.get("category") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(parse_category(s)?),
            Some(_) => return Err(ApiError::invalid("category: must be a string.")),
        };
        let components = body.get("components").filter(|v| !v.is_null());
        let ttl = body.get("message_send_ttl_seconds").filter(|v| !v.is_null());
        let link_tracking = validate::parse_link_tracking(body)?;
        if category.is_none() && components.is_none() && ttl.is_none() && link_tracking.is_none() {
            return Err(ApiError::invalid(
                "Give components, category, message_send_ttl_seconds and/or cta_url_link_tracking_opted_out to edit a template.",
            ));
        }
        let content = category.is_some() || components.is_some();
        if let Some(c) = components {
            if let Some(t) = self.store.template(id).await? {
                self.check_header_handles(&t.business_id, c).await?;
                self.check_flow_buttons(&t.waba_id, c).await?;
            }
        }
        let t = self
            .transition(id, |t, now| {
                if let Some(n) = self.due_change(t, now) {
                    return Ok(Some(n));
                }
                for (key, have) in [("name", &t.name), ("language", &t.language)] {
                    if let Some(v) = body.get(key).and_then(Value::as_str) {
                        if v != have {
                            return Err(ApiError::invalid(format!(
                                "{key}: a template's {key} cannot be edited ('{have}', not '{v}')."
                            )));
                        }
                    }
                }
                let new_category = category.unwrap_or(t.category);
                // The TTL is checked against the category the template will have; a kept TTL
                // must still fit a new category.
                let new_ttl = match ttl {
                    Some(v) => validate::parse_ttl(Some(v), new_category)?,
                    None => validate::parse_ttl(t.message_send_ttl_seconds.map(Value::from).as_ref(), new_category)?,
                };
                if !content {
                    let mut n = t.clone();
                    n.message_send_ttl_seconds = new_ttl;
                    n.cta_url_link_tracking_opted_out = link_tracking.or(t.cta_url_link_tracking_opted_out);
                    return Ok(Some((n, Vec::new(), false)));
                }
                match t.status {
                    TemplateStatus::Approved | TemplateStatus::Rejected | TemplateStatus::Paused => {}
                    other => {
                        return Err(ApiError::invalid(format!(
                            "A template with status {other} cannot be edited; only APPROVED, REJECTED or PAUSED templates can."
                        )))
                    }
                }
                // Only edits of APPROVED templates are limited (REJECTED and PAUSED: any number).
                let mut approved_edits = t.approved_edits.clone();
                if t.status == TemplateStatus::Approved {
                    if new_category != t.category {
                        return Err(ApiError::invalid(
                            "category: the category of an approved template cannot be changed.",
                        ));
                    }
                    approved_edits = super::lifecycle::approved_edit(t, now)?;
                }
                let comps = match components {
                    Some(c) => parse_components(new_category.as_str(), t.parameter_format.as_str(), c)?,
                    None if (new_category == TemplateCategory::Authentication) != (t.category == TemplateCategory::Authentication) => {
                        return Err(ApiError::invalid(
                            "components: changing to or from AUTHENTICATION needs new components.",
                        ))
                    }
                    None => t.components.clone(),
                };
                let mut n = t.clone();
                n.category = new_category;
                n.message_send_ttl_seconds = new_ttl;
                n.cta_url_link_tracking_opted_out = link_tracking.or(t.cta_url_link_tracking_opted_out);
                n.previous_category = None;
                n.components = comps;
                n.status = TemplateStatus::Pending;
                n.rejected_reason = "NONE".into();
                n.paused_until = None;
                n.review_due_at = self.due_at(now);
                n.last_edited_at = Some(now);
                n.approved_edits = approved_edits;
                let (n, mut rows) = self.review_now(n, now);
                if components.is_some() {
                    rows.insert(0, events::components_changed(&n, now));
                }
                Ok(Some((n, rows, false)))
            })
            .await?;
        t.filter(|t| t.status != TemplateStatus::Deleted).ok_or_else(|| not_found(id))
    }

    /// `DELETE /{waba-id}/message_templates?name=…[&hsm_id=…]`: every language of a name, or
    /// the one template `hsm_id`. Returns how many were deleted.
    pub async fn delete(&self, waba: &Waba, name: Option<&str>, hsm_id: Option<&str>) -> Result<usize, ApiError> {
        let name =
            name.filter(|n| !n.is_empty()).ok_or_else(|| ApiError::invalid("The parameter name is required."))?;
        let targets: Vec<Template> = match hsm_id.filter(|h| !h.is_empty()) {
            Some(h) => match self.store.template(h).await? {
                Some(t) if t.waba_id == waba.id && t.status != TemplateStatus::Deleted && t.name == name => vec![t],
                _ => {
                    return Err(ApiError::invalid(format!(
                        "Message template not found: no template {h} named '{name}' in this account."
                    )))
                }
            },
            None => self.store.templates_named(&waba.id, name).await?,
        };
        if targets.is_empty() {
            return Err(ApiError::invalid(format!("Message template not found: no template named '{name}'.")));
        }
        let mut n = 0;
        for t in targets {
            let done = self
                .transition(&t.id, |t, now| {
                    if t.status == TemplateStatus::Deleted {
                        return Ok(None);
                    }
                    let mut n = t.clone();
                    n.status = TemplateStatus::Deleted;
                    n.review_due_at = None;
                    n.paused_until = None;
                    let rows = vec![events::deleted(&n, now)];
                    Ok(Some((n, rows, true)))
                })
                .await?;
            n += usize::from(done.is_some());
        }
        // Room again: templates held as LIMIT_EXCEEDED return.
        let limit = self.store.waba_settings(&waba.id).await?.template_limit();
        if self.store.count_templates(&waba.id).await? + n as i64 > limit {
            self.enforce_limit(&waba.id, limit).await?;
        }
        Ok(n)
    }

    /// An operator's decision on a pending template (manual review, or ahead of a delayed
    /// automatic one). `reason` is required to reject.
    pub async fn decide(&self, id: &str, approve: bool, reason: Option<&str>) -> Result<Template, ApiError> {
        let reason: Option<&'static str> = match (approve, reason) {
            (true, _) => None,
            (false, Some(r)) => Some(
                REJECTION_REASONS
                    .iter()
                    .copied()
                    .find(|x| x.eq_ignore_ascii_case(r) && *x != "NONE")
                    .ok_or_else(|| {
                        ApiError::bad_value(format!(
                            "reason: '{r}' is not one of ABUSIVE_CONTENT, INCORRECT_CATEGORY, INVALID_FORMAT, PROMOTIONAL, SCAM, TAG_CONTENT_MISMATCH"
                        ))
                    })?,
            ),
            (false, None) => return Err(ApiError::missing("reason")),
        };
        let t = self
            .transition(id, |t, now| {
                if t.status != TemplateStatus::Pending && t.status != TemplateStatus::InAppeal {
                    return Err(ApiError::bad_value(format!(
                        "template {id} is {}, not PENDING or IN_APPEAL: only pending and appealed templates are reviewed",
                        t.status
                    )));
                }
                let d = match reason {
                    None => Decision::Approve { category: t.category },
                    Some(r) => Decision::Reject { reason: r, details: "Rejected in manual review.".into() },
                };
                let (n, rows) = decided(t, d, now);
                Ok(Some((n, rows, false)))
            })
            .await?;
        t.filter(|t| t.status != TemplateStatus::Deleted).ok_or_else(|| not_found(id))
    }

    /// A customer blocked or reported the business after a message from this template. Enough
    /// feedback turns the template YELLOW, then RED and pauses it; one pause more than
    /// configured disables it. Returns the template as it is afterwards.
    pub async fn record_negative_feedback(
        &self,
        template_id: &str,
        _kind: FeedbackKind,
    ) -> Result<Option<Template>, ApiError> {
        let cfg = &self.config;
        let red_at = cfg.pause_after_feedback.max(1);
        let yellow_at = ((red_at + 1) / 2).max(1);
        self.transition(template_id, |t, now| {
            if let Some(n) = self.due_change(t, now) {
                return Ok(Some(n));
            }
            if t.status != TemplateStatus::Approved {
                return Ok(None);
            }
            let mut n = t.clone();
            n.negative_feedback += 1;
            let score = if n.negative_feedback >= red_at {
                TemplateQuality::Red
            } else if n.negative_feedback >= yellow_at {
                TemplateQuality::Yellow
            } else {
                t.quality_score
            };
            n.quality_score = score;
            let mut rows = Vec::new();
            if n.quality_score != t.quality_score {
                rows.push(events::quality_changed(&n, t.quality_score, n.quality_score, now));
            }
            if n.negative_feedback >= red_at {
                n.pause_count += 1;
                match cfg.pause_ms.get((n.pause_count - 1) as usize) {
                    Some(ms) => {
                        n.status = TemplateStatus::Paused;
                        n.paused_until = Some(now + ms);
                        rows.push(events::paused(&n, n.pause_count, now + ms, now));
                    }
                    None => {
                        n.status = TemplateStatus::Disabled;
                        n.paused_until = None;
                        rows.push(events::disabled(&n, now));
                    }
                }
            }
            Ok(Some((n, rows, false)))
        })
        .await
    }

    /// The live template `name` in `language` of WABA `waba_id`, with due changes applied:
    /// kept from a recent send while approved.
    async fn sendable_template(
        &self,
        waba_id: &str,
        name: &str,
        language: &str,
    ) -> Result<Option<Arc<Template>>, ApiError> {
        let key = format!("{waba_id}\n{name}\n{language}");
        if let Some(t) = self.sendable.get(key.as_str()) {
            return Ok(Some(t));
        }
        let Some(found) = self.store.template_by_name(waba_id, name, language).await? else { return Ok(None) };
        let Some(t) = self.get(&found.id).await? else { return Ok(None) };
        let t = Arc::new(t);
        if t.status == TemplateStatus::Approved {
            self.sendable.insert(key, t.clone());
        }
        Ok(Some(t))
    }

    /// Find the approved template a send names in the number's WABA, render it, and copy a
    /// header media sent by id for the customer.
    pub async fn prepare_send(&self, phone: &PhoneNumber, wa_id: &str, send: &Value) -> Result<PreparedSend, ApiError> {
        let name = send["name"].as_str().unwrap_or_default();
        let code = send["language"]["code"].as_str().unwrap_or_default();
        let missing =
            || ApiError::new(ErrorCode::TemplateMissing, format!("template name ({name}) does not exist in {code}"));
        let t = self.sendable_template(&phone.waba_id, name, code).await?.ok_or_else(missing)?;
        match t.status {
            TemplateStatus::Approved => {}
            TemplateStatus::Paused => {
                return Err(ApiError::new(
                    ErrorCode::TemplatePaused,
                    format!(
                    "template {name} ({code}) is paused because of low quality; it can be sent again after the pause"
                ),
                ))
            }
            TemplateStatus::Disabled => {
                return Err(ApiError::new(
                    ErrorCode::TemplateDisabled,
                    format!("template {name} ({code}) is disabled because of repeated low quality"),
                ))
            }
            other => {
                return Err(ApiError::new(
                    ErrorCode::TemplateMissing,
                    format!("template name ({name}) in {code} is not approved (status {other})"),
                ))
            }
        }
        self.check_flows_sendable(&t).await?;
        let rendered = render(&t, send)?;
        let mut content = rendered.to_json();
        let mut media_copies = Vec::new();
        if let Some(h) = content.get_mut("header") {
            self.copy_header_media(phone, wa_id, h, "header", &mut media_copies).await?;
        }
        for (i, card) in content.get_mut("cards").and_then(Value::as_array_mut).into_iter().flatten().enumerate() {
            if let Some(h) = card.get_mut("header") {
                let at = format!("carousel.cards[{i}] header");
                self.copy_header_media(phone, wa_id, h, &at, &mut media_copies).await?;
            }
        }
        Ok(PreparedSend { ttl_ms: t.delivery_ttl_ms(), template_id: t.id.clone(), content, media_copies })
    }
}

/// The sandbox's sample template: `hello_world` (en_US, UTILITY, approved), as on a new WABA.
pub async fn seed_hello_world(store: &dyn Store, waba: &Waba, now: Millis) -> Result<Template, ApiError> {
    let components = serde_json::json!([
        {"type": "HEADER", "format": "TEXT", "text": "Hello World"},
        {"type": "BODY", "text": "Hello World"},
        {"type": "FOOTER", "text": "WhatsApp Business Platform sample message"},
    ]);
    let t = Template {
        id: crate::ids::new_object_id(),
        business_id: waba.business_id.clone(),
        waba_id: waba.id.clone(),
        name: "hello_world".into(),
        language: "en_US".into(),
        category: TemplateCategory::Utility,
        previous_category: None,
        parameter_format: ParameterFormat::Positional,
        components,
        status: TemplateStatus::Approved,
        rejected_reason: "NONE".into(),
        quality_score: TemplateQuality::Green,
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
        created_at: now,
        updated_at: now,
    };
    store.insert_template(&t, &[]).await?;
    Ok(t)
}
