//! What a customer's app shows of a business before and while chatting:
//! - `GET /customer/v1/chats/{business_number}/profile`: the business profile (about, address,
//!   description, email, websites, vertical, picture URL), the ice breakers to offer as taps
//!   (choosing one sends it as a normal text message) and the `/` commands;
//! - `POST /customer/v1/chats/{business_number}/open`: the customer opened the chat. The first
//!   time, while the number's welcome message is on, the business receives `request_welcome`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use risala_core::phone::WaId;
use serde_json::{json, Value};

use super::CustomerCaller;
use crate::error::GraphResult;
use crate::routes::graph::objects::base_url;
use crate::routes::graph::profile::{picture_url, profile_json};
use crate::state::AppState;

pub async fn profile(
    State(state): State<AppState>,
    CustomerCaller(_): CustomerCaller,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> GraphResult<Json<Value>> {
    let phone = state.customers.business_number(&number).await?;
    let (p, a) = state.profile.chat_profile(&phone.id).await?;
    let base = base_url(&state, &headers);
    let mut profile = profile_json(&base, &p);
    profile.remove("messaging_product");
    profile.insert("profile_picture_url".into(), picture_url(&base, &p).map_or(Value::Null, Value::from));
    Ok(Json(json!({
        "business_number": phone.number,
        "display_phone_number": WaId::from_trusted(phone.number.clone()).display(),
        "verified_name": phone.verified_name,
        "is_official_business_account": phone.official,
        "profile": profile,
        "ice_breakers": a.prompts,
        "commands": a.commands.iter().map(|c| json!({
            "command_name": c.command_name,
            "command_description": c.command_description,
        })).collect::<Vec<_>>(),
    })))
}

pub async fn open(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    Path(number): Path<String>,
) -> GraphResult<Json<Value>> {
    let welcome = state.messaging.customer_open(&wa_id, &number).await?;
    Ok(Json(json!({"request_welcome": welcome.is_some()})))
}
