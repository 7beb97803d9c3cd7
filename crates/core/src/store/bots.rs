//! Chatbots of a business number: every uploaded version of a bot, and each conversation's run.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;

/// One version of a number's bot (the highest version of an id is the one that runs).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BotRow {
    pub id: String,
    pub version: i64,
    pub business_id: String,
    pub phone_number_id: String,
    pub name: String,
    /// The definition as uploaded (validated): `{name, trigger, start, steps, …}`.
    pub definition: serde_json::Value,
    /// Off: kept, never started.
    pub enabled: bool,
    pub created_at: Millis,
}

/// A bot's run in one conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct BotRun {
    pub phone_number_id: String,
    pub wa_id: String,
    pub bot_id: String,
    /// The version the run started on (it finishes on it, even when a newer one is uploaded).
    pub version: i64,
    /// The step waiting for the customer's answer.
    pub step: String,
    /// The answers so far, by variable name.
    pub variables: serde_json::Map<String, serde_json::Value>,
    /// Wrong answers left at `step` before its `on_fail`.
    pub retries: i64,
    /// What the bot and the customer said, a line each.
    pub transcript: Vec<String>,
    /// `running`, `handed_off` (a person of the team has it), `ended`, or `closed` (the team
    /// closed the conversation: the next message starts over).
    pub state: String,
    pub updated_at: Millis,
    /// The revision the run was read at (0: not stored yet). A write stores `revision + 1`
    /// only when the stored run still has this revision.
    pub revision: i64,
    /// A `wait` step resumes the run at this time (the sweep looks for due runs).
    pub wake_at: Option<Millis>,
}

/// What a customer's message needs to know of a conversation's bot, read at once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BotContext {
    /// The number's bots revision (raised by every upload and delete); `None`: no bot ever.
    pub bots_revision: Option<i64>,
    /// The person of the team the conversation is assigned to.
    pub assignee_id: Option<String>,
    /// The conversation's run, whatever its state.
    pub run: Option<BotRun>,
}

#[async_trait]
pub trait BotStore: Send + Sync {
    /// Every version of the number's bots, by id then version.
    async fn bot_rows(&self, phone_number_id: &str) -> StoreResult<Vec<BotRow>>;
    /// Every version of one bot of the number, oldest first.
    async fn bot_versions(&self, phone_number_id: &str, id: &str) -> StoreResult<Vec<BotRow>>;
    /// Add a version; `false` when that id and version exist already.
    async fn put_bot(&self, b: &BotRow) -> StoreResult<bool>;
    /// Delete every version of the bot and its runs; whether it was there.
    async fn delete_bot(&self, phone_number_id: &str, id: &str) -> StoreResult<bool>;
    /// The number's bots revision, the conversation's assignee and its run, in one read.
    async fn bot_context(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<BotContext>;
    /// The number's bots revision and whether any conversation of it has a bot run (in any
    /// state), in one read.
    async fn bot_presence(&self, phone_number_id: &str) -> StoreResult<(Option<i64>, bool)>;
    /// Write the conversation's run with revision `r.revision + 1`; `false` (nothing written)
    /// when the stored run's revision is no longer `r.revision` (another handler advanced it).
    async fn put_bot_run(&self, r: &BotRun) -> StoreResult<bool>;
    /// The team closed the conversation: its run, if any, is over (state `closed`).
    async fn close_bot_run(&self, phone_number_id: &str, wa_id: &str, at: Millis) -> StoreResult<()>;
    /// Running runs whose wait ended by `now`, as `(phone_number_id, wa_id)`, at most `limit`.
    async fn due_bot_runs(&self, now: Millis, limit: i64) -> StoreResult<Vec<(String, String)>>;
    /// The business's next round-robin turn (0, 1, 2, …), counted in the database.
    async fn next_bot_turn(&self, business_id: &str) -> StoreResult<i64>;
}
