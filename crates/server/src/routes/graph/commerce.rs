//! `GET|POST /{phone-number-id}/whatsapp_commerce_settings`: a number's cart and catalog
//! visibility. Reading is allowed with either permission, changing needs
//! `whatsapp_business_management`. POST takes its values from the query string or the body.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::graph::{parse_fields, project_node, Node};
use risala_core::model::{ObjectKind, Permission};
use serde_json::{json, Value};

use super::resolve;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

/// The settings node. `catalog_id` (which pywa asks for) is the catalog connected to the
/// number's WABA (`POST /{waba-id}/product_catalogs`); a number without one lacks the field.
const NODE: Node = Node {
    name: "WhatsAppCommerceSettings",
    default: &["is_cart_enabled", "is_catalog_visible"],
    optional: &["catalog_id"],
};

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let fields = q.get("fields").map(parse_fields).transpose()?;
    resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    let s = state.messaging.commerce_settings(&id).await?;
    let mut all = s.to_json(&id).as_object().cloned().unwrap_or_default();
    let phone = state.tenancy.phone_number(&id, Some(&caller.0.business_id)).await?;
    if let Some(c) = state.catalogs.waba_catalog(&phone.waba_id).await? {
        all.insert("catalog_id".into(), c.id.into());
    }
    let entry = project_node(&all, fields.as_deref(), &NODE)?;
    Ok(Json(json!({"data": [entry]})))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    state.messaging.update_commerce_settings(&id, &body).await?;
    Ok(Json(json!({"success": true})))
}
