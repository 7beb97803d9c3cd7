//! `POST/DELETE/GET /{phone-number-id}/block_users`: the business blocks and unblocks users
//! and lists its blocklist, in Meta's shapes (`added_users` / `removed_users`, per-user
//! `failed_users` with errors; a request where some user failed answers HTTP 400 with the lists
//! and a 139100 error beside them).

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use risala_core::clock::Clock;
use risala_core::graph::{page_request, parse_summary};
use risala_core::model::{ObjectKind, Permission, PhoneNumber};
use risala_core::quality::blocklist;
use risala_core::{ApiError, ErrorCode};
use risala_types::graph::GraphList;
use serde_json::{json, Map, Value};

use super::phone_numbers::paging;
use super::resolve;
use crate::error::{envelope, trace_id, GraphResult};
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

async fn number(state: &AppState, caller: &Caller, id: &str) -> GraphResult<PhoneNumber> {
    let obj = resolve(state, caller, id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Messaging)?;
    Ok(state.tenancy.phone_number(&obj.id, Some(&caller.0.business_id)).await?)
}

async fn change(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: &Map<String, Value>,
    block: bool,
) -> GraphResult<Response> {
    let phone = number(state, caller, id).await?;
    let users = blocklist::parse_request(body)?;
    let quality = state.messaging.quality();
    let results = quality.block_users(&phone, &users, block, state.clock.now_ms()).await?;
    let (mut v, any_failed) = blocklist::response(&results, block);
    if !any_failed {
        return Ok(Json(v).into_response());
    }
    let verb = if block { "block" } else { "unblock" };
    let e = ApiError::new(
        ErrorCode::BlockUsersFailed,
        format!("Failed to {verb} some users, see the block_users response list for details"),
    );
    v["error"] = json!(envelope(&e, trace_id()).error);
    let mut resp = (StatusCode::BAD_REQUEST, Json(v)).into_response();
    resp.extensions_mut().insert(e.code);
    Ok(resp)
}

/// `POST /{phone-number-id}/block_users`.
pub async fn block(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Response> {
    change(&state, &caller, &id, &body, true).await
}

/// `DELETE /{phone-number-id}/block_users`.
pub async fn unblock(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Response> {
    change(&state, &caller, &id, &body, false).await
}

/// `GET /{phone-number-id}/block_users?limit=&after=&before=`:
/// `{"data":[{"messaging_product":"whatsapp","wa_id"}],"paging":{"cursors":{…}}}`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> GraphResult<Json<GraphList<Value>>> {
    let phone = number(&state, &caller, &id).await?;
    let page = page_request(q.get("limit"), q.get("after"), q.get("before"))?;
    let summary = !parse_summary(q.get("summary").unwrap_or(""), &["total_count"])?.is_empty();
    let quality = state.messaging.quality();
    let result = quality.blocked_users(&phone, &page).await?;
    let summary = match summary {
        true => Some(json!({"total_count": quality.blocked_users_count(&phone).await?})),
        false => None,
    };
    Ok(Json(GraphList {
        summary,
        paging: paging(&result.items, |w| w, result.has_more_after, result.has_more_before, &q, &uri, &headers),
        data: result.items.iter().map(|w| json!({"messaging_product": "whatsapp", "wa_id": w})).collect(),
    }))
}
