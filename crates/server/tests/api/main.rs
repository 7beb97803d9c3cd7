//! The server's HTTP API end to end, in one test binary: each test starts the real server on
//! port 0 with a fresh database (SQLite, and PostgreSQL when `RISALA_TEST_POSTGRES_URL` is
//! set) and speaks HTTP and WebSocket to it. One module per behaviour.

mod audit_pricing;
mod audit_templates;
mod billing;
mod cbp;
mod foundation;
mod limits;
mod messaging;
mod openapi;
mod panics;
mod template_sends;
mod templates;
mod templates_lifecycle;
mod webhooks;
