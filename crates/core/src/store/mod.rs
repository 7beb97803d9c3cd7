//! What services need from storage: one trait per area, each in the file named like the
//! `risala-store` module that implements it over SQLite and PostgreSQL. Stores map rows to
//! [`crate::model`] types and hold no rules; the rules live in the services.

mod accounts;
mod ads;
mod badges;
mod billing;
mod bots;
mod broadcasts;
mod catalogs;
mod cbp;
mod contacts;
mod faq;
mod flows;
mod hours;
mod inbox;
mod insights;
mod messages;
mod numbers;
mod payments;
mod privacy;
mod profile;
mod quality;
mod quick_replies;
mod sandbox;
mod templates;
mod tenancy;
mod user_ids;
mod webhooks;

use async_trait::async_trait;

pub use accounts::{AccountStore, UserSession};
pub use ads::{AdRow, AdStore, AdTap, StatusRow};
pub use badges::{BadgeStore, ObaDecision, ObaRequest};
pub use billing::BillingStore;
pub use bots::{BotContext, BotRow, BotRun, BotStore};
pub use broadcasts::{BroadcastRow, BroadcastStore, RecipientCounts, RecipientOutcome, RecipientRow, ReportRow};
pub use catalogs::{Catalog, CatalogStore, Order, OrderItem, Product};
pub use cbp::{CbpStore, WabaSettingsStore};
pub use contacts::{Contact, ContactField, ContactStore, OptIn};
pub use faq::{FaqEntry, FaqSettings, FaqStore};
pub use flows::FlowStore;
pub use hours::{AutoReplyState, HoursRow, HoursStore};
pub use inbox::{label_key, Assigned, ChatCursor, ChatQuery, ChatRow, ChatState, InboxStore, Label, Note};
pub use insights::{InsightsStore, TemplateDayCounts};
pub use messages::{MediaCopy, MessageStore, NewMessage, StatusChange};
pub use numbers::{NumberStore, NumberUpdate};
pub use payments::{PaymentEvent, PaymentOrder, PaymentStore};
pub use privacy::PrivacyStore;
pub use profile::{PictureCopy, ProfileStore};
pub use quality::{QualityStore, RatingChange, TierChange};
pub use quick_replies::{QuickReply, QuickReplyStore};
pub use sandbox::{FaultStore, StateFileStore, StateImportError, StateSummary, StoredFault};
pub use templates::{TemplateFilter, TemplateStore, TemplateUpdate};
pub use tenancy::{SettingsStore, TenancyStore};
pub use user_ids::UserIdStore;
pub use webhooks::{DeliveryFilter, WebhookStore};

use crate::error::StoreError;

pub type StoreResult<T> = Result<T, StoreError>;

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Embedded SQLite: one node.
    Sqlite,
    /// PostgreSQL: one node or many.
    Postgres,
}

impl Engine {
    /// Both engines, for tests and checks that run over each.
    pub const ALL: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];

    /// `sqlite` / `postgres`, as `/readyz` and the logs show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the server needs from storage.
#[async_trait]
pub trait Store:
    TenancyStore
    + SettingsStore
    + MessageStore
    + WebhookStore
    + TemplateStore
    + BillingStore
    + QualityStore
    + CbpStore
    + WabaSettingsStore
    + PrivacyStore
    + ProfileStore
    + AccountStore
    + InboxStore
    + UserIdStore
    + NumberStore
    + FaultStore
    + StateFileStore
    + FlowStore
    + InsightsStore
    + HoursStore
    + QuickReplyStore
    + FaqStore
    + ContactStore
    + BroadcastStore
    + BotStore
    + AdStore
    + BadgeStore
    + CatalogStore
    + PaymentStore
    + Send
    + Sync
    + 'static
{
    /// Cheap round trip to the database, for `/readyz`.
    async fn ping(&self) -> StoreResult<()>;
    /// Which engine this is.
    fn engine(&self) -> Engine;
    /// At a clean shutdown: fold the engine's log into the database (SQLite: copy the WAL in
    /// and truncate it), so the next start does not read it back.
    async fn checkpoint(&self) -> StoreResult<()> {
        Ok(())
    }
}
