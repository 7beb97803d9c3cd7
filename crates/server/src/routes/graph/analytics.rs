//! Analytics fields of a WABA read (`GET /{waba-id}?fields=pricing_analytics…`), from the ledger.

use std::collections::HashMap;

use risala_core::pricing::analytics::{MessagingQuery, PricingQuery};
use risala_core::pricing::conversation_analytics::ConversationQuery;
use serde_json::Value;

use crate::error::GraphResult;
use crate::state::AppState;

/// `analytics.start(…).end(…).granularity(…)…` of one WABA: sent and delivered messages.
pub async fn messaging(state: &AppState, waba_id: &str, modifiers: &str) -> GraphResult<Value> {
    let q = MessagingQuery::parse(modifiers)?;
    let (from, to) = q.range_ms();
    Ok(q.answer(&state.store.outbound_stats(waba_id, from, to).await?))
}

/// `pricing_analytics.start(…).end(…).granularity(…)…` of one WABA.
pub async fn pricing(state: &AppState, waba_id: &str, modifiers: &str) -> GraphResult<Value> {
    let q = PricingQuery::parse(modifiers)?;
    let (from, to) = q.range_ms();
    let entries = state.store.ledger(waba_id, from, to).await?;
    let numbers = numbers(state, entries.iter().map(|e| &e.phone_number_id)).await?;
    Ok(q.answer(&entries, &numbers))
}

/// `conversation_analytics.start(…).end(…).granularity(…)…` of one WABA, from its delivered
/// CBP conversations.
pub async fn conversations(state: &AppState, waba_id: &str, modifiers: &str) -> GraphResult<Value> {
    let q = ConversationQuery::parse(modifiers)?;
    let (from, to) = q.range_ms();
    let convs = state.store.conversations(waba_id, from, to).await?;
    let numbers = numbers(state, convs.iter().map(|c| &c.phone_number_id)).await?;
    Ok(q.answer(&convs, &numbers))
}

/// Phone number id → digits, as data points show numbers.
async fn numbers<'a>(state: &AppState, ids: impl Iterator<Item = &'a String>) -> GraphResult<HashMap<String, String>> {
    let mut numbers = HashMap::new();
    for id in ids {
        if !numbers.contains_key(id) {
            let n = state.store.phone_number(id).await?.map(|p| p.number).unwrap_or_default();
            numbers.insert(id.clone(), n);
        }
    }
    Ok(numbers)
}
