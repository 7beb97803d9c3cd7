//! Business hours, the away message and the greeting of a number. The hours say when the
//! business answers ([`schedule`]); a customer who writes outside them gets the away message,
//! once per closed period (and again after `resend_after_hours` if the closure lasts); a
//! customer's first message ever to the number, or the first after `inactive_days` of silence,
//! gets the greeting. Both are sent through the send path of a person in the web app
//! ([`MessagingService::send_from_app`]): the 24-hour window, pricing (inside the window a free
//! service message), limits, status webhooks and the `smb_message_echoes` copy, and carry
//! `biz_opaque_callback_data` [`GREETING_TAG`] or [`AWAY_TAG`], which the inbox shows as sent
//! by the automation and the business's webhook sees on their statuses.

pub mod schedule;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::cache::TtlCache;
use crate::clock::Millis;
use crate::error::ApiError;
use crate::messaging::MessagingService;
use crate::model::{Direction, Message, PhoneNumber};
use crate::outbound::{self, SendRequest};
use crate::store::{AutoReplyState, HoursRow, Store};
use schedule::Schedule;

/// `biz_opaque_callback_data` of a greeting message.
pub const GREETING_TAG: &str = "risala:greeting";
/// `biz_opaque_callback_data` of an away message.
pub const AWAY_TAG: &str = "risala:away";
/// The message types an automatic message may have.
pub const MESSAGE_TYPES: &[&str] = &["text", "image", "video", "audio", "document", "sticker"];
/// The variables a greeting or away text (a text's body, a media's caption) may use.
pub const VARIABLES: &[&str] = &["customer_name", "business_name"];
/// Default days of silence after which a customer is greeted again.
pub const DEFAULT_INACTIVE_DAYS: i64 = 14;
const DAY_MS: Millis = 86_400_000;
const HOUR_MS: Millis = 3_600_000;

/// An automatic message: on or off, and what it sends (`{"type": "text", "text": {…}}`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AutoMessage {
    pub enabled: bool,
    /// The type and its object, as in a send request; `None` until one is set.
    pub message: Option<Value>,
}

/// A number's hours, away message and greeting.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HoursSettings {
    /// `None`: no hours set (always open: no away message).
    pub schedule: Option<Schedule>,
    pub away: AutoMessage,
    /// 0: once per closed period only.
    pub resend_after_hours: i64,
    pub greeting: AutoMessage,
    pub inactive_days: i64,
}

impl HoursSettings {
    pub fn new() -> Self {
        HoursSettings { inactive_days: DEFAULT_INACTIVE_DAYS, ..Default::default() }
    }

    /// `{hours, away_message: {enabled, message, resend_after_hours}, greeting_message:
    /// {enabled, message, inactive_days}}`.
    pub fn to_json(&self) -> Value {
        json!({
            "hours": self.schedule.as_ref().map(Schedule::to_json),
            "away_message": {"enabled": self.away.enabled, "message": self.away.message,
                "resend_after_hours": self.resend_after_hours},
            "greeting_message": {"enabled": self.greeting.enabled, "message": self.greeting.message,
                "inactive_days": self.inactive_days},
        })
    }

    /// Stored JSON back into settings (written by [`Self::to_json`], so trusted; a part that no
    /// longer parses is left at its default rather than failing every inbound message).
    fn from_stored(v: &Value) -> Self {
        let mut s = HoursSettings::new();
        s.schedule = Schedule::parse(&v["hours"]).ok();
        let part = |o: &Value| AutoMessage {
            enabled: o["enabled"].as_bool().unwrap_or(false),
            message: o.get("message").filter(|m| m.is_object()).cloned(),
        };
        s.away = part(&v["away_message"]);
        s.greeting = part(&v["greeting_message"]);
        s.resend_after_hours = v["away_message"]["resend_after_hours"].as_i64().unwrap_or(0);
        s.inactive_days = v["greeting_message"]["inactive_days"].as_i64().unwrap_or(DEFAULT_INACTIVE_DAYS);
        s
    }

    /// Apply an update: each of `hours`, `away_message` and `greeting_message` given replaces
    /// that part (inside the two messages, each field given replaces that field); parts left out
    /// stay. `hours: null` removes the hours.
    pub fn update(&mut self, phone: &PhoneNumber, body: &Map<String, Value>) -> Result<(), ApiError> {
        for k in body.keys() {
            if !["hours", "away_message", "greeting_message"].contains(&k.as_str()) {
                return Err(ApiError::bad_value(format!(
                    "{k}: unknown field (use hours, away_message, greeting_message)"
                )));
            }
        }
        if let Some(h) = body.get("hours") {
            self.schedule = if h.is_null() { None } else { Some(Schedule::parse(h)?) };
        }
        if let Some(a) = body.get("away_message") {
            let a = auto_part(phone, "away_message", a, &mut self.away, "resend_after_hours", (0, 720))?;
            if let Some(n) = a {
                self.resend_after_hours = n;
            }
        }
        if let Some(g) = body.get("greeting_message") {
            let g = auto_part(phone, "greeting_message", g, &mut self.greeting, "inactive_days", (1, 365))?;
            if let Some(n) = g {
                self.inactive_days = n;
            }
        }
        for (name, part) in [("away_message", &self.away), ("greeting_message", &self.greeting)] {
            if part.enabled && part.message.is_none() {
                return Err(ApiError::bad_value(format!(
                    "{name}.message: give the message to send before enabling it"
                )));
            }
        }
        if self.away.enabled && self.schedule.is_none() {
            return Err(ApiError::bad_value(
                "away_message.enabled: set the business hours first (outside them the away message is sent)",
            ));
        }
        Ok(())
    }
}

/// One automatic message's update; returns its number field (`resend_after_hours` /
/// `inactive_days`) when given, checked against `range`.
fn auto_part(
    phone: &PhoneNumber,
    name: &str,
    v: &Value,
    part: &mut AutoMessage,
    number: &str,
    range: (i64, i64),
) -> Result<Option<i64>, ApiError> {
    let o = v.as_object().ok_or_else(|| ApiError::bad_value(format!("{name} must be an object")))?;
    for k in o.keys() {
        if !["enabled", "message", number].contains(&k.as_str()) {
            return Err(ApiError::bad_value(format!("{name}.{k}: unknown field")));
        }
    }
    if let Some(e) = o.get("enabled") {
        part.enabled =
            e.as_bool().ok_or_else(|| ApiError::bad_value(format!("{name}.enabled must be true or false")))?;
    }
    if let Some(m) = o.get("message") {
        part.message = if m.is_null() { None } else { Some(check_message(phone, &format!("{name}.message"), m)?) };
    }
    match o.get(number) {
        None => Ok(None),
        Some(n) => match n.as_i64().filter(|n| (range.0..=range.1).contains(n)) {
            Some(n) => Ok(Some(n)),
            None => Err(ApiError::bad_value(format!(
                "{name}.{number} must be a whole number from {} to {}",
                range.0, range.1
            ))),
        },
    }
}

/// An automatic message must be a message the send path accepts, of a simple type.
fn check_message(phone: &PhoneNumber, field: &str, m: &Value) -> Result<Value, ApiError> {
    let o = m.as_object().ok_or_else(|| ApiError::bad_value(format!("{field} must be an object")))?;
    let ty = o.get("type").and_then(Value::as_str).ok_or_else(|| ApiError::missing(&format!("{field}.type")))?;
    if !MESSAGE_TYPES.contains(&ty) {
        return Err(ApiError::bad_value(format!("{field}.type: one of {}", MESSAGE_TYPES.join(", "))));
    }
    if o.keys().any(|k| k != "type" && k != ty) {
        return Err(ApiError::bad_value(format!("{field}: only type and {ty} are allowed")));
    }
    let body = send_body(phone, &phone.number, m, "check");
    match outbound::parse_send(&body, crate::phone::calling_code_of(&phone.number)) {
        Ok(SendRequest::Message(_)) => {
            for key in ["body", "caption"] {
                if let Some(text) = m[ty][key].as_str() {
                    super::variables::check(&format!("{field}.{ty}.{key}"), text, VARIABLES)?;
                }
            }
            Ok(m.clone())
        }
        Ok(SendRequest::MarkRead { .. }) => Err(ApiError::bad_value(format!("{field}: not a message"))),
        Err(mut e) => {
            e.details = format!("{field}: {}", e.details);
            Err(e)
        }
    }
}

/// A send request for `message` to `to`, tagged `tag`.
fn send_body(_phone: &PhoneNumber, to: &str, message: &Value, tag: &str) -> Map<String, Value> {
    let mut body = message.as_object().cloned().unwrap_or_default();
    body.insert("messaging_product".into(), json!("whatsapp"));
    body.insert("recipient_type".into(), json!("individual"));
    body.insert("to".into(), json!(to));
    body.insert("biz_opaque_callback_data".into(), json!(tag));
    body
}

/// `{{customer_name}}` and `{{business_name}}` in a text body or a caption.
fn personalise(message: &Value, customer_name: &str, business_name: &str) -> Value {
    let mut m = message.clone();
    let ty = m["type"].as_str().unwrap_or_default().to_string();
    for key in ["body", "caption"] {
        if let Some(Value::String(s)) = m.get_mut(&ty).and_then(|o| o.get_mut(key)) {
            *s = s.replace("{{customer_name}}", customer_name).replace("{{business_name}}", business_name);
        }
    }
    m
}

/// What was sent in answer to one inbound message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutoReplies {
    pub greeting: Option<String>,
    pub away: Option<String>,
}

/// The business hours service: settings, and the answers to inbound messages.
#[derive(Clone)]
pub struct HoursService {
    store: Arc<dyn Store>,
    messaging: MessagingService,
    /// Settings per number, kept 5 s: read on every inbound message.
    cache: Arc<TtlCache<String, Arc<HoursSettings>>>,
    /// (number, customer) pairs whose message is being answered on this node: a message that
    /// arrives meanwhile (the same instant) is not answered twice.
    answering: Arc<Mutex<HashSet<(String, String)>>>,
}

/// Holds a (number, customer) pair in [`HoursService::answering`] until dropped.
struct Answering<'a>(&'a Mutex<HashSet<(String, String)>>, (String, String));

impl Drop for Answering<'_> {
    fn drop(&mut self) {
        if let Ok(mut set) = self.0.lock() {
            set.remove(&self.1);
        }
    }
}

impl HoursService {
    pub fn new(store: Arc<dyn Store>, messaging: MessagingService) -> Self {
        HoursService {
            store,
            messaging,
            cache: Arc::new(TtlCache::new(Duration::from_secs(5), 100_000)),
            answering: Arc::default(),
        }
    }

    pub fn now(&self) -> Millis {
        self.messaging.now()
    }

    /// Drop the cached settings (another node changed some).
    pub fn forget_all(&self) {
        self.cache.clear();
    }

    /// A number's settings (defaults when none were saved).
    pub async fn settings(&self, phone_number_id: &str) -> Result<Arc<HoursSettings>, ApiError> {
        let read = || async {
            let s = match self.store.hours(phone_number_id).await? {
                Some(row) => HoursSettings::from_stored(&serde_json::from_str(&row.settings).unwrap_or(Value::Null)),
                None => HoursSettings::new(),
            };
            Ok::<_, ApiError>(Arc::new(s))
        };
        self.cache.get_or_load(phone_number_id, read).await
    }

    /// The settings as the API shows them, with `open_now`.
    pub async fn settings_json(&self, phone: &PhoneNumber) -> Result<Value, ApiError> {
        let s = self.settings(&phone.id).await?;
        let mut v = s.to_json();
        v["open_now"] = json!(s.schedule.as_ref().is_none_or(|h| h.is_open(self.now())));
        Ok(v)
    }

    /// Apply an update ([`HoursSettings::update`]) and store it; returns the new settings.
    pub async fn update(&self, phone: &PhoneNumber, body: &Map<String, Value>) -> Result<Arc<HoursSettings>, ApiError> {
        let mut s = (*self.settings(&phone.id).await?).clone();
        s.update(phone, body)?;
        let row = HoursRow {
            phone_number_id: phone.id.clone(),
            business_id: phone.business_id.clone(),
            settings: s.to_json().to_string(),
            updated_at: self.now(),
        };
        self.store.save_hours(&row).await?;
        let s = Arc::new(s);
        self.cache.insert(phone.id.clone(), s.clone());
        Ok(s)
    }

    /// A customer's message arrived: greet them if it is their first in a long while, and
    /// answer with the away message if the business is closed. Reactions and system messages
    /// are not a customer writing.
    pub async fn on_inbound(&self, m: &Message) -> Result<AutoReplies, ApiError> {
        let mut out = AutoReplies::default();
        if m.direction != Direction::Inbound || matches!(m.kind.as_str(), "reaction" | "system") {
            return Ok(out);
        }
        let s = self.settings(&m.phone_number_id).await?;
        if !s.away.enabled && !s.greeting.enabled {
            return Ok(out);
        }
        let Some(phone) = self.messaging.phone(&m.phone_number_id).await? else { return Ok(out) };
        let key = (phone.id.clone(), m.wa_id.clone());
        let fresh = self.answering.lock().map(|mut set| set.insert(key.clone())).unwrap_or(false);
        if !fresh {
            return Ok(out);
        }
        let _held = Answering(&self.answering, key);
        let now = m.created_at;
        let mut state = match self.store.auto_reply_state(&phone.id, &m.wa_id).await? {
            Some(st) => st,
            None => AutoReplyState { last_inbound_at: self.earlier_inbound(m).await?, ..Default::default() },
        };
        let previous = state.last_inbound_at.filter(|t| *t < now);
        state.last_inbound_at = Some(now);
        let name = self.store.customer(&m.wa_id).await?.map(|c| c.profile_name).unwrap_or_default();
        if s.greeting.enabled && previous.is_none_or(|t| now - t >= s.inactive_days * DAY_MS) {
            if let Some(msg) = &s.greeting.message {
                out.greeting =
                    self.send(&phone, &m.wa_id, &personalise(msg, &name, &phone.verified_name), GREETING_TAG).await?;
                state.greeted_at = Some(now);
            }
        }
        if let (true, Some(hours), Some(msg)) = (s.away.enabled, &s.schedule, &s.away.message) {
            let due = match state.away_at {
                None => true,
                Some(t) => {
                    hours.opened_between(t, now)
                        || (s.resend_after_hours > 0 && now - t >= s.resend_after_hours * HOUR_MS)
                }
            };
            if !hours.is_open(now) && due {
                out.away =
                    self.send(&phone, &m.wa_id, &personalise(msg, &name, &phone.verified_name), AWAY_TAG).await?;
                state.away_at = Some(now);
            }
        }
        self.store.save_auto_reply_state(&phone.id, &m.wa_id, &state).await?;
        Ok(out)
    }

    /// The customer's last message to the number before `m`, for a customer the state has no
    /// row for yet (they wrote before the tools were on): looked for in the chat's last 200
    /// messages; older history counts as silence.
    async fn earlier_inbound(&self, m: &Message) -> Result<Option<Millis>, ApiError> {
        let history = self.store.chat_history(&m.phone_number_id, &m.wa_id, Some(m.seq), 200).await?;
        Ok(history.iter().find(|h| h.direction == Direction::Inbound && h.id != m.id).map(|h| h.created_at))
    }

    /// Send an automatic message; the message id when it was accepted. A refused send (the
    /// media was deleted, the customer blocked the number) is not the customer's error: their
    /// message stays received, and nothing is sent.
    async fn send(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        message: &Value,
        tag: &str,
    ) -> Result<Option<String>, ApiError> {
        let body = send_body(phone, wa_id, message, tag);
        match self.messaging.send_from_app(phone, &body).await {
            Ok(crate::messaging::SendOutcome::Accepted { message_id, .. }) => Ok(Some(message_id)),
            Ok(_) => Ok(None),
            Err(e) if e.code.row().http_status < 500 => Ok(None),
            Err(e) => Err(e),
        }
    }
}
