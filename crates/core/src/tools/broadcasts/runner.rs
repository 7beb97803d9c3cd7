//! Sending a broadcast: a runner claims it through its lease (so two nodes never send the same
//! broadcast), then sends its queued recipients one by one through the send path of
//! `POST /{phone-number-id}/messages`, paced so that the broadcast itself never meets the
//! throughput limit (130429) nor the messaging limit (131048):
//!
//! - one message every `1 / throughput` seconds (the number's configured throughput, else
//!   Meta's default of 80), catching up at most one slot after a slow send; before each send
//!   the number's throughput bucket (shared with API sends) is checked, and the runner waits
//!   for a token rather than taking the 130429;
//! - before a business-initiated template (no open customer service window), the messaging
//!   limit is checked; when the tier's unique customers are used up the broadcast pauses with
//!   the reason and is picked up again a minute later (and so on until the 24-hour window has
//!   room again);
//! - customers who blocked the number, whom the business blocked, or who stopped marketing
//!   messages (for a marketing template) are skipped and counted.
//!
//! Each recipient's outcome is written as soon as its message is accepted; the lease is
//! renewed every second, when the broadcast's state is read again (a cancel stops it there).

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::Value;

use super::{message_body, state, BroadcastService};
use crate::clock::Millis;
use crate::error::{ApiError, ErrorCode};
use crate::messaging::{SendOutcome, SERVICE_WINDOW_MS};
use crate::model::{BlockSide, PhoneNumber, Template, TemplateCategory};
use crate::store::{BroadcastRow, RecipientOutcome};

/// How long a claim lasts without renewal (a runner that died frees its broadcasts then).
pub const LEASE_MS: Millis = 30_000;
/// A broadcast paused by the messaging limit is tried again this long after.
pub const LIMIT_RETRY_MS: Millis = 60_000;
const BATCH: usize = 200;
/// Progress is told to open pages at most this often.
const TELL_EVERY_MS: Millis = 250;

/// Waiting, for the runner: the server's timer (core has no runtime of its own).
#[async_trait]
pub trait Sleeper: Send + Sync {
    async fn sleep_ms(&self, ms: u64);
}

/// What happens to one recipient.
enum Step {
    Done {
        state: &'static str,
        reason: Option<String>,
        message_id: Option<String>,
    },
    /// The broadcast pauses, with this reason.
    Pause(String),
}

/// The number's blocks: wa_id → (the customer blocked the number, the business blocked them).
type Blocks = HashMap<String, (bool, bool)>;

impl BroadcastService {
    /// Broadcasts `owner` may claim now.
    pub async fn due(&self, owner: &str) -> Result<Vec<String>, ApiError> {
        Ok(self.store.due_broadcasts(owner, self.now(), 50).await?)
    }

    /// Claim broadcast `id` for `owner` and send what is queued, until it is done, paused,
    /// cancelled or the lease is lost.
    pub async fn work(&self, id: &str, owner: &str, sleeper: &dyn Sleeper) -> Result<(), ApiError> {
        let now = self.now();
        if !self.store.lease_broadcast(id, owner, now, now + LEASE_MS).await? {
            return Ok(());
        }
        let out = self.send_all(id, owner, sleeper).await;
        self.store.release_broadcast(id, owner).await?;
        out
    }

    async fn blocks(&self, phone_number_id: &str) -> Result<Blocks, ApiError> {
        let mut m = Blocks::new();
        for (wa_id, side) in self.store.number_blocks(phone_number_id).await? {
            let e = m.entry(wa_id).or_default();
            match side {
                BlockSide::Customer => e.0 = true,
                BlockSide::Business => e.1 = true,
            }
        }
        Ok(m)
    }

    async fn pause(&self, b: &BroadcastRow, reason: &str) -> Result<(), ApiError> {
        let now = self.now();
        self.store
            .set_broadcast_state(&b.id, &[state::RUNNING], state::PAUSED, Some(reason), now + LIMIT_RETRY_MS, now)
            .await?;
        self.watcher.changed(&b.business_id, &b.id);
        Ok(())
    }

    async fn send_all(&self, id: &str, owner: &str, sleeper: &dyn Sleeper) -> Result<(), ApiError> {
        let Some(b) = self.store.broadcast(id).await? else { return Ok(()) };
        let now = self.now();
        let from = [state::SCHEDULED, state::PAUSED, state::RUNNING];
        if !self.store.set_broadcast_state(id, &from, state::RUNNING, None, now, now).await? {
            return Ok(());
        }
        self.watcher.changed(&b.business_id, id);
        let Some(phone) = self.messaging.phone(&b.phone_number_id).await? else {
            let why = "the business number no longer exists";
            self.store.set_broadcast_state(id, &[state::RUNNING], state::CANCELLED, Some(why), now, now).await?;
            return Ok(());
        };
        let template = match b.message["type"].as_str() {
            Some("template") => match self.template(&phone, &b.message["template"]).await {
                Ok(t) => Some(t),
                // A template paused or deleted meanwhile: wait for it, as for the limit.
                Err(e) => return self.pause(&b, &e.details).await,
            },
            _ => None,
        };
        let text = b.message["text"]["body"].as_str().map(str::to_string);
        let interval_us = 1_000_000 / i64::from(self.messaging.throughput_mps().max(1));
        let mut next_slot_us = self.now() * 1000;
        let mut blocks = self.blocks(&phone.id).await?;
        let (mut beat, mut told) = (self.now(), self.now());
        loop {
            let batch = self.store.queued_recipients(id, BATCH).await?;
            if batch.is_empty() {
                let now = self.now();
                self.store.set_broadcast_state(id, &[state::RUNNING], state::COMPLETED, None, now, now).await?;
                self.watcher.changed(&b.business_id, id);
                return Ok(());
            }
            for r in batch {
                let now = self.now();
                if now - beat >= 1000 {
                    beat = now;
                    if !self.store.lease_broadcast(id, owner, now, now + LEASE_MS).await? {
                        return Ok(());
                    }
                    if self.store.broadcast(id).await?.is_none_or(|x| x.state != state::RUNNING) {
                        return Ok(());
                    }
                    blocks = self.blocks(&phone.id).await?;
                }
                let params = r.params.as_object().cloned().unwrap_or_default();
                let body = message_body(template.as_ref(), text.as_deref(), &params);
                let step = self
                    .step(&phone, template.as_ref(), &blocks, &r.wa_id, body, &mut next_slot_us, interval_us, sleeper)
                    .await?;
                match step {
                    Step::Pause(reason) => return self.pause(&b, &reason).await,
                    Step::Done { state, reason, message_id } => {
                        let o = RecipientOutcome {
                            seq: r.seq,
                            state,
                            reason: reason.as_deref(),
                            message_id: message_id.as_deref(),
                            at: self.now(),
                        };
                        self.store.record_recipients(id, &[o]).await?;
                    }
                }
                if self.now() - told >= TELL_EVERY_MS {
                    told = self.now();
                    self.watcher.changed(&b.business_id, id);
                }
            }
        }
    }

    /// Skip, pause, or pace and send to one recipient.
    #[allow(clippy::too_many_arguments)]
    async fn step(
        &self,
        phone: &PhoneNumber,
        template: Option<&Template>,
        blocks: &Blocks,
        wa_id: &str,
        mut body: Value,
        next_slot_us: &mut i64,
        interval_us: i64,
        sleeper: &dyn Sleeper,
    ) -> Result<Step, ApiError> {
        let skip = |state, reason: &str| Ok(Step::Done { state, reason: Some(reason.to_string()), message_id: None });
        match blocks.get(wa_id) {
            Some((true, _)) => return skip("skipped_blocked", "the customer blocked this business number"),
            Some((_, true)) => return skip("skipped_blocked", "this business blocked the customer"),
            _ => {}
        }
        let marketing = template.is_some_and(|t| t.category == TemplateCategory::Marketing);
        if marketing && self.store.marketing_stopped(&phone.business_id, wa_id).await? {
            return skip("skipped_opted_out", "the customer stopped marketing messages from this business");
        }
        if template.is_some() {
            let now = self.now();
            let last = self.store.conversation(&phone.id, wa_id).await?.and_then(|c| c.last_inbound_at);
            let open = last.is_some_and(|t| now - t < SERVICE_WINDOW_MS);
            if !open {
                if let Some(reason) = self.messaging.quality().limit_room(phone, wa_id, now).await? {
                    return Ok(Step::Pause(reason));
                }
            }
        }
        body["to"] = Value::String(wa_id.to_string());
        let body = body.as_object().cloned().unwrap_or_default();
        loop {
            // Our own pace first, then the number's bucket (API sends share it).
            let now_us = self.now() * 1000;
            if *next_slot_us > now_us {
                sleeper.sleep_ms(((*next_slot_us - now_us + 999) / 1000) as u64).await;
                continue;
            }
            if let Err(wait) = self.messaging.throughput_ready(&phone.id) {
                sleeper.sleep_ms(wait.max(1) as u64).await;
                continue;
            }
            // At most one slot of catching up after a slow send: never a burst.
            *next_slot_us = (*next_slot_us).max(now_us - interval_us) + interval_us;
            match self.messaging.send(phone, &body).await {
                Ok(SendOutcome::Accepted { message_id, .. }) => {
                    return Ok(Step::Done { state: "sent", reason: None, message_id: Some(message_id) })
                }
                Ok(SendOutcome::Success) => {
                    return Ok(Step::Done { state: "failed", reason: Some("not a message".into()), message_id: None })
                }
                // An API send of the business took the token meanwhile: wait for the next.
                Err(e) if e.code == ErrorCode::RateLimitHit => continue,
                // Another send used the limit's last room meanwhile.
                Err(e) if e.code == ErrorCode::SpamRateLimit => return Ok(Step::Pause(e.details)),
                Err(e) => {
                    let reason = format!("(#{}) {}", e.code.row().code, e.details);
                    return Ok(Step::Done { state: "failed", reason: Some(reason), message_id: None });
                }
            }
        }
    }
}
