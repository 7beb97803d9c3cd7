//! Sandbox controls (`/sandbox/v1/…`, sandbox mode only): the clock every time-based rule
//! reads. Moving it forward makes a customer service window expire without waiting a day.
//! Reading the clock is open; moving it (for every tenant of the sandbox) takes the admin
//! token or a business's token with `whatsapp_business_management`.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use risala_core::clock::{iso_time, parse_duration_ms};
use risala_core::model::Permission;
use risala_core::{ApiError, ErrorCode};
use serde_json::{json, Value};

use crate::config::Mode;
use crate::error::{GraphError, GraphResult};
use crate::extract::{bearer_token, Caller, GraphBody};
use crate::state::AppState;

/// Routes under `/sandbox/v1`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/sandbox/v1/clock", get(clock)).route("/sandbox/v1/clock/advance", post(advance))
}

fn sandbox_only(state: &AppState) -> GraphResult<()> {
    if state.config.mode != Mode::Sandbox {
        return Err(ApiError::new(ErrorCode::PermissionDenied, "The sandbox API exists only in sandbox mode.").into());
    }
    Ok(())
}

/// Who may move the sandbox clock: the operator (admin token) or a business's token with
/// `whatsapp_business_management`.
pub struct ClockMover;

impl FromRequestParts<AppState> for ClockMover {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer_token(parts)? else {
            return Err(ApiError::new(
                ErrorCode::TokenMissing,
                "An access token is required to move the sandbox clock.",
            )
            .into());
        };
        if state.config.admin_token.as_deref().is_some_and(|admin| super::admin::same(&token, admin)) {
            return Ok(ClockMover);
        }
        Caller(state.auth.authenticate(&token).await?).require(Permission::Management)?;
        Ok(ClockMover)
    }
}

fn clock_json(state: &AppState) -> Value {
    let (now, offset) = state.sandbox.now();
    json!({"now_ms": now, "now": iso_time(now), "offset_ms": offset})
}

/// `GET /sandbox/v1/clock`.
pub async fn clock(State(state): State<AppState>) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    Ok(Json(clock_json(&state)))
}

/// `POST /sandbox/v1/clock/advance {"by":"25h"}` (or `{"ms": 90000000}`).
pub async fn advance(
    State(state): State<AppState>,
    _mover: ClockMover,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    let ms = match (body.get("by"), body.get("ms")) {
        (Some(Value::String(s)), _) => parse_duration_ms(s)
            .ok_or_else(|| ApiError::bad_value(format!("by: '{s}' is not a duration like 25h, 90m, 1h30m")))?,
        (_, Some(Value::Number(n))) => n.as_i64().ok_or_else(|| ApiError::bad_value("ms must be an integer"))?,
        (Some(_), _) | (_, Some(_)) => return Err(ApiError::invalid("by must be a string, ms a number").into()),
        (None, None) => return Err(ApiError::missing("by").into()),
    };
    state.sandbox.advance(ms).await?;
    Ok(Json(clock_json(&state)))
}
