//! A number's life on the Graph API: `POST /{waba-id}/phone_numbers` (add),
//! `POST /{phone-number-id}/request_code`, `/verify_code`, `/register`, `/deregister`, and
//! `POST /{phone-number-id}` with `pin` (two-step PIN) or `new_display_name`. Management
//! permission throughout; each answers `{"success":true}` (adding: `{"id"}`).

use axum::extract::{Path, State};
use axum::Json;
use risala_core::model::{ObjectKind, Permission};
use risala_core::ApiError;
use serde_json::{json, Value};

use super::{resolve, waba_for};
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody};
use crate::state::AppState;

/// `POST /{waba-id}/phone_numbers {cc, phone_number, verified_name}` → `{"id"}`.
pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    let p = state.numbers.add(&waba, &body).await?;
    Ok(Json(json!({"id": p.id})))
}

/// The caller's number `id`, for a management call.
async fn number(state: &AppState, caller: &Caller, id: &str) -> GraphResult<String> {
    let obj = resolve(state, caller, id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    Ok(obj.id.clone())
}

/// Drop the messaging caches' copy of the number, so sends see the change at once.
async fn changed(state: &AppState, id: &str) -> GraphResult<Json<Value>> {
    if let Some(p) = state.store.phone_number(id).await.map_err(ApiError::from)? {
        state.messaging.forget_phone(&p);
    }
    Ok(Json(json!({"success": true})))
}

/// `POST /{phone-number-id}/request_code {code_method, language}`.
pub async fn request_code(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let id = number(&state, &caller, &id).await?;
    state.numbers.request_code(&id, &body).await?;
    Ok(Json(json!({"success": true})))
}

/// `POST /{phone-number-id}/verify_code {code}`.
pub async fn verify_code(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let id = number(&state, &caller, &id).await?;
    state.numbers.verify_code(&id, &body).await?;
    changed(&state, &id).await
}

/// `POST /{phone-number-id}/register {messaging_product, pin}`.
pub async fn register(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let id = number(&state, &caller, &id).await?;
    state.numbers.register(&id, &body).await?;
    changed(&state, &id).await
}

/// `POST /{phone-number-id}/deregister`.
pub async fn deregister(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    let id = number(&state, &caller, &id).await?;
    state.numbers.deregister(&id).await?;
    changed(&state, &id).await
}

/// `POST /{id}`: on a number, `pin` (set or change the two-step PIN) and `new_display_name`
/// (ask for a new name); anything else goes on to the webhook override.
pub async fn post_object(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    if !body.contains_key("pin") && !body.contains_key("new_display_name") {
        return super::subscriptions::post_object(State(state), caller, Path(id), GraphBody(body)).await;
    }
    let id = number(&state, &caller, &id).await?;
    let text = |k: &str| match body.get(k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid(format!("Param {k} must be a string"))),
    };
    let (pin, name) = (text("pin")?, text("new_display_name")?);
    // SDKs (pywa's update_display_name) send `messaging_product` along.
    if text("messaging_product")?.is_some_and(|m| m != "whatsapp") {
        return Err(ApiError::invalid("Param messaging_product must be 'whatsapp'").into());
    }
    let known = ["pin", "new_display_name", "messaging_product"];
    if let Some(k) = body.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!("Param {k} cannot be set together with pin or new_display_name")).into());
    }
    if let Some(pin) = pin {
        state.numbers.set_pin(&id, &pin, &caller.0.token_id).await?;
    }
    if let Some(name) = name {
        state.numbers.request_name(&id, &name).await?;
    }
    changed(&state, &id).await
}
