//! Error injection (`/sandbox/v1/faults`): the rules, and the layer on the Graph routes that
//! applies them before the handler runs, so a faulted request has no effect.

use axum::extract::{Path, Request, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use risala_core::sandbox::faults::{FaultAnswer, InjectedError, Throttle};
use risala_core::ApiError;
use serde_json::{json, Value};

use super::{sandbox_only, ClockMover};
use crate::config::Mode;
use crate::error::{respond, GraphError, GraphResult};
use crate::extract::{bearer_token, GraphBody};
use crate::state::AppState;

/// The failure a `status_error` rule gives the send it matched (read by the send handler).
#[derive(Debug, Clone)]
pub struct InjectedStatus(pub ApiError);

/// `POST /sandbox/v1/faults {"path":"/{phone-number-id}/messages","mode":"next","count":2,"code":131056}`.
/// A business's rule applies to its own requests; the operator's (admin token) to everybody's.
pub async fn create(
    State(state): State<AppState>,
    mover: ClockMover,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    let fault = state.faults.create(mover.business.as_deref(), &body).await?;
    Ok(Json(fault.to_json()))
}

/// `GET /sandbox/v1/faults`: the caller's rules (the operator: all), oldest first.
pub async fn list(State(state): State<AppState>, mover: ClockMover) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    let data: Vec<Value> = state.faults.list(mover.business.as_deref()).await?.iter().map(|f| f.to_json()).collect();
    Ok(Json(json!({ "data": data })))
}

/// `DELETE /sandbox/v1/faults/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    mover: ClockMover,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    state.faults.delete(mover.business.as_deref(), &id).await?;
    Ok(Json(json!({"success": true})))
}

/// `DELETE /sandbox/v1/faults`: every rule of the caller (the operator: every rule).
pub async fn clear(State(state): State<AppState>, mover: ClockMover) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    let n = state.faults.clear(mover.business.as_deref()).await?;
    Ok(Json(json!({"success": true, "deleted": n})))
}

/// A step of the Graph layers (`graph_layer` in `routes`): the request goes on (marked
/// when a `status_error` rule matched it), or a matching rule answers it. Only requests with a
/// valid token are faulted (a bad token gets the handler's own 190, as at Meta, where
/// authentication comes first).
pub async fn inject(state: &AppState, req: Request) -> Result<Request, Response> {
    if state.config.mode != Mode::Sandbox || !state.faults.any().await.unwrap_or(false) {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    let principal = match bearer_token(&parts) {
        Ok(Some(token)) => state.auth.authenticate(&token).await.ok(),
        _ => None,
    };
    let mut req = Request::from_parts(parts, body);
    let Some(principal) = principal else {
        return Ok(req);
    };
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let fired = match state.faults.check(&principal.business_id, &method, &path).await {
        Ok(f) => f,
        Err(e) => return Err(GraphError(e).into_response()),
    };
    match fired.map(|f| (f.rule_id, f.answer)) {
        None => Ok(req),
        Some((id, FaultAnswer::StatusError(e))) => {
            req.extensions_mut().insert(InjectedStatus(e.api_error(&id)));
            Ok(req)
        }
        Some((id, FaultAnswer::Error(e))) => {
            tracing::debug!(rule = %id, code = e.code.row().code, %path, "sandbox fault injected");
            let mut resp = respond(&e.api_error(&id), e.http_status(), e.subcode());
            if let Some((name, value)) = usage_header(state, &e, &path, &principal.business_id).await {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    resp.headers_mut().insert(name, v);
                }
            }
            Err(resp)
        }
    }
}

/// The usage header Meta sends with a throttling error: `X-App-Usage` for the app's limit (4),
/// `X-Business-Use-Case-Usage` keyed by the business object (the WABA of a phone number, else
/// the object the path names, else the business) for the others, each at 100 (percent) used.
async fn usage_header(
    state: &AppState,
    e: &InjectedError,
    path: &str,
    business_id: &str,
) -> Option<(&'static str, String)> {
    match e.throttle()? {
        Throttle::App => {
            Some(("x-app-usage", json!({"call_count": 100, "total_cputime": 0, "total_time": 0}).to_string()))
        }
        Throttle::BusinessUseCase => {
            let first = path.split('/').find(|s| !s.is_empty()).filter(|s| risala_core::ids::is_object_id(s));
            let object = match first {
                Some(id) => match state.messaging.phone(id).await {
                    Ok(Some(phone)) => phone.waba_id.clone(),
                    _ => id.to_string(),
                },
                None => business_id.to_string(),
            };
            let minutes = e.retry_after().map(|s| s.div_ceil(60)).unwrap_or(0);
            let usage = json!({ object: [{"type": "whatsapp", "call_count": 100, "total_cputime": 0,
                "total_time": 0, "estimated_time_to_regain_access": minutes}] });
            Some(("x-business-use-case-usage", usage.to_string()))
        }
    }
}
