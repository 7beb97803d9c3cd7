//! Wire types only: what goes over HTTP, WebSocket and webhooks. Serde and nothing else.

pub mod admin;
pub mod graph;
