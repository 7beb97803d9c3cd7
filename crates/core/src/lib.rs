//! Risala's domain: ids, phone numbers, the error-code table, time, the tenancy model, the
//! storage traits and the services that hold the rules. No HTTP and no SQL here.

pub mod auth;
pub mod cache;
pub mod clock;
pub mod error;
pub mod graph;
pub mod ids;
pub mod inbound;
pub mod limits;
pub mod messaging;
pub mod model;
pub mod outbound;
pub mod phone;
pub mod pricing;
pub mod quality;
pub mod store;
pub mod templates;
pub mod tenancy;
pub mod waba_settings;
pub mod webhooks;

pub use error::{ApiError, ErrorCode, StoreError};
