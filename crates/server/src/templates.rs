//! The template clock task: applies delayed review decisions and ends pauses when they are
//! due by the server's clock (the sandbox clock included), so decisions survive restarts and
//! their webhooks go out without a request touching the template.

use std::time::Duration;

use crate::state::AppState;

/// How often due template changes are looked for.
pub const SWEEP_EVERY: Duration = Duration::from_millis(500);

pub async fn sweep(state: AppState) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match state.templates.apply_due().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(changed = n, "due template reviews and unpauses applied"),
            Err(e) => tracing::warn!(error = %e, "applying due template changes failed"),
        }
    }
}
