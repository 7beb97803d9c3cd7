//! Graph API: objects addressed by numeric id, with edges.

pub mod analytics;
pub mod block_users;
pub mod media;
pub mod messages;
pub mod objects;
pub mod phone_numbers;
pub mod repr;
pub mod subscriptions;
pub mod templates;

use axum::extract::{Request, State};
use axum::http::Method;
use risala_core::model::{ObjectKind, ObjectRef};
use risala_core::{ApiError, ErrorCode};

use crate::error::{GraphError, GraphResult};
use crate::extract::Caller;
use crate::state::AppState;

/// Look up `id` for the caller. An id that does not exist and an id of another business get
/// the same answer, so ids of other tenants cannot be probed.
pub async fn resolve(state: &AppState, caller: &Caller, id: &str, kinds: &[ObjectKind]) -> GraphResult<ObjectRef> {
    if !risala_core::ids::is_object_id(id) {
        return Err(alias_not_found(id));
    }
    let found = match state.objects.get(&id.to_string()) {
        Some(o) => Some(o),
        None => {
            let o = state.store.object(id).await?;
            if let Some(o) = &o {
                state.objects.insert(id.to_string(), o.clone());
            }
            o
        }
    };
    match found {
        Some(o) if o.business_id == caller.0.business_id && (kinds.is_empty() || kinds.contains(&o.kind)) => Ok(o),
        _ => Err(ApiError::object_not_found(id).into()),
    }
}

fn alias_not_found(alias: &str) -> GraphError {
    ApiError::new(ErrorCode::AliasNotFound, format!("Some of the aliases you requested do not exist: {alias}"))
        .with_message(format!("Some of the aliases you requested do not exist: {alias}"))
        .into()
}

/// No route: an unknown edge on an object, or a path that names no object.
pub async fn unknown_path(State(state): State<AppState>, req: Request) -> GraphError {
    let path = req.uri().path().trim_matches('/').to_string();
    let mut segs = path.split('/');
    let first = segs.next().unwrap_or("");
    if first.is_empty() {
        return ApiError::new(ErrorCode::UnknownPath, "No object id or edge in the path.")
            .with_message("Unsupported get request. Please read the Graph API documentation")
            .into();
    }
    if !risala_core::ids::is_object_id(first) {
        return alias_not_found(first);
    }
    let rest: Vec<&str> = segs.collect();
    match state.store.object(first).await {
        Ok(Some(_)) => ApiError::new(ErrorCode::UnknownPath, format!("Unknown path components: /{}", rest.join("/")))
            .with_message(format!("Unknown path components: /{}", rest.join("/")))
            .into(),
        Ok(None) => ApiError::object_not_found(first).into(),
        Err(e) => e.into(),
    }
}

/// A known path with a method it does not support.
pub async fn unsupported_method(method: Method, req: Request) -> GraphError {
    let id = req.uri().path().trim_matches('/').split('/').next().unwrap_or("").to_string();
    unsupported(&id, &method.as_str().to_ascii_lowercase()).into()
}

/// Graph's answer to a method an object does not support.
pub fn unsupported(id: &str, verb: &str) -> ApiError {
    ApiError::new(ErrorCode::ObjectNotFound, format!("Unsupported {verb} request on this path."))
        .with_message(format!(
            "Unsupported {verb} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
        ))
}
