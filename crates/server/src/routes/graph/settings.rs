//! `GET|POST /{phone-number-id}/settings`: a number's feature settings (calling, user identity
//! change, payload encryption, data storage), as `risala_core::numbers::settings` describes:
//! the state Risala has is reported and may be confirmed; turning a feature it does not have
//! on is refused. Reading is allowed with either permission, changing needs
//! `whatsapp_business_management`.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::model::{ObjectKind, Permission};
use risala_core::numbers::settings::{check_update, current};
use risala_core::ApiError;
use serde_json::{json, Value};

use super::resolve;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

/// `GET /{phone-number-id}/settings?include_sip_credentials=`.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    match q.get("include_sip_credentials") {
        // SIP is off on every number: there are no credentials to include.
        None | Some("true" | "false") => {}
        Some(v) => {
            return Err(
                ApiError::invalid(format!("Param include_sip_credentials must be a boolean - got '{v}'.")).into()
            )
        }
    }
    Ok(Json(current()))
}

/// `POST /{phone-number-id}/settings` with one feature's settings → `{"success": true}`.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    check_update(&body)?;
    Ok(Json(json!({"success": true})))
}
