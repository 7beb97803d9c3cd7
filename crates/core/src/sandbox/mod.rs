//! The sandbox's controls as a service: the clock every time-based rule reads. Moving it
//! forward makes a customer service window expire without waiting a day; the offset is kept in
//! the store so a restart keeps the sandbox's time.

pub mod faults;
mod state;

use std::sync::Arc;

use crate::clock::{Clock, Millis, OffsetClock};
use crate::error::ApiError;
use crate::ports::WebhookWaker;
use crate::store::Store;

/// Setting key of the sandbox clock's offset from the system clock, in milliseconds.
pub const CLOCK_SETTING: &str = "sandbox_clock_offset_ms";

/// The furthest the sandbox clock may run ahead of the system clock: ten years (365-day years).
/// Far beyond any rule's period (the longest, media retention and retry ages, are days), and far
/// from the overflow of millisecond arithmetic.
pub const MAX_OFFSET_MS: Millis = 10 * 365 * 86_400_000;

/// The stored clock offset (0 when never moved).
pub async fn stored_offset(store: &dyn Store) -> Result<Millis, ApiError> {
    Ok(store.setting(CLOCK_SETTING).await?.and_then(|s| s.parse().ok()).unwrap_or(0))
}

#[derive(Clone)]
pub struct SandboxService {
    store: Arc<dyn Store>,
    clock: Arc<OffsetClock>,
    waker: Arc<dyn WebhookWaker>,
}

impl SandboxService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<OffsetClock>, waker: Arc<dyn WebhookWaker>) -> Self {
        SandboxService { store, clock, waker }
    }

    /// The service clock's now and its offset from the system clock.
    pub fn now(&self) -> (Millis, Millis) {
        (self.clock.now_ms(), self.clock.offset_ms())
    }

    /// Move the clock forward by `ms` (> 0) and keep the new offset; refused (the clock unmoved)
    /// past [`MAX_OFFSET_MS`] ahead of the system clock.
    pub async fn advance(&self, ms: Millis) -> Result<(), ApiError> {
        if ms <= 0 {
            return Err(ApiError::bad_value("the clock only moves forward: give a positive duration"));
        }
        let Some(offset) = self.clock.advance(ms, MAX_OFFSET_MS) else {
            return Err(ApiError::bad_value(format!(
                "the sandbox clock runs at most {MAX_OFFSET_MS} ms (10 years) ahead of the system clock; it is {} ms ahead",
                self.clock.offset_ms()
            )));
        };
        self.store.set_setting(CLOCK_SETTING, &offset.to_string()).await?;
        // Retries and timed decisions may have come due.
        self.waker.wake();
        Ok(())
    }
}
