//! The store's own tests, one binary. Every store test runs on SQLite and on PostgreSQL (see
//! `harness`): the same suite over both engines, so a statement that one dialect reads
//! differently shows up here rather than in production.

// A test stops at the first failed step, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod fixtures;

mod accounts;
mod at_rest;
mod billing;
mod bots;
mod catalogs;
mod cbp;
mod cluster;
mod inbox;
mod media;
mod messages;
mod privacy;
mod quality;
mod schema;
mod secrets;
mod statements;
mod templates;
mod tenancy;
mod webhooks;
mod writer;
