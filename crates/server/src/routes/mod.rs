//! The route table, one folder per surface, each with its own `routes()`:
//! - [`graph`]: the Cloud API, Graph style (`/{id}`, `/{id}/{edge}`; the version prefix is
//!   stripped before routing);
//! - [`customer`]: what a WhatsApp user's device does (`/customer/v1/…`);
//! - [`admin`]: the operator's tools (`/admin/v1/…`);
//! - [`sandbox`]: sandbox controls (`/sandbox/v1/…`);
//! - [`tools`]: the business tools of a number (`/tools/v1/{phone-number-id}/…`);
//! - [`links`]: QR code images and short links (`/wa/…`), public;
//! - [`ops`]: health, readiness, metrics, OpenAPI;
//! - the web app's pages under `/app/…` (the `risala-web` crate), and `GET /`, which sends a
//!   browser there ([`fallback`]).
//!
//! Handlers extract and authorise, call a service, and serialise; the rules live in
//! `risala-core`'s services.

pub mod admin;
pub mod customer;
pub mod graph;
pub mod links;
pub mod ops;
pub mod payments;
pub mod sandbox;
pub mod tools;

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;

use crate::config::Mode;
use crate::middleware;
use crate::state::AppState;

/// What the web app's pages need, from the server's state.
fn web_state(state: &AppState) -> risala_web::WebState {
    let config = &state.config;
    let link_base = match (&config.public_url, config.mode) {
        (Some(u), _) if !u.is_empty() => Some(u.trim_end_matches('/').to_string()),
        // Platform mode never builds a link from a request's Host header (a reset link
        // pointing at another site would hand its token over).
        (_, Mode::Platform) => Some(config.public_url(&config.listen)),
        (_, Mode::Sandbox) => None,
    };
    risala_web::WebState {
        accounts: state.accounts.clone(),
        inbox: state.inbox.clone(),
        console: risala_core::console::ConsoleService::new(
            state.store.clone(),
            state.clock.clone(),
            state.messaging.quality().clone(),
            state.templates.clone(),
            state.webhooks.clone(),
            state.audit.clone(),
        ),
        feed: state.inbox_feed.clone(),
        compose: risala_core::compose::ComposeService::new(state.messaging.clone()),
        faq: state.faq.clone(),
        bots: state.bots.clone(),
        contacts: state.contacts.clone(),
        attachments: crate::composer_intake::intake(state),
        hours: state.hours.clone(),
        quick_replies: state.quick_replies.clone(),
        broadcasts: state.broadcasts.clone(),
        ads: state.ads.clone(),
        catalogs: state.catalogs.clone(),
        messaging: state.messaging.clone(),
        payments: state.payments.clone(),
        link_base,
        customer_codes: config.mode == Mode::Platform,
        secure_cookies: config.secure_cookies(),
        badges: state.badges.clone(),
        operator_token: config.admin_token.clone().filter(|t| !t.is_empty()),
        audit: state.audit.clone(),
    }
}

/// A path no route matched. `/` from a browser goes to the web app (303 to `/app/`); an API
/// client (a bearer token, `Accept: application/json` or no `text/html` in `Accept`, another
/// method than GET) and every other path get Graph's answer ([`graph::unknown_path`]).
pub async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let headers = req.headers();
    let browser = req.uri().path() == "/"
        && req.method() == Method::GET
        && !headers.contains_key(header::AUTHORIZATION)
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html") && !a.contains("application/json"));
    if browser {
        return Redirect::to(risala_web::routes::HOME).into_response();
    }
    graph::unknown_path(State(state), req).await.into_response()
}

/// The layer of the Graph routes, in one step (each layer of its own cost a boxed future and a
/// move of the request per request): a token in the body, the sandbox's fault rules, the audit.
async fn graph_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let req = match crate::extract::token_in_body(req).await {
        Ok(req) => req,
        Err(answer) => return answer,
    };
    let req = match sandbox::faults::inject(&state, req).await {
        Ok(req) => req,
        Err(answer) => return answer,
    };
    crate::audit::graph(State(state), req, next).await
}

/// The layer of the business tools' routes: [`graph_layer`] without fault rules.
async fn tools_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match crate::extract::token_in_body(req).await {
        Ok(req) => crate::audit::graph(State(state), req, next).await,
        Err(answer) => answer,
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(ops::routes())
        .merge(graph::routes().route_layer(axum::middleware::from_fn_with_state(state.clone(), graph_layer)))
        .merge(tools::routes().route_layer(axum::middleware::from_fn_with_state(state.clone(), tools_layer)))
        .merge(customer::routes())
        .merge(links::routes())
        .merge(admin::routes().route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::audit::admin)))
        .merge(sandbox::routes())
        .merge(payments::routes())
        .fallback(fallback)
        .method_not_allowed_fallback(graph::unsupported_method)
        .with_state(state.clone())
        .merge(risala_web::router(web_state(&state)))
        .layer(axum::middleware::from_fn_with_state(state, middleware::observe))
}
