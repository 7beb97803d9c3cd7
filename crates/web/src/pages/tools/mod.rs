//! The business tools' pages (issue #17), one module per tool, in the owners' console.

pub mod broadcasts;
