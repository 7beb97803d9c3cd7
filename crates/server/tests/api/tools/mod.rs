//! The business tools of issue #17 through their `/tools/v1/…` API and console pages, one
//! file per tool.

mod broadcasts;
mod broadcasts_browser;
