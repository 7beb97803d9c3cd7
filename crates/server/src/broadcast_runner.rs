//! The broadcast runner: one per process. Every quarter second it asks the store for
//! broadcasts that are due and not leased by another node, and sends each one it claims in a
//! task of its own ([`BroadcastService::work`] holds the lease while it sends); progress is
//! told to the console's open pages through the web app's live feed.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use risala_core::tools::broadcasts::runner::Sleeper;
use risala_core::tools::broadcasts::{BroadcastService, BroadcastWatcher};
use risala_web::live::{Feed, LiveEvent};

use crate::state::AppState;

/// How often due broadcasts are looked for.
pub const POLL_EVERY: Duration = Duration::from_millis(250);

/// Tells the business's open pages that a broadcast changed.
pub struct FeedWatcher(pub Arc<Feed>);

impl BroadcastWatcher for FeedWatcher {
    fn changed(&self, business_id: &str, broadcast_id: &str) {
        self.0.publish(business_id, LiveEvent::Broadcast { id: broadcast_id.to_string() });
    }
}

struct TokioSleeper;

#[async_trait::async_trait]
impl Sleeper for TokioSleeper {
    async fn sleep_ms(&self, ms: u64) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

/// Claim and send due broadcasts until the process ends.
pub async fn run(state: AppState) {
    let owner = format!("runner-{}", risala_core::ids::new_object_id());
    let active: Arc<Mutex<HashSet<String>>> = Arc::default();
    let mut tick = tokio::time::interval(POLL_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let due = match state.broadcasts.due(&owner).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "due broadcasts: failed");
                continue;
            }
        };
        for id in due {
            let fresh = active.lock().map(|mut a| a.insert(id.clone())).unwrap_or(false);
            if fresh {
                tokio::spawn(send(state.broadcasts.clone(), id, owner.clone(), active.clone()));
            }
        }
    }
}

async fn send(service: BroadcastService, id: String, owner: String, active: Arc<Mutex<HashSet<String>>>) {
    if let Err(e) = service.work(&id, &owner, &TokioSleeper).await {
        tracing::warn!(broadcast = %id, error = %e, "broadcast: sending failed; the next round tries again");
    }
    if let Ok(mut a) = active.lock() {
        a.remove(&id);
    }
}
