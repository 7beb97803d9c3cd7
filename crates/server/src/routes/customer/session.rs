//! Signing in: `POST /customer/v1/session/code {phone}` (platform mode sends a one-time code),
//! `POST /customer/v1/session {phone, name?, code?}` → `{token, wa_id, profile_name}` (sandbox:
//! the phone number alone opens a session), and `GET /customer/v1/me`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::Json;
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

pub async fn me(State(state): State<AppState>, CustomerCaller(wa_id): CustomerCaller) -> GraphResult<Json<Value>> {
    let c = state.customers.profile(&wa_id).await?;
    Ok(Json(json!({"wa_id": c.wa_id, "profile_name": c.profile_name})))
}
