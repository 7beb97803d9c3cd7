//! FAQ answers: a number's question → answer entries, matched against what customers write
//! ([`matcher`] over [`normalize`]d tokens). A confident match is answered at once through the
//! send path (as a message sent from the web app: window, pricing, limits, status webhooks and
//! an `smb_message_echoes` change), with a "talk to a person" reply button; a question no
//! entry answers confidently, and a press of that button, go to the team inbox: the
//! conversation is (re)opened, stays with whoever holds it (or nobody), and is marked with a
//! label that says why.

pub mod input;
pub mod matcher;
pub mod normalize;

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::clock::Clock;
use crate::error::ApiError;
use crate::messaging::MessagingService;
use crate::model::{Direction, Message, PhoneNumber};
use crate::store::{FaqEntry, FaqSettings, Store};

pub use input::{FaqInput, SettingsInput};

/// The score (percent) a match needs to be answered automatically, unless the number sets
/// another: on the test corpus (`tests/faq_corpus.rs`) precision stays near 98 % in both
/// languages there, with recall above 90 %; higher trades recall for precision.
pub const DEFAULT_THRESHOLD: u8 = 50;
/// The reply button's id under an automatic answer: pressing it asks for a person.
pub const HANDOFF_BUTTON_ID: &str = "risala_faq_handoff";
/// The button's title when the number sets none: in the answer's language.
pub const DEFAULT_BUTTON_EN: &str = "Talk to a person";
pub const DEFAULT_BUTTON_AR: &str = "التحدث مع موظف";
/// Labels that mark a conversation for the team, created on first use.
pub const LABEL_UNSURE: &str = "FAQ: no confident answer";
pub const LABEL_PERSON: &str = "FAQ: asked for a person";
const LABEL_COLOUR: &str = "#e9a23b";
/// At most this many entries per number.
pub const MAX_ENTRIES: usize = 500;

/// What an inbound message led to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Not a question for the FAQ (not text, answers off, no entries, a person holds the chat).
    Ignored,
    /// Answered with `entry_id` (score 0–1) by message `message_id`.
    Answered { entry_id: String, score: f64, message_id: String },
    /// No entry was confident enough: marked for the team (best score 0–1).
    Unsure { score: f64 },
    /// The customer pressed "talk to a person": marked for the team.
    HandedOff,
}

/// A question tried against a number's entries, for the console and the API.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Trial {
    pub entry_id: String,
    pub question: String,
    /// 0–100.
    pub score: u8,
    /// Whether it reaches the number's threshold (and would be answered).
    pub answers: bool,
}

#[derive(Clone)]
pub struct FaqService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    messaging: MessagingService,
    /// Tells the inbox's open pages when a conversation is marked.
    notifier: Arc<dyn crate::ports::Notifier>,
    /// Each number's entries, kept 5 s so an inbound message to a number without FAQ costs no
    /// read; this process's own changes drop the number's entry at once (another node's show
    /// within the 5 s).
    cache: Arc<crate::cache::TtlCache<String, Arc<Vec<FaqEntry>>>>,
}

/// Whether `text` is written in Arabic letters (`Some(true)`), in Latin ones (`Some(false)`),
/// or in neither (digits, emoji, a phone number: `None`); the first letter decides.
fn arabic_script(text: &str) -> Option<bool> {
    text.chars().filter(|c| c.is_alphabetic()).find_map(|c| match c {
        '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' => Some(true),
        c if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) => Some(false),
        _ => None,
    })
}

/// The button's title when the number sets none, in the language the customer reads: the
/// answer's, or, when the answer has no letters to tell (a phone number, an address in
/// digits), the question's; English when neither tells.
pub fn default_button(answer: &str, question: &str) -> &'static str {
    match arabic_script(answer).or_else(|| arabic_script(question)) {
        Some(true) => DEFAULT_BUTTON_AR,
        _ => DEFAULT_BUTTON_EN,
    }
}

fn percent(score: f64) -> u8 {
    (score * 100.0).round().clamp(0.0, 100.0) as u8
}

impl FaqService {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        messaging: MessagingService,
        notifier: Arc<dyn crate::ports::Notifier>,
    ) -> Self {
        let cache = Arc::new(crate::cache::TtlCache::new(std::time::Duration::from_secs(5), 100_000));
        FaqService { store, clock, messaging, notifier, cache }
    }

    /// Drop the cached entries (another node changed some).
    pub fn forget_all(&self) {
        self.cache.clear();
    }

    /// The number's entries, oldest first.
    pub async fn entries(&self, phone: &PhoneNumber) -> Result<Vec<FaqEntry>, ApiError> {
        Ok(self.store.faq_entries(&phone.id).await?)
    }

    /// One entry of the number.
    pub async fn entry(&self, phone: &PhoneNumber, id: &str) -> Result<FaqEntry, ApiError> {
        self.store.faq_entry(&phone.id, id).await?.ok_or_else(|| ApiError::object_not_found(id))
    }

    /// A new entry of the number.
    pub async fn create(&self, phone: &PhoneNumber, input: FaqInput) -> Result<FaqEntry, ApiError> {
        let existing = self.store.faq_entries(&phone.id).await?;
        if existing.len() >= MAX_ENTRIES {
            return Err(ApiError::bad_value(format!("a number holds at most {MAX_ENTRIES} FAQ entries")));
        }
        // Entries list in the order they were added, even when added in the same millisecond.
        let now = existing.iter().map(|e| e.created_at + 1).fold(self.clock.now_ms(), i64::max);
        let entry = FaqEntry {
            id: crate::ids::new_object_id(),
            business_id: phone.business_id.clone(),
            phone_number_id: phone.id.clone(),
            question: input.question,
            answer: input.answer,
            keywords: input.keywords,
            phrasings: input.phrasings,
            enabled: input.enabled,
            created_at: now,
            updated_at: now,
        };
        self.store.put_faq_entry(&entry).await?;
        self.cache.remove(&phone.id);
        Ok(entry)
    }

    /// Replace an entry's question, answer, keywords, phrasings and state.
    pub async fn update(&self, phone: &PhoneNumber, id: &str, input: FaqInput) -> Result<FaqEntry, ApiError> {
        let mut entry = self.entry(phone, id).await?;
        entry.question = input.question;
        entry.answer = input.answer;
        entry.keywords = input.keywords;
        entry.phrasings = input.phrasings;
        entry.enabled = input.enabled;
        entry.updated_at = self.clock.now_ms();
        self.store.put_faq_entry(&entry).await?;
        self.cache.remove(&phone.id);
        Ok(entry)
    }

    pub async fn delete(&self, phone: &PhoneNumber, id: &str) -> Result<(), ApiError> {
        if self.store.delete_faq_entry(&phone.id, id).await? {
            self.cache.remove(&phone.id);
            Ok(())
        } else {
            Err(ApiError::object_not_found(id))
        }
    }

    /// The number's settings (the defaults until saved: on, [`DEFAULT_THRESHOLD`], the button
    /// titled in the answer's language, no reply to the button).
    pub async fn settings(&self, phone: &PhoneNumber) -> Result<FaqSettings, ApiError> {
        Ok(self.store.faq_settings(&phone.id).await?.unwrap_or_else(|| FaqSettings {
            phone_number_id: phone.id.clone(),
            enabled: true,
            threshold: DEFAULT_THRESHOLD,
            handoff_button: String::new(),
            handoff_reply: String::new(),
            updated_at: 0,
        }))
    }

    pub async fn save_settings(&self, phone: &PhoneNumber, input: SettingsInput) -> Result<FaqSettings, ApiError> {
        let s = FaqSettings {
            phone_number_id: phone.id.clone(),
            enabled: input.enabled,
            threshold: input.threshold,
            handoff_button: input.handoff_button,
            handoff_reply: input.handoff_reply,
            updated_at: self.clock.now_ms(),
        };
        self.store.put_faq_settings(&s).await?;
        Ok(s)
    }

    /// How the number's entries score `question`, best first (at most `limit`).
    pub async fn try_question(
        &self,
        phone: &PhoneNumber,
        question: &str,
        limit: usize,
    ) -> Result<Vec<Trial>, ApiError> {
        let threshold = f64::from(self.settings(phone).await?.threshold) / 100.0;
        let entries = self.entries(phone).await?;
        let m = matcher::Matcher::new(&entries);
        Ok(m.rank(question)
            .into_iter()
            .filter(|s| s.score > 0.0)
            .take(limit)
            .map(|s| Trial {
                entry_id: s.entry.id.clone(),
                question: s.entry.question.clone(),
                score: percent(s.score),
                answers: s.score >= threshold,
            })
            .collect())
    }

    /// A customer's message to a number just arrived: answer it, hand it to the team, or let it
    /// be. Called once per inbound message, after it is stored.
    pub async fn on_inbound(&self, m: &Message) -> Result<Outcome, ApiError> {
        if m.direction != Direction::Inbound {
            return Ok(Outcome::Ignored);
        }
        let Some(phone) = self.messaging.phone(&m.phone_number_id).await? else {
            return Ok(Outcome::Ignored);
        };
        let pressed = m.content["interactive"]["button_reply"]["id"].as_str() == Some(HANDOFF_BUTTON_ID);
        if m.kind == "interactive" && pressed {
            let settings = self.settings(&phone).await?;
            self.mark(&phone, &m.wa_id, LABEL_PERSON).await?;
            if !settings.handoff_reply.is_empty() {
                let body = json!({"type": "text", "text": {"body": settings.handoff_reply}});
                self.reply(&phone, m, body).await?;
            }
            return Ok(Outcome::HandedOff);
        }
        let Some(text) = m.content["text"]["body"].as_str().filter(|_| m.kind == "text") else {
            return Ok(Outcome::Ignored);
        };
        let entries = self.cached_entries(&phone.id).await?;
        if !entries.iter().any(|e| e.enabled) {
            return Ok(Outcome::Ignored);
        }
        let settings = self.settings(&phone).await?;
        if !settings.enabled {
            return Ok(Outcome::Ignored);
        }
        // While a person of the team holds the conversation, they answer.
        let held = self.store.chat_row(&phone.id, &m.wa_id).await?.is_some_and(|c| c.assignee_id.is_some());
        if held {
            return Ok(Outcome::Ignored);
        }
        let index = matcher::Matcher::new(&entries);
        let best = index.rank(text).into_iter().next();
        let threshold = f64::from(settings.threshold) / 100.0;
        match best {
            Some(b) if b.score > 0.0 && b.score >= threshold => {
                let title = match settings.handoff_button.as_str() {
                    "" => default_button(&b.entry.answer, text),
                    t => t,
                };
                let body = json!({
                    "type": "interactive",
                    "interactive": {
                        "type": "button",
                        "body": {"text": b.entry.answer},
                        "action": {"buttons": [{"type": "reply", "reply": {"id": HANDOFF_BUTTON_ID, "title": title}}]}
                    }
                });
                let message_id = self.reply(&phone, m, body).await?;
                Ok(Outcome::Answered { entry_id: b.entry.id.clone(), score: b.score, message_id })
            }
            best => {
                self.mark(&phone, &m.wa_id, LABEL_UNSURE).await?;
                Ok(Outcome::Unsure { score: best.map_or(0.0, |b| b.score) })
            }
        }
    }

    /// The number's entries, from the cache when fresh.
    async fn cached_entries(&self, phone_number_id: &str) -> Result<Arc<Vec<FaqEntry>>, ApiError> {
        let read = || async { Ok::<_, ApiError>(Arc::new(self.store.faq_entries(phone_number_id).await?)) };
        self.cache.get_or_load(phone_number_id, read).await
    }

    /// Send `body` to the customer of `m`, quoting `m`; the new message's id.
    async fn reply(&self, phone: &PhoneNumber, m: &Message, body: Value) -> Result<String, ApiError> {
        let mut body: Map<String, Value> = match body {
            Value::Object(o) => o,
            _ => Map::new(),
        };
        body.insert("messaging_product".into(), json!("whatsapp"));
        body.insert("to".into(), json!(m.wa_id));
        body.insert("context".into(), json!({"message_id": m.id}));
        match self.messaging.send_from_app(phone, &body).await? {
            crate::messaging::SendOutcome::Accepted { message_id, .. } => Ok(message_id),
            crate::messaging::SendOutcome::Success => Err(ApiError::internal()),
        }
    }

    /// Put the conversation before the team: open, and labelled `label_name` (the label is
    /// created the first time).
    async fn mark(&self, phone: &PhoneNumber, wa_id: &str, label_name: &str) -> Result<(), ApiError> {
        let business_id = &phone.business_id;
        let now = self.clock.now_ms();
        let label =
            crate::inbox::team::label_for(self.store.as_ref(), business_id, label_name, LABEL_COLOUR, now).await?;
        self.store.set_chat_label(&phone.id, wa_id, &label.id, true).await?;
        self.store.close_chat(business_id, &phone.id, wa_id, None).await?;
        self.notifier.chat_changed(business_id, &phone.id, wa_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_button_is_in_the_language_the_customer_reads() {
        assert_eq!(default_button("Every day from 7 am.", "متى تفتحون؟"), DEFAULT_BUTTON_EN);
        assert_eq!(default_button("نفتح يومياً من ٧ صباحاً.", "when do you open?"), DEFAULT_BUTTON_AR);
        // An answer without letters: the question's language.
        assert_eq!(default_button("+966 11 000 0000", "ما رقم الهاتف؟"), DEFAULT_BUTTON_AR);
        assert_eq!(default_button("+966 11 000 0000", "Phone number?"), DEFAULT_BUTTON_EN);
        assert_eq!(default_button("📞 ٠١١", "١٢٣"), DEFAULT_BUTTON_EN);
        // Persian/Urdu letters are in the Arabic block too; accented Latin is Latin.
        assert_eq!(default_button("Ouvert à 7 h", "ساعات؟"), DEFAULT_BUTTON_EN);
    }
}
