//! The webhook inspector: list deliveries (state, attempts, next attempt, last HTTP status and
//! error, body), follow changes (`changed_after`, for `risala webhooks tail`), replay one delivery
//! or every dead letter, pause and resume an endpoint, sandbox fault injection, and app callbacks.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::model::{Delivery, DeliveryState};
use risala_core::store::DeliveryFilter;
use risala_core::{ApiError, ErrorCode};
use risala_delivery::Faults;
use serde_json::{json, Value};

use super::Admin;
use crate::config::Mode;
use crate::error::GraphResult;
use crate::extract::{GraphBody, GraphQuery};
use crate::state::AppState;

/// A delivery as the inspector shows it; `value` is the change (`changes[].value`).
pub fn delivery_json(d: &Delivery) -> Value {
    let value: Value = serde_json::from_str(&d.value).unwrap_or(Value::String(d.value.clone()));
    json!({
        "id": d.id,
        "business_id": d.business_id,
        "waba_id": d.waba_id,
        "phone_number_id": d.phone_number_id,
        "ordering_key": d.ordering_key,
        "field": d.field,
        "state": d.state.as_str(),
        "attempts": d.attempts,
        "created_at": d.created_at,
        "next_attempt_at": (d.state == DeliveryState::Pending).then_some(d.next_attempt_at),
        "last_status": d.last_status,
        "last_error": d.last_error,
        "delivered_at": d.delivered_at,
        "endpoint": d.endpoint,
        "updated_at": d.updated_at,
        "value": value,
    })
}

pub(super) fn parse_i64(q: &GraphQuery, key: &str) -> GraphResult<Option<i64>> {
    q.get(key)
        .map(|v| v.parse::<i64>().map_err(|_| ApiError::invalid(format!("{key} must be an integer")).into()))
        .transpose()
}

/// `GET /admin/v1/webhooks/deliveries?state=&endpoint=&business_id=&before=&limit=&changed_after=MS[:ID]`.
/// Newest first, paged with `before`; with `changed_after`, rows changed since then, oldest change
/// first (the `paging.changed_after` of the answer continues from the last row).
pub async fn list(State(state): State<AppState>, admin: Admin, q: GraphQuery) -> GraphResult<Json<Value>> {
    let st = q
        .get("state")
        .map(|s| DeliveryState::parse(s).ok_or_else(|| ApiError::invalid("state must be pending, delivered or dead")))
        .transpose()?;
    let business_id = match (admin.scope(), q.get("business_id")) {
        (Some(b), Some(asked)) if asked != b => {
            return Err(ApiError::new(
                ErrorCode::MissingPermission,
                format!("business_id {asked}: a business token sees only its own business's deliveries"),
            )
            .into())
        }
        (Some(b), _) => Some(b.to_string()),
        (None, b) => b.map(str::to_string),
    };
    let changed_after = match q.get("changed_after") {
        None => None,
        Some(v) => {
            let (at, id) = v.split_once(':').unwrap_or((v, "0"));
            match (at.parse::<i64>(), id.parse::<i64>()) {
                (Ok(at), Ok(id)) => Some((at, id)),
                _ => return Err(ApiError::invalid("changed_after must be MS or MS:ID").into()),
            }
        }
    };
    let limit = match parse_i64(&q, "limit")? {
        None => 50,
        Some(n @ 1..=1000) => n as usize,
        Some(n) => return Err(ApiError::invalid(format!("limit must be 1 to 1000, not {n}")).into()),
    };
    let filter = DeliveryFilter {
        business_id,
        state: st,
        endpoint: q.get("endpoint").map(str::to_string),
        before_id: parse_i64(&q, "before")?,
        changed_after,
        limit,
    };
    let rows = state.webhooks.deliveries(&filter).await?;
    let paging = match (changed_after, rows.last()) {
        (Some(c), None) => json!({"changed_after": format!("{}:{}", c.0, c.1)}),
        (Some(_), Some(last)) => json!({"changed_after": format!("{}:{}", last.updated_at.unwrap_or(0), last.id)}),
        (None, Some(last)) if rows.len() == limit => json!({"before": last.id}),
        (None, _) => json!({}),
    };
    Ok(Json(json!({"data": rows.iter().map(delivery_json).collect::<Vec<_>>(), "paging": paging})))
}

/// `GET /admin/v1/webhooks/deliveries/{id}`: the row, plus `body` — the envelope as it is sent
/// when this change goes alone.
pub async fn show(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let d = state.webhooks.delivery(&id, admin.scope()).await?;
    let mut v = delivery_json(&d);
    let body = risala_delivery::batch::envelope(std::slice::from_ref(&d));
    v["body"] = serde_json::from_str(&body).unwrap_or(Value::String(body));
    Ok(Json(v))
}

/// `POST /admin/v1/webhooks/deliveries/{id}/replay`: deliver a delivered or dead change again.
pub async fn replay(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let n = state.webhooks.replay(&id, admin.scope()).await?;
    Ok(Json(json!({"replayed": n})))
}

/// `POST /admin/v1/webhooks/dead-letters/replay`: every dead letter (of the caller's business).
pub async fn replay_dead(State(state): State<AppState>, admin: Admin) -> GraphResult<Json<Value>> {
    let n = state.webhooks.replay_dead(admin.scope()).await?;
    Ok(Json(json!({"replayed": n})))
}

/// `GET /admin/v1/webhooks/endpoints`: configured callback URLs and whether each is paused.
pub async fn endpoints(State(state): State<AppState>, admin: Admin) -> GraphResult<Json<Value>> {
    let data: Vec<Value> = state
        .webhooks
        .endpoints(admin.scope())
        .await?
        .iter()
        .map(|e| json!({"url": e.url, "level": e.level.map(|l| l.as_str()), "paused": e.paused}))
        .collect();
    Ok(Json(json!({"data": data})))
}

async fn set_paused(
    state: &AppState,
    admin: &Admin,
    body: &serde_json::Map<String, Value>,
    paused: bool,
) -> GraphResult<Value> {
    let url = match body.get("url") {
        Some(Value::String(u)) if !u.is_empty() => u.clone(),
        _ => return Err(ApiError::invalid("The parameter url is required").into()),
    };
    state.webhooks.set_paused(&url, paused, admin.scope()).await?;
    Ok(json!({"url": url, "paused": paused}))
}

/// `POST /admin/v1/webhooks/endpoints/pause {"url": …}`: hold deliveries to this URL (they stay
/// pending and keep their order) until resumed.
pub async fn pause(
    State(state): State<AppState>,
    admin: Admin,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    Ok(Json(set_paused(&state, &admin, &body, true).await?))
}

/// `POST /admin/v1/webhooks/endpoints/resume {"url": …}`: deliver held changes now.
pub async fn resume(
    State(state): State<AppState>,
    admin: Admin,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    Ok(Json(set_paused(&state, &admin, &body, false).await?))
}

fn faults_json(f: &Faults) -> Value {
    serde_json::to_value(f).unwrap_or(Value::Null)
}

fn sandbox_only(state: &AppState) -> GraphResult<()> {
    if state.config.mode != Mode::Sandbox {
        return Err(ApiError::new(ErrorCode::PermissionDenied, "Fault injection exists only in sandbox mode.").into());
    }
    Ok(())
}

/// `GET /admin/v1/webhooks/faults`: the settings that apply to the caller's deliveries (the
/// operator: the settings of every business without its own).
pub async fn faults(State(state): State<AppState>, admin: Admin) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    Ok(Json(faults_json(&state.delivery.faults(admin.scope()))))
}

/// `PUT /admin/v1/webhooks/faults {"fail_rate":0.3,"timeout_rate":0.1,"delay_rate":0,"delay":"2s"}`:
/// fields not given keep their value. A business sets faults for its own deliveries only; the
/// operator for every business without settings of its own. Lasts until the server restarts
/// (then the config applies).
pub async fn set_faults(
    State(state): State<AppState>,
    admin: Admin,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    let mut merged = faults_json(&state.delivery.faults(admin.scope()));
    if let Value::Object(m) = &mut merged {
        m.extend(body);
    }
    let f: Faults = serde_json::from_value(merged).map_err(|e| ApiError::invalid(format!("faults: {e}")))?;
    state.delivery.set_faults(admin.scope(), f.clone()).map_err(ApiError::invalid)?;
    Ok(Json(faults_json(&f)))
}

/// `GET /admin/v1/webhooks/subscriptions`: app callbacks (of the caller's business).
pub async fn subscriptions(State(state): State<AppState>, admin: Admin) -> GraphResult<Json<Value>> {
    let subs = state.webhooks.app_subscriptions(None, admin.scope()).await?;
    let data: Vec<Value> = subs
        .iter()
        .map(|s| {
            json!({"app_id": s.app_id, "business_id": s.business_id, "object": s.object,
                   "callback_url": s.callback_url, "fields": s.fields, "updated_at": s.updated_at})
        })
        .collect();
    Ok(Json(json!({"data": data})))
}

/// `POST /admin/v1/webhooks/subscriptions {"app_id","callback_url","verify_token","fields"?}`:
/// set an app's callback (after the verification handshake), as `POST /{app-id}/subscriptions`.
pub async fn subscribe(
    State(state): State<AppState>,
    admin: Admin,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let s = |k: &str| body.get(k).and_then(Value::as_str).filter(|v| !v.is_empty()).map(str::to_string);
    let app_id = s("app_id").ok_or_else(|| ApiError::invalid("The parameter app_id is required"))?;
    let url = s("callback_url").ok_or_else(|| ApiError::invalid("The parameter callback_url is required"))?;
    let token = s("verify_token").ok_or_else(|| ApiError::invalid("The parameter verify_token is required"))?;
    let fields: Vec<String> = match body.get("fields") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(Value::String(f)) => f.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    let app = state.tenancy.app(&app_id, admin.scope()).await?;
    let sub = state.webhooks.subscribe_app(&app, &url, &token, fields).await?;
    Ok(Json(json!({"success": true, "app_id": sub.app_id, "callback_url": sub.callback_url, "fields": sub.fields})))
}

/// `GET /admin/v1/webhooks/stats`: queue figures (the operator: all businesses; a business:
/// its own).
pub async fn stats(State(state): State<AppState>, admin: Admin) -> GraphResult<Json<Value>> {
    let (s, now) = state.webhooks.stats(admin.scope()).await?;
    Ok(Json(json!({
        "now_ms": now,
        "pending": s.pending,
        "dead": s.dead,
        "oldest_pending_age_ms": s.oldest_pending_at.map(|t| (now - t).max(0)),
    })))
}
