//! Message templates: the model, the creation rules ([`validate`]), the review engine
//! ([`review`]), send-time rendering ([`mod@render`]), the webhook values ([`events`]), the
//! service that ties them to storage and time ([`service`]) and its reads of a WABA's list
//! ([`listing`]), and the built-in Template Library ([`library`]).

pub mod analytics;
pub mod carousel;
pub mod events;
mod flow_buttons;
mod handles;
pub mod library;
pub mod lifecycle;
pub mod listing;
pub mod offer;
pub mod render;
#[cfg(test)]
mod render_props;
pub mod review;
mod send_media;
pub mod service;
pub mod validate;

use crate::error::ApiError;
use crate::model::templates::*;

pub use handles::uploaded_file;
pub use render::{render, RenderedTemplate};
pub use service::{FeedbackKind, ReviewMode, TemplateConfig, TemplateService};

/// Shorthand for the Graph error 100 most template rules give.
pub(crate) fn invalid(details: impl Into<String>) -> ApiError {
    ApiError::invalid(details)
}
