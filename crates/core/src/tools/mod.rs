//! The business tools of a number (issue #17): each a service over the store and the send
//! path, managed from the owners' console and the `/tools/v1/…` API.

pub mod body;
pub mod bots;
pub mod broadcasts;
pub mod contacts;
pub mod faq;
pub mod hours;
pub mod quick_replies;
pub mod variables;
