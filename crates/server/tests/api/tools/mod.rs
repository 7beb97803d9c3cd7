//! The business tools of issue #17 through their `/tools/v1/…` API, one file per tool.

mod broadcasts;
