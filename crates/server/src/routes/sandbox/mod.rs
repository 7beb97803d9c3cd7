//! Sandbox controls (`/sandbox/v1/…`, sandbox mode only): the clock every time-based rule
//! reads (moving it forward makes a customer service window expire without waiting a day), and
//! access tokens expired on demand.
//! Reading the clock is open; moving it (for every tenant of the sandbox) takes the admin
//! token or a business's token with `whatsapp_business_management`, as do the error-injection
//! rules ([`faults`]).

pub mod faults;
pub mod payments;
pub mod state_file;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use risala_core::clock::{iso_time, parse_duration_ms};
use risala_core::model::Permission;
use risala_core::{ApiError, ErrorCode};
use serde_json::{json, Map, Value};

use crate::config::Mode;
use crate::error::{GraphError, GraphResult};
use crate::extract::{bearer_token, Caller, GraphBody};
use crate::state::AppState;

/// Routes under `/sandbox/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox/v1/clock", get(clock))
        .route("/sandbox/v1/clock/advance", post(advance))
        .route("/sandbox/v1/tokens/{id}/expire", post(expire_token))
        .route("/sandbox/v1/faults", get(faults::list).post(faults::create).delete(faults::clear))
        .route("/sandbox/v1/faults/{id}", delete(faults::delete))
        .route("/sandbox/v1/export", get(state_file::export))
        .route("/sandbox/v1/payments/next_outcome", post(payments::next_outcome))
        .route("/sandbox/v1/import", post(state_file::import).layer(DefaultBodyLimit::max(state_file::MAX_STATE_FILE)))
}

fn sandbox_only(state: &AppState) -> GraphResult<()> {
    if state.config.mode != Mode::Sandbox {
        return Err(ApiError::new(ErrorCode::PermissionDenied, "The sandbox API exists only in sandbox mode.").into());
    }
    Ok(())
}

/// Who may move the sandbox clock: the operator (admin token) or a business's token with
/// `whatsapp_business_management`. `business` is the token's business (`None`: the operator).
pub struct ClockMover {
    business: Option<String>,
}

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
            return Ok(ClockMover { business: None });
        }
        let caller = Caller(state.auth.authenticate(&token).await?);
        caller.require(Permission::Management)?;
        Ok(ClockMover { business: Some(caller.0.business_id.clone()) })
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

/// A body of at most one of `keys` and nothing else: two ways of saying how much, or a key
/// nobody reads, is 100 naming it, never one of them silently winning.
fn only_one_of(body: &Map<String, Value>, keys: &[&str]) -> Result<(), ApiError> {
    if let Some(k) = body.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!("Unexpected key \"{k}\"; give one of {}.", keys.join(", "))));
    }
    if body.len() > 1 {
        return Err(ApiError::invalid(format!("Give one of {}, not both.", keys.join(", "))));
    }
    Ok(())
}

/// `POST /sandbox/v1/clock/advance {"by":"25h"}` (or `{"ms": 90000000}`).
pub async fn advance(
    State(state): State<AppState>,
    _mover: ClockMover,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    only_one_of(&body, &["by", "ms"])?;
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

/// `POST /sandbox/v1/tokens/{token-id}/expire [{"in":"10m"}]`: the token expires now (or after
/// `in`), so a client's handling of 190/463 can be tried; `{"never":true}` lifts the expiry. A
/// business may expire its own tokens (the one it calls with too); the operator any.
pub async fn expire_token(
    State(state): State<AppState>,
    mover: ClockMover,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    only_one_of(&body, &["in", "never"])?;
    let in_ms = match (body.get("in"), body.get("never")) {
        (_, Some(Value::Bool(true))) => None,
        (Some(Value::String(s)), _) => Some(
            parse_duration_ms(s)
                .ok_or_else(|| ApiError::bad_value(format!("in: '{s}' is not a duration like 0s, 10m")))?,
        ),
        (None, None | Some(Value::Bool(false))) => Some(0),
        _ => return Err(ApiError::invalid("in must be a duration string, never a boolean").into()),
    };
    let token = state.tenancy.token(mover.business.as_deref(), &id).await?;
    let token = token.filter(|t| t.revoked_at.is_none()).ok_or_else(|| ApiError::object_not_found(&id))?;
    state.tenancy.expire_token(&token.id, in_ms).await?;
    state.auth.invalidate();
    let at = match in_ms {
        Some(ms) => json!(iso_time(state.sandbox.now().0.saturating_add(ms))),
        None => Value::Null,
    };
    Ok(Json(json!({"id": token.id, "expires_at": at})))
}
