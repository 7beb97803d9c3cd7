//! Several nodes on one PostgreSQL (`[cluster]`): which event bus and leases this node uses,
//! and what it does with the other nodes' events — push them to its customer devices and inbox
//! pages, drop what it cached from a changed table.

use std::sync::Arc;

use risala_core::model::CustomerEvent;
use risala_core::ports::{ClusterEvent, ClusterHandler, EventBus, Leases, LocalBus, Notifier, SoleNode};
use risala_core::store::Store;
use risala_web::live::{Feed, LiveEvent};

use crate::config::{ClusterEvents, Config};
use crate::hub::Hub;

/// How this node works with the others.
#[derive(Clone)]
pub struct Cluster {
    pub bus: Arc<dyn EventBus>,
    pub leases: Arc<dyn Leases>,
    /// The fleet's token buckets for throughput and pair rate; `None`: counted in memory.
    pub budget: Option<Arc<dyn risala_core::ports::SharedBudget>>,
    /// This node's id in the fleet.
    pub node: String,
}

impl Cluster {
    /// One node alone: no bus, every task its own, limits in memory.
    pub fn single() -> Cluster {
        Cluster { bus: Arc::new(LocalBus), leases: Arc::new(SoleNode), budget: None, node: "single".into() }
    }

    /// Whether the configuration makes this node one of a PostgreSQL fleet.
    pub fn is_fleet(config: &Config) -> anyhow::Result<bool> {
        let postgres = config.database_url.as_deref().is_some_and(|u| u.starts_with("postgres"));
        match config.cluster.events {
            ClusterEvents::Auto => Ok(postgres),
            ClusterEvents::Local => Ok(false),
            ClusterEvents::Postgres if postgres => Ok(true),
            ClusterEvents::Postgres => {
                anyhow::bail!("[cluster] events = \"postgres\" needs a PostgreSQL database_url")
            }
        }
    }

    /// The bus, leases and budget the configuration asks for (must run inside the runtime:
    /// the bus starts its publisher). One server on SQLite hears other processes' commits to
    /// its file through its bus ([`risala_store::sqlite::SqliteWatch`]).
    pub fn for_config(config: &Config, store: &risala_store::SqlStore) -> anyhow::Result<Cluster> {
        if !Cluster::is_fleet(config)? {
            let mut single = Cluster::single();
            if let risala_store::db::Db::Sqlite(db) = store.db() {
                single.bus = Arc::new(db.watch());
            }
            return Ok(single);
        }
        let url = config.database_url.as_deref().unwrap_or_default();
        let node = risala_core::ids::new_object_id();
        let bus = risala_store::cluster::PgBus::start(url, &node)?;
        let leases = risala_store::cluster::PgLeases::new(url)?;
        let budget = risala_store::cluster::PgBudget::new(store.db().clone());
        Ok(Cluster { bus, leases, budget: Some(budget), node })
    }
}

/// What this process keeps in memory of the store's tables, whose owners drop it: after a
/// state import replaced the tables, or when another process (a node of a fleet, `risala
/// admin`) changed one.
#[derive(Clone)]
pub struct Caches {
    pub auth: risala_core::auth::AuthService,
    pub tenancy: risala_core::tenancy::TenancyService,
    pub messaging: risala_core::messaging::MessagingService,
    pub hours: risala_core::tools::hours::HoursService,
    pub faq: risala_core::tools::faq::FaqService,
    pub bots: risala_core::tools::bots::BotService,
    pub faults: risala_core::sandbox::faults::FaultService,
    pub delivery: Arc<risala_delivery::Engine>,
}

impl Caches {
    /// Drop everything: tokens, Graph objects, numbers, windows, pricing, quality, templates
    /// (all the messaging service's), business hours, FAQ entries, bots, error-injection rules
    /// and where webhooks go.
    pub fn forget_all(&self) {
        self.auth.invalidate();
        self.tenancy.forget_all();
        self.messaging.forget_all();
        self.hours.forget_all();
        self.faq.forget_all();
        self.bots.forget_all();
        self.faults.forget_all();
        self.delivery.invalidate_targets();
    }

    /// Drop what was kept of `table` (everything for a table not named here).
    fn forget_table(&self, table: &str) {
        match table {
            "tokens" => self.auth.invalidate(),
            // Customers are rarely changed elsewhere (a rename, a username, an erasure, a number
            // change), and what depends on them is spread over the messaging service's caches.
            "phone_numbers" | "chat_blocks" | "entry_points" | "waba_settings" | "customers" | "customer_usernames"
            | "user_ids" => self.messaging.forget_all(),
            "objects" => self.tenancy.forget_all(),
            "tool_hours" => self.hours.forget_all(),
            "faq_entries" | "faq_settings" => self.faq.forget_all(),
            // A bot made on another node: numbers known to have none are asked again.
            "bot_revisions" => self.bots.forget_all(),
            "sandbox_faults" => self.faults.forget_all(),
            "webhook_app_subscriptions" | "webhook_waba_subscriptions" | "webhook_number_overrides" => {
                self.delivery.invalidate_targets()
            }
            _ => self.forget_all(),
        }
    }
}

/// What this node does with the other nodes' events.
pub struct Dispatch {
    pub hub: Arc<Hub>,
    pub feed: Arc<Feed>,
    pub store: Arc<dyn Store>,
    pub caches: Caches,
}

impl ClusterHandler for Dispatch {
    fn deliver(&self, event: ClusterEvent) {
        match event {
            ClusterEvent::Message { wa_id, id } => {
                // Read only when one of the customer's devices is here.
                if !self.hub.has(&wa_id) {
                    return;
                }
                let (hub, store) = (self.hub.clone(), self.store.clone());
                tokio::spawn(async move {
                    match store.message(&id).await {
                        Ok(Some(m)) => hub.customer_event(&wa_id, CustomerEvent::Message(Box::new(m))),
                        Ok(None) => {}
                        // The device reads it from the store when it reconnects.
                        Err(e) => tracing::warn!(error = %e, "cluster: a message for a device could not be read"),
                    }
                });
            }
            ClusterEvent::Typing { wa_id, from, phone_number_id } => {
                self.hub.customer_event(&wa_id, CustomerEvent::Typing { from, phone_number_id })
            }
            ClusterEvent::Read { wa_id, message_id, from } => {
                self.hub.customer_event(&wa_id, CustomerEvent::Read { message_id, from })
            }
            ClusterEvent::Inbox { business_id, event } => match serde_json::from_value::<LiveEvent>(event) {
                Ok(e) => self.feed.publish_here(&business_id, e),
                Err(e) => tracing::warn!(error = %e, "cluster: unreadable inbox event"),
            },
            ClusterEvent::Changed { table } => self.caches.forget_table(&table),
        }
    }

    fn missed(&self) {
        self.caches.forget_all();
        self.hub.resync();
        self.feed.reload_all();
    }
}

/// Relays this node's inbox events to the other nodes.
pub fn relay_inbox(feed: &Feed, bus: Arc<dyn EventBus>) {
    feed.relay_to(Box::new(move |business_id, event| {
        if let Ok(event) = serde_json::to_value(event) {
            bus.publish(ClusterEvent::Inbox { business_id: business_id.to_string(), event });
        }
    }));
}
