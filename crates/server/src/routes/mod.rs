//! The route table. Graph paths are matched after the version prefix is stripped.

pub mod admin;
pub mod chat_controls;
pub mod conversations;
pub mod customer;
pub mod graph;
pub mod ops;
pub mod preferences;
pub mod sandbox;
pub mod template_lifecycle;
pub mod template_review;
pub mod waba_settings;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::middleware;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(crate::openapi::openapi))
        .route(
            "/{id}",
            get(graph::objects::get_object).delete(graph::objects::delete_object).post(graph::templates::post_object),
        )
        .route("/{id}/phone_numbers", get(graph::phone_numbers::list))
        .route("/{id}/conversations", get(conversations::graph))
        .route("/admin/v1/phone_numbers/{id}/conversations", get(conversations::admin))
        .route(
            "/{id}/message_templates",
            get(graph::templates::list).post(graph::templates::create).delete(graph::templates::delete),
        )
        .route(
            "/{id}/subscriptions",
            get(graph::subscriptions::get_app_subscriptions)
                .post(graph::subscriptions::post_app_subscription)
                .delete(graph::subscriptions::delete_app_subscription),
        )
        .route(
            "/{id}/subscribed_apps",
            get(graph::subscriptions::get_subscribed_apps)
                .post(graph::subscriptions::post_subscribed_apps)
                .delete(graph::subscriptions::delete_subscribed_apps),
        )
        .merge(admin::routes())
        .route("/{id}/messages", post(graph::messages::send))
        .route(
            "/{id}/block_users",
            get(graph::block_users::list).post(graph::block_users::block).delete(graph::block_users::unblock),
        )
        .route(
            "/{id}/media",
            post(graph::media::upload).layer(DefaultBodyLimit::max(crate::media::MAX_UPLOAD + 1024 * 1024)),
        )
        .route("/media-download/{id}", get(graph::media::download))
        .route("/customer/v1/session", post(customer::open_session))
        .route("/customer/v1/session/code", post(customer::request_code))
        .route("/customer/v1/me", get(customer::me))
        .route("/customer/v1/chats", get(customer::chats))
        .route("/customer/v1/chats/{number}/messages", get(customer::history))
        .route("/customer/v1/chats/{number}/block", post(chat_controls::block))
        .route("/customer/v1/chats/{number}/unblock", post(chat_controls::unblock))
        .route("/customer/v1/chats/{number}/report", post(chat_controls::report))
        .route("/customer/v1/chats/{number}/marketing", post(preferences::marketing))
        .route("/admin/v1/templates/{id}/review", post(template_review::review))
        .route("/admin/v1/templates/{id}/appeal", post(template_lifecycle::appeal))
        .route("/admin/v1/templates/{id}/archive", post(template_lifecycle::archive))
        .route("/admin/v1/templates/{id}/unarchive", post(template_lifecycle::unarchive))
        .route("/admin/v1/wabas/{id}/settings", get(waba_settings::get).post(waba_settings::set))
        .route("/customer/v1/messages", post(customer::send))
        .route("/customer/v1/messages/{id}/status", post(customer::ack))
        .route(
            "/customer/v1/media",
            post(customer::upload).layer(DefaultBodyLimit::max(crate::media::MAX_UPLOAD + 1024 * 1024)),
        )
        .route("/customer/v1/media/{id}", get(customer::download))
        .route("/customer/v1/stream", get(customer::stream::stream))
        .route("/sandbox/v1/clock", get(sandbox::clock))
        .route("/sandbox/v1/clock/advance", post(sandbox::advance))
        .fallback(graph::unknown_path)
        .method_not_allowed_fallback(graph::unsupported_method)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::observe))
        .with_state(state)
}
