//! The business tools of issue #17, one submodule per tool.

pub mod hours;
pub mod quick_replies;
