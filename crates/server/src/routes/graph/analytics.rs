//! Analytics fields of a WABA read (`GET /{waba-id}?fields=pricing_analytics…`), from the ledger.

use std::collections::HashMap;

use risala_core::pricing::analytics::{MessagingQuery, PricingQuery};
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
    let mut numbers = HashMap::new();
    for e in &entries {
        if !numbers.contains_key(&e.phone_number_id) {
            let n = state.store.phone_number(&e.phone_number_id).await?.map(|p| p.number).unwrap_or_default();
            numbers.insert(e.phone_number_id.clone(), n);
        }
    }
    Ok(q.answer(&entries, &numbers))
}
