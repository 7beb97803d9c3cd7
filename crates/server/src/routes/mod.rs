//! The route table, one folder per surface, each with its own `routes()`:
//! - [`graph`]: the Cloud API, Graph style (`/{id}`, `/{id}/{edge}`; the version prefix is
//!   stripped before routing);
//! - [`customer`]: what a WhatsApp user's device does (`/customer/v1/…`);
//! - [`admin`]: the operator's tools (`/admin/v1/…`);
//! - [`sandbox`]: sandbox controls (`/sandbox/v1/…`);
//! - [`ops`]: health, readiness, metrics, OpenAPI.
//!
//! Handlers extract and authorise, call a service, and serialise; the rules live in
//! `risala-core`'s services.

pub mod admin;
pub mod customer;
pub mod graph;
pub mod ops;
pub mod sandbox;

use axum::Router;

use crate::middleware;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(ops::routes())
        .merge(graph::routes().route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::audit::graph)))
        .merge(customer::routes())
        .merge(admin::routes().route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::audit::admin)))
        .merge(sandbox::routes())
        .fallback(graph::unknown_path)
        .method_not_allowed_fallback(graph::unsupported_method)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::observe))
        .with_state(state)
}
