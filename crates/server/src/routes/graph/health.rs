//! `fields=health_status` on a phone number, a WABA or a template: the node itself (a number or
//! a template), then the WABA, its business portfolio and the business's app, each as the send
//! path would treat it now ([`risala_core::health`]).

use risala_core::health::{self, CanSend, Entity};
use risala_core::model::Waba;
use serde_json::Value;

use crate::error::GraphResult;
use crate::state::AppState;

/// The `health_status` of a node of `waba`; `node` is the number or template targeted.
pub async fn health_status(state: &AppState, waba: &Waba, node: Option<Entity>) -> GraphResult<Value> {
    Ok(summary(node, &around(state, waba).await?))
}

/// The nodes every send through `waba` involves: the WABA, its business, the business's app.
pub async fn around(state: &AppState, waba: &Waba) -> GraphResult<Vec<Entity>> {
    // Risala has no WABA-level hold (a ban, an unpaid account): a WABA never stops sends.
    let mut entities = vec![Entity::new("WABA", &waba.id, CanSend::Available)];
    let limits = state.messaging.quality().view(&waba.business_id).await?;
    entities.push(health::business(&waba.business_id, limits.tier, limits.unique_customers_24h));
    if let Some(app) = state.tenancy.first_app(&waba.business_id).await? {
        entities.push(Entity::new("APP", &app.id, CanSend::Available));
    }
    Ok(entities)
}

/// `node` first, then the nodes around it.
pub fn summary(node: Option<Entity>, around: &[Entity]) -> Value {
    let entities: Vec<Entity> = node.into_iter().chain(around.iter().cloned()).collect();
    health::health_status(&entities)
}

/// Whether `fields=` asks for `health_status`.
pub fn wanted(fields: Option<&[risala_core::graph::FieldSel]>) -> bool {
    fields.is_some_and(|f| f.iter().any(|f| f.name == "health_status"))
}
