//! One module per page or group of pages; each handler parses, calls one service, renders.

pub mod account;
pub mod chats;
pub mod composer;
pub mod composer_shop;
pub mod console;
pub mod errors;
pub mod inbox;
pub mod operator;
pub mod people;
pub mod sign_in;
pub mod tools;
pub mod webchat;
pub mod webchat_updates;

use axum::http::HeaderMap;

use crate::WebState;

/// Where emailed links point: `public_url`, else (sandbox) the host the request was sent to.
pub fn link_base(state: &WebState, headers: &HeaderMap) -> String {
    match &state.link_base {
        Some(base) => base.clone(),
        None => {
            let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
            let scheme = if state.secure_cookies { "https" } else { "http" };
            format!("{scheme}://{host}")
        }
    }
}
