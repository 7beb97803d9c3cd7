//! The server's HTTP API end to end, in one test binary: each test starts the real server on
//! port 0 with a fresh database (SQLite, and PostgreSQL when `RISALA_TEST_POSTGRES_URL` is
//! set) and speaks HTTP and WebSocket to it. One module per behaviour.

// A test stops at the first failed step, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod at_rest;
mod business_profile;
mod compatibility;
mod connections;
mod errors;
mod faults;
mod flows;
mod graph;
pub(crate) mod growth;
mod health;
mod input_checks;
mod limits;
mod log_capture;
mod media;
mod media_streaming;
mod messaging;
mod numbers_lifecycle;
mod openapi;
mod operations;
mod panics;
mod pricing;
mod privacy;
mod qr_codes;
mod route_table;
mod sandbox;
mod secrets;
mod send_requests;
mod sign_in;
mod state_file;
mod support;
mod surfaces;
mod templates;
mod tenancy;
mod tools;
mod uploads;
mod user_ids;
mod web;
mod webchat;
mod webhooks;
