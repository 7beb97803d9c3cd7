//! The verified badge's review by the operator:
//! - `GET /admin/v1/official_business_accounts?status=PENDING&limit=50`: the queue (newest
//!   first), each request with its number, evidence, criteria checks and decision;
//! - `POST /admin/v1/phone_numbers/{id}/official_business_account/review` with
//!   `{"decision":"APPROVED"}` or `{"decision":"REJECTED","reasons":["…"]}`;
//! - `GET|POST /admin/v1/official_business_accounts/criteria`: the criteria and the review
//!   delay (a POST changes the fields it names). Operator only.
//!
//! In sandbox mode without an admin token a business's Graph token may list and review its
//! own requests, as it may review its display names.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::clock::iso_time;
use risala_core::phone::WaId;
use risala_core::store::ObaRequest;
use risala_core::{ApiError, ErrorCode};
use serde_json::{json, Value};

use crate::error::GraphResult;
use crate::extract::{GraphBody, GraphQuery};
use crate::routes::admin::Admin;
use crate::state::AppState;

/// A request as the admin API shows it.
pub fn request_json(r: &ObaRequest, number: Option<&str>, verified_name: Option<&str>) -> Value {
    json!({
        "id": r.id,
        "phone_number_id": r.phone_number_id,
        "display_phone_number": number.map(|n| WaId::from_trusted(n.to_string()).display()),
        "verified_name": verified_name,
        "business_id": r.business_id,
        "waba_id": r.waba_id,
        "oba_status": r.status,
        "evidence": r.evidence,
        "checks": r.checks,
        "reasons": r.reasons,
        "submitted_at": iso_time(r.submitted_at),
        "due_at": iso_time(r.due_at),
        "decided_at": r.decided_at.map(iso_time),
        "decided_by": r.decided_by,
    })
}

pub async fn queue(State(state): State<AppState>, admin: Admin, q: GraphQuery) -> GraphResult<Json<Value>> {
    let limit = match q.get("limit") {
        Some(l) => l.parse::<i64>().map_err(|_| ApiError::invalid("Param limit must be an integer"))?,
        None => 100,
    };
    let status = q.get("status").map(|s| s.to_ascii_uppercase());
    let rows = state.badges.queue_entries(status.as_deref(), admin.scope(), limit).await?;
    let data: Vec<Value> = rows
        .iter()
        .map(|e| {
            let mut v = request_json(
                &e.request,
                e.phone.as_ref().map(|p| p.number.as_str()),
                e.phone.as_ref().map(|p| p.verified_name.as_str()),
            );
            v["business_name"] = json!(e.business_name);
            v
        })
        .collect();
    Ok(Json(json!({"data": data})))
}

pub async fn review(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = state.tenancy.phone_number(&id, admin.scope()).await?;
    let decision = body.get("decision").and_then(Value::as_str).ok_or_else(|| ApiError::missing("decision"))?;
    let reasons: Vec<String> = match body.get("reasons") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(String::from))
            .collect::<Option<_>>()
            .ok_or_else(|| ApiError::invalid("Param reasons must be an array of strings"))?,
        Some(Value::String(s)) => vec![s.clone()],
        Some(_) => return Err(ApiError::invalid("Param reasons must be an array of strings").into()),
    };
    let r = state.badges.review(&phone, decision, &reasons).await?;
    Ok(Json(request_json(&r, Some(&phone.number), Some(&phone.verified_name))))
}

pub async fn criteria(State(state): State<AppState>, _admin: Admin) -> GraphResult<Json<Value>> {
    Ok(Json(json!(state.badges.criteria().await?)))
}

pub async fn set_criteria(
    State(state): State<AppState>,
    admin: Admin,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    if admin != Admin::Operator {
        return Err(
            ApiError::new(ErrorCode::PermissionDenied, "Only the operator (admin token) sets the criteria.").into()
        );
    }
    Ok(Json(json!(state.badges.set_criteria(&body).await?)))
}
