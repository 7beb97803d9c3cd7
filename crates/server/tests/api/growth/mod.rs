//! Issue #18, growth, commerce and trust: one module per part.

mod badge;
