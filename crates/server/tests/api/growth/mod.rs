//! Issue #18: growth, commerce and trust.

mod payments;
mod payments_stripe;
