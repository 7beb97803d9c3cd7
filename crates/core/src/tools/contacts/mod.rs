//! Contacts as a small CRM: a business's contacts by WhatsApp number, with a name, the
//! business's own typed fields ([`values`]), opt-in records with their source and time, and the
//! labels and notes its team put on their conversations (read from the inbox). Imported and
//! exported as CSV ([`csv`]): an import is checked row by row and reports every rejected row
//! and why. Every change commits with a `contacts` change for the business's webhooks, in the
//! Cloud API's envelope (one per WABA of the business), so a CRM stays in sync:
//!
//! ```json
//! {"messaging_product": "whatsapp", "event": "updated", "timestamp": "1700000000",
//!  "contact": {"wa_id": "15550001111", "name": "Layla", "fields": {"tier": "gold"}}}
//! ```
//!
//! `event` is `created`, `updated`, `deleted` or `opt_in` (with an `opt_in` object).

pub mod csv;
pub mod values;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::clock::Clock;
use crate::error::ApiError;
use crate::model::{ChangeValue, OutboxRow};
use crate::phone::WaId;
use crate::ports::Notifier;
use crate::store::{Contact, ContactField, Note, OptIn, Store};

/// The webhook field of contact changes (Risala's own: Meta has none).
pub const WEBHOOK_FIELD: &str = "contacts";
/// Most rows one import takes.
pub const MAX_IMPORT_ROWS: usize = 10_000;
/// Most fields a business defines.
pub const MAX_FIELDS: usize = 50;
/// Longest name, label, topic or source.
const MAX_NAME: usize = 200;

/// A contact with what the business knows around it.
#[derive(Debug, Clone)]
pub struct ContactView {
    pub contact: Contact,
    pub opt_ins: Vec<OptIn>,
    /// Names of the labels on its conversations with the business's numbers.
    pub labels: Vec<String>,
    /// Notes on those conversations, oldest first.
    pub notes: Vec<Note>,
}

/// A rejected row of an import.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    /// Where the row starts in the file (1 is the header).
    pub line: usize,
    pub wa_id: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub rejected: Vec<Rejected>,
}

#[derive(Clone)]
pub struct ContactService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    notifier: Arc<dyn Notifier>,
}

fn limited(field: &str, v: &str, max: usize) -> Result<String, ApiError> {
    let v = v.trim();
    if v.chars().count() > max {
        return Err(ApiError::bad_value(format!("{field}: at most {max} characters")));
    }
    Ok(v.to_string())
}

/// A contact as the API and the webhook show it.
pub fn contact_json(c: &Contact) -> Value {
    json!({"wa_id": c.wa_id, "name": c.name, "fields": c.fields, "created_at": c.created_at / 1000, "updated_at": c.updated_at / 1000})
}

pub fn opt_in_json(o: &OptIn) -> Value {
    json!({"topic": o.topic, "opted_in": o.opted_in, "source": o.source, "timestamp": (o.at / 1000).to_string()})
}

impl ContactService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, notifier: Arc<dyn Notifier>) -> Self {
        ContactService { store, clock, notifier }
    }

    /// The business's fields, by key.
    pub async fn fields(&self, business_id: &str) -> Result<Vec<ContactField>, ApiError> {
        Ok(self.store.contact_fields(business_id).await?)
    }

    /// A new field: `key`, `label`, `kind` (one of [`values::KINDS`]), `options` for a choice.
    pub async fn create_field(
        &self,
        business_id: &str,
        key: &str,
        label: &str,
        kind: &str,
        options: Vec<String>,
    ) -> Result<ContactField, ApiError> {
        let key = key.trim();
        values::check_key(key).map_err(|e| ApiError::bad_value(format!("key: {e}")))?;
        if !values::KINDS.contains(&kind) {
            return Err(ApiError::bad_value(format!("kind: one of {}", values::KINDS.join(", "))));
        }
        let label = match limited("label", label, MAX_NAME)? {
            l if l.is_empty() => key.to_string(),
            l => l,
        };
        let mut opts: Vec<String> = Vec::new();
        for o in options.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
            let o = limited("options[]", o, MAX_NAME)?;
            if !opts.contains(&o) {
                opts.push(o);
            }
        }
        match (kind, opts.is_empty()) {
            ("choice", true) => return Err(ApiError::bad_value("options: a choice field needs at least one option")),
            ("choice", false) => {}
            (_, false) => return Err(ApiError::bad_value("options: only a choice field has options")),
            _ => {}
        }
        if self.store.contact_fields(business_id).await?.len() >= MAX_FIELDS {
            return Err(ApiError::bad_value(format!("a business defines at most {MAX_FIELDS} fields")));
        }
        let f = ContactField {
            id: crate::ids::new_object_id(),
            business_id: business_id.to_string(),
            key: key.to_string(),
            label,
            kind: kind.to_string(),
            options: opts,
            created_at: self.clock.now_ms(),
        };
        if !self.store.create_contact_field(&f).await? {
            return Err(ApiError::bad_value(format!("key: there is a field {key:?} already")));
        }
        Ok(f)
    }

    pub async fn delete_field(&self, business_id: &str, id: &str) -> Result<(), ApiError> {
        if self.store.delete_contact_field(business_id, id).await? {
            Ok(())
        } else {
            Err(ApiError::object_not_found(id))
        }
    }

    /// A page of contacts by number; `search` in the name or the number.
    pub async fn list(
        &self,
        business_id: &str,
        search: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Contact>, ApiError> {
        let pattern = search.map(str::trim).filter(|s| !s.is_empty()).map(|s| format!("%{}%", s.to_lowercase()));
        Ok(self.store.crm_contacts(business_id, pattern.as_deref(), after, limit.clamp(1, 1000)).await?)
    }

    fn parse_wa_id(wa_id: &str) -> Result<String, ApiError> {
        WaId::parse(wa_id, None).map(|w| w.as_str().to_string()).map_err(|e| ApiError::bad_value(format!("wa_id: {e}")))
    }

    /// The contact with its opt-ins, labels and notes.
    pub async fn get(&self, business_id: &str, wa_id: &str) -> Result<ContactView, ApiError> {
        let contact =
            self.store.crm_contact(business_id, wa_id).await?.ok_or_else(|| ApiError::object_not_found(wa_id))?;
        let all_labels = self.store.labels(business_id).await?;
        let mut labels = Vec::new();
        let mut notes = Vec::new();
        for p in self.store.list_phone_numbers(Some(business_id)).await? {
            if let Some(row) = self.store.chat_row(&p.id, wa_id).await? {
                for l in all_labels.iter().filter(|l| row.label_ids.contains(&l.id)) {
                    if !labels.contains(&l.name) {
                        labels.push(l.name.clone());
                    }
                }
                notes.extend(self.store.notes(&p.id, wa_id).await?);
            }
        }
        notes.sort_by_key(|n| n.created_at);
        Ok(ContactView { opt_ins: self.store.opt_ins(business_id, wa_id).await?, contact, labels, notes })
    }

    /// Create the contact or change it: `name` when given, and each field in `fields` (an
    /// empty value clears it).
    pub async fn upsert(
        &self,
        business_id: &str,
        wa_id: &str,
        name: Option<&str>,
        fields: &BTreeMap<String, String>,
    ) -> Result<Contact, ApiError> {
        let wa_id = Self::parse_wa_id(wa_id)?;
        let defs = self.fields(business_id).await?;
        let now = self.clock.now_ms();
        let existing = self.store.crm_contact(business_id, &wa_id).await?;
        let event = if existing.is_some() { "updated" } else { "created" };
        let mut c = existing.unwrap_or_else(|| blank(business_id, &wa_id, now));
        if let Some(n) = name {
            c.name = limited("name", n, MAX_NAME)?;
        }
        apply(&defs, &mut c.fields, fields).map_err(|(k, e)| ApiError::bad_value(format!("fields.{k}: {e}")))?;
        c.updated_at = now;
        let outbox =
            self.webhook_rows(business_id, &wa_id, json!({"event": event, "contact": contact_json(&c)})).await?;
        self.store.put_crm_contacts(std::slice::from_ref(&c), &outbox).await?;
        self.notifier.outbox_written();
        Ok(c)
    }

    pub async fn delete(&self, business_id: &str, wa_id: &str) -> Result<(), ApiError> {
        // Only a contact that is there is deleted, so no webhook tells of a deletion that was not.
        if self.store.crm_contact(business_id, wa_id).await?.is_none() {
            return Err(ApiError::object_not_found(wa_id));
        }
        let value = json!({"event": "deleted", "contact": {"wa_id": wa_id}});
        let outbox = self.webhook_rows(business_id, wa_id, value).await?;
        if !self.store.delete_crm_contact(business_id, wa_id, &outbox).await? {
            return Err(ApiError::object_not_found(wa_id));
        }
        self.notifier.outbox_written();
        Ok(())
    }

    /// Record that the contact opted in to (or out of) `topic`, given at `source`.
    pub async fn record_opt_in(
        &self,
        business_id: &str,
        wa_id: &str,
        topic: &str,
        opted_in: bool,
        source: &str,
    ) -> Result<OptIn, ApiError> {
        let contact =
            self.store.crm_contact(business_id, wa_id).await?.ok_or_else(|| ApiError::object_not_found(wa_id))?;
        let (topic, source) = (limited("topic", topic, MAX_NAME)?, limited("source", source, MAX_NAME)?);
        if topic.is_empty() {
            return Err(ApiError::missing("topic"));
        }
        if source.is_empty() {
            return Err(ApiError::missing("source"));
        }
        // Records of one contact keep their order: a record made in the same millisecond as the
        // last one is dated a millisecond after it.
        let last = self.store.opt_ins(business_id, &contact.wa_id).await?.last().map(|o| o.at);
        let at = last.map_or(self.clock.now_ms(), |l| self.clock.now_ms().max(l + 1));
        let o = OptIn {
            id: crate::ids::new_object_id(),
            business_id: business_id.to_string(),
            wa_id: contact.wa_id.clone(),
            topic,
            opted_in,
            source,
            at,
        };
        let value = json!({"event": "opt_in", "contact": contact_json(&contact), "opt_in": opt_in_json(&o)});
        let outbox = self.webhook_rows(business_id, &contact.wa_id, value).await?;
        self.store.add_opt_in(&o, &outbox).await?;
        self.notifier.outbox_written();
        Ok(o)
    }

    /// Import `text` (CSV with a header row: `wa_id`, optionally `name`, and field keys): each
    /// valid row creates or updates its contact (an empty cell leaves the value as it is);
    /// every other row is reported with its line and reason. A header that names an unknown
    /// column, or no `wa_id` column, refuses the whole file.
    pub async fn import_csv(&self, business_id: &str, text: &str) -> Result<ImportReport, ApiError> {
        let records = csv::parse(text).map_err(|e| ApiError::bad_value(format!("csv: {e}")))?;
        let Some(((_, header), rows)) = records.split_first() else {
            return Err(ApiError::bad_value("csv: empty; the first line names the columns (wa_id, name, field keys)"));
        };
        if rows.len() > MAX_IMPORT_ROWS {
            return Err(ApiError::bad_value(format!("csv: at most {MAX_IMPORT_ROWS} rows per import")));
        }
        let defs = self.fields(business_id).await?;
        let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        for h in &header {
            if h != "wa_id" && h != "name" && !defs.iter().any(|d| d.key == *h) {
                return Err(ApiError::bad_value(format!(
                    "csv: unknown column {h:?}; columns are wa_id, name and the fields' keys"
                )));
            }
        }
        let wa_col =
            header.iter().position(|h| h == "wa_id").ok_or_else(|| ApiError::bad_value("csv: no wa_id column"))?;
        let name_col = header.iter().position(|h| h == "name");
        let now = self.clock.now_ms();
        let mut report = ImportReport { created: 0, updated: 0, rejected: Vec::new() };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut batch: Vec<Contact> = Vec::new();
        let mut outbox = Vec::new();
        let wabas = self.wabas(business_id).await?;
        for (line, row) in rows {
            let raw = row.get(wa_col).map(|s| s.trim()).unwrap_or("").to_string();
            let reject = |reason: String| Rejected { line: *line, wa_id: raw.clone(), reason };
            if row.len() != header.len() {
                report.rejected.push(reject(format!("{} cells where the header has {}", row.len(), header.len())));
                continue;
            }
            let wa_id = match Self::parse_wa_id(raw.trim_start_matches('+')) {
                Ok(w) => w,
                Err(e) => {
                    report.rejected.push(reject(e.details));
                    continue;
                }
            };
            if let Some(first) = seen.get(&wa_id) {
                report.rejected.push(reject(format!("the same number as line {first}")));
                continue;
            }
            let name = name_col.map(|i| row[i].trim().to_string()).filter(|n| !n.is_empty());
            if name.as_ref().is_some_and(|n| n.chars().count() > MAX_NAME) {
                report.rejected.push(reject(format!("name: at most {MAX_NAME} characters")));
                continue;
            }
            let given: BTreeMap<String, String> = header
                .iter()
                .zip(row)
                .filter(|(h, v)| *h != "wa_id" && *h != "name" && !v.trim().is_empty())
                .map(|(h, v)| (h.clone(), v.clone()))
                .collect();
            let existing = self.store.crm_contact(business_id, &wa_id).await?;
            let created = existing.is_none();
            let mut c = existing.unwrap_or_else(|| blank(business_id, &wa_id, now));
            if let Err((k, e)) = apply(&defs, &mut c.fields, &given) {
                report.rejected.push(reject(format!("{k}: {e}")));
                continue;
            }
            if let Some(n) = name {
                c.name = n;
            }
            c.updated_at = now;
            seen.insert(wa_id.clone(), *line);
            let event = if created { "created" } else { "updated" };
            outbox.extend(self.rows_for(
                &wabas,
                business_id,
                &wa_id,
                json!({"event": event, "contact": contact_json(&c)}),
            ));
            if created {
                report.created += 1;
            } else {
                report.updated += 1;
            }
            batch.push(c);
        }
        // Commits of 500 contacts, each with its contacts' webhook rows (one per WABA each).
        let per = wabas.len();
        for (i, chunk) in batch.chunks(500).enumerate() {
            let start = i * 500 * per;
            self.store.put_crm_contacts(chunk, &outbox[start..start + chunk.len() * per]).await?;
        }
        if !batch.is_empty() {
            self.notifier.outbox_written();
        }
        Ok(report)
    }

    /// Every contact as CSV: `wa_id`, `name`, then the fields by key.
    pub async fn export_csv(&self, business_id: &str) -> Result<String, ApiError> {
        let defs = self.fields(business_id).await?;
        let mut header = vec!["wa_id", "name"];
        header.extend(defs.iter().map(|d| d.key.as_str()));
        let mut out = csv::line(&header);
        let mut after: Option<String> = None;
        loop {
            let page = self.store.crm_contacts(business_id, None, after.as_deref(), 1000).await?;
            for c in &page {
                let mut cells = vec![c.wa_id.as_str(), c.name.as_str()];
                cells.extend(defs.iter().map(|d| c.fields.get(&d.key).map(String::as_str).unwrap_or("")));
                out.push_str(&csv::line(&cells));
            }
            match page.last() {
                Some(last) if page.len() == 1000 => after = Some(last.wa_id.clone()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// The business's WABAs (its numbers' accounts).
    async fn wabas(&self, business_id: &str) -> Result<Vec<String>, ApiError> {
        let mut wabas: Vec<String> =
            self.store.list_phone_numbers(Some(business_id)).await?.into_iter().map(|p| p.waba_id).collect();
        wabas.sort();
        wabas.dedup();
        Ok(wabas)
    }

    async fn webhook_rows(&self, business_id: &str, wa_id: &str, value: Value) -> Result<Vec<OutboxRow>, ApiError> {
        let wabas = self.wabas(business_id).await?;
        Ok(self.rows_for(&wabas, business_id, wa_id, value))
    }

    /// One `contacts` change per WABA, ordered per contact.
    fn rows_for(&self, wabas: &[String], business_id: &str, wa_id: &str, value: Value) -> Vec<OutboxRow> {
        let now = self.clock.now_ms();
        let mut value = value;
        if let Value::Object(o) = &mut value {
            let mut full = Map::new();
            full.insert("messaging_product".into(), json!("whatsapp"));
            full.insert("timestamp".into(), json!((now / 1000).to_string()));
            full.append(o);
            value = Value::Object(full);
        }
        let value = ChangeValue::from(value);
        wabas
            .iter()
            .map(|waba| OutboxRow {
                business_id: business_id.to_string(),
                waba_id: waba.clone(),
                phone_number_id: None,
                ordering_key: format!("contacts:{business_id}:{wa_id}"),
                field: WEBHOOK_FIELD.to_string(),
                value: value.clone(),
                created_at: now,
            })
            .collect()
    }
}

/// A new contact with no name and no values.
fn blank(business_id: &str, wa_id: &str, now: crate::clock::Millis) -> Contact {
    Contact {
        business_id: business_id.to_string(),
        wa_id: wa_id.to_string(),
        name: String::new(),
        fields: BTreeMap::new(),
        created_at: now,
        updated_at: now,
    }
}

/// Set `given` values (checked against their field) on `fields`; an empty value clears. The
/// first key that fails, and why.
fn apply(
    defs: &[ContactField],
    fields: &mut BTreeMap<String, String>,
    given: &BTreeMap<String, String>,
) -> Result<(), (String, String)> {
    let mut next = fields.clone();
    for (k, v) in given {
        let def = defs.iter().find(|d| d.key == *k).ok_or_else(|| (k.clone(), "no such field".to_string()))?;
        if v.trim().is_empty() {
            next.remove(k);
        } else {
            next.insert(k.clone(), values::check(def, v).map_err(|e| (k.clone(), e))?);
        }
    }
    *fields = next;
    Ok(())
}
