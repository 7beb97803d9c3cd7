//! Several nodes on one PostgreSQL: the event bus over `LISTEN`/`NOTIFY` and the leases of
//! background work over session advisory locks. Both keep a dedicated connection of their
//! own (outside the pool), and both are scoped to the database's current schema, so fleets on
//! different schemas of one database (the tests) never hear each other.
//!
//! A notification's payload is `{"node":"<sender>","events":[…]}`: the events one node
//! published since its previous notification, at most [`MAX_PAYLOAD`] bytes (PostgreSQL refuses
//! more than 8000). A listener that loses its connection reconnects and tells its handler that
//! it may have missed events ([`ClusterHandler::missed`]): caches are dropped and devices and
//! pages read the store again.

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::StreamExt;
use risala_core::ports::{ClusterEvent, ClusterHandler, EventBus, Leases};
use risala_core::StoreError;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, Client, NoTls};

use crate::sql::cluster as sql;

/// The largest payload a node sends (PostgreSQL's limit is 8000 bytes).
pub const MAX_PAYLOAD: usize = 7900;
/// The listener connections' `application_name`.
pub const LISTENER_NAME: &str = "risala-events";
/// How often an idle listener checks that its connection still answers.
const PING_EVERY: Duration = Duration::from_secs(5);
/// The wait before connecting again after a failure.
const RETRY_AFTER: Duration = Duration::from_millis(200);

#[derive(Serialize, Deserialize)]
struct Envelope {
    node: String,
    events: Vec<ClusterEvent>,
}

/// The notification channel of the database's current schema.
async fn channel(client: &Client) -> Result<String, tokio_postgres::Error> {
    let row = client.query_one(sql::CURRENT_SCHEMA, &[]).await?;
    let schema: String = row.get(0);
    Ok(format!("risala_{schema}"))
}

/// A connection of its own; its driver runs in a task that forwards notifications to `tx` and
/// ends (dropping `tx`) when the connection is lost.
async fn connect(
    config: &tokio_postgres::Config,
    tx: Option<mpsc::UnboundedSender<String>>,
) -> Result<Client, tokio_postgres::Error> {
    let (client, mut conn) = config.connect(NoTls).await?;
    tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| conn.poll_message(cx));
        while let Some(m) = messages.next().await {
            match m {
                Ok(AsyncMessage::Notification(n)) => {
                    if let Some(tx) = &tx {
                        if tx.send(n.payload().to_string()).is_err() {
                            break;
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "cluster connection lost");
                    break;
                }
            }
        }
    });
    Ok(client)
}

fn parse_url(url: &str) -> Result<tokio_postgres::Config, StoreError> {
    tokio_postgres::Config::from_str(url).map_err(|e| StoreError::Database(format!("bad database URL: {e}")))
}

/// The PostgreSQL event bus of one node.
pub struct PgBus {
    config: tokio_postgres::Config,
    /// This node's id: its own notifications come back to it and are skipped.
    node: String,
    outgoing: mpsc::UnboundedSender<ClusterEvent>,
    incoming: OnceLock<Arc<dyn ClusterHandler>>,
}

impl PgBus {
    /// The bus of the database at `url`; `node` names this node (any id unique in the fleet).
    /// Its publisher starts now; its listener when a handler subscribes.
    pub fn start(url: &str, node: &str) -> Result<Arc<PgBus>, StoreError> {
        let config = parse_url(url)?;
        let (outgoing, rx) = mpsc::unbounded_channel();
        let bus = Arc::new(PgBus { config, node: node.to_string(), outgoing, incoming: OnceLock::new() });
        tokio::spawn(publish(bus.config.clone(), bus.node.clone(), rx));
        Ok(bus)
    }

    pub fn node(&self) -> &str {
        &self.node
    }
}

impl EventBus for PgBus {
    fn publish(&self, event: ClusterEvent) {
        let _ = self.outgoing.send(event);
    }

    fn subscribe(&self, handler: Arc<dyn ClusterHandler>) {
        if self.incoming.set(handler.clone()).is_ok() {
            tokio::spawn(listen(self.config.clone(), self.node.clone(), handler));
        }
    }

    /// The customers' tables notify as the other cached tables do (migration 52), and a
    /// listener that lost its connection reports [`ClusterHandler::missed`].
    fn hears_changes(&self) -> bool {
        true
    }
}

/// Send what was published, gathered into payloads of at most [`MAX_PAYLOAD`] bytes, in the
/// order it was published (one connection, so the other nodes hear it in that order too).
async fn publish(config: tokio_postgres::Config, node: String, mut rx: mpsc::UnboundedReceiver<ClusterEvent>) {
    let mut conn: Option<(Client, String)> = None;
    let mut next: Option<ClusterEvent> = None;
    loop {
        let first = match next.take() {
            Some(e) => e,
            None => match rx.recv().await {
                Some(e) => e,
                None => return,
            },
        };
        // The envelope's bytes without events, then each event and its comma.
        let size_of = |e: &ClusterEvent| serde_json::to_string(e).map(|t| t.len() + 1).unwrap_or(MAX_PAYLOAD);
        let mut size = node.len() + 24 + size_of(&first);
        if size > MAX_PAYLOAD {
            tracing::warn!(bytes = size, "cluster event too large to publish: dropped");
            continue;
        }
        let mut events = vec![first];
        while let Ok(e) = rx.try_recv() {
            let more = size_of(&e);
            if size + more > MAX_PAYLOAD {
                // It starts the next payload.
                next = Some(e);
                break;
            }
            size += more;
            events.push(e);
        }
        let payload = serde_json::to_string(&Envelope { node: node.clone(), events }).unwrap_or_default();
        // Until it is sent: a node whose database is away holds its events (its own devices
        // have them already) and sends them when it is back.
        loop {
            if conn.is_none() {
                match connect(&config, None).await {
                    Ok(c) => match channel(&c).await {
                        Ok(ch) => conn = Some((c, ch)),
                        Err(e) => tracing::warn!(error = %e, "cluster publisher: no channel"),
                    },
                    Err(e) => tracing::warn!(error = %e, "cluster publisher: cannot connect"),
                }
            }
            if let Some((client, ch)) = &conn {
                match client.execute(sql::NOTIFY, &[ch, &payload]).await {
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "cluster publisher: notify failed");
                        conn = None;
                    }
                }
            }
            tokio::time::sleep(RETRY_AFTER).await;
        }
    }
}

/// Hear the other nodes until the process ends: connect, `LISTEN`, deliver; when the
/// connection is lost, connect again and tell the handler that events may have been missed.
async fn listen(mut config: tokio_postgres::Config, node: String, handler: Arc<dyn ClusterHandler>) {
    // Named, so an operator sees it in `pg_stat_activity` (and a test can cut it).
    config.application_name(LISTENER_NAME);
    let mut connected_before = false;
    loop {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let client = match connect(&config, Some(tx)).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cluster listener: cannot connect");
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            }
        };
        let listening = match channel(&client).await {
            Ok(ch) => client.batch_execute(&format!("LISTEN \"{}\"", ch.replace('"', "\"\""))).await,
            Err(e) => Err(e),
        };
        if let Err(e) = listening {
            tracing::warn!(error = %e, "cluster listener: LISTEN failed");
            tokio::time::sleep(RETRY_AFTER).await;
            continue;
        }
        if connected_before {
            tracing::info!("cluster listener: reconnected; caches dropped and devices resynchronised");
            handler.missed();
        }
        connected_before = true;
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        loop {
            tokio::select! {
                payload = rx.recv() => {
                    let Some(payload) = payload else { break };
                    match serde_json::from_str::<Envelope>(&payload) {
                        Ok(env) if env.node == node => {}
                        Ok(env) => env.events.into_iter().for_each(|e| handler.deliver(e)),
                        Err(e) => tracing::warn!(error = %e, "cluster listener: unreadable notification"),
                    }
                }
                _ = ping.tick() => {
                    let alive = tokio::time::timeout(PING_EVERY, client.simple_query(crate::sql::engine::PING)).await;
                    if !matches!(alive, Ok(Ok(_))) {
                        tracing::warn!("cluster listener: the connection stopped answering");
                        break;
                    }
                }
            }
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}

/// Leases of background tasks as session advisory locks on a connection of this node's own:
/// PostgreSQL releases them when the connection ends, so a node that dies (even by SIGKILL)
/// gives its tasks up at once, and another node takes each at its next round.
pub struct PgLeases {
    config: tokio_postgres::Config,
    state: tokio::sync::Mutex<LeaseState>,
}

#[derive(Default)]
struct LeaseState {
    client: Option<Client>,
    held: HashSet<String>,
}

/// The first key of the two-key advisory locks (the migrations use the one-key form).
const LEASE_SPACE: i32 = 0x7269_7361; // "risa"

impl PgLeases {
    pub fn new(url: &str) -> Result<Arc<PgLeases>, StoreError> {
        Ok(Arc::new(PgLeases { config: parse_url(url)?, state: Default::default() }))
    }
}

#[async_trait::async_trait]
impl Leases for PgLeases {
    async fn hold(&self, task: &str) -> bool {
        let mut s = self.state.lock().await;
        if s.client.as_ref().is_none_or(Client::is_closed) {
            s.held.clear();
            s.client = None;
            match connect(&self.config, None).await {
                Ok(c) => s.client = Some(c),
                Err(e) => {
                    tracing::warn!(error = %e, "leases: cannot connect");
                    return false;
                }
            }
        }
        let Some(client) = &s.client else { return false };
        let answer = if s.held.contains(task) {
            // Still ours while the connection answers.
            client.simple_query(crate::sql::engine::PING).await.map(|_| true)
        } else {
            client.query_one(sql::TRY_LEASE, &[&LEASE_SPACE, &task]).await.map(|r| r.get::<_, bool>(0))
        };
        match answer {
            Ok(true) => {
                if s.held.insert(task.to_string()) {
                    tracing::info!(task, "lease taken: this node runs it");
                }
                true
            }
            Ok(false) => false,
            Err(e) => {
                tracing::warn!(error = %e, "leases: the connection failed; leases given up");
                s.client = None;
                s.held.clear();
                false
            }
        }
    }
}

/// The fleet's token buckets in `fleet_buckets` (a generic cell rate per key: exact refill in
/// integers, whatever the period), taken through the store's batching writer (a
/// take shares its commit with the writes around it).
pub struct PgBudget {
    db: crate::Db,
}

impl PgBudget {
    pub fn new(db: crate::Db) -> Arc<PgBudget> {
        Arc::new(PgBudget { db })
    }
}

#[async_trait::async_trait]
impl risala_core::ports::SharedBudget for PgBudget {
    async fn take(
        &self,
        key: &str,
        want: u32,
        capacity: u32,
        refill: u32,
        period_ms: i64,
        now: i64,
    ) -> Result<u32, StoreError> {
        // µs a token takes to come back (at least 1).
        let per_token = (period_ms.max(1) * 1000 / refill.max(1) as i64).max(1);
        let mut plan = crate::Plan::new();
        plan.push_returning(
            sql::TAKE_TOKENS,
            vec![
                key.to_string().into(),
                now.saturating_mul(1000).into(),
                (want as i64).into(),
                (capacity as i64).into(),
                per_token.into(),
            ],
        );
        let out = self.db.write(plan.in_lane_of(key)).await?;
        let granted = match out.first().and_then(|o| o.rows.first()) {
            Some(row) => row.i64(0)?,
            None => 0,
        };
        Ok(granted.clamp(0, u32::MAX as i64) as u32)
    }
}
