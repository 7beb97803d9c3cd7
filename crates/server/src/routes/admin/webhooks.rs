//! The webhook inspector: list deliveries (state, attempts, next attempt, last HTTP status and
//! error, body), follow changes (`changed_after`, for `risala webhooks tail`), replay one delivery
//! or every dead letter, pause and resume an endpoint, sandbox fault injection, and app callbacks.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::Json;
use risala_core::clock::Clock;
use risala_core::webhooks::{Delivery, DeliveryFilter, DeliveryState};
use risala_core::{ApiError, ErrorCode};
use risala_delivery::Faults;
use serde_json::{json, Value};

use super::Admin;
use crate::config::Mode;
use crate::error::GraphResult;
use crate::extract::{GraphBody, GraphQuery};
use crate::routes::graph::subscriptions::subscribe_app;
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

fn parse_i64(q: &GraphQuery, key: &str) -> GraphResult<Option<i64>> {
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
    let limit = parse_i64(&q, "limit")?.unwrap_or(50).clamp(1, 1000) as usize;
    let filter = DeliveryFilter {
        business_id,
        state: st,
        endpoint: q.get("endpoint").map(str::to_string),
        before_id: parse_i64(&q, "before")?,
        changed_after,
        limit,
    };
    let rows = state.store.deliveries(&filter).await?;
    let paging = match (changed_after, rows.last()) {
        (Some(c), None) => json!({"changed_after": format!("{}:{}", c.0, c.1)}),
        (Some(_), Some(last)) => json!({"changed_after": format!("{}:{}", last.updated_at.unwrap_or(0), last.id)}),
        (None, Some(last)) if rows.len() == limit => json!({"before": last.id}),
        (None, _) => json!({}),
    };
    Ok(Json(json!({"data": rows.iter().map(delivery_json).collect::<Vec<_>>(), "paging": paging})))
}

async fn visible(state: &AppState, admin: &Admin, id: &str) -> GraphResult<Delivery> {
    let not_found = || ApiError::new(ErrorCode::ObjectNotFound, format!("No webhook delivery {id}."));
    let n: i64 = id.parse().map_err(|_| not_found())?;
    match state.store.delivery(n).await? {
        Some(d) if admin.sees(&d.business_id) => Ok(d),
        _ => Err(not_found().into()),
    }
}

/// `GET /admin/v1/webhooks/deliveries/{id}`: the row, plus `body` — the envelope as it is sent
/// when this change goes alone.
pub async fn show(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let d = visible(&state, &admin, &id).await?;
    let mut v = delivery_json(&d);
    let body = risala_delivery::batch::envelope(std::slice::from_ref(&d));
    v["body"] = serde_json::from_str(&body).unwrap_or(Value::String(body));
    Ok(Json(v))
}

/// `POST /admin/v1/webhooks/deliveries/{id}/replay`: deliver a delivered or dead change again.
pub async fn replay(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let d = visible(&state, &admin, &id).await?;
    let n = state.store.replay(&[d.id], admin.scope(), state.clock.now_ms()).await?;
    state.webhooks.wake();
    Ok(Json(json!({"replayed": n})))
}

/// `POST /admin/v1/webhooks/dead-letters/replay`: every dead letter (of the caller's business).
pub async fn replay_dead(State(state): State<AppState>, admin: Admin) -> GraphResult<Json<Value>> {
    let n = state.store.replay(&[], admin.scope(), state.clock.now_ms()).await?;
    state.webhooks.wake();
    Ok(Json(json!({"replayed": n})))
}

/// Callback URLs configured for a business (app callbacks, WABA and number overrides).
async fn business_urls(state: &AppState, business_id: Option<&str>) -> GraphResult<BTreeMap<String, &'static str>> {
    let mut out = BTreeMap::new();
    for s in state.store.app_subscriptions(None, business_id).await? {
        out.insert(s.callback_url, "app");
    }
    for w in state.store.list_wabas(business_id).await? {
        for s in state.store.waba_subscriptions(&w.id).await? {
            if let Some(u) = s.override_callback_uri {
                out.insert(u, "waba");
            }
        }
    }
    for p in state.store.list_phone_numbers(business_id).await? {
        if let Some(o) = state.store.number_override(&p.id).await? {
            out.insert(o.callback_url, "phone_number");
        }
    }
    Ok(out)
}

/// `GET /admin/v1/webhooks/endpoints`: configured callback URLs and whether each is paused.
pub async fn endpoints(State(state): State<AppState>, admin: Admin) -> GraphResult<Json<Value>> {
    let urls = business_urls(&state, admin.scope()).await?;
    let states = state.store.endpoints().await?;
    let mut data: Vec<Value> = urls
        .iter()
        .map(|(url, level)| {
            let paused = states.iter().any(|e| &e.url == url && e.paused);
            json!({"url": url, "level": level, "paused": paused})
        })
        .collect();
    if admin.scope().is_none() {
        for e in states.iter().filter(|e| e.paused && !urls.contains_key(&e.url)) {
            data.push(json!({"url": e.url, "level": Value::Null, "paused": true}));
        }
    }
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
    if let Some(b) = admin.scope() {
        if !business_urls(state, Some(b)).await?.contains_key(&url) {
            return Err(ApiError::invalid(format!("{url} is not a callback URL of this business")).into());
        }
    }
    state.store.set_endpoint_paused(&url, paused, state.clock.now_ms()).await?;
    state.webhooks.set_paused_local(&url, paused);
    state.webhooks.wake();
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

/// `GET /admin/v1/webhooks/faults`.
pub async fn faults(State(state): State<AppState>, _admin: Admin) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    Ok(Json(faults_json(&state.webhooks.faults())))
}

/// `PUT /admin/v1/webhooks/faults {"fail_rate":0.3,"timeout_rate":0.1,"delay_rate":0,"delay":"2s"}`:
/// fields not given keep their value. Lasts until the server restarts (then the config applies).
pub async fn set_faults(
    State(state): State<AppState>,
    _admin: Admin,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    let mut merged = faults_json(&state.webhooks.faults());
    if let Value::Object(m) = &mut merged {
        for (k, v) in body {
            if k != "access_token" {
                m.insert(k, v);
            }
        }
    }
    let f: Faults = serde_json::from_value(merged).map_err(|e| ApiError::invalid(format!("faults: {e}")))?;
    state.webhooks.set_faults(f.clone()).map_err(ApiError::invalid)?;
    Ok(Json(faults_json(&f)))
}

/// `GET /admin/v1/webhooks/subscriptions`: app callbacks (of the caller's business).
pub async fn subscriptions(State(state): State<AppState>, admin: Admin) -> GraphResult<Json<Value>> {
    let subs = state.store.app_subscriptions(None, admin.scope()).await?;
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
    let app = match state.store.app(&app_id).await? {
        Some(a) if admin.sees(&a.business_id) => a,
        _ => return Err(ApiError::object_not_found(&app_id).into()),
    };
    let sub = subscribe_app(&state, &app, &url, &token, fields).await?;
    Ok(Json(json!({"success": true, "app_id": sub.app_id, "callback_url": sub.callback_url, "fields": sub.fields})))
}

/// `GET /admin/v1/webhooks/stats`: queue figures (all businesses).
pub async fn stats(State(state): State<AppState>, _admin: Admin) -> GraphResult<Json<Value>> {
    let s = state.store.outbox_stats().await?;
    let now = state.clock.now_ms();
    Ok(Json(json!({
        "now_ms": now,
        "pending": s.pending,
        "dead": s.dead,
        "oldest_pending_age_ms": s.oldest_pending_at.map(|t| (now - t).max(0)),
    })))
}
