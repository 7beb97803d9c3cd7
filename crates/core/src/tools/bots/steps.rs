//! The steps that reach outside the conversation: `http` (a signed request to the business's
//! endpoint, its JSON answer saved into variables) and the end of a `wait` (the sweep resumes
//! runs whose time came).

use serde_json::{json, Value};

use super::answers::{fill, fill_url};
use super::definition::{HTTP_TIMEOUT_MAX_MS, HTTP_TIMEOUT_MS};
use super::runner::{Chat, Halt, Handled, RACE_ATTEMPTS};
use super::BotService;
use crate::error::ApiError;
use crate::ports::{BotRequest, BOT_ANSWER_MAX};
use crate::store::{BotRow, BotRun};

/// Due runs resumed per sweep round at most.
const RESUMED_PER_ROUND: i64 = 100;

impl BotService {
    /// The `http` step: the request signed with the app secret of the number's WABA (as its
    /// webhooks are), its JSON answer's values saved into variables; whether it succeeded (an
    /// unreachable endpoint, a timeout, a non-2xx status or an answer that is not JSON fail,
    /// each noted in the transcript). No store transaction is open meanwhile.
    pub(super) async fn call(&self, chat: &Chat<'_>, bot: &BotRow, run: &mut BotRun, step: &Value) -> Handled<bool> {
        let method = if step["method"] == "GET" { "GET" } else { "POST" };
        let url = fill_url(step["url"].as_str().unwrap_or_default(), &run.variables);
        let body = if method == "POST" {
            let data = fill(step.get("body").unwrap_or(&json!({})), &run.variables);
            json!({
                "object": "risala_bot",
                "phone_number_id": chat.phone.id,
                "wa_id": chat.wa_id,
                "bot": {"id": bot.id, "version": bot.version, "step": run.step},
                "data": data,
            })
            .to_string()
            .into_bytes()
        } else {
            Vec::new()
        };
        let subs = self.store.waba_subscriptions(&chat.phone.waba_id).await?;
        let app = crate::webhooks::signing_app(self.store.as_ref(), &chat.phone.business_id, &subs).await?;
        let signature = app.map(|a| crate::ids::signature_header(&a.app_secret, &body));
        let timeout_ms = step["timeout_ms"].as_u64().unwrap_or(HTTP_TIMEOUT_MS).min(HTTP_TIMEOUT_MAX_MS);
        let req = BotRequest { method, url: url.clone(), body, signature, timeout_ms };
        let answer = match self.caller.call(req).await {
            Ok((status, bytes)) if (200..300).contains(&status) => {
                if bytes.len() > BOT_ANSWER_MAX {
                    Err(format!("HTTP {status}, an answer larger than {BOT_ANSWER_MAX} bytes"))
                } else if bytes.iter().all(u8::is_ascii_whitespace) {
                    Ok((status, json!({})))
                } else {
                    serde_json::from_slice::<Value>(&bytes)
                        .map(|v| (status, v))
                        .map_err(|_| format!("HTTP {status}, the answer is not JSON"))
                }
            }
            Ok((status, _)) => Err(format!("HTTP {status}")),
            Err(e) => Err(e),
        };
        match answer {
            Ok((status, v)) => {
                run.transcript.push(format!("Bot: called {method} {url}: HTTP {status}"));
                for (var, pointer) in step["save"].as_object().into_iter().flatten() {
                    let pointer = pointer.as_str().unwrap_or_default();
                    match v.pointer(pointer) {
                        Some(x) => {
                            run.variables.insert(var.clone(), x.clone());
                        }
                        None => run.transcript.push(format!("Bot: the answer has nothing at {pointer} for {var}")),
                    }
                }
                Ok(true)
            }
            Err(e) => {
                run.transcript.push(format!("Bot: the call {method} {url} failed ({e})"));
                Ok(false)
            }
        }
    }

    /// Resume the runs whose `wait` ended by the service clock: each goes on at its step's
    /// `next`, one at a time per conversation like customers' messages. Returns how many
    /// resumed; a run that fails is left for the next round and the others go on.
    pub async fn resume_due(&self) -> Result<u64, ApiError> {
        let now = self.clock.now_ms();
        let mut resumed = 0;
        let mut first_error = None;
        for (phone_number_id, wa_id) in self.store.due_bot_runs(now, RESUMED_PER_ROUND).await? {
            let lock = self.conversation_lock(&phone_number_id, &wa_id);
            let _one_at_a_time = lock.lock().await;
            for _ in 0..RACE_ATTEMPTS {
                match self.resume(&phone_number_id, &wa_id, now).await {
                    Ok(done) => {
                        resumed += u64::from(done);
                        break;
                    }
                    Err(Halt::Raced) => continue,
                    Err(Halt::Failed(e)) => {
                        first_error.get_or_insert(e);
                        break;
                    }
                }
            }
        }
        match first_error {
            Some(e) if resumed == 0 => Err(e),
            _ => Ok(resumed),
        }
    }

    /// Resume one conversation's run if its wait is still due (another node may have done it).
    async fn resume(&self, phone_number_id: &str, wa_id: &str, now: i64) -> Handled<bool> {
        let ctx = self.store.bot_context(phone_number_id, wa_id).await?;
        let Some(mut run) = ctx.run.filter(|r| r.state == "running" && r.wake_at.is_some_and(|t| t <= now)) else {
            return Ok(false);
        };
        run.wake_at = None;
        let rows = self.number_bots(phone_number_id, ctx.bots_revision).await?;
        let bot = rows.iter().find(|b| b.id == run.bot_id && b.version == run.version).cloned();
        let phone = self.messaging.phone(phone_number_id).await?;
        let (Some(bot), Some(phone), None) = (bot, phone, ctx.assignee_id.as_ref()) else {
            // The bot was deleted, or a person took the conversation meanwhile.
            run.state = if ctx.assignee_id.is_some() { "handed_off" } else { "ended" }.into();
            self.save(&mut run).await?;
            return Ok(true);
        };
        let chat = Chat { phone: &phone, wa_id, message_at: None };
        let next = bot.definition["steps"][&run.step]["next"].as_str().unwrap_or_default().to_string();
        self.go(&chat, &bot, run, next).await?;
        Ok(true)
    }
}
