//! The server's background sweeps: work that comes due by the clock (the service clock, so the
//! sandbox clock moves it too) without a request touching it. Each runs on one schedule through
//! `every`; a failed round is logged and the next one tries again. On a fleet of nodes each
//! sweep runs on one node at a time: a round goes ahead only on the node that holds the sweep's
//! lease ([`risala_core::ports::Leases`]), and when that node dies another takes it over.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use risala_core::clock::Clock;

use crate::state::AppState;

/// How often due template changes and expired undelivered messages are looked for.
pub const SWEEP_EVERY: Duration = Duration::from_millis(500);

/// Run `work` every `period` (a late round delays the next, rounds never bunch up) while this
/// node holds the lease of `task`, and log how many things a round changed, as `what`.
async fn every<F, Fut, N, E>(state: &AppState, task: &str, period: Duration, what: &'static str, mut work: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<N, E>>,
    N: Into<u64>,
    E: Display,
{
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if !state.cluster.leases.hold(task).await {
            continue;
        }
        match work().await.map(Into::into) {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "{what}"),
            Err(e) => tracing::warn!(error = %e, "{what}: failed"),
        }
    }
}

/// Delayed review decisions and pauses that end, so decisions survive restarts and their
/// webhooks go out on time.
pub async fn templates(state: AppState) {
    every(&state, "templates", SWEEP_EVERY, "due template reviews and unpauses applied", || async {
        state.templates.apply_due().await.map(|n| n as u64)
    })
    .await
}

/// Messages still undelivered when their time-to-live ends are dropped (a failed status
/// webhook). A device that connects meanwhile is not given them (its backlog checks the TTL).
pub async fn undelivered(state: AppState) {
    every(&state, "undelivered", SWEEP_EVERY, "undelivered messages past their time-to-live dropped", || async {
        state.messaging.expire_undelivered().await.map(|n| n as u64)
    })
    .await
}

/// Message bodies past `[retention] message_bodies` become tombstones. With retention unset it
/// reads nothing; with it set, one look is a range of the partial index of kept bodies.
pub async fn retention(state: AppState) {
    every(&state, "retention", Duration::from_secs(1), "message bodies past their retention removed", || {
        state.privacy.sweep()
    })
    .await
}

/// Bot runs whose `wait` step ended go on (the sandbox clock moved past it, or time passed).
pub async fn bot_waits(state: AppState) {
    every(&state, "bot_waits", SWEEP_EVERY, "bot runs resumed after a wait", || state.bots.resume_due()).await
}

/// Due messaging limit upgrades, and ratings that recover as blocks and reports age (reads of a
/// number and sends at the limit apply them at once too).
pub async fn quality(state: AppState) {
    every(&state, "quality", Duration::from_secs(60), "quality sweep", || async {
        state.messaging.quality().sweep().await.map(|()| 0u64)
    })
    .await
}

/// Media past its retention is refused at once (reads check `expires_at`); this reclaims its
/// storage, `[retention] media_after_expiry` later.
pub async fn media(state: AppState) {
    let grace = state.config.retention.durations().map(|d| d.1).unwrap_or(0);
    every(&state, "media", Duration::from_secs(60), "expired media removed", || {
        state.store.expire_media(state.clock.now_ms().saturating_sub(grace))
    })
    .await
}

/// Official business account requests nobody decided by their due time are decided by the
/// criteria (reads of a number's status apply a due decision at once too).
pub async fn badges(state: AppState) {
    every(&state, "badges", SWEEP_EVERY, "due official business account requests decided", || async {
        state.badges.apply_due().await.map(|n| n as u64)
    })
    .await
}
