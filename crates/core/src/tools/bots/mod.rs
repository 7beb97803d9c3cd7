//! Chatbots with hand-off: a number's bots, each a versioned JSON definition ([`definition`])
//! of steps, and their runs, one per conversation ([`runner`]). A customer's message continues
//! the conversation's run, or starts the bot whose trigger it matches; the bot's messages go
//! through the send path of the web app (window, pricing, limits, status webhooks and the
//! `smb_message_echoes` copy). A hand-off puts the conversation before the team (a label,
//! optionally an agent by round robin, the transcript as an internal note); while a person
//! holds it the bot is silent, and closing it gives it back to the bot.
//!
//! One run at a time per conversation: a customer's messages (and the sweep that ends waits)
//! take the conversation's lock in this process, and every write of a run expects the revision
//! it read, so a handler on another node that advanced the run meanwhile makes this one read it
//! again and handle the message on the new state.

mod answers;
pub mod definition;
pub mod runner;
mod steps;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use crate::cache::TtlCache;
use crate::clock::Clock;
use crate::error::ApiError;
use crate::messaging::MessagingService;
use crate::model::{FlowStatus, PhoneNumber};
use crate::ports::BotCaller;
use crate::store::{BotRow, Store};
use crate::tools::contacts::ContactService;
use crate::tools::hours::HoursService;

pub use runner::Outcome;

/// At most this many bots per number.
pub const MAX_BOTS: usize = 20;

#[derive(Clone)]
pub struct BotService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    messaging: MessagingService,
    contacts: ContactService,
    hours: HoursService,
    notifier: Arc<dyn crate::ports::Notifier>,
    /// Makes the `http` steps' requests (one shared client).
    caller: Arc<dyn BotCaller>,
    /// One lock per conversation (`phone_number_id:wa_id`) a message or a wait is handled in.
    locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    /// Each number's bots (every version) at the bots revision they were read at.
    cache: Arc<Mutex<HashMap<String, CachedBots>>>,
    /// Whether a number has neither bots nor bot runs, as read within [`QUIET_FOR`]: a
    /// message to such a number (most businesses have no bot) reads nothing more.
    quiet: Arc<TtlCache<String, bool>>,
}

/// How long a number's [`BotService::quiet`] answer is kept. A bot made on this node is seen
/// at once; one made through another node of a fleet at the commit (PostgreSQL tells every
/// node, which then calls [`BotService::forget_all`]), and within this time at the latest.
const QUIET_FOR: std::time::Duration = std::time::Duration::from_secs(1);

/// A number's bots (every version) and the bots revision they were read at.
type CachedBots = (i64, Arc<Vec<BotRow>>);

/// Locks and cached numbers kept before idle ones are dropped.
const KEPT: usize = 1024;

/// `{id, version, name, enabled, created_at, definition}`.
pub fn bot_json(b: &BotRow) -> Value {
    json!({
        "id": b.id,
        "version": b.version,
        "name": b.name,
        "enabled": b.enabled,
        "created_at": b.created_at / 1000,
        "definition": b.definition,
    })
}

/// The definition's errors as one Graph error (131009), naming each place.
fn checked(def: &Value) -> Result<(), ApiError> {
    let errors = definition::validate(def);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::bad_value(errors.join("; ")))
    }
}

impl BotService {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        messaging: MessagingService,
        contacts: ContactService,
        hours: HoursService,
        notifier: Arc<dyn crate::ports::Notifier>,
        caller: Arc<dyn BotCaller>,
    ) -> Self {
        BotService {
            store,
            clock,
            messaging,
            contacts,
            hours,
            notifier,
            caller,
            locks: Arc::default(),
            cache: Arc::default(),
            quiet: Arc::new(TtlCache::new(QUIET_FOR, 100_000)),
        }
    }

    /// The conversation's lock: one message (or ended wait) of it is handled at a time here.
    fn conversation_lock(&self, phone_number_id: &str, wa_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let Ok(mut locks) = self.locks.lock() else { return Arc::default() };
        if locks.len() >= KEPT {
            // Only this map holds an idle lock.
            locks.retain(|_, l| Arc::strong_count(l) > 1);
        }
        locks.entry(format!("{phone_number_id}:{wa_id}")).or_default().clone()
    }

    /// Every version of the number's bots as of `revision` (the one the run was read with):
    /// from this process's cache while the revision holds, else read once and kept.
    async fn number_bots(&self, phone_number_id: &str, revision: Option<i64>) -> Result<Arc<Vec<BotRow>>, ApiError> {
        let Some(revision) = revision else { return Ok(Arc::default()) };
        let cached = self.cache.lock().ok().and_then(|c| c.get(phone_number_id).cloned());
        if let Some((_, rows)) = cached.filter(|(r, _)| *r == revision) {
            return Ok(rows);
        }
        let rows = Arc::new(self.store.bot_rows(phone_number_id).await?);
        if let Ok(mut c) = self.cache.lock() {
            if c.len() >= KEPT {
                c.clear();
            }
            c.insert(phone_number_id.to_string(), (revision, rows.clone()));
        }
        Ok(rows)
    }

    /// A bot changed on this node: its number's bots are read again (other nodes see the new
    /// revision with their next run read, and forget which numbers had no bots when told).
    fn forget_bots(&self, phone_number_id: &str) {
        if let Ok(mut c) = self.cache.lock() {
            c.remove(phone_number_id);
        }
        self.quiet.remove(phone_number_id);
    }

    /// Drop what this node keeps of every number's bots (after a state import, or when another
    /// node of a fleet changed a number's bots).
    pub fn forget_all(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
        self.quiet.clear();
    }

    /// Whether the number has no bots and none of its conversations has a bot run: then no
    /// bot has anything to do with its messages. Kept for [`QUIET_FOR`].
    async fn quiet(&self, phone_number_id: &str) -> Result<bool, ApiError> {
        self.quiet
            .get_or_load(phone_number_id, || async {
                let (revision, runs) = self.store.bot_presence(phone_number_id).await?;
                Ok(!runs && self.number_bots(phone_number_id, revision).await?.is_empty())
            })
            .await
    }

    /// The `flow` steps name flows of the number's WABA that are published (a draft or a
    /// deprecated flow cannot be sent).
    async fn checked_flows(&self, phone: &PhoneNumber, def: &Value) -> Result<(), ApiError> {
        let mut errors = Vec::new();
        let steps = def["steps"].as_object().into_iter().flatten();
        for (id, step) in steps.filter(|(_, s)| s["type"] == "flow") {
            let flow_id = step["flow_id"].as_str().unwrap_or_default();
            match self.store.flow(flow_id).await? {
                Some(f) if f.waba_id == phone.waba_id && f.status == FlowStatus::Published => {}
                Some(f) if f.waba_id == phone.waba_id => errors.push(format!(
                    "steps.{id}.flow_id: the flow is {}; a bot sends published flows only",
                    f.status.as_str()
                )),
                _ => errors.push(format!("steps.{id}.flow_id: no flow of this WhatsApp Business Account has this id")),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::bad_value(errors.join("; ")))
        }
    }

    /// The definition's errors (empty when it can run).
    pub fn validate(&self, def: &Value) -> Vec<String> {
        definition::validate(def)
    }

    /// The latest version of each of the number's bots.
    pub async fn bots(&self, phone: &PhoneNumber) -> Result<Vec<BotRow>, ApiError> {
        let rows = self.store.bot_rows(&phone.id).await?;
        let mut latest: Vec<BotRow> = Vec::new();
        for r in rows {
            match latest.last_mut() {
                Some(l) if l.id == r.id => *l = r,
                _ => latest.push(r),
            }
        }
        latest.sort_by_key(|b| (b.created_at, b.id.clone()));
        Ok(latest)
    }

    /// The latest version of one bot of the number.
    pub async fn bot(&self, phone: &PhoneNumber, id: &str) -> Result<BotRow, ApiError> {
        self.store.bot_versions(&phone.id, id).await?.pop().ok_or_else(|| ApiError::object_not_found(id))
    }

    /// A new bot of the number, version 1.
    pub async fn create(&self, phone: &PhoneNumber, def: Value) -> Result<BotRow, ApiError> {
        checked(&def)?;
        self.checked_flows(phone, &def).await?;
        if self.bots(phone).await?.len() >= MAX_BOTS {
            return Err(ApiError::bad_value(format!("a number holds at most {MAX_BOTS} bots")));
        }
        self.write(phone, crate::ids::new_object_id(), 1, def).await
    }

    /// Upload a new version of the bot: the runs started on the old one finish on it, new
    /// runs start on this one.
    pub async fn new_version(&self, phone: &PhoneNumber, id: &str, def: Value) -> Result<BotRow, ApiError> {
        checked(&def)?;
        self.checked_flows(phone, &def).await?;
        let current = self.bot(phone, id).await?;
        self.write(phone, current.id, current.version + 1, def).await
    }

    async fn write(&self, phone: &PhoneNumber, id: String, version: i64, mut def: Value) -> Result<BotRow, ApiError> {
        let enabled = def.as_object_mut().and_then(|o| o.remove("enabled")).and_then(|e| e.as_bool()).unwrap_or(true);
        let row = BotRow {
            id,
            version,
            business_id: phone.business_id.clone(),
            phone_number_id: phone.id.clone(),
            name: def["name"].as_str().unwrap_or_default().trim().to_string(),
            definition: def,
            enabled,
            created_at: self.clock.now_ms(),
        };
        let stored = self.store.put_bot(&row).await?;
        self.forget_bots(&phone.id);
        if !stored {
            return Err(ApiError::bad_value("another version of this bot was uploaded at the same time; try again"));
        }
        Ok(row)
    }

    /// Delete the bot, every version, and its runs.
    pub async fn delete(&self, phone: &PhoneNumber, id: &str) -> Result<(), ApiError> {
        let deleted = self.store.delete_bot(&phone.id, id).await?;
        self.forget_bots(&phone.id);
        if deleted {
            Ok(())
        } else {
            Err(ApiError::object_not_found(id))
        }
    }

    /// The definition as stored, with `enabled`: what import takes back.
    pub fn export(b: &BotRow) -> Value {
        let mut def = b.definition.clone();
        if let Some(o) = def.as_object_mut() {
            o.insert("enabled".into(), json!(b.enabled));
        }
        def
    }
}
