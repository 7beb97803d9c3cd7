//! Signing in: `POST /customer/v1/session/code {phone}` (platform mode sends a one-time code),
//! `POST /customer/v1/session {phone, name?, code?}` → `{token, wa_id, profile_name}` (sandbox:
//! the phone number alone opens a session), `GET /customer/v1/me`, `POST /customer/v1/me`
//! (`{name?, username?, hide_number?}`: the profile name, a username, hiding the number from
//! businesses) and `POST /customer/v1/me/change_number` (`{phone, code?}`: move to a new
//! number; in platform mode with a one-time code sent to it).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::Json;
use risala_core::customers::Identity;
use risala_core::ApiError;
use serde_json::{json, Value};

use super::{str_field, CustomerCaller};
use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::state::AppState;

// The client address is the peer of the connection: behind a reverse proxy every client shares
// the proxy's address and its limits (see the book's Security chapter).
pub async fn request_code(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = str_field(&body, "phone")?.ok_or_else(|| ApiError::missing("phone"))?;
    state.customers.request_code(phone, peer.ip()).await?;
    Ok(Json(json!({"sent": true})))
}

pub async fn open(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = str_field(&body, "phone")?.ok_or_else(|| ApiError::missing("phone"))?;
    let code = str_field(&body, "code")?;
    let name = str_field(&body, "name")?;
    let s = state.customers.open_session(phone, name, code, peer.ip()).await?;
    Ok(Json(json!({"token": s.token, "wa_id": s.customer.wa_id, "profile_name": s.customer.profile_name})))
}

fn identity_json(i: &Identity) -> Value {
    json!({
        "wa_id": i.customer.wa_id,
        "profile_name": i.customer.profile_name,
        "username": i.username,
        "hide_number": i.hide_number,
    })
}

pub async fn me(State(state): State<AppState>, CustomerCaller(wa_id): CustomerCaller) -> GraphResult<Json<Value>> {
    Ok(Json(identity_json(&state.customers.identity(&wa_id).await?)))
}

pub async fn update_me(
    State(state): State<AppState>,
    CustomerCaller(wa_id): CustomerCaller,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    for key in body.keys() {
        if !["name", "username", "hide_number"].contains(&key.as_str()) {
            return Err(ApiError::invalid(format!("Unexpected key \"{key}\" in the request body")).into());
        }
    }
    if let Some(name) = str_field(&body, "name")? {
        state.customers.rename(&wa_id, name).await?;
    }
    // `"username": null` removes the username; absent keeps it.
    let username = match body.get("username") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.as_str())),
        Some(_) => return Err(ApiError::invalid("username must be a string or null").into()),
    };
    let hide = match body.get("hide_number") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(ApiError::invalid("hide_number must be a boolean").into()),
    };
    Ok(Json(identity_json(&state.customers.set_identity(&wa_id, username, hide).await?)))
}

pub async fn change_number(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    CustomerCaller(wa_id): CustomerCaller,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = str_field(&body, "phone")?.ok_or_else(|| ApiError::missing("phone"))?;
    let code = str_field(&body, "code")?;
    Ok(Json(identity_json(&state.customers.change_number(&wa_id, phone, code, peer.ip()).await?)))
}
