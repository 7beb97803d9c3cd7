//! FAQ answers of a business number: its question → answer entries and its settings.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;

/// One question a number answers by itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FaqEntry {
    pub id: String,
    pub business_id: String,
    pub phone_number_id: String,
    /// The question as the business writes it.
    pub question: String,
    /// The text sent back.
    pub answer: String,
    /// Words or short phrases whose presence in a question points at this entry.
    pub keywords: Vec<String>,
    /// Other ways customers ask the same question (any language).
    pub phrasings: Vec<String>,
    /// Off: kept, never matched.
    pub enabled: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// How a number answers questions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FaqSettings {
    pub phone_number_id: String,
    /// Answer automatically at all.
    pub enabled: bool,
    /// The lowest score (percent, 1–100) answered automatically.
    pub threshold: u8,
    /// The reply button under an answer that hands the chat to a person (≤ 20 characters).
    pub handoff_button: String,
    /// Sent when a customer presses that button; empty: nothing is sent.
    pub handoff_reply: String,
    pub updated_at: Millis,
}

#[async_trait]
pub trait FaqStore: Send + Sync {
    /// The number's entries, oldest first.
    async fn faq_entries(&self, phone_number_id: &str) -> StoreResult<Vec<FaqEntry>>;
    /// One entry of the number.
    async fn faq_entry(&self, phone_number_id: &str, id: &str) -> StoreResult<Option<FaqEntry>>;
    /// Insert the entry, or write every field of the existing one with its id.
    async fn put_faq_entry(&self, e: &FaqEntry) -> StoreResult<()>;
    /// Delete the number's entry; whether it was there.
    async fn delete_faq_entry(&self, phone_number_id: &str, id: &str) -> StoreResult<bool>;
    /// The number's settings, when they were ever saved.
    async fn faq_settings(&self, phone_number_id: &str) -> StoreResult<Option<FaqSettings>>;
    /// Save the number's settings.
    async fn put_faq_settings(&self, s: &FaqSettings) -> StoreResult<()>;
}
