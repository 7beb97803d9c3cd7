//! Risala's domain, in layers that import one way (checked by `tests/layers.rs`):
//!
//! 1. foundation: [`clock`], [`ids`], [`phone`], [`error`] (the error-code table), [`cache`],
//!    [`limits`] (token buckets), [`filename`] (file names that travel with media), [`sniff`] (what a file is by its first
//!    bytes), [`weburl`] (what counts as a web address), [`graph`] (`fields=` and paging);
//! 2. [`model`]: plain data and status enums, and the wire codecs [`inbound`] and [`outbound`]
//!    that parse and validate payloads into it, and [`health`] (a node's messaging health);
//! 3. [`store`]: the storage traits, and [`ports`]: what else services need from outside;
//! 4. services, each importing only lower ones: [`audit`], [`pricing`] → [`quality`] → [`templates`] →
//!    [`messaging`] → [`tenancy`], [`auth`], [`accounts`], [`inbox`], [`compose`], [`customers`], [`sandbox`],
//!    [`privacy`] → [`webhooks`].
//!
//! No HTTP and no SQL here.

pub mod cache;
pub mod clock;
pub mod error;
pub mod filename;
pub mod graph;
pub mod ids;
pub mod limits;
pub mod phone;
pub mod sniff;
pub mod weburl;

pub mod health;
pub mod inbound;
pub mod model;
pub mod outbound;

pub mod ports;
pub mod store;

pub mod accounts;
pub mod ads;
pub mod audit;
pub mod auth;
pub mod badges;
pub mod commerce;
pub mod compose;
pub mod console;
pub mod customers;
pub mod flows;
pub mod inbox;
pub mod messaging;
pub mod numbers;
pub mod payments;
pub mod pricing;
pub mod privacy;
pub mod profile;
pub mod quality;
pub mod sandbox;
pub mod templates;
pub mod tenancy;
pub mod tools;
pub mod webhooks;

pub use error::{ApiError, ErrorCode, StoreError};
