//! Customer erasure and the audit log over the admin API, for the operator only (the admin
//! token): `POST /admin/v1/customers/{wa_id}/erase` erases one customer's data across every
//! business (see `risala_core::privacy`) and answers with what it erased; `GET
//! /admin/v1/audit?business_id=&actor=&action=&since=&before=&limit=` reads the audit log,
//! newest first, paged with `before`. `risala admin customers erase` and `risala admin audit`
//! do the same on the database.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::Json;
use risala_core::model::{Actor, AuditEntry, AuditFilter};
use risala_core::{ApiError, ErrorCode};
use serde_json::{json, Value};

use super::webhooks::parse_i64;
use super::Admin;
use crate::error::GraphResult;
use crate::extract::GraphQuery;
use crate::state::AppState;

/// Both endpoints act across businesses: a business's token (sandbox without an admin token)
/// is refused.
fn operator_only(admin: &Admin) -> GraphResult<()> {
    match admin {
        Admin::Operator => Ok(()),
        Admin::Business(_) => Err(ApiError::new(
            ErrorCode::PermissionDenied,
            "Customer erasure and the audit log need the admin token (admin_token).",
        )
        .into()),
    }
}

/// `POST /admin/v1/customers/{wa_id}/erase`: `{"wa_id", "pseudonym", "erased": {counts}}`.
pub async fn erase(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Path(wa_id): Path<String>,
) -> GraphResult<Json<Value>> {
    operator_only(&admin)?;
    let actor = Actor::operator(crate::audit::client_address(&parts));
    let report = state.privacy.erase(&actor, &wa_id).await?;
    // What this process keeps of the customer (their profile and how businesses see them, the
    // windows of their conversations) went with them: a send to the number right after is
    // answered from the store as it is now, not from rows that no longer exist.
    state.messaging.forget_all();
    Ok(Json(json!({"pseudonym": report.pseudonym, "erased": report.erased})))
}

/// An audit entry as the admin API shows it.
pub fn entry_json(e: &AuditEntry) -> Value {
    json!({
        "id": e.id,
        "at": e.at,
        "business_id": e.business_id,
        "actor": e.actor,
        "action": e.action,
        "target": e.target,
        "detail": e.detail,
        "address": e.address,
    })
}

/// `GET /admin/v1/audit`: `{"data": [...], "paging": {"before": id}}` (`before` while a full
/// page came back).
pub async fn audit(State(state): State<AppState>, admin: Admin, q: GraphQuery) -> GraphResult<Json<Value>> {
    operator_only(&admin)?;
    let limit = match parse_i64(&q, "limit")? {
        None => 50,
        Some(n) if (1..=1000).contains(&n) => n as usize,
        Some(_) => return Err(ApiError::invalid("limit must be between 1 and 1000").into()),
    };
    let filter = AuditFilter {
        business_id: q.get("business_id").map(str::to_string),
        actor: q.get("actor").map(str::to_string),
        action: q.get("action").map(str::to_string),
        since: parse_i64(&q, "since")?,
        before_id: parse_i64(&q, "before")?,
        limit,
    };
    let rows = state.audit.list(&filter).await?;
    let paging = match rows.last() {
        Some(last) if rows.len() == limit => json!({"before": last.id}),
        _ => json!({}),
    };
    Ok(Json(json!({"data": rows.iter().map(entry_json).collect::<Vec<_>>(), "paging": paging})))
}
