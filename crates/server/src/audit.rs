//! The audit trail of the HTTP surfaces: a route layer on the admin API and on the Graph API
//! records every successful state-changing request (any method but GET/HEAD/OPTIONS) with
//! `risala_core::audit`: the actor (`operator` for the admin token, `token:<id>` for a
//! business's token), the operation as the metrics name it (`POST /{id}/subscribed_apps`), the
//! object the path names and its business, the client address, and the names — never the
//! values — of the fields it set. Sending messages and uploading media are the data plane, not
//! configuration, and are not recorded; customer erasure records itself, with its counts.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use risala_core::model::{Actor, ObjectKind, Target};
use risala_core::ApiError;

use crate::error::GraphError;
use crate::extract::{Caller, GraphBody, MAX_BODY};
use crate::routes::admin::Admin;
use crate::state::AppState;

/// Which API a request came through: who its caller is depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    Admin,
    Graph,
}

/// Routes whose changes are not configuration (Graph) or record themselves (admin).
fn skipped(surface: Surface, path: &str) -> bool {
    match surface {
        Surface::Graph => path.ends_with("/messages") || path.ends_with("/media"),
        Surface::Admin => path.ends_with("/erase"),
    }
}

/// The client address of a request, as the listener saw it.
pub fn client_address(parts: &Parts) -> Option<String> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())
}

/// Route layer of the admin API.
pub async fn admin(state: State<AppState>, req: Request, next: Next) -> Response {
    audited(state, req, next, Surface::Admin).await
}

/// The last of the Graph layers (`graph_layer` in `routes`).
pub async fn graph(state: State<AppState>, req: Request, next: Next) -> Response {
    audited(state, req, next, Surface::Graph).await
}

async fn audited(State(state): State<AppState>, req: Request, next: Next, surface: Surface) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(path) = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()) else {
        return next.run(req).await;
    };
    if skipped(surface, &path) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    // The body is read here to name its fields, then handed on as it came.
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return GraphError(ApiError::invalid(format!("The request body is larger than {MAX_BODY} bytes.")))
                .into_response()
        }
    };
    let fields = field_names(&parts, bytes.clone()).await;
    let id = RawPathParams::from_request_parts(&mut parts, &state)
        .await
        .ok()
        .and_then(|p| p.iter().next().map(|(_, v)| v.to_string()));
    let mut who = parts.clone();
    let resp = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if !resp.status().is_success() {
        return resp;
    }
    let action = format!("{} {path}", who.method);
    if let Err(e) = record(&state, &mut who, surface, &action, id, &fields).await {
        tracing::error!(error = %e.0, action, "the audit record of a change could not be written");
    }
    resp
}

/// The names of the fields a request set (body and query, request-level parameters left out).
async fn field_names(parts: &Parts, bytes: axum::body::Bytes) -> Vec<String> {
    let req = Request::from_parts(parts.clone(), Body::from(bytes));
    let mut names: Vec<String> = match GraphBody::from_request(req, &()).await {
        Ok(GraphBody(body)) => body.keys().cloned().collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

async fn record(
    state: &AppState,
    parts: &mut Parts,
    surface: Surface,
    action: &str,
    id: Option<String>,
    fields: &[String],
) -> Result<(), GraphError> {
    let address = client_address(parts);
    let (actor, caller_business) = match surface {
        Surface::Admin => match Admin::from_request_parts(parts, state).await? {
            Admin::Operator => (Actor::operator(address), None),
            Admin::Business(_) => token_actor(parts, state, address).await?,
        },
        Surface::Graph => token_actor(parts, state, address).await?,
    };
    let object = match &id {
        Some(id) => state.tenancy.object(id).await?,
        None => None,
    };
    let business_id = caller_business.or_else(|| {
        object.as_ref().map(|o| if o.kind == ObjectKind::Business { o.id.clone() } else { o.business_id.clone() })
    });
    let mut detail = Vec::new();
    if let Some(o) = &object {
        detail.push(format!("kind={}", o.kind.as_str()));
    }
    if !fields.is_empty() {
        detail.push(format!("fields={}", fields.join(",")));
    }
    let target = Target { business_id, id: id.unwrap_or_default() };
    state.audit.record(&actor, action, &target, &detail.join(" ")).await?;
    Ok(())
}

/// A business token's actor, and its business.
async fn token_actor(
    parts: &mut Parts,
    state: &AppState,
    address: Option<String>,
) -> Result<(Actor, Option<String>), GraphError> {
    let caller = Caller::from_request_parts(parts, state).await?;
    Ok((Actor::token(&caller.0.token_id, address), Some(caller.0.business_id.clone())))
}
