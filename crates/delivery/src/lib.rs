//! Webhook delivery: the outbox worker and what it needs — Meta's envelope and batching,
//! `X-Hub-Signature-256` signing, the retry schedule, the callback URL guard, pooled HTTP
//! clients (HTTP/1.1 with pipelining for `http` callbacks), delivery metrics.
//!
//! Guarantees: at least once (rows leave the outbox only after a 2xx), in order per ordering key
//! (a conversation's later event waits until the earlier one was acknowledged or gave up).

pub mod batch;
mod client;
pub mod config;
pub mod engine;
pub mod guard;
mod h1;
pub mod retry;
pub mod signature;
pub mod stats;
pub mod worker;

pub use config::{DeliveryConfig, Faults};
pub use engine::{Engine, Resolved, Target};
pub use stats::DeliveryStats;
pub use worker::WorkerHandle;
