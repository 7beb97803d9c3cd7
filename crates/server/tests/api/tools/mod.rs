//! The business tools of issue #17 through `/tools/v1/{phone-number-id}/…`, one file per tool.

mod browser;
mod hours;
mod quick_replies;
