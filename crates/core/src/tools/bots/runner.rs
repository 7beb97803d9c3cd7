//! Running a bot in a conversation: each customer message continues the run (the answer to
//! the step it waits at), or starts the bot whose trigger it matches; the bot then goes on
//! step by step until it waits for an answer again, hands off, or ends.

use serde_json::{json, Map, Value};

use super::answers::{default_error, fill, said, same, summary, valid};
use super::definition::DEFAULT_HANDOFF_KEYWORDS;
use super::BotService;
use crate::error::ApiError;
use crate::model::{Direction, Message, PhoneNumber, Role};
use crate::store::{BotRow, BotRun, Label, Note};

/// `biz_opaque_callback_data` of the bot's messages: the inbox and the webhook tell them apart.
pub const BOT_TAG: &str = "risala:bot";
/// The label of a conversation handed off by a step that names none, or by the customer.
pub const DEFAULT_LABEL: &str = "Bot: handed off";
const LABEL_COLOUR: &str = "#1565c0";
/// Steps run for one customer message at most (a loop of steps that never wait hands off).
const MAX_STEPS_PER_MESSAGE: usize = 30;
/// A run that ended this long ago no longer keeps the conversation from counting as new.
const NEW_CONVERSATION_MS: i64 = 24 * 3_600_000;
const DEFAULT_HANDOFF_MESSAGE: &str = "Thank you. A person from our team will answer you here.";

/// What a customer's message led to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// No bot has this conversation: the other tools answer.
    Ignored,
    /// A person of the team holds the conversation (the bot handed it off): nobody automatic answers.
    Silent,
    /// The bot answered; the run's state after it (`running`, `handed_off`, `ended`).
    Ran { bot_id: String, state: String },
}

/// How the run goes on after a step.
enum Flow {
    Goto(String),
    Wait,
    Stop,
}

impl BotService {
    /// A customer's message to a number was stored: the bot answers it, or stays out. Called
    /// once per inbound message, before the FAQ (which stays silent when the bot answered).
    pub async fn on_inbound(&self, m: &Message) -> Result<Outcome, ApiError> {
        if m.direction != Direction::Inbound || matches!(m.kind.as_str(), "reaction" | "system") {
            return Ok(Outcome::Ignored);
        }
        let run = self.store.bot_run(&m.phone_number_id, &m.wa_id).await?;
        let state = run.as_ref().map(|r| r.state.as_str());
        if state == Some("handed_off") {
            return Ok(Outcome::Silent);
        }
        let rows = self.store.bot_rows(&m.phone_number_id).await?;
        if rows.is_empty() && state != Some("running") {
            return Ok(Outcome::Ignored);
        }
        let Some(phone) = self.messaging.phone(&m.phone_number_id).await? else { return Ok(Outcome::Ignored) };
        let held = self.store.chat_row(&phone.id, &m.wa_id).await?.is_some_and(|c| c.assignee_id.is_some());
        if let Some(mut run) = run.clone().filter(|r| r.state == "running") {
            if held {
                // A person took the conversation while the bot was talking: it steps back.
                run.state = "handed_off".into();
                run.updated_at = self.clock.now_ms();
                self.store.put_bot_run(&run).await?;
                return Ok(Outcome::Silent);
            }
            let Some(bot) = rows.iter().find(|b| b.id == run.bot_id && b.version == run.version).cloned() else {
                // The bot was deleted: the run is over.
                run.state = "ended".into();
                self.store.put_bot_run(&run).await?;
                return Ok(Outcome::Ignored);
            };
            return self.answer(&phone, m, &bot, run).await;
        }
        // Closing the conversation gave it back to the bot; otherwise a person holding it answers.
        if held && state != Some("closed") {
            return Ok(Outcome::Ignored);
        }
        let Some(bot) = self.triggered(m, &rows, run.as_ref()).await? else { return Ok(Outcome::Ignored) };
        if held {
            // The team closed the conversation and the bot takes it back: the agent who held it
            // is done with it (a hand-off assigns again).
            self.store.assign_chat(&phone.business_id, &phone.id, &m.wa_id, None).await?;
            self.notifier.chat_changed(&phone.business_id, &phone.id, &m.wa_id);
        }
        let (text, _) = said(m);
        let start = bot.definition["start"].as_str().unwrap_or_default().to_string();
        let run = BotRun {
            phone_number_id: phone.id.clone(),
            wa_id: m.wa_id.clone(),
            bot_id: bot.id.clone(),
            version: bot.version,
            step: start.clone(),
            variables: Map::new(),
            retries: 0,
            transcript: vec![format!("Customer: {text}")],
            state: "running".into(),
            updated_at: self.clock.now_ms(),
        };
        self.go(&phone, m, &bot, run, start).await
    }

    /// The enabled bot (latest version) the message starts: one whose keyword it is, else one
    /// for new conversations when this one is new.
    async fn triggered(&self, m: &Message, rows: &[BotRow], run: Option<&BotRun>) -> Result<Option<BotRow>, ApiError> {
        let mut latest: Vec<&BotRow> = Vec::new();
        for r in rows {
            match latest.last_mut() {
                Some(l) if l.id == r.id => *l = r,
                _ => latest.push(r),
            }
        }
        latest.retain(|b| b.enabled);
        let (text, _) = said(m);
        let words: Vec<String> = text.to_lowercase().split_whitespace().map(String::from).collect();
        let keyword = latest.iter().find(|b| {
            b.definition["trigger"]["on"] == "keywords"
                && b.definition["trigger"]["keywords"].as_array().into_iter().flatten().filter_map(Value::as_str).any(
                    |k| {
                        let k = k.trim().to_lowercase();
                        same(&text, &k)
                            || (!k.contains(' ')
                                && words.iter().any(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == k))
                    },
                )
        });
        if let Some(b) = keyword {
            return Ok(Some((*b).clone()));
        }
        let Some(b) = latest.iter().find(|b| b.definition["trigger"]["on"] == "new_conversation") else {
            return Ok(None);
        };
        let new = match run {
            Some(r) if r.state == "closed" => true,
            Some(r) => m.created_at - r.updated_at >= NEW_CONVERSATION_MS,
            None => {
                let history = self.store.chat_history(&m.phone_number_id, &m.wa_id, Some(m.seq), 50).await?;
                let earlier = history.iter().find(|h| h.direction == Direction::Inbound && h.id != m.id);
                earlier.is_none_or(|h| m.created_at - h.created_at >= NEW_CONVERSATION_MS)
            }
        };
        Ok(new.then(|| (*b).clone()))
    }

    /// The customer answered the step the run waits at.
    async fn answer(
        &self,
        phone: &PhoneNumber,
        m: &Message,
        bot: &BotRow,
        mut run: BotRun,
    ) -> Result<Outcome, ApiError> {
        let (text, reply_id) = said(m);
        run.transcript.push(format!("Customer: {text}"));
        let def = &bot.definition;
        let keywords: Vec<String> = match def["handoff_keywords"].as_array() {
            Some(k) => k.iter().filter_map(Value::as_str).map(String::from).collect(),
            None => DEFAULT_HANDOFF_KEYWORDS.iter().map(|s| s.to_string()).collect(),
        };
        if m.kind == "text" && keywords.iter().any(|k| same(k, &text)) {
            return self.handoff(phone, m, bot, run, &json!({})).await;
        }
        let step = def["steps"][&run.step].clone();
        let var = step["variable"].as_str().unwrap_or_default().to_string();
        let chosen = match step["type"].as_str() {
            Some("ask") => {
                let options = step["options"].as_array().cloned().unwrap_or_default();
                let number = text.trim().parse::<usize>().ok();
                options
                    .iter()
                    .enumerate()
                    .find(|(i, o)| {
                        let id = o["id"].as_str().unwrap_or_default();
                        reply_id.as_deref() == Some(id)
                            || (m.kind == "text"
                                && (same(&text, o["title"].as_str().unwrap_or_default())
                                    || same(&text, id)
                                    || number == Some(i + 1)))
                    })
                    .map(|(_, o)| {
                        run.variables.insert(format!("{var}_title"), o["title"].clone());
                        (o["id"].clone(), o["next"].as_str().unwrap_or_default().to_string())
                    })
            }
            Some("collect") => {
                let kind = step["kind"].as_str().unwrap_or("text");
                valid(kind, m, &text)
                    .then(|| (json!(text.trim()), step["next"].as_str().unwrap_or_default().to_string()))
            }
            _ => None,
        };
        if let Some((value, next)) = chosen {
            run.variables.insert(var, value);
            return self.go(phone, m, bot, run, next).await;
        }
        if run.retries > 0 {
            run.retries -= 1;
            let kind = step["kind"].as_str().unwrap_or("text");
            let error = match step["error"].as_str() {
                Some(e) => e.to_string(),
                None if step["type"] == "ask" => "Please choose one of the options.".to_string(),
                None => default_error(kind).to_string(),
            };
            let msg = json!({"type": "text", "text": {"body": error}});
            self.send(phone, m, &mut run, &msg).await?;
            return self.wait(phone, m, bot, run, false).await;
        }
        match step["on_fail"].as_str() {
            Some(next) => {
                let next = next.to_string();
                self.go(phone, m, bot, run, next).await
            }
            None => self.handoff(phone, m, bot, run, &json!({})).await,
        }
    }

    /// Run steps from `id` until one waits, hands off or ends.
    async fn go(
        &self,
        phone: &PhoneNumber,
        m: &Message,
        bot: &BotRow,
        mut run: BotRun,
        id: String,
    ) -> Result<Outcome, ApiError> {
        let mut id = id;
        for _ in 0..MAX_STEPS_PER_MESSAGE {
            let step = bot.definition["steps"][&id].clone();
            run.step = id.clone();
            let next = |field: &str| step[field].as_str().map_or(Flow::Stop, |s| Flow::Goto(s.to_string()));
            let flow = match step["type"].as_str().unwrap_or_default() {
                "send" => {
                    let msg = fill(&step["message"], &run.variables);
                    self.send(phone, m, &mut run, &msg).await?;
                    next("next")
                }
                "ask" | "collect" => Flow::Wait,
                "branch" => {
                    let labels = self.chat_labels(phone, &m.wa_id).await?;
                    let case = step["cases"].as_array().into_iter().flatten().find(|c| match c["label"].as_str() {
                        Some(l) => labels.iter().any(|x| same(x, l)),
                        None => {
                            let v = &run.variables[c["variable"].as_str().unwrap_or_default()];
                            let v = v.as_str().map_or_else(|| v.to_string(), String::from);
                            same(&v, &c["equals"].as_str().map_or_else(|| c["equals"].to_string(), String::from))
                        }
                    });
                    let to = case.map_or(&step["default"], |c| &c["next"]);
                    Flow::Goto(to.as_str().unwrap_or_default().to_string())
                }
                "set_label" => {
                    let label = self.label(phone, step["label"].as_str().unwrap_or(DEFAULT_LABEL)).await?;
                    self.store.set_chat_label(&phone.id, &m.wa_id, &label.id, true).await?;
                    self.notifier.chat_changed(&phone.business_id, &phone.id, &m.wa_id);
                    next("next")
                }
                "set_field" => {
                    let value = fill(&step["value"], &run.variables);
                    let mut fields = std::collections::BTreeMap::new();
                    fields.insert(
                        step["field"].as_str().unwrap_or_default().to_string(),
                        value.as_str().unwrap_or_default().to_string(),
                    );
                    if let Err(e) = self.contacts.upsert(&phone.business_id, &m.wa_id, None, &fields).await {
                        run.transcript.push(format!("Bot: could not set the contact field ({})", e.details));
                    }
                    next("next")
                }
                "handoff" => return self.handoff(phone, m, bot, run, &step).await,
                _ => {
                    if let Some(text) = step["message"].as_str() {
                        let msg = fill(&json!({"type": "text", "text": {"body": text}}), &run.variables);
                        self.send(phone, m, &mut run, &msg).await?;
                    }
                    Flow::Stop
                }
            };
            match flow {
                Flow::Goto(n) => id = n,
                Flow::Wait => return self.wait(phone, m, bot, run, true).await,
                Flow::Stop => {
                    run.state = "ended".into();
                    run.updated_at = self.clock.now_ms();
                    self.store.put_bot_run(&run).await?;
                    return Ok(Outcome::Ran { bot_id: bot.id.clone(), state: run.state });
                }
            }
        }
        // Steps that loop without waiting: a person takes over.
        self.handoff(phone, m, bot, run, &json!({})).await
    }

    /// Ask the question of the run's step and wait for the answer (`fresh`: the step was just
    /// reached, its retries start over).
    async fn wait(
        &self,
        phone: &PhoneNumber,
        m: &Message,
        bot: &BotRow,
        mut run: BotRun,
        fresh: bool,
    ) -> Result<Outcome, ApiError> {
        let step = bot.definition["steps"][&run.step].clone();
        if fresh {
            run.retries = step["retry"].as_i64().unwrap_or(1);
        }
        let text = fill(&step["text"], &run.variables);
        let msg = if step["type"] == "ask" {
            let options = step["options"].as_array().cloned().unwrap_or_default();
            if step["style"] == "list" {
                let rows: Vec<Value> = options.iter().map(|o| json!({"id": o["id"], "title": o["title"]})).collect();
                json!({"type": "interactive", "interactive": {"type": "list", "body": {"text": text},
                    "action": {"button": step["button"], "sections": [{"rows": rows}]}}})
            } else {
                let buttons: Vec<Value> = options
                    .iter()
                    .map(|o| json!({"type": "reply", "reply": {"id": o["id"], "title": o["title"]}}))
                    .collect();
                json!({"type": "interactive", "interactive": {"type": "button", "body": {"text": text},
                    "action": {"buttons": buttons}}})
            }
        } else {
            json!({"type": "text", "text": {"body": text}})
        };
        self.send(phone, m, &mut run, &msg).await?;
        run.state = "running".into();
        run.updated_at = self.clock.now_ms();
        self.store.put_bot_run(&run).await?;
        Ok(Outcome::Ran { bot_id: bot.id.clone(), state: run.state })
    }

    /// Put the conversation before the team: the label (the step's, or [`DEFAULT_LABEL`]),
    /// reopened, assigned by round robin when the step says so, the transcript as a note; the
    /// customer is told (outside business hours, with the away message).
    async fn handoff(
        &self,
        phone: &PhoneNumber,
        m: &Message,
        bot: &BotRow,
        mut run: BotRun,
        step: &Value,
    ) -> Result<Outcome, ApiError> {
        let business_id = &phone.business_id;
        let label = self.label(phone, step["label"].as_str().unwrap_or(DEFAULT_LABEL)).await?;
        self.store.set_chat_label(&phone.id, &m.wa_id, &label.id, true).await?;
        self.store.close_chat(business_id, &phone.id, &m.wa_id, None).await?;
        let people: Vec<_> =
            self.store.users(business_id).await?.into_iter().filter(|u| u.disabled_at.is_none()).collect();
        if step["assign"] == "round_robin" {
            let agents: Vec<_> = people.iter().filter(|u| u.role == Role::Agent).collect();
            if !agents.is_empty() {
                let turn = self
                    .turns
                    .lock()
                    .map(|mut t| {
                        let n = t.entry(business_id.clone()).or_insert(usize::MAX);
                        *n = n.wrapping_add(1) % agents.len();
                        *n
                    })
                    .unwrap_or(0);
                self.store.assign_chat(business_id, &phone.id, &m.wa_id, Some(&agents[turn].id)).await?;
            }
        }
        let settings = self.hours.settings(&phone.id).await?;
        let closed = settings.schedule.as_ref().is_some_and(|h| !h.is_open(self.clock.now_ms()));
        let msg = match (&settings.away.message, closed && settings.away.enabled) {
            (Some(away), true) => {
                // The hours' own answer to this very message may have been the away message.
                let state = self.store.auto_reply_state(&phone.id, &m.wa_id).await?;
                let sent = state.and_then(|s| s.away_at) == Some(m.created_at);
                (!sent).then(|| away.clone())
            }
            _ => {
                let text = step["message"].as_str().unwrap_or(DEFAULT_HANDOFF_MESSAGE);
                Some(fill(&json!({"type": "text", "text": {"body": text}}), &run.variables))
            }
        };
        if let Some(msg) = msg {
            self.send(phone, m, &mut run, &msg).await?;
        }
        // The note's author is the business's owner (a note needs a person of the business).
        let author = people.iter().find(|u| u.role == Role::Owner).or_else(|| people.first());
        if let Some(author) = author {
            let note = Note {
                id: crate::ids::new_object_id(),
                business_id: business_id.clone(),
                phone_number_id: phone.id.clone(),
                wa_id: m.wa_id.clone(),
                author_id: author.id.clone(),
                author_name: author.name.clone(),
                body: format!(
                    "Bot \"{}\" (version {}) handed off. Transcript:\n{}",
                    bot.name,
                    bot.version,
                    run.transcript.join("\n")
                ),
                created_at: self.clock.now_ms(),
            };
            self.store.add_note(&note).await?;
        }
        run.state = "handed_off".into();
        run.updated_at = self.clock.now_ms();
        self.store.put_bot_run(&run).await?;
        self.notifier.chat_changed(business_id, &phone.id, &m.wa_id);
        Ok(Outcome::Ran { bot_id: bot.id.clone(), state: run.state })
    }

    /// Send `msg` (a type and its object) to the customer of `m` as the bot. A refused send
    /// (outside the window, the customer blocked the number) is kept in the transcript, not
    /// raised: the customer's message stays received.
    async fn send(&self, phone: &PhoneNumber, m: &Message, run: &mut BotRun, msg: &Value) -> Result<(), ApiError> {
        let mut body: Map<String, Value> = msg.as_object().cloned().unwrap_or_default();
        body.insert("messaging_product".into(), json!("whatsapp"));
        body.insert("recipient_type".into(), json!("individual"));
        body.insert("to".into(), json!(m.wa_id));
        body.insert("biz_opaque_callback_data".into(), json!(BOT_TAG));
        match self.messaging.send_from_app(phone, &body).await {
            Ok(_) => run.transcript.push(format!("Bot: {}", summary(msg))),
            Err(e) if e.code.row().http_status < 500 => {
                run.transcript.push(format!("Bot (not sent: {}): {}", e.details, summary(msg)))
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// The names of the conversation's labels.
    async fn chat_labels(&self, phone: &PhoneNumber, wa_id: &str) -> Result<Vec<String>, ApiError> {
        let ids = self.store.chat_row(&phone.id, wa_id).await?.map(|c| c.label_ids).unwrap_or_default();
        let labels = self.store.labels(&phone.business_id).await?;
        Ok(labels.into_iter().filter(|l| ids.contains(&l.id)).map(|l| l.name).collect())
    }

    /// The business's label `name`, created the first time.
    async fn label(&self, phone: &PhoneNumber, name: &str) -> Result<Label, ApiError> {
        let business_id = &phone.business_id;
        if let Some(l) = self.store.labels(business_id).await?.into_iter().find(|l| same(&l.name, name)) {
            return Ok(l);
        }
        let l = Label {
            id: crate::ids::new_object_id(),
            business_id: business_id.clone(),
            name: name.trim().to_string(),
            colour: LABEL_COLOUR.to_string(),
            created_at: self.clock.now_ms(),
        };
        if self.store.create_label(&l).await? {
            return Ok(l);
        }
        // Created by a concurrent message in between: read it back.
        Ok(self.store.labels(business_id).await?.into_iter().find(|x| same(&x.name, name)).unwrap_or(l))
    }
}
