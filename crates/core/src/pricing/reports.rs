//! Reads of what was sent and charged: the `analytics`, `pricing_analytics` and
//! `conversation_analytics` fields of a WABA, and the windows of a number's conversations.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::analytics::{MessagingQuery, PricingQuery};
use super::conversation_analytics::ConversationQuery;
use crate::clock::{Clock, Millis};
use crate::error::ApiError;
use crate::model::ConversationWindows;
use crate::store::Store;

#[derive(Clone)]
pub struct ReportService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl ReportService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        ReportService { store, clock }
    }

    /// `analytics.start(…).end(…).granularity(…)…` of one WABA: sent and delivered messages.
    pub async fn messaging_analytics(&self, waba_id: &str, modifiers: &str) -> Result<Value, ApiError> {
        let q = MessagingQuery::parse(modifiers)?;
        let (from, to) = q.range_ms();
        Ok(q.answer(&self.store.outbound_stats(waba_id, from, to).await?))
    }

    /// `pricing_analytics.start(…).end(…).granularity(…)…` of one WABA, from the ledger.
    pub async fn pricing_analytics(&self, waba_id: &str, modifiers: &str) -> Result<Value, ApiError> {
        let q = PricingQuery::parse(modifiers)?;
        let (from, to) = q.range_ms();
        let entries = self.store.ledger(waba_id, from, to).await?;
        let numbers = self.numbers(entries.iter().map(|e| &e.phone_number_id)).await?;
        Ok(q.answer(&entries, &numbers))
    }

    /// `conversation_analytics.start(…).end(…).granularity(…)…` of one WABA, from its
    /// delivered CBP conversations.
    pub async fn conversation_analytics(&self, waba_id: &str, modifiers: &str) -> Result<Value, ApiError> {
        let q = ConversationQuery::parse(modifiers)?;
        let (from, to) = q.range_ms();
        let convs = self.store.conversations(waba_id, from, to).await?;
        let numbers = self.numbers(convs.iter().map(|c| &c.phone_number_id)).await?;
        Ok(q.answer(&convs, &numbers))
    }

    /// The conversations of a business number (one customer's when `wa_id` is given), most
    /// recent first, and the time their windows are computed at.
    pub async fn conversation_windows(
        &self,
        phone_number_id: &str,
        wa_id: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<ConversationWindows>, Millis), ApiError> {
        let rows = self.store.conversation_windows(phone_number_id, wa_id, limit).await?;
        Ok((rows, self.clock.now_ms()))
    }

    /// Phone number id → digits, as data points show numbers.
    async fn numbers<'a>(&self, ids: impl Iterator<Item = &'a String>) -> Result<HashMap<String, String>, ApiError> {
        let mut numbers = HashMap::new();
        for id in ids {
            if !numbers.contains_key(id) {
                let n = self.store.phone_number(id).await?.map(|p| p.number).unwrap_or_default();
                numbers.insert(id.clone(), n);
            }
        }
        Ok(numbers)
    }
}
