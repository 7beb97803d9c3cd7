//! The verified badge on the Graph API, in Meta's shapes:
//! - `POST /{phone-number-id}/official_business_account` with `business_website_url`,
//!   `primary_country_of_operation`, `primary_language`, `parent_business_or_brand`,
//!   `supporting_links` (up to 5) and `additional_supporting_information` → `{"success":true}`
//!   (a submission, not an approval); management permission;
//! - `GET /{phone-number-id}/official_business_account` → `{id, oba_status, status_message}`;
//! - `GET /{phone-number-id}?fields=official_business_account` →
//!   `{"official_business_account":{"oba_status":…,"status_message":…},"id":…}`, and
//!   `is_official_business_account` among the number's fields.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::badges;
use risala_core::graph::{parse_fields, project_node, Node};
use risala_core::model::{ObjectKind, Permission, PhoneNumber};
use serde_json::{json, Map, Value};

use super::resolve;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

const NODE: Node =
    Node { name: "WhatsAppBusinessOfficialBusinessAccount", default: &["oba_status", "status_message"], optional: &[] };

async fn phone(state: &AppState, caller: &Caller, id: &str) -> GraphResult<PhoneNumber> {
    resolve(state, caller, id, &[ObjectKind::PhoneNumber]).await?;
    Ok(state.tenancy.phone_number(id, Some(&caller.0.business_id)).await?)
}

/// The number's `official_business_account` object (a due decision applied first) and its
/// `is_official_business_account`.
pub async fn status(state: &AppState, p: &PhoneNumber) -> GraphResult<(Map<String, Value>, bool)> {
    let latest = state.badges.latest(p).await?;
    let (status, message) = badges::status_of(latest.as_ref());
    let official = status == "APPROVED";
    let mut m = Map::new();
    m.insert("oba_status".into(), json!(status));
    m.insert("status_message".into(), json!(message));
    Ok((m, official))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let p = phone(&state, &caller, &id).await?;
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let (mut m, _) = status(&state, &p).await?;
    m.insert("id".into(), json!(p.id));
    Ok(Json(project_node(&m, fields.as_deref(), &NODE)?))
}

pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let p = phone(&state, &caller, &id).await?;
    caller.require(Permission::Management)?;
    state.badges.submit(&p, &body).await?;
    // Meta: `true` means the request was submitted, not approved.
    Ok(Json(json!({"success": true})))
}
