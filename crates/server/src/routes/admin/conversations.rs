//! `GET /admin/v1/phone_numbers/{id}/conversations`: the windows of a number's conversations,
//! for the operator (the Graph-style read is `GET /{phone-number-id}/conversations`).

use axum::extract::{Path, State};
use axum::Json;
use serde_json::Value;

use crate::error::GraphResult;
use crate::extract::GraphQuery;
use crate::routes::admin::Admin;
use crate::routes::graph::conversations::windows;
use crate::state::AppState;

pub async fn list(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let phone = state.tenancy.phone_number(&id, admin.scope()).await?;
    windows(&state, &phone.id, &q).await
}
