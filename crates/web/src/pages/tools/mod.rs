//! The business tools' console pages (issue #17), one file per tool.

pub mod hours;
pub mod quick_replies;
