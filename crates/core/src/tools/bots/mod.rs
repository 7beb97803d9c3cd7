//! Chatbots with hand-off: a number's bots, each a versioned JSON definition ([`definition`])
//! of steps, and their runs, one per conversation ([`runner`]). A customer's message continues
//! the conversation's run, or starts the bot whose trigger it matches; the bot's messages go
//! through the send path of the web app (window, pricing, limits, status webhooks and the
//! `smb_message_echoes` copy). A hand-off puts the conversation before the team (a label,
//! optionally an agent by round robin, the transcript as an internal note); while a person
//! holds it the bot is silent, and closing it gives it back to the bot.

mod answers;
pub mod definition;
pub mod runner;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use crate::clock::Clock;
use crate::error::ApiError;
use crate::messaging::MessagingService;
use crate::model::PhoneNumber;
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
    /// The last agent index handed a conversation, per business (round robin, per process).
    turns: Arc<Mutex<HashMap<String, usize>>>,
}

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
    ) -> Self {
        let turns = Arc::new(Mutex::new(HashMap::new()));
        BotService { store, clock, messaging, contacts, hours, notifier, turns }
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
        if self.bots(phone).await?.len() >= MAX_BOTS {
            return Err(ApiError::bad_value(format!("a number holds at most {MAX_BOTS} bots")));
        }
        self.write(phone, crate::ids::new_object_id(), 1, def).await
    }

    /// Upload a new version of the bot: the runs started on the old one finish on it, new
    /// runs start on this one.
    pub async fn new_version(&self, phone: &PhoneNumber, id: &str, def: Value) -> Result<BotRow, ApiError> {
        checked(&def)?;
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
        if !self.store.put_bot(&row).await? {
            return Err(ApiError::bad_value("another version of this bot was uploaded at the same time; try again"));
        }
        Ok(row)
    }

    /// Delete the bot, every version, and its runs.
    pub async fn delete(&self, phone: &PhoneNumber, id: &str) -> Result<(), ApiError> {
        if self.store.delete_bot(&phone.id, id).await? {
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
