//! A number's business profile and conversational components:
//! - `GET /{phone-number-id}/whatsapp_business_profile[?fields=…]` →
//!   `{"data":[{…,"messaging_product":"whatsapp"}]}`;
//! - `POST /{phone-number-id}/whatsapp_business_profile` (`about`, `address`, `description`,
//!   `email`, `websites`, `vertical`, `profile_picture_handle`) → `{"success":true}`;
//! - `POST /{phone-number-id}/conversational_automation` (`enable_welcome_message`, `prompts`,
//!   `commands`) → `{"success":true}`; read back with
//!   `GET /{phone-number-id}?fields=conversational_automation`;
//! - `GET /profile-picture/{phone-number-id}/{media-id}`: the picture, public as on WhatsApp
//!   (anyone who chats with the number sees it), served only while it is the picture.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use risala_core::graph::{parse_fields, project_node, Node};
use risala_core::model::{BusinessProfile, ConversationalAutomation, ObjectKind, Permission, VERTICAL_UNDEFINED};
use serde_json::{json, Map, Value};

use super::objects::base_url;
use super::resolve;
use crate::error::{GraphError, GraphResult};
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

/// The fields of a business profile, all answered without `fields=`.
const PROFILE_FIELDS: &[&str] =
    &["about", "address", "description", "email", "profile_picture_url", "websites", "vertical", "messaging_product"];

/// The public URL of a number's profile picture.
pub fn picture_url(base: &str, p: &BusinessProfile) -> Option<String> {
    p.picture_media_id.as_ref().map(|m| format!("{base}/profile-picture/{}/{m}", p.phone_number_id))
}

/// Every field of a profile that has a value (Meta leaves unset ones out; `vertical` is
/// `UNDEFINED` until set).
pub fn profile_json(base: &str, p: &BusinessProfile) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in [("about", &p.about), ("address", &p.address), ("description", &p.description), ("email", &p.email)] {
        if let Some(v) = v {
            m.insert(k.into(), Value::from(v.as_str()));
        }
    }
    if let Some(url) = picture_url(base, p) {
        m.insert("profile_picture_url".into(), Value::from(url));
    }
    if !p.websites.is_empty() {
        m.insert("websites".into(), Value::from(p.websites.clone()));
    }
    m.insert("vertical".into(), Value::from(p.vertical.as_deref().unwrap_or(VERTICAL_UNDEFINED)));
    m.insert("messaging_product".into(), Value::from("whatsapp"));
    m
}

/// A number's conversational components as `GET /{phone-number-id}?fields=conversational_automation`
/// shows them.
pub fn automation_json(a: &ConversationalAutomation) -> Value {
    json!({
        "enable_welcome_message": a.enable_welcome_message,
        "prompts": a.prompts,
        "commands": a.commands.iter().map(|c| json!({
            "command_name": c.command_name,
            "command_description": c.command_description,
        })).collect::<Vec<_>>(),
        "id": a.phone_number_id,
    })
}

/// `GET /{phone-number-id}/whatsapp_business_profile`. Readable with either permission, as the
/// number itself is.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    headers: HeaderMap,
) -> GraphResult<Json<Value>> {
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let obj = resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    let p = state.profile.business_profile(&obj.id).await?;
    let all = profile_json(&base_url(&state, &headers), &p);
    let node = Node { name: "WhatsAppBusinessProfile", default: PROFILE_FIELDS, optional: PROFILE_FIELDS };
    Ok(Json(json!({"data": [project_node(&all, fields.as_deref(), &node)?]})))
}

/// `POST /{phone-number-id}/whatsapp_business_profile`.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let obj = resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    let phone = state.tenancy.phone_number(&obj.id, Some(&caller.0.business_id)).await?;
    state.profile.update_business_profile(&phone, &body).await?;
    Ok(Json(json!({"success": true})))
}

/// `POST /{phone-number-id}/conversational_automation`.
pub async fn update_automation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let obj = resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    let phone = state.tenancy.phone_number(&obj.id, Some(&caller.0.business_id)).await?;
    state.profile.update_conversational_automation(&phone, &body).await?;
    Ok(Json(json!({"success": true})))
}

/// `GET /profile-picture/{phone-number-id}/{media-id}`: no token, like the CDN URLs Meta
/// hands out; only the current picture of that number is served.
pub async fn picture(
    State(state): State<AppState>,
    Path((phone_number_id, media_id)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    let m = state.profile.profile_picture(&phone_number_id, &media_id).await?;
    Ok(super::media::media_response(&state, m))
}
