//! The outbox worker: claim due rows in batches, resolve their callbacks, pack them into POSTs,
//! send (bounded per endpoint), and record each attempt. It sleeps until woken (a producer's
//! commit, a finished POST, a clock move) or until its fallback poll, never in a hot loop.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use risala_core::model::{AttemptResult, Delivery, Outcome};
use risala_core::store::Engine as StoreEngine;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::OwnedSemaphorePermit;
use tokio::task::JoinSet;

use crate::batch;
use crate::client::{Answer, PostError};
use crate::engine::{Endpoint, Engine, Resolved, Target};
use crate::h1::Post;
use crate::retry;
use crate::signature::signature_header;
use crate::stats::FailureKind;

/// How long a change for a paused endpoint waits before it is looked at again (a resume makes
/// it due at once; this bounds the delay when another node resumed it).
const PAUSE_RECHECK_MS: i64 = 10_000;
const HOUSEKEEPING: Duration = Duration::from_secs(1);
/// How long a woken worker lets further commits gather before it claims.
const GATHER: Duration = Duration::from_millis(2);
const PURGE_EVERY: Duration = Duration::from_secs(60);

/// The running worker; stop it to finish in-flight POSTs and end the loop.
pub struct WorkerHandle {
    engine: Arc<Engine>,
    join: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    /// Stop claiming, wait for in-flight POSTs (up to the POST timeout), then return.
    pub async fn stop(self) {
        self.engine.stopping.store(true, Ordering::Relaxed);
        self.engine.wake();
        let _ = self.join.await;
    }
}

/// Where finished POSTs send what must be recorded: one recorder writes everything that
/// queued up while its previous write committed, so one commit covers many POSTs (with one
/// change per POST, one commit per POST would put the writer — and with `synchronous=FULL` an
/// fsync — on every webhook's path).
type Recorder = UnboundedSender<Vec<AttemptResult>>;

/// How one POST went.
enum Attempt {
    Ok(u16),
    Failed { kind: FailureKind, status: Option<u16>, error: String },
}

impl Engine {
    /// Start the worker loop on the current runtime.
    pub fn start(self: &Arc<Self>) -> WorkerHandle {
        self.stopping.store(false, Ordering::Relaxed);
        let engine = self.clone();
        let join = tokio::spawn(async move { engine.run().await });
        WorkerHandle { engine: self.clone(), join }
    }

    async fn run(self: Arc<Self>) {
        if let StoreEngine::Sqlite = self.store.engine() {
            // One node: leases left by a previous process (killed mid-POST) are void.
            match self.store.release_all_leases().await {
                Ok(n) if n > 0 => tracing::info!(rows = n, "released webhook leases of a previous run"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not release old webhook leases"),
            }
        }
        let mut tasks: JoinSet<()> = JoinSet::new();
        let (recorder, results) = unbounded_channel();
        let recording = tokio::spawn(self.clone().record_loop(results));
        let mut last_housekeeping: Option<Instant> = None;
        let mut last_purge = Instant::now();
        while !self.stopped() {
            while tasks.try_join_next().is_some() {}
            if last_housekeeping.is_none_or(|t| t.elapsed() >= HOUSEKEEPING) {
                self.housekeeping().await;
                last_housekeeping = Some(Instant::now());
            }
            if last_purge.elapsed() >= PURGE_EVERY {
                last_purge = Instant::now();
                let before = self.clock.now_ms() - self.cfg.retention.0;
                if let Err(e) = self.store.purge_delivered(before, 10_000).await {
                    tracing::warn!(error = %e, "purging delivered webhooks failed");
                }
            }
            let free = self.inflight.available_permits();
            if free == 0 {
                tokio::select! {
                    _ = tasks.join_next() => {}
                    _ = self.notify.notified() => {}
                }
                continue;
            }
            let now = self.clock.now_ms();
            let limit = self.cfg.claim_limit.min(free * self.cfg.batch_max_count).max(1);
            // Leases run on the wall clock: a sandbox clock moved forward must not end the
            // lease of a POST in flight (the change would be sent twice).
            let wall = wall_clock_ms();
            let until = wall + self.cfg.lease.0;
            // At most one POST's worth of a conversation: the rest of it waits for that POST.
            let per_key = self.cfg.batch_max_count;
            let rows = match self.store.claim_due(now, &self.owner, wall, until, limit, per_key).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "claiming webhook deliveries failed");
                    self.idle(self.cfg.poll_interval.as_std()).await;
                    continue;
                }
            };
            if rows.is_empty() {
                let wait = match self.store.next_due_at().await {
                    Ok(Some(due)) => Duration::from_millis((due - now).clamp(5, self.cfg.poll_interval.0) as u64),
                    _ => self.cfg.poll_interval.as_std(),
                };
                self.idle(wait).await;
                continue;
            }
            self.dispatch(rows, &mut tasks, &recorder).await;
        }
        // Let in-flight POSTs finish, then record every outcome before returning.
        let deadline = self.cfg.timeout.as_std() + Duration::from_secs(1);
        if tokio::time::timeout(deadline, async { while tasks.join_next().await.is_some() {} }).await.is_err() {
            tasks.abort_all();
        }
        drop(recorder);
        let _ = recording.await;
    }

    /// Write the outcomes of finished POSTs: each write takes everything queued meanwhile.
    async fn record_loop(self: Arc<Self>, mut results: UnboundedReceiver<Vec<AttemptResult>>) {
        while let Some(mut batch) = results.recv().await {
            while let Ok(more) = results.try_recv() {
                batch.extend(more);
            }
            if let Err(e) = self.store.record_attempts(&self.owner, &batch).await {
                // The rows stay leased and are tried again when the lease ends.
                tracing::warn!(error = %e, rows = batch.len(), "recording webhook attempts failed");
            }
            // Later events of those conversations may now go.
            self.wake();
        }
    }

    async fn idle(&self, wait: Duration) {
        tokio::select! {
            _ = self.notify.notified() => {
                // Woken by a commit: under load more commits follow within a millisecond or
                // two, and one claim for all of them costs the writer far less than one each.
                tokio::time::sleep(GATHER).await;
            }
            _ = tokio::time::sleep(wait) => {}
        }
    }

    /// Refresh paused endpoints and the queue gauges.
    async fn housekeeping(&self) {
        if let Ok(eps) = self.store.endpoints().await {
            if let Ok(mut p) = self.paused.write() {
                *p = eps.into_iter().filter(|e| e.paused).map(|e| e.url).collect();
            }
        }
        if let Ok(s) = self.store.outbox_stats().await {
            self.stats.queue_pending.store(s.pending, Ordering::Relaxed);
            self.stats.queue_dead.store(s.dead, Ordering::Relaxed);
            let age = s.oldest_pending_at.map(|t| (self.clock.now_ms() - t).max(0)).unwrap_or(0);
            self.stats.oldest_pending_age_ms.store(age, Ordering::Relaxed);
        }
    }

    async fn dispatch(self: &Arc<Self>, rows: Vec<Delivery>, tasks: &mut JoinSet<()>, recorder: &Recorder) {
        let now = self.clock.now_ms();
        let mut decided: Vec<AttemptResult> = Vec::new();
        let mut release = Vec::new();
        let mut groups: Vec<(Target, Vec<Delivery>)> = Vec::new();
        // A claim's rows mostly share one callback (one WABA, number and field): it is
        // resolved once per run of alike rows, not once per row.
        let mut last: Option<(String, Option<String>, String, Resolved)> = None;
        for row in rows {
            let alike = matches!(&last, Some((waba, phone, field, _))
                if *waba == row.waba_id && phone.as_deref() == row.phone_number_id.as_deref() && *field == row.field);
            if !alike {
                last = None;
                match self.resolve(&row.business_id, &row.waba_id, row.phone_number_id.as_deref(), &row.field).await {
                    Ok(r) => last = Some((row.waba_id.clone(), row.phone_number_id.clone(), row.field.clone(), r)),
                    Err(e) => {
                        tracing::warn!(error = %e, "resolving a webhook callback failed");
                        release.push(row.id);
                        continue;
                    }
                }
            }
            let Some((_, _, _, resolved)) = &last else { continue };
            match resolved {
                Resolved::Nowhere(why) => {
                    self.stats.events_dead.fetch_add(1, Ordering::Relaxed);
                    decided.push(decision(row.id, Outcome::Dead { counted: false }, why.clone(), None, now));
                }
                Resolved::To(t) if self.is_paused(&t.url) => decided.push(decision(
                    row.id,
                    Outcome::Defer { next_attempt_at: now + PAUSE_RECHECK_MS },
                    "the endpoint is paused".into(),
                    Some(t.url.clone()),
                    now,
                )),
                // One group per business and URL: a POST carries one business's changes,
                // signed with its app's secret, under its fault settings. Groups are few, and
                // a row's is most often the last one made.
                Resolved::To(t) => {
                    match groups.iter().rposition(|(g, rows)| g.url == t.url && rows[0].business_id == row.business_id)
                    {
                        Some(i) => groups[i].1.push(row),
                        None => groups.push((t.clone(), vec![row])),
                    }
                }
            }
        }
        if !decided.is_empty() {
            if let Err(e) = self.store.record_attempts(&self.owner, &decided).await {
                tracing::warn!(error = %e, "recording webhook decisions failed");
            }
            // Later events of those conversations may now go.
            self.wake();
        }
        for (target, rows) in groups {
            let (chunks, overflow) = batch::chunk(rows, self.cfg.batch_max_count, self.cfg.batch_max_bytes);
            release.extend(overflow);
            let endpoint = self.endpoint(&target.url);
            // POSTs to one endpoint go in trains that share a connection and a write (see
            // `h1`); sandbox faults are applied POST by POST, one POST a train.
            let business = chunks.first().and_then(|c| c.first()).map(|d| d.business_id.as_str());
            let len = if self.sandbox && self.faults(business).any() { 1 } else { endpoint.train_len() };
            let mut chunks = chunks.into_iter().peekable();
            while chunks.peek().is_some() {
                let train: Vec<Vec<Delivery>> = chunks.by_ref().take(len).collect();
                let Ok(permit) = self.inflight.clone().acquire_many_owned(train.len() as u32).await else { return };
                let engine = self.clone();
                let (target, endpoint, recorder) = (target.clone(), endpoint.clone(), recorder.clone());
                tasks.spawn(async move { engine.send_train(target, endpoint, train, permit, recorder).await });
            }
        }
        if !release.is_empty() {
            if let Err(e) = self.store.release(&self.owner, &release).await {
                tracing::warn!(error = %e, "releasing webhook rows failed");
            }
        }
    }

    /// POST each chunk of `train` (one POST each) to `target`, down one connection where the
    /// endpoint allows, and hand the outcomes to the recorder.
    async fn send_train(
        self: Arc<Self>,
        target: Target,
        endpoint: Arc<Endpoint>,
        train: Vec<Vec<Delivery>>,
        permit: OwnedSemaphorePermit,
        recorder: Recorder,
    ) {
        let Ok(slots) = endpoint.slots.clone().acquire_many_owned(train.len() as u32).await else { return };
        let started = Instant::now();
        let (attempts, closed_early) = match &train[..] {
            [rows] => {
                // A chunk holds the changes of one business (its target is resolved per business).
                let business = rows.first().map(|d| d.business_id.as_str());
                (vec![self.post(&endpoint, &target, business, batch::envelope(rows)).await], false)
            }
            chunks => self.post_train(&endpoint, &target, chunks).await,
        };
        // The endpoint's next POSTs may start while these outcomes are being recorded.
        drop(slots);
        drop(permit);
        let took = started.elapsed();
        endpoint.trained(train.len(), took, closed_early);
        let at = self.clock.now_ms();
        let mut results = Vec::new();
        for (rows, attempt) in train.into_iter().zip(attempts) {
            self.stats.observe_attempt(took.as_secs_f64());
            self.outcomes(&target, rows, attempt, at, &mut results);
        }
        if recorder.send(results).is_err() {
            // Only when the worker is gone: the rows stay leased and are tried again when the
            // lease ends.
            tracing::warn!("the webhook recorder has stopped; an attempt's outcome was not recorded");
        }
    }

    /// What is to be recorded of one POST's `attempt` for its `rows`.
    fn outcomes(
        &self,
        target: &Target,
        rows: Vec<Delivery>,
        attempt: Attempt,
        at: i64,
        results: &mut Vec<AttemptResult>,
    ) {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        match attempt {
            Attempt::Ok(status) => {
                self.stats.posts_ok.fetch_add(1, Ordering::Relaxed);
                self.stats.events_delivered.fetch_add(rows.len() as u64, Ordering::Relaxed);
                results.push(AttemptResult {
                    ids,
                    outcome: Outcome::Delivered,
                    status: Some(status as i64),
                    error: None,
                    endpoint: Some(target.url.clone()),
                    at,
                });
            }
            Attempt::Failed { kind, status, error } => {
                self.stats.failed(kind);
                tracing::debug!(url = %target.url, error = %error, rows = rows.len(), "webhook attempt failed");
                let mut rng = rand::thread_rng();
                let mut dead = Vec::new();
                for r in &rows {
                    match retry::next_attempt(&self.cfg, r.attempts + 1, at, r.retry_from, &mut rng) {
                        Some(next) => results.push(AttemptResult {
                            ids: vec![r.id],
                            outcome: Outcome::Retry { next_attempt_at: next },
                            status: status.map(i64::from),
                            error: Some(error.clone()),
                            endpoint: Some(target.url.clone()),
                            at,
                        }),
                        None => dead.push(r.id),
                    }
                }
                if !dead.is_empty() {
                    self.stats.events_dead.fetch_add(dead.len() as u64, Ordering::Relaxed);
                    results.push(AttemptResult {
                        ids: dead,
                        outcome: Outcome::Dead { counted: true },
                        status: status.map(i64::from),
                        error: Some(error),
                        endpoint: Some(target.url.clone()),
                        at,
                    });
                }
            }
        }
    }

    async fn post(&self, endpoint: &Endpoint, target: &Target, business: Option<&str>, body: String) -> Attempt {
        let url = match endpoint.uri() {
            Ok(url) => url,
            Err(e) => return self.attempt(Err(e)),
        };
        let mut force_timeout = false;
        if self.sandbox {
            let f = self.faults(business);
            if f.any() {
                let (fail, delay, timeout) = {
                    let mut rng = rand::thread_rng();
                    (rng.gen_bool(f.fail_rate), rng.gen_bool(f.delay_rate), rng.gen_bool(f.timeout_rate))
                };
                if fail {
                    return Attempt::Failed {
                        kind: FailureKind::Injected,
                        status: Some(f.fail_status),
                        error: format!("sandbox fault injection: simulated HTTP {}", f.fail_status),
                    };
                }
                if delay {
                    tokio::time::sleep(f.delay.as_std()).await;
                }
                force_timeout = timeout;
            }
        }
        let signature = signature_header(&target.app_secret, body.as_bytes());
        let attempt = self.attempt(self.poster.post(url, signature, body).await);
        if force_timeout {
            return Attempt::Failed {
                kind: FailureKind::Injected,
                status: None,
                error: "sandbox fault injection: the answer was treated as a timeout".into(),
            };
        }
        attempt
    }
}

impl Engine {
    /// POST each chunk of `train` to `endpoint`, an `http` callback, down one connection where
    /// the receiver allows (see `h1`); the attempts in order, and whether the receiver closed
    /// a connection on POSTs still waiting.
    async fn post_train(&self, endpoint: &Endpoint, target: &Target, train: &[Vec<Delivery>]) -> (Vec<Attempt>, bool) {
        let url = match endpoint.uri() {
            Ok(url) => url,
            Err(e) => return (train.iter().map(|_| self.attempt(Err(e.clone()))).collect(), false),
        };
        let posts: Vec<Post> = train
            .iter()
            .map(|rows| {
                let body = batch::envelope(rows);
                Post { signature: signature_header(&target.app_secret, body.as_bytes()), body }
            })
            .collect();
        let done = self.poster.post_train(url, &posts).await;
        (done.answers.into_iter().map(|a| self.attempt(a)).collect(), done.closed_early)
    }

    /// How a POST that was sent went.
    fn attempt(&self, answer: Result<Answer, PostError>) -> Attempt {
        match answer {
            Ok(answer) if answer.status.is_success() => Attempt::Ok(answer.status.as_u16()),
            Ok(answer) => {
                let snippet: String = String::from_utf8_lossy(&answer.body).chars().take(200).collect();
                Attempt::Failed {
                    kind: FailureKind::Status,
                    status: Some(answer.status.as_u16()),
                    error: format!(
                        "HTTP {}{}",
                        answer.status,
                        if snippet.is_empty() { String::new() } else { format!(": {snippet}") }
                    ),
                }
            }
            Err(PostError::Timeout) => Attempt::Failed {
                kind: FailureKind::Timeout,
                status: None,
                error: format!("timed out after {}", self.cfg.timeout),
            },
            Err(PostError::Connect(error)) => Attempt::Failed { kind: FailureKind::Connect, status: None, error },
        }
    }
}

/// A row's outcome decided without a POST (the store merges alike outcomes into one statement).
fn decision(id: i64, outcome: Outcome, error: String, endpoint: Option<String>, at: i64) -> AttemptResult {
    AttemptResult { ids: vec![id], outcome, status: None, error: Some(error), endpoint, at }
}

/// Milliseconds since the Unix epoch on the system clock.
fn wall_clock_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
