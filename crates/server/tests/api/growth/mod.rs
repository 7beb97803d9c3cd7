//! Issue #18, growth, commerce and trust: one module per part.

mod badge;
mod badge_browser;
mod badge_console;
