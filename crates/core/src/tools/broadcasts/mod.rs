//! Broadcasts: one message (an approved template of the number, with per-recipient
//! parameters) to an audience of customers, from inbox labels, an imported CSV or a list of
//! numbers; sent now or at a time, paced by [`runner`] within the number's throughput and
//! messaging limit, through the same send path as `POST /{phone-number-id}/messages`.
//!
//! The WhatsApp Business app's broadcast lists exist as `mode: "list"`: at most 256
//! recipients, only customers who have the business in their chats (in the sandbox: who have
//! written to the number at least once); a list may send a text instead of a template.

pub mod audience;
pub mod runner;
pub mod views;

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::clock::{Clock, Millis};
use crate::error::{ApiError, ErrorCode};
use crate::messaging::MessagingService;
use crate::model::{PhoneNumber, Template};
use crate::store::{BroadcastRow, RecipientCounts, RecipientRow, ReportRow, Store};
use audience::{Candidate, Rejected, MAX_RECIPIENTS};
pub use views::{report_csv, report_json, BroadcastView};

/// Recipients of a broadcast list (the WhatsApp Business app's limit).
pub const LIST_MAX: usize = 256;

/// Told when a broadcast's progress changes, so open pages update.
pub trait BroadcastWatcher: Send + Sync {
    fn changed(&self, business_id: &str, broadcast_id: &str);
}

/// A watcher that tells nobody.
pub struct Unwatched;
impl BroadcastWatcher for Unwatched {
    fn changed(&self, _: &str, _: &str) {}
}

/// States of a broadcast.
pub mod state {
    pub const SCHEDULED: &str = "scheduled";
    pub const RUNNING: &str = "running";
    /// Stopped by the runner (the messaging limit is full); it resumes by itself.
    pub const PAUSED: &str = "paused";
    pub const CANCELLED: &str = "cancelled";
    pub const COMPLETED: &str = "completed";
}

/// What a new broadcast says, as the API and the console give it.
#[derive(Debug, Clone, Default)]
pub struct NewBroadcast {
    pub name: String,
    /// A broadcast list (the app's mode) instead of a broadcast.
    pub list_mode: bool,
    /// `{name, language: {code}}` of an approved template of the number.
    pub template: Option<Value>,
    /// A text (broadcast lists only).
    pub text: Option<String>,
    /// Parameters every recipient gets (a CSV row's own columns win).
    pub params: Map<String, Value>,
    pub label_ids: Vec<String>,
    /// Contacts (the business's CRM) whose fields hold all these values, by field key.
    pub fields: std::collections::BTreeMap<String, String>,
    pub csv: Option<String>,
    pub default_country: Option<String>,
    pub wa_ids: Vec<String>,
    /// When to start; `None`: now.
    pub send_at: Option<Millis>,
    pub created_by: Option<String>,
}

#[derive(Clone)]
pub struct BroadcastService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    messaging: MessagingService,
    watcher: Arc<dyn BroadcastWatcher>,
}

impl BroadcastService {
    pub fn new(messaging: MessagingService, watcher: Arc<dyn BroadcastWatcher>) -> Self {
        BroadcastService { store: messaging.store().clone(), clock: messaging.clock().clone(), messaging, watcher }
    }

    fn now(&self) -> Millis {
        self.clock.now_ms()
    }

    /// The template a broadcast names, approved, in the number's WABA.
    async fn template(&self, phone: &PhoneNumber, t: &Value) -> Result<Template, ApiError> {
        let name = t["name"].as_str().unwrap_or_default();
        let code = t["language"]["code"].as_str().or_else(|| t["language"].as_str()).unwrap_or_default();
        if name.is_empty() || code.is_empty() {
            return Err(ApiError::bad_value("template: name and language.code are required"));
        }
        let missing =
            || ApiError::new(ErrorCode::TemplateMissing, format!("template name ({name}) does not exist in {code}"));
        let t = self.store.template_by_name(&phone.waba_id, name, code).await?.ok_or_else(missing)?;
        if t.status != crate::model::TemplateStatus::Approved {
            return Err(ApiError::new(
                ErrorCode::TemplateMissing,
                format!("template {name} ({code}) is not approved (status {})", t.status),
            ));
        }
        Ok(t)
    }

    /// Create a broadcast of `phone`: the audience gathered, checked and deduplicated, every
    /// recipient's parameters checked against the template; rows that cannot be used are
    /// reported in `rejected`.
    pub async fn create(&self, phone: &PhoneNumber, n: NewBroadcast) -> Result<BroadcastView, ApiError> {
        let name = n.name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(ApiError::bad_value("name: required, at most 120 characters"));
        }
        let template = match (&n.template, &n.text) {
            (Some(t), None) => Some(self.template(phone, t).await?),
            (None, Some(text)) if n.list_mode => {
                if text.trim().is_empty() || text.chars().count() > 4096 {
                    return Err(ApiError::bad_value("text: required, at most 4096 characters"));
                }
                None
            }
            (None, Some(_)) => {
                return Err(ApiError::bad_value(
                    "text: a broadcast sends a template (it reaches customers outside the 24-hour window); only a broadcast list (mode: list) may send a text",
                ))
            }
            _ => return Err(ApiError::missing("template")),
        };
        let (candidates, mut rejected) = self.audience(phone, &n).await?;
        let mut kept = Vec::new();
        for c in candidates {
            let mut params = n.params.clone();
            params.extend(c.params.clone());
            let msg = message_body(template.as_ref(), n.text.as_deref(), &params);
            if let Some(t) = &template {
                if let Err(e) = crate::templates::render(t, &msg["template"]) {
                    rejected.push(Rejected { row: c.row, input: c.wa_id.clone(), reason: e.details });
                    continue;
                }
            }
            kept.push(Candidate { params, ..c });
        }
        if n.list_mode {
            if kept.len() > LIST_MAX {
                return Err(ApiError::bad_value(format!(
                    "audience: a broadcast list has at most {LIST_MAX} recipients ({} given)",
                    kept.len()
                )));
            }
            let ids: Vec<String> = kept.iter().map(|c| c.wa_id.clone()).collect();
            let saved: HashSet<String> = self.store.wrote_to(&phone.id, &ids).await?.into_iter().collect();
            let (ok, not): (Vec<Candidate>, Vec<Candidate>) = kept.into_iter().partition(|c| saved.contains(&c.wa_id));
            for c in not {
                rejected.push(Rejected {
                    row: c.row,
                    input: c.wa_id,
                    reason: "has not saved this number: a broadcast list reaches only customers who have the business in their chats (who wrote to it)".into(),
                });
            }
            kept = ok;
        }
        if kept.is_empty() {
            let why = rejected.first().map(|r| format!(" (row {}: {})", r.row, r.reason)).unwrap_or_default();
            return Err(ApiError::bad_value(format!("audience: no recipient can be sent to{why}")));
        }
        let now = self.now();
        let start_at = n.send_at.unwrap_or(now);
        if start_at > now + 90 * 86_400_000 {
            return Err(ApiError::bad_value("send_at: at most 90 days ahead"));
        }
        let message = match &template {
            Some(t) => json!({"type": "template", "template": {"name": t.name, "language": {"code": t.language}}}),
            None => json!({"type": "text", "text": {"body": n.text.clone().unwrap_or_default()}}),
        };
        let audience = json!({
            "labels": n.label_ids,
            "fields": n.fields,
            "csv": n.csv.is_some(),
            "wa_ids": n.wa_ids.len(),
            "default_country": n.default_country,
        });
        let row = BroadcastRow {
            id: crate::ids::new_object_id(),
            business_id: phone.business_id.clone(),
            phone_number_id: phone.id.clone(),
            name: name.to_string(),
            mode: if n.list_mode { "list" } else { "broadcast" }.to_string(),
            message,
            audience,
            state: if start_at > now { state::SCHEDULED } else { state::RUNNING }.to_string(),
            pause_reason: None,
            start_at,
            next_run_at: start_at,
            rejected: Value::Array(rejected.iter().map(Rejected::to_json).collect()),
            total: kept.len() as i64,
            created_by: n.created_by.clone(),
            created_at: now,
            updated_at: now,
            started_at: None,
            finished_at: None,
        };
        let recipients: Vec<RecipientRow> = kept
            .into_iter()
            .enumerate()
            .map(|(i, c)| RecipientRow {
                seq: i as i64 + 1,
                wa_id: c.wa_id,
                params: Value::Object(c.params),
                state: "queued".into(),
                reason: None,
                message_id: None,
                sent_at: None,
            })
            .collect();
        self.store.insert_broadcast(&row, &recipients).await?;
        self.view(row).await
    }

    /// The numbers of the business's contacts whose fields hold every value of `wanted` (field
    /// key → value, compared as the CRM stores values: in their canonical text, ignoring case).
    /// An unknown field key is an error, not an empty audience.
    async fn contacts_matching(
        &self,
        business_id: &str,
        wanted: &std::collections::BTreeMap<String, String>,
    ) -> Result<Vec<String>, ApiError> {
        let known = self.store.contact_fields(business_id).await?;
        for key in wanted.keys() {
            if !known.iter().any(|f| &f.key == key) {
                return Err(ApiError::bad_value(format!(
                    "audience.fields.{key}: no contact field {key} in this business"
                )));
            }
        }
        const PAGE: usize = 1000;
        let (mut out, mut after) = (Vec::new(), None::<String>);
        loop {
            let page = self.store.crm_contacts(business_id, None, after.as_deref(), PAGE).await?;
            let last = page.last().map(|c| c.wa_id.clone());
            out.extend(
                page.into_iter()
                    .filter(|c| {
                        wanted.iter().all(|(k, v)| {
                            c.fields.get(k).is_some_and(|have| have.trim().eq_ignore_ascii_case(v.trim()))
                        })
                    })
                    .map(|c| c.wa_id),
            );
            match last {
                Some(l) if out.len() <= MAX_RECIPIENTS => after = Some(l),
                _ => break,
            }
        }
        Ok(out)
    }

    /// Everyone the audience names, in order, first occurrence kept, with the rows rejected.
    async fn audience(
        &self,
        phone: &PhoneNumber,
        n: &NewBroadcast,
    ) -> Result<(Vec<Candidate>, Vec<Rejected>), ApiError> {
        let (mut out, mut rejected) = (Vec::new(), Vec::new());
        if !n.label_ids.is_empty() {
            let labels = self.store.labels(&phone.business_id).await?;
            for id in &n.label_ids {
                if !labels.iter().any(|l| &l.id == id) {
                    return Err(ApiError::bad_value(format!("audience.labels: no label {id} in this business")));
                }
            }
            for wa_id in self.store.labelled_customers(&phone.id, &n.label_ids).await? {
                out.push(Candidate { row: 0, wa_id, params: Map::new() });
            }
        }
        if !n.fields.is_empty() {
            for wa_id in self.contacts_matching(&phone.business_id, &n.fields).await? {
                out.push(Candidate { row: 0, wa_id, params: Map::new() });
            }
        }
        for (i, w) in n.wa_ids.iter().enumerate() {
            match audience::parse_number(w, n.default_country.as_deref()) {
                Ok(wa_id) => out.push(Candidate { row: 0, wa_id, params: Map::new() }),
                Err(e) => rejected.push(Rejected { row: i + 1, input: w.clone(), reason: e }),
            }
        }
        if let Some(csv) = &n.csv {
            let (rows, bad) = audience::read_csv(csv, n.default_country.as_deref())?;
            rejected.extend(bad);
            out.extend(rows);
        }
        if n.label_ids.is_empty() && n.fields.is_empty() && n.wa_ids.is_empty() && n.csv.is_none() {
            return Err(ApiError::missing("audience"));
        }
        // The same customer from two sources is sent once.
        let mut seen = HashSet::new();
        let mut kept = Vec::new();
        for c in out {
            if c.wa_id == phone.number {
                rejected.push(Rejected { row: c.row, input: c.wa_id, reason: "this business number itself".into() });
            } else if seen.insert(c.wa_id.clone()) {
                kept.push(c);
            } else if c.row > 0 {
                rejected.push(Rejected { row: c.row, input: c.wa_id, reason: "already in the audience".into() });
            }
        }
        if kept.len() > MAX_RECIPIENTS {
            return Err(ApiError::bad_value(format!("audience: at most {MAX_RECIPIENTS} recipients")));
        }
        Ok((kept, rejected))
    }

    /// A broadcast of the business (another business's is not found).
    pub async fn get(&self, business_id: &str, id: &str) -> Result<BroadcastView, ApiError> {
        match self.store.broadcast(id).await? {
            Some(b) if b.business_id == business_id => self.view(b).await,
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    async fn view(&self, row: BroadcastRow) -> Result<BroadcastView, ApiError> {
        let counts: RecipientCounts = self.store.recipient_counts(&row.id).await?;
        Ok(BroadcastView { row, counts })
    }

    /// The business's broadcasts (of one number), newest first, with their counts.
    pub async fn list(&self, business_id: &str, phone_number_id: Option<&str>) -> Result<Vec<BroadcastView>, ApiError> {
        let mut out = Vec::new();
        for b in self.store.broadcasts(business_id, phone_number_id).await? {
            out.push(self.view(b).await?);
        }
        Ok(out)
    }

    /// Stop sending: recipients not sent yet stay queued, for a resume.
    pub async fn cancel(&self, business_id: &str, id: &str) -> Result<BroadcastView, ApiError> {
        let b = self.get(business_id, id).await?.row;
        let from = [state::SCHEDULED, state::RUNNING, state::PAUSED];
        if !self.store.set_broadcast_state(id, &from, state::CANCELLED, None, b.next_run_at, self.now()).await? {
            return Err(ApiError::bad_value(format!(
                "broadcast {id} is {}: only a broadcast still sending can be cancelled",
                b.state
            )));
        }
        self.watcher.changed(business_id, id);
        self.get(business_id, id).await
    }

    /// Send the rest of a cancelled or paused broadcast, now.
    pub async fn resume(&self, business_id: &str, id: &str) -> Result<BroadcastView, ApiError> {
        let b = self.get(business_id, id).await?.row;
        let now = self.now();
        if !self
            .store
            .set_broadcast_state(id, &[state::CANCELLED, state::PAUSED], state::RUNNING, None, now, now)
            .await?
        {
            return Err(ApiError::bad_value(format!(
                "broadcast {id} is {}: only a cancelled or paused broadcast can be resumed",
                b.state
            )));
        }
        self.watcher.changed(business_id, id);
        self.get(business_id, id).await
    }

    /// A page of the per-recipient report, after recipient `after`.
    pub async fn report(
        &self,
        business_id: &str,
        id: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<ReportRow>, ApiError> {
        self.get(business_id, id).await?;
        Ok(self.store.report(id, after, limit.clamp(1, 10_000)).await?)
    }
}

/// The body of `POST /{phone-number-id}/messages` for one recipient (without `to`): the
/// template with its body parameters (positional `1`, `2`, … in order, or named), or a text.
pub fn message_body(template: Option<&Template>, text: Option<&str>, params: &Map<String, Value>) -> Value {
    let Some(t) = template else {
        return json!({"messaging_product": "whatsapp", "type": "text", "text": {"body": text.unwrap_or_default()}});
    };
    let parameters: Vec<Value> = if t.is_named() {
        params.iter().map(|(k, v)| json!({"type": "text", "parameter_name": k, "text": v})).collect()
    } else {
        let mut numbered: Vec<(u32, &Value)> =
            params.iter().filter_map(|(k, v)| k.trim().parse::<u32>().ok().map(|n| (n, v))).collect();
        numbered.sort_by_key(|p| p.0);
        numbered.into_iter().map(|(_, v)| json!({"type": "text", "text": v})).collect()
    };
    let mut template = json!({"name": t.name, "language": {"code": t.language}});
    if !parameters.is_empty() {
        template["components"] = json!([{"type": "body", "parameters": parameters}]);
    }
    json!({"messaging_product": "whatsapp", "type": "template", "template": template})
}
