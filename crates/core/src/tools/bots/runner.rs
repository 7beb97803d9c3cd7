//! Running a bot in a conversation: each customer message continues the run (the answer to
//! the step it waits at), or starts the bot whose trigger it matches; the bot then goes on
//! step by step until it waits for an answer again, hands off, or ends.

use serde_json::{json, Map, Value};

use super::answers::{default_error, fill, flow_answers, said, same, summary, valid};
use super::definition::DEFAULT_HANDOFF_KEYWORDS;
use super::BotService;
use crate::clock::Millis;
use crate::error::{ApiError, StoreError};
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
    Stop,
    /// The step failed without an `on_fail`: a person takes over.
    Handoff,
}

/// Why handling a message stopped short.
pub(super) enum Halt {
    Failed(ApiError),
    /// Another handler (another node) wrote the run since it was read: read it again.
    Raced,
}

impl From<ApiError> for Halt {
    fn from(e: ApiError) -> Self {
        Halt::Failed(e)
    }
}

impl From<StoreError> for Halt {
    fn from(e: StoreError) -> Self {
        Halt::Failed(e.into())
    }
}

pub(super) type Handled<T = Outcome> = Result<T, Halt>;

/// Times a message is handled again after another node advanced its run meanwhile.
pub(super) const RACE_ATTEMPTS: usize = 3;

/// The conversation the bot talks in, and when the customer's message it answers was received
/// (none when a wait ended).
pub(super) struct Chat<'a> {
    pub phone: &'a PhoneNumber,
    pub wa_id: &'a str,
    pub message_at: Option<Millis>,
}

/// The `flow_token` of a bot's flow message: the nfm_reply that carries it answers that step.
pub(super) fn flow_token(bot: &BotRow, step: &str) -> String {
    format!("risala-bot:{}:{}", bot.id, step)
}

impl BotService {
    /// A customer's message to a number was stored: the bot answers it, or stays out. Called
    /// once per inbound message, before the FAQ (which stays silent when the bot answered).
    /// The conversation's messages are handled one at a time (see the module's comment).
    pub async fn on_inbound(&self, m: &Message) -> Result<Outcome, ApiError> {
        if m.direction != Direction::Inbound || matches!(m.kind.as_str(), "reaction" | "system") {
            return Ok(Outcome::Ignored);
        }
        // What the read below would find for such a number: no run, no bot.
        if self.quiet(&m.phone_number_id).await? {
            return Ok(Outcome::Ignored);
        }
        let lock = self.conversation_lock(&m.phone_number_id, &m.wa_id);
        let _one_at_a_time = lock.lock().await;
        for _ in 0..RACE_ATTEMPTS {
            match self.inbound(m).await {
                Ok(o) => return Ok(o),
                Err(Halt::Failed(e)) => return Err(e),
                Err(Halt::Raced) => continue,
            }
        }
        Err(ApiError::bad_value(
            "the conversation's bot run kept changing on another server; the message was not answered",
        ))
    }

    /// [`Self::on_inbound`] on the run as read now: one store read in the common case (the
    /// run, the assignee and the number's bots revision; the bots come from the cache).
    async fn inbound(&self, m: &Message) -> Handled {
        let ctx = self.store.bot_context(&m.phone_number_id, &m.wa_id).await?;
        let run = ctx.run;
        let state = run.as_ref().map(|r| r.state.as_str());
        if state == Some("handed_off") {
            return Ok(Outcome::Silent);
        }
        let rows = self.number_bots(&m.phone_number_id, ctx.bots_revision).await?;
        if rows.is_empty() && state != Some("running") {
            return Ok(Outcome::Ignored);
        }
        let Some(phone) = self.messaging.phone(&m.phone_number_id).await? else { return Ok(Outcome::Ignored) };
        let chat = Chat { phone: &phone, wa_id: &m.wa_id, message_at: Some(m.created_at) };
        let held = ctx.assignee_id.is_some();
        if let Some(mut run) = run.clone().filter(|r| r.state == "running") {
            if held {
                // A person took the conversation while the bot was talking: it steps back.
                run.state = "handed_off".into();
                run.wake_at = None;
                self.save(&mut run).await?;
                return Ok(Outcome::Silent);
            }
            let Some(bot) = rows.iter().find(|b| b.id == run.bot_id && b.version == run.version).cloned() else {
                // The bot was deleted: the run is over.
                run.state = "ended".into();
                run.wake_at = None;
                self.save(&mut run).await?;
                return Ok(Outcome::Ignored);
            };
            // Boxed, as the steps below: most inbound messages stop before a bot acts, and the
            // task that runs this on every one of them should not carry a bot's state.
            return Box::pin(self.answer(&chat, m, &bot, run)).await;
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
            // The write expects the run as read (or none).
            revision: run.as_ref().map_or(0, |r| r.revision),
            wake_at: None,
        };
        Box::pin(self.go(&chat, &bot, run, start)).await
    }

    /// Write the run, expecting the revision it was read at.
    pub(super) async fn save(&self, run: &mut BotRun) -> Handled<()> {
        run.updated_at = self.clock.now_ms();
        if !self.store.put_bot_run(run).await? {
            return Err(Halt::Raced);
        }
        run.revision += 1;
        Ok(())
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
    async fn answer(&self, chat: &Chat<'_>, m: &Message, bot: &BotRow, mut run: BotRun) -> Handled {
        let (text, reply_id) = said(m);
        run.transcript.push(format!("Customer: {text}"));
        let def = &bot.definition;
        let keywords: Vec<String> = match def["handoff_keywords"].as_array() {
            Some(k) => k.iter().filter_map(Value::as_str).map(String::from).collect(),
            None => DEFAULT_HANDOFF_KEYWORDS.iter().map(|s| s.to_string()).collect(),
        };
        if m.kind == "text" && keywords.iter().any(|k| same(k, &text)) {
            return self.handoff(chat, bot, run, &json!({})).await;
        }
        let step = def["steps"][&run.step].clone();
        if step["type"] == "wait" {
            // The customer wrote during a wait: kept in the transcript; the wait goes on.
            self.save(&mut run).await?;
            return Ok(Outcome::Ran { bot_id: bot.id.clone(), state: run.state });
        }
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
            Some("flow") => flow_answers(m, &flow_token(bot, &run.step)).map(|answers| {
                run.variables.extend(answers);
                (Value::Null, step["next"].as_str().unwrap_or_default().to_string())
            }),
            _ => None,
        };
        if let Some((value, next)) = chosen {
            if !var.is_empty() {
                run.variables.insert(var, value);
            }
            return self.go(chat, bot, run, next).await;
        }
        if run.retries > 0 {
            run.retries -= 1;
            let kind = step["kind"].as_str().unwrap_or("text");
            let error = match step["error"].as_str() {
                Some(e) => e.to_string(),
                None if step["type"] == "ask" => "Please choose one of the options.".to_string(),
                None if step["type"] == "flow" => "Please fill in the form.".to_string(),
                None => default_error(kind).to_string(),
            };
            let msg = json!({"type": "text", "text": {"body": error}});
            self.send(chat, &mut run, &msg).await?;
            // A question that could not be sent waits all the same, unless it is a flow.
            if self.question(chat, bot, &mut run, &step).await? || step["type"] != "flow" {
                return self.park(bot, run).await;
            }
        }
        self.failed(chat, bot, run, &step).await
    }

    /// The step failed (its retries are used up, its flow or call failed): on to its `on_fail`,
    /// or, without one, to the team.
    async fn failed(&self, chat: &Chat<'_>, bot: &BotRow, run: BotRun, step: &Value) -> Handled {
        match step["on_fail"].as_str() {
            Some(next) => self.go(chat, bot, run, next.to_string()).await,
            None => self.handoff(chat, bot, run, &json!({})).await,
        }
    }

    /// Run steps from `id` until one waits, hands off or ends.
    pub(super) async fn go(&self, chat: &Chat<'_>, bot: &BotRow, mut run: BotRun, id: String) -> Handled {
        let (phone, wa_id) = (chat.phone, chat.wa_id);
        let mut id = id;
        for _ in 0..MAX_STEPS_PER_MESSAGE {
            let step = bot.definition["steps"][&id].clone();
            run.step = id.clone();
            let next = |field: &str| step[field].as_str().map_or(Flow::Stop, |s| Flow::Goto(s.to_string()));
            let on_fail = || step["on_fail"].as_str().map_or(Flow::Handoff, |s| Flow::Goto(s.to_string()));
            let flow = match step["type"].as_str().unwrap_or_default() {
                "send" => {
                    let msg = fill(&step["message"], &run.variables);
                    self.send(chat, &mut run, &msg).await?;
                    next("next")
                }
                "ask" | "collect" | "flow" => {
                    run.retries = step["retry"].as_i64().unwrap_or(1);
                    if self.question(chat, bot, &mut run, &step).await? || step["type"] != "flow" {
                        return self.park(bot, run).await;
                    }
                    // A flow that could not be sent.
                    on_fail()
                }
                "http" => {
                    if self.call(chat, bot, &mut run, &step).await? {
                        next("next")
                    } else {
                        on_fail()
                    }
                }
                "wait" => {
                    let seconds = step["seconds"].as_i64().unwrap_or(1);
                    run.wake_at = Some(self.clock.now_ms() + seconds * 1000);
                    run.transcript.push(format!("Bot: waits {seconds} s"));
                    return self.park(bot, run).await;
                }
                "branch" => {
                    let labels = self.chat_labels(phone, wa_id).await?;
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
                    self.store.set_chat_label(&phone.id, wa_id, &label.id, true).await?;
                    self.notifier.chat_changed(&phone.business_id, &phone.id, wa_id);
                    next("next")
                }
                "set_field" => {
                    let value = fill(&step["value"], &run.variables);
                    let mut fields = std::collections::BTreeMap::new();
                    fields.insert(
                        step["field"].as_str().unwrap_or_default().to_string(),
                        value.as_str().unwrap_or_default().to_string(),
                    );
                    if let Err(e) = self.contacts.upsert(&phone.business_id, wa_id, None, &fields).await {
                        run.transcript.push(format!("Bot: could not set the contact field ({})", e.details));
                    }
                    next("next")
                }
                "handoff" => return self.handoff(chat, bot, run, &step).await,
                _ => {
                    if let Some(text) = step["message"].as_str() {
                        let msg = fill(&json!({"type": "text", "text": {"body": text}}), &run.variables);
                        self.send(chat, &mut run, &msg).await?;
                    }
                    Flow::Stop
                }
            };
            match flow {
                Flow::Goto(n) => id = n,
                Flow::Handoff => return self.handoff(chat, bot, run, &json!({})).await,
                Flow::Stop => {
                    run.state = "ended".into();
                    self.save(&mut run).await?;
                    return Ok(Outcome::Ran { bot_id: bot.id.clone(), state: run.state });
                }
            }
        }
        // Steps that loop without waiting: a person takes over.
        self.handoff(chat, bot, run, &json!({})).await
    }

    /// Send the question of the run's step (`ask`: buttons or a list; `collect`: its text;
    /// `flow`: the flow message); whether it was sent.
    async fn question(&self, chat: &Chat<'_>, bot: &BotRow, run: &mut BotRun, step: &Value) -> Handled<bool> {
        let text = fill(&step["text"], &run.variables);
        let options = step["options"].as_array().cloned().unwrap_or_default();
        let msg = match step["type"].as_str() {
            Some("ask") if step["style"] == "list" => {
                let rows: Vec<Value> = options.iter().map(|o| json!({"id": o["id"], "title": o["title"]})).collect();
                json!({"type": "interactive", "interactive": {"type": "list", "body": {"text": text},
                    "action": {"button": step["button"], "sections": [{"rows": rows}]}}})
            }
            Some("ask") => {
                let buttons: Vec<Value> = options
                    .iter()
                    .map(|o| json!({"type": "reply", "reply": {"id": o["id"], "title": o["title"]}}))
                    .collect();
                json!({"type": "interactive", "interactive": {"type": "button", "body": {"text": text},
                    "action": {"buttons": buttons}}})
            }
            Some("flow") => {
                let mut parameters = json!({"flow_message_version": "3", "flow_id": step["flow_id"],
                    "flow_cta": step["cta"], "flow_token": flow_token(bot, &run.step)});
                if step.get("screen").is_some() || step.get("data").is_some() {
                    let mut payload = Map::new();
                    if let Some(screen) = step.get("screen") {
                        payload.insert("screen".into(), screen.clone());
                    }
                    if let Some(data) = step.get("data") {
                        payload.insert("data".into(), fill(data, &run.variables));
                    }
                    parameters["flow_action"] = json!("navigate");
                    parameters["flow_action_payload"] = Value::Object(payload);
                }
                json!({"type": "interactive", "interactive": {"type": "flow", "body": {"text": text},
                    "action": {"name": "flow", "parameters": parameters}}})
            }
            _ => json!({"type": "text", "text": {"body": text}}),
        };
        Ok(self.send(chat, run, &msg).await?)
    }

    /// The run waits (for the customer's answer, or until `wake_at`): stored as `running`.
    async fn park(&self, bot: &BotRow, mut run: BotRun) -> Handled {
        run.state = "running".into();
        self.save(&mut run).await?;
        Ok(Outcome::Ran { bot_id: bot.id.clone(), state: run.state })
    }

    /// Put the conversation before the team: the label (the step's, or [`DEFAULT_LABEL`]),
    /// reopened, assigned by round robin when the step says so, the transcript as a note; the
    /// customer is told (outside business hours, with the away message).
    async fn handoff(&self, chat: &Chat<'_>, bot: &BotRow, mut run: BotRun, step: &Value) -> Handled {
        let (phone, wa_id) = (chat.phone, chat.wa_id);
        let business_id = &phone.business_id;
        let label = self.label(phone, step["label"].as_str().unwrap_or(DEFAULT_LABEL)).await?;
        self.store.set_chat_label(&phone.id, wa_id, &label.id, true).await?;
        self.store.close_chat(business_id, &phone.id, wa_id, None).await?;
        let people: Vec<_> =
            self.store.users(business_id).await?.into_iter().filter(|u| u.disabled_at.is_none()).collect();
        if step["assign"] == "round_robin" {
            let agents: Vec<_> = people.iter().filter(|u| u.role == Role::Agent).collect();
            if !agents.is_empty() {
                // The turn is counted in the database, so every node takes the next agent.
                let turn = self.store.next_bot_turn(business_id).await?;
                let agent = agents[turn.rem_euclid(agents.len() as i64) as usize];
                self.store.assign_chat(business_id, &phone.id, wa_id, Some(&agent.id)).await?;
            }
        }
        let settings = self.hours.settings(&phone.id).await?;
        let closed = settings.schedule.as_ref().is_some_and(|h| !h.is_open(self.clock.now_ms()));
        let msg = match (&settings.away.message, closed && settings.away.enabled) {
            (Some(away), true) => {
                // The hours' own answer to this very message may have been the away message.
                let state = self.store.auto_reply_state(&phone.id, wa_id).await?;
                let sent = chat.message_at.is_some() && state.and_then(|s| s.away_at) == chat.message_at;
                (!sent).then(|| away.clone())
            }
            _ => {
                let text = step["message"].as_str().unwrap_or(DEFAULT_HANDOFF_MESSAGE);
                Some(fill(&json!({"type": "text", "text": {"body": text}}), &run.variables))
            }
        };
        if let Some(msg) = msg {
            self.send(chat, &mut run, &msg).await?;
        }
        // The note's author is the business's owner (a note needs a person of the business).
        let author = people.iter().find(|u| u.role == Role::Owner).or_else(|| people.first());
        if let Some(author) = author {
            let note = Note {
                id: crate::ids::new_object_id(),
                business_id: business_id.clone(),
                phone_number_id: phone.id.clone(),
                wa_id: wa_id.to_string(),
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
        run.wake_at = None;
        self.save(&mut run).await?;
        self.notifier.chat_changed(business_id, &phone.id, wa_id);
        Ok(Outcome::Ran { bot_id: bot.id.clone(), state: run.state })
    }

    /// Send `msg` (a type and its object) to the customer as the bot; whether it was sent. A
    /// refused send (outside the window, the customer blocked the number, a flow that cannot
    /// be sent) is kept in the transcript, not raised: the customer's message stays received.
    async fn send(&self, chat: &Chat<'_>, run: &mut BotRun, msg: &Value) -> Result<bool, ApiError> {
        let mut body: Map<String, Value> = msg.as_object().cloned().unwrap_or_default();
        body.insert("messaging_product".into(), json!("whatsapp"));
        body.insert("recipient_type".into(), json!("individual"));
        body.insert("to".into(), json!(chat.wa_id));
        body.insert("biz_opaque_callback_data".into(), json!(BOT_TAG));
        match self.messaging.send_from_app(chat.phone, &body).await {
            Ok(_) => run.transcript.push(format!("Bot: {}", summary(msg))),
            Err(e) if e.code.row().http_status < 500 => {
                run.transcript.push(format!("Bot (not sent: {}): {}", e.details, summary(msg)));
                return Ok(false);
            }
            Err(e) => return Err(e),
        }
        Ok(true)
    }

    /// The names of the conversation's labels.
    async fn chat_labels(&self, phone: &PhoneNumber, wa_id: &str) -> Result<Vec<String>, ApiError> {
        let ids = self.store.chat_row(&phone.id, wa_id).await?.map(|c| c.label_ids).unwrap_or_default();
        let labels = self.store.labels(&phone.business_id).await?;
        Ok(labels.into_iter().filter(|l| ids.contains(&l.id)).map(|l| l.name).collect())
    }

    /// The business's label `name`, created the first time.
    async fn label(&self, phone: &PhoneNumber, name: &str) -> Result<Label, ApiError> {
        let now = self.clock.now_ms();
        Ok(crate::inbox::team::label_for(self.store.as_ref(), &phone.business_id, name, LABEL_COLOUR, now).await?)
    }
}
