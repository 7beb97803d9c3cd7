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
    /// The conversation's run, whatever its state.
    async fn bot_run(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<BotRun>>;
    /// Write the conversation's run.
    async fn put_bot_run(&self, r: &BotRun) -> StoreResult<()>;
    /// The team closed the conversation: its run, if any, is over (state `closed`).
    async fn close_bot_run(&self, phone_number_id: &str, wa_id: &str, at: Millis) -> StoreResult<()>;
}
