//! The route table. Graph paths are matched after the version prefix is stripped.

pub mod graph;
pub mod ops;

use axum::routing::get;
use axum::Router;

use crate::middleware;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/{id}", get(graph::objects::get_object))
        .route("/{id}/phone_numbers", get(graph::phone_numbers::list))
        .fallback(graph::unknown_path)
        .method_not_allowed_fallback(graph::unsupported_method)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::observe))
        .with_state(state)
}
