//! `GET /sandbox/v1/export` and `POST /sandbox/v1/import`: the whole sandbox as one file, so a
//! bug report is one file. Only the operator (admin token) may take or replace every tenant's
//! state. An import checks the whole file first; an invalid one answers 100 saying what is
//! wrong and changes nothing. After an import, every cache of this process is dropped, so the
//! API serves the imported state at once.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use risala_core::clock::iso_time;
use risala_core::model::{Actor, Target};
use risala_core::{ApiError, ErrorCode};
use serde_json::{json, Value};

use super::sandbox_only;
use crate::error::GraphResult;
use crate::routes::admin::Admin;
use crate::state::AppState;

/// The largest state file an import takes.
pub const MAX_STATE_FILE: usize = 512 * 1024 * 1024;

/// Settings of this server rather than of its state: the key that signs its media links and
/// the one that keys customers' sign-in codes stay the importing server's.
const SERVER_SETTINGS: &[&str] = &[crate::URL_SECRET_SETTING, crate::CODE_SECRET_SETTING];

fn operator_only(admin: &Admin, what: &str) -> GraphResult<()> {
    match admin {
        Admin::Operator => Ok(()),
        Admin::Business(_) => Err(ApiError::new(
            ErrorCode::PermissionDenied,
            format!("Only the operator (the admin token) may {what} the whole sandbox state."),
        )
        .into()),
    }
}

/// `GET /sandbox/v1/export`: the state file, as an attachment.
pub async fn export(State(state): State<AppState>, admin: Admin) -> GraphResult<impl IntoResponse> {
    sandbox_only(&state)?;
    operator_only(&admin, "export")?;
    let file = state.sandbox.export_state(SERVER_SETTINGS).await?;
    let name = format!("risala-state-{}.jsonl", iso_time(state.sandbox.now().0).replace(':', ""));
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        file,
    ))
}

/// `POST /sandbox/v1/import` with a state file as the body.
pub async fn import(State(state): State<AppState>, admin: Admin, body: Bytes) -> GraphResult<Json<Value>> {
    sandbox_only(&state)?;
    operator_only(&admin, "import")?;
    let summary = state.sandbox.import_state(&body, SERVER_SETTINGS).await?;
    // What the services kept of the replaced tables, where webhooks go included.
    state.caches().forget_all();
    // Recorded after the import (which replaced the audit log with the file's), so the log
    // says where its state came from.
    let detail = format!("tables={} rows={} media={}", summary.tables, summary.rows, summary.media);
    let target = Target { business_id: None, id: String::new() };
    if let Err(e) = state.audit.record(&Actor::operator(None), "POST /sandbox/v1/import", &target, &detail).await {
        tracing::error!(error = %e, "the audit record of a state import could not be written");
    }
    Ok(Json(json!({
        "success": true,
        "tables": summary.tables,
        "rows": summary.rows,
        "media": summary.media,
    })))
}
