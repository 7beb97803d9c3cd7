//! Conversation-based pricing (CBP), Meta's model until 30 June 2025, as a per-WABA option.
//!
//! A 24-hour *conversation* between a business number and a customer opens with the first
//! business message outside an open conversation of its category: a MARKETING, UTILITY or
//! AUTHENTICATION template opens one of that category; any other message (only possible in
//! the customer service window) opens a `service` conversation unless a conversation of any
//! category is open, which it joins. Since 1 November 2024 service conversations are free, and
//! so are utility templates sent inside the service window (they count as service). A
//! conversation in a free entry point window is free (`FREE_ENTRY`) for its 72 hours.
//!
//! The conversation is decided when the message is sent (the `sent` status carries its id and
//! expiry) and charged once, at the rate card's category × country rate, in the plan of the
//! first delivery of any of its messages (`cbp_conversations.delivered_at`).

use std::sync::Arc;
use std::time::Duration;

use crate::cache::TtlCache;
use crate::clock::Millis;
use crate::error::ApiError;
use crate::model::{
    entry_point_conversation_id, ConversationRef, ConversationType, OpenConversation, PricingModel, CONVERSATION_MS,
};
use crate::model::{Category, MessagePricing, PhoneNumber, PricingType, WabaSettings};
use crate::store::Store;

/// The category of the conversation a message needs: utility templates inside the service
/// window count as service (free since November 2024).
pub fn conversation_category(p: &MessagePricing) -> Category {
    match (p.category, p.kind) {
        (Category::Utility, PricingType::FreeCustomerService) => Category::Service,
        (c, _) => c,
    }
}

/// The open conversation a message of `category` joins: one of its category, or for a
/// service message any open conversation; the most recent when several are open.
pub fn joinable(category: Category, open: &[OpenConversation], now: Millis) -> Option<&OpenConversation> {
    open.iter()
        .filter(|c| c.expires_at > now && (category == Category::Service || c.category == category))
        .max_by_key(|c| c.opened_at)
}

/// The CBP side of the send path: each WABA's pricing model and each pair's open
/// conversations, cached so a PMP send costs a cache hit and a CBP send usually no read.
/// This process's own changes update the caches at once; another node's show within 5 s (its
/// conversations cannot be charged twice: the store opens one per category at a time), or,
/// for pricing models, as soon as this process hears of it.
pub struct CbpPricer {
    store: Arc<dyn Store>,
    models: TtlCache<String, PricingModel>,
    open: TtlCache<(String, String), Vec<OpenConversation>>,
}

impl CbpPricer {
    /// `models_for`: how long pricing models are kept (5 s, or longer where another
    /// process's change is heard: [`crate::cache::kept`]).
    pub fn new(store: Arc<dyn Store>, models_for: Duration) -> Self {
        CbpPricer {
            store,
            models: TtlCache::new(models_for, 100_000),
            open: TtlCache::new(Duration::from_secs(5), 1_000_000),
        }
    }

    /// Drop the cached models and open conversations (the state was replaced).
    pub fn forget_all(&self) {
        self.models.clear();
        self.open.clear();
    }

    /// A WABA's pricing model.
    pub async fn model(&self, waba_id: &str) -> Result<PricingModel, ApiError> {
        let read = || async { Ok::<_, ApiError>(self.store.waba_settings(waba_id).await?.pricing_model) };
        self.models.get_or_load(waba_id, read).await
    }

    /// Store a WABA's settings; sends see a new pricing model at once.
    pub async fn set_settings(&self, waba_id: &str, s: &WabaSettings, at: Millis) -> Result<(), ApiError> {
        self.store.set_waba_settings(waba_id, s, at).await?;
        self.models.insert(waba_id.to_string(), s.pricing_model);
        Ok(())
    }

    /// Under CBP, put a message decided by the PMP rules into its conversation: join an open
    /// one or open a new one. Nothing changes for a PMP WABA.
    pub async fn apply(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        pricing: &mut MessagePricing,
        now: Millis,
    ) -> Result<(), ApiError> {
        if self.model(&phone.waba_id).await? != PricingModel::Cbp {
            return Ok(());
        }
        pricing.tier = super::BASE_TIER.into();
        if let Some(w) = pricing.entry_point {
            pricing.amount_micros = 0;
            pricing.cbp = Some(ConversationRef {
                id: entry_point_conversation_id(&phone.id, wa_id, w.opened_at),
                category: Category::ReferralConversion,
                kind: ConversationType::FreeEntry,
                opened_at: w.opened_at,
                expires_at: w.expires_at,
                opens: w.opens,
                amount_micros: 0,
            });
            return Ok(());
        }
        let category = conversation_category(pricing);
        let key = (phone.id.clone(), wa_id.to_string());
        let mut open = match self.open.get(&key) {
            Some(o) => o,
            None => self.store.open_conversations(&phone.id, wa_id, now).await?,
        };
        let conv = match joinable(category, &open, now) {
            Some(c) => ConversationRef {
                id: c.id.clone(),
                category: c.category,
                kind: c.kind,
                opened_at: c.opened_at,
                expires_at: c.expires_at,
                opens: false,
                amount_micros: 0,
            },
            None => {
                let (kind, amount_micros) = if category == Category::Service {
                    (ConversationType::FreeTier, 0)
                } else {
                    (
                        ConversationType::Regular,
                        super::category_rate(&*self.store, &pricing.country, category, now).await?.unwrap_or(0),
                    )
                };
                let c = ConversationRef {
                    id: crate::ids::new_secret(32).to_ascii_lowercase(),
                    category,
                    kind,
                    opened_at: now,
                    expires_at: now + CONVERSATION_MS,
                    opens: true,
                    amount_micros,
                };
                open.retain(|o| o.expires_at > now);
                open.push(c.open());
                c
            }
        };
        self.open.insert(key, open);
        pricing.category = conv.category;
        pricing.kind = match conv.kind {
            ConversationType::Regular => PricingType::Regular,
            ConversationType::FreeEntry => PricingType::FreeEntryPoint,
            ConversationType::FreeTier => PricingType::FreeCustomerService,
        };
        pricing.amount_micros = if conv.opens { conv.amount_micros } else { 0 };
        pricing.cbp = Some(conv);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConversationRef;
    use serde_json::json;

    fn open(id: &str, category: Category, opened_at: Millis) -> OpenConversation {
        OpenConversation {
            id: id.into(),
            category,
            kind: ConversationType::Regular,
            opened_at,
            expires_at: opened_at + CONVERSATION_MS,
        }
    }

    #[test]
    fn which_conversation_a_message_joins() {
        let list = [open("m", Category::Marketing, 10), open("u", Category::Utility, 20)];
        assert_eq!(joinable(Category::Marketing, &list, 30).map(|c| c.id.as_str()), Some("m"));
        assert_eq!(joinable(Category::Service, &list, 30).map(|c| c.id.as_str()), Some("u"));
        assert!(joinable(Category::Authentication, &list, 30).is_none());
        assert!(joinable(Category::Marketing, &list, 10 + CONVERSATION_MS).is_none());
        let p = MessagePricing {
            category: Category::Utility,
            kind: PricingType::FreeCustomerService,
            country: "GB".into(),
            amount_micros: 0,
            entry_point: None,
            tier: super::super::BASE_TIER.into(),
            cbp: None,
        };
        assert_eq!(conversation_category(&p), Category::Service);
    }

    #[test]
    fn conversation_json() {
        let mut c = ConversationRef {
            id: "abc".into(),
            category: Category::AuthenticationInternational,
            kind: ConversationType::Regular,
            opened_at: 0,
            expires_at: 86_400_000,
            opens: true,
            amount_micros: 1,
        };
        assert_eq!(
            c.to_json(),
            json!({"id": "abc", "expiration_timestamp": "86400", "origin": {"type": "authentication_international"}})
        );
        c.opens = false;
        assert_eq!(c.to_json(), json!({"id": "abc", "origin": {"type": "authentication_international"}}));
        assert_eq!(PricingModel::parse("cbp"), Some(PricingModel::Cbp));
    }
}
