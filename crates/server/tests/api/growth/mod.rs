//! Issue #18: growth, commerce and trust.

mod payments;
mod payments_browser;
mod payments_console;
mod payments_stripe;
