//! The quality service: the send gate (blocks, RED restriction, the messaging limit), tier
//! upgrades and operator changes, the number's rating, and customers' blocks and reports.
//! Every change commits with its webhook rows.
//!
//! The send path reads nothing new for a message inside a window: a number's blocks and
//! restriction are kept 5 s per number (this process's own changes drop the entry at once;
//! another node's show within the 5 s). Only a business-initiated template (outside a window)
//! reads the limit usage, once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::rating;
use super::{events, QualityConfig};
use crate::cache::TtlCache;
use crate::clock::{Clock, Millis};
use crate::error::{ApiError, ErrorCode};
use crate::model::{
    BlockSide, BusinessLimit, Feedback, PhoneNumber, Rating, Reach, Score, SignalKind, Tier, LIMIT_WINDOW_MS,
    UPGRADE_LOOKBACK_MS,
};
use crate::store::{RatingChange, Store, TierChange};

// Number statuses the rating sets; others (set by an operator) are left alone.
use crate::model::{NUMBER_CONNECTED as CONNECTED, NUMBER_FLAGGED as FLAGGED, NUMBER_RESTRICTED as RESTRICTED};

/// What the send gate needs of a number.
#[derive(Debug, Default)]
struct Standing {
    /// wa_id → (blocked by the customer, blocked by the business).
    blocks: HashMap<String, (bool, bool)>,
    restricted: bool,
}

/// The decision of the send gate for one message.
#[derive(Debug, Default)]
pub struct SendCheck {
    /// The message is accepted but fails with this (a `failed` status, not charged).
    pub failure: Option<ApiError>,
    /// A business-initiated message that counts toward the messaging limit.
    pub reach: Option<Reach>,
}

/// A business's limit as operators see it.
#[derive(Debug, Clone)]
pub struct LimitView {
    pub business_id: String,
    pub tier: Tier,
    pub unique_customers_24h: i64,
    pub limit: Option<BusinessLimit>,
    /// When the automatic upgrade is due, if the usage qualifies.
    pub upgrade_due_at: Option<Millis>,
    pub numbers: Vec<(PhoneNumber, Score)>,
}

impl LimitView {
    /// The operator's view (admin API, `risala admin limits`).
    pub fn to_json(&self) -> serde_json::Value {
        let numbers: Vec<serde_json::Value> = self
            .numbers
            .iter()
            .map(|(p, s)| {
                serde_json::json!({
                    "id": p.id,
                    "display_phone_number": p.number,
                    "quality_rating": p.quality_rating,
                    "status": p.status,
                    "signals_per_1000": (s.per_1000 * 100.0).round() / 100.0,
                    "blocks_7d": s.blocks,
                    "reports_7d": s.reports,
                    "messages_sent_7d": s.sent,
                })
            })
            .collect();
        serde_json::json!({
            "business_id": self.business_id,
            "tier": self.tier.as_str(),
            "limit": self.tier.limit(),
            "max_daily_conversation_per_phone": self.tier.legacy_number(),
            "unique_customers_24h": self.unique_customers_24h,
            "half_used_first_at": self.limit.as_ref().and_then(|l| l.half_used_first_at),
            "half_used_last_at": self.limit.as_ref().and_then(|l| l.half_used_last_at),
            "upgrade_due_at": self.upgrade_due_at,
            "numbers": numbers,
        })
    }
}

#[derive(Clone)]
pub struct QualityService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: QualityConfig,
    standing: Arc<TtlCache<String, Arc<Standing>>>,
}

impl QualityService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: QualityConfig) -> Self {
        QualityService { store, clock, config, standing: Arc::new(TtlCache::new(Duration::from_secs(5), 100_000)) }
    }

    /// Drop the cached standings (the state was replaced).
    pub fn forget_all(&self) {
        self.standing.clear();
    }

    pub fn config(&self) -> &QualityConfig {
        &self.config
    }

    /// Keep standings `ttl` (5 s by default; longer where another process's change to blocks
    /// or a number is heard: [`crate::cache::kept`]). Changes made here drop them at once.
    pub fn keeping(mut self, ttl: Duration) -> Self {
        self.standing = Arc::new(TtlCache::new(ttl, 100_000));
        self
    }

    async fn standing(&self, phone_number_id: &str) -> Result<Arc<Standing>, ApiError> {
        let read = || async {
            let mut s = Standing::default();
            for (wa_id, side) in self.store.number_blocks(phone_number_id).await? {
                let e = s.blocks.entry(wa_id).or_default();
                match side {
                    BlockSide::Customer => e.0 = true,
                    BlockSide::Business => e.1 = true,
                }
            }
            s.restricted = self.store.phone_number(phone_number_id).await?.is_some_and(|p| p.status == RESTRICTED);
            Ok::<_, ApiError>(Arc::new(s))
        };
        self.standing.get_or_load(phone_number_id, read).await
    }

    pub(super) fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Drop the cached standing of a number after a change made here.
    pub(super) fn forget_number(&self, phone_number_id: &str) {
        self.standing.remove(phone_number_id);
    }

    /// The gate of a business send to `wa_id`. `business_initiated`: a template outside the
    /// customer service window. A user the business blocked is refused at once (Meta: "attempts
    /// to message a blocked user return an error"; Risala answers 100 with details); a customer
    /// who blocked the number makes the message fail with 131026 (accepted, then `failed`, as
    /// Meta does not tell a business who blocked it); a restricted (RED) number and a full
    /// messaging limit refuse business-initiated sends with 131048.
    pub async fn check_send(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        business_initiated: bool,
        now: Millis,
    ) -> Result<SendCheck, ApiError> {
        let st = self.standing(&phone.id).await?;
        let (by_customer, by_business) = st.blocks.get(wa_id).copied().unwrap_or_default();
        if by_business {
            return Err(ApiError::invalid(format!(
                "to: the user {wa_id} is blocked by this business phone number; unblock them (DELETE /{}/block_users) to send messages.",
                phone.id
            )));
        }
        if by_customer {
            let e = ApiError::new(
                ErrorCode::Undeliverable,
                "Message undeliverable: the recipient is not accepting messages from this business phone number.",
            );
            return Ok(SendCheck { failure: Some(e), reach: None });
        }
        if !business_initiated {
            return Ok(SendCheck::default());
        }
        if st.restricted {
            return Err(self.restricted_error(phone, now).await?);
        }
        Ok(SendCheck { failure: None, reach: self.admit(phone, wa_id, now).await? })
    }

    /// A customer's message to a business number: refused when either side blocked the other.
    pub async fn check_inbound(&self, phone: &PhoneNumber, wa_id: &str) -> Result<(), ApiError> {
        let st = self.standing(&phone.id).await?;
        match st.blocks.get(wa_id).copied().unwrap_or_default() {
            (true, _) => Err(ApiError::new(
                ErrorCode::Undeliverable,
                format!("You blocked +{}: unblock the chat to send messages.", phone.number),
            )),
            (_, true) => Err(ApiError::new(
                ErrorCode::Undeliverable,
                format!("+{} has blocked you: the message was not delivered.", phone.number),
            )),
            _ => Ok(()),
        }
    }

    async fn restricted_error(&self, phone: &PhoneNumber, now: Millis) -> Result<ApiError, ApiError> {
        let signals = self.store.signals(&phone.id, now - rating::WINDOW_MS).await?;
        let count = |k: SignalKind| signals.iter().filter(|s| s.kind == k).count();
        Ok(ApiError::new(
            ErrorCode::SpamRateLimit,
            format!(
                "This phone number cannot send business-initiated messages: its quality rating is RED after {} blocks and {} spam reports by customers in the last 7 days. Replies inside a customer service window can still be sent; the restriction lifts as the quality recovers.",
                count(SignalKind::Block),
                count(SignalKind::Report)
            ),
        ))
    }

    /// Whether a business-initiated message to `wa_id` fits the messaging limit now, without
    /// sending one: `Some(reason)` when it would be refused with 131048 (the limit is full and
    /// the customer was not reached in the last 24 hours, or the number is restricted).
    pub async fn limit_room(&self, phone: &PhoneNumber, wa_id: &str, now: Millis) -> Result<Option<String>, ApiError> {
        if self.standing(&phone.id).await?.restricted {
            return Ok(Some(self.restricted_error(phone, now).await?.details));
        }
        if phone.messaging_limit_tier == Tier::Unlimited.as_str() {
            return Ok(None);
        }
        let usage = self.store.limit_usage(&phone.business_id, wa_id, now - LIMIT_WINDOW_MS).await?;
        let tier = usage.limit.as_ref().map(|l| l.tier).unwrap_or(self.config.start_tier);
        let Some(max) = tier.limit() else { return Ok(None) };
        if usage.reached || usage.unique < max {
            return Ok(None);
        }
        let tier = self.evaluate_business(&phone.business_id).await?;
        match tier.limit() {
            Some(max) if usage.unique >= max => Ok(Some(format!(
                "Messaging limit reached: {} unique customers in the last 24 hours, the limit of tier {tier}. Sending resumes as the 24-hour window moves on.",
                usage.unique
            ))),
            _ => Ok(None),
        }
    }

    /// The messaging limit: a customer not reached in the last 24 hours counts one more unique
    /// customer, refused with 131048 beyond the tier's limit.
    async fn admit(&self, phone: &PhoneNumber, wa_id: &str, now: Millis) -> Result<Option<Reach>, ApiError> {
        if phone.messaging_limit_tier == Tier::Unlimited.as_str() {
            return Ok(None);
        }
        let usage = self.store.limit_usage(&phone.business_id, wa_id, now - LIMIT_WINDOW_MS).await?;
        let mut tier = usage.limit.as_ref().map(|l| l.tier).unwrap_or(self.config.start_tier);
        let Some(mut max) = tier.limit() else { return Ok(None) };
        if !usage.reached && usage.unique >= max {
            // A due upgrade is applied before refusing.
            tier = self.evaluate_business(&phone.business_id).await?;
            match tier.limit() {
                None => return Ok(None),
                Some(m) => max = m,
            }
            if usage.unique >= max {
                return Err(ApiError::new(
                    ErrorCode::SpamRateLimit,
                    format!(
                        "Messaging limit reached: this business has messaged {} unique customers in the last 24 hours with business-initiated messages, the limit of its messaging limit tier {tier}. New customers can be messaged as the 24-hour window moves on; customers already reached can still be messaged.",
                        usage.unique
                    ),
                ));
            }
        }
        let half = !usage.reached && usage.unique + 1 >= (max + 1) / 2;
        // The last-used mark is refreshed at most hourly: one write, not one per send.
        let stale = usage.limit.as_ref().and_then(|l| l.half_used_last_at).is_none_or(|t| now - t >= 3_600_000);
        Ok(Some(Reach {
            business_id: phone.business_id.clone(),
            wa_id: wa_id.to_string(),
            at: now,
            tier,
            create_row: usage.limit.is_none(),
            half_used: half && stale,
        }))
    }

    fn upgrade_due_at(&self, l: &BusinessLimit, now: Millis) -> Option<Millis> {
        let first = l.half_used_first_at?;
        let recent = l.half_used_last_at.is_some_and(|t| now - t < UPGRADE_LOOKBACK_MS);
        (self.config.upgrades && l.tier.next().is_some() && recent).then_some(first + self.config.upgrade_delay_ms)
    }

    /// The business's tier, after applying an automatic upgrade that is due: half the limit
    /// used in the last 7 days, first `upgrade_delay` ago, and every number GREEN.
    pub async fn evaluate_business(&self, business_id: &str) -> Result<Tier, ApiError> {
        let now = self.clock.now_ms();
        let Some(l) = self.store.business_limit(business_id).await? else { return Ok(self.config.start_tier) };
        if self.upgrade_due_at(&l, now).is_none_or(|t| now < t) {
            return Ok(l.tier);
        }
        let numbers = self.store.list_phone_numbers(Some(business_id)).await?;
        if numbers.iter().any(|p| Rating::parse(&p.quality_rating) != Rating::Green) {
            return Ok(l.tier);
        }
        let Some(next) = l.tier.next() else { return Ok(l.tier) };
        self.apply_tier(business_id, Some(&l), l.tier, next, &numbers, now).await
    }

    async fn apply_tier(
        &self,
        business_id: &str,
        expected: Option<&BusinessLimit>,
        old: Tier,
        new: Tier,
        numbers: &[PhoneNumber],
        now: Millis,
    ) -> Result<Tier, ApiError> {
        let rows = events::tier_changed(numbers, old, new, now);
        let change = TierChange { business_id, expected, tier: new, at: now, outbox: &rows };
        if self.store.change_tier(&change).await? {
            return Ok(new);
        }
        // Someone else changed it meanwhile: theirs stands.
        Ok(self.store.business_limit(business_id).await?.map(|l| l.tier).unwrap_or(self.config.start_tier))
    }

    /// An operator sets the tier: `UPGRADE` or `DOWNGRADE` webhooks when it changes. Returns
    /// (old, new).
    pub async fn set_tier(&self, business_id: &str, tier: Tier) -> Result<(Tier, Tier), ApiError> {
        if self.store.business(business_id).await?.is_none() {
            return Err(ApiError::object_not_found(business_id));
        }
        let now = self.clock.now_ms();
        let l = self.store.business_limit(business_id).await?;
        let old = l.as_ref().map(|l| l.tier).unwrap_or(self.config.start_tier);
        if old == tier {
            return Ok((old, tier));
        }
        let numbers = self.store.list_phone_numbers(Some(business_id)).await?;
        let now_tier = self.apply_tier(business_id, l.as_ref(), old, tier, &numbers, now).await?;
        if now_tier != tier {
            return Err(ApiError::new(ErrorCode::SomethingWentWrong, "The limit changed meanwhile; try again."));
        }
        Ok((old, tier))
    }

    /// The rating of a number now.
    pub async fn score(&self, phone_number_id: &str, now: Millis) -> Result<Score, ApiError> {
        let cfg = &self.config.rating;
        let since = now - rating::WINDOW_MS;
        let signals = self.store.signals(phone_number_id, since).await?;
        let sent = if signals.is_empty() {
            0
        } else {
            let cap = rating::sent_cap(rating::weighted(&signals, now, cfg), cfg);
            self.store.count_sent(phone_number_id, since, cap).await?
        };
        Ok(rating::score(&signals, sent, now, cfg))
    }

    /// Rate a number and store a changed rating: `FLAGGED` when it turns RED (status FLAGGED,
    /// or RESTRICTED past the restriction threshold), `UNFLAGGED` when it recovers.
    pub async fn evaluate_number(&self, phone: &PhoneNumber) -> Result<Score, ApiError> {
        let now = self.clock.now_ms();
        let s = self.score(&phone.id, now).await?;
        let status = if ![CONNECTED, FLAGGED, RESTRICTED].contains(&phone.status.as_str()) {
            phone.status.as_str()
        } else if s.restricted {
            RESTRICTED
        } else if s.rating == Rating::Red {
            FLAGGED
        } else {
            CONNECTED
        };
        if s.rating.as_str() == phone.quality_rating && status == phone.status {
            return Ok(s);
        }
        let old = Rating::parse(&phone.quality_rating);
        let event = match (old == Rating::Red, s.rating == Rating::Red) {
            (false, true) => Some("FLAGGED"),
            (true, false) => Some("UNFLAGGED"),
            _ => None,
        };
        let mut rows = Vec::new();
        if let Some(event) = event {
            let tier = self.store.business_limit(&phone.business_id).await?.map(|l| l.tier);
            rows.push(events::quality_update(phone, event, tier.unwrap_or(self.config.start_tier), None, now));
        }
        let change = RatingChange {
            phone_number_id: &phone.id,
            expected_rating: &phone.quality_rating,
            expected_status: &phone.status,
            rating: s.rating.as_str(),
            status,
            outbox: &rows,
        };
        self.store.change_rating(&change).await?;
        self.forget_number(&phone.id);
        Ok(s)
    }

    /// Bring a number read from storage up to date for display: a due tier upgrade, and the
    /// rating of a number that is not GREEN (ratings recover as signals age).
    pub async fn refresh(&self, p: &mut PhoneNumber) -> Result<(), ApiError> {
        p.messaging_limit_tier = self.evaluate_business(&p.business_id).await?.as_str().to_string();
        if Rating::parse(&p.quality_rating) != Rating::Green || p.status == FLAGGED || p.status == RESTRICTED {
            self.evaluate_number(p).await?;
            if let Some(fresh) = self.store.phone_number(&p.id).await? {
                p.quality_rating = fresh.quality_rating;
                p.status = fresh.status;
            }
        }
        Ok(())
    }

    /// A customer blocks and/or reports a business number. Returns true when the chat was
    /// newly blocked. A new block or a report re-rates the number.
    pub async fn customer_feedback(
        &self,
        wa_id: &str,
        phone: &PhoneNumber,
        block: bool,
        report: bool,
    ) -> Result<bool, ApiError> {
        let f = Feedback {
            phone_number_id: phone.id.clone(),
            business_id: phone.business_id.clone(),
            wa_id: wa_id.to_string(),
            at: self.clock.now_ms(),
            block,
            report,
        };
        let newly = self.store.record_feedback(&f).await?;
        self.forget_number(&phone.id);
        if newly || report {
            self.evaluate_number(phone).await?;
        }
        Ok(newly)
    }

    /// A customer unblocks a business number; true when it was blocked. Their earlier block
    /// still counts in the quality rating until it ages out.
    pub async fn customer_unblock(&self, wa_id: &str, phone: &PhoneNumber) -> Result<bool, ApiError> {
        let was = self.store.remove_block(&phone.id, wa_id, BlockSide::Customer).await?;
        self.forget_number(&phone.id);
        Ok(was)
    }

    /// Numbers a customer blocked.
    pub async fn blocked_by_customer(&self, wa_id: &str) -> Result<Vec<String>, ApiError> {
        Ok(self.store.customer_blocks(wa_id).await?)
    }

    /// A business's limit for operators (applying a due upgrade first).
    pub async fn view(&self, business_id: &str) -> Result<LimitView, ApiError> {
        if self.store.business(business_id).await?.is_none() {
            return Err(ApiError::object_not_found(business_id));
        }
        let tier = self.evaluate_business(business_id).await?;
        let now = self.clock.now_ms();
        let usage = self.store.limit_usage(business_id, "", now - LIMIT_WINDOW_MS).await?;
        let mut numbers = Vec::new();
        for mut p in self.store.list_phone_numbers(Some(business_id)).await? {
            self.refresh(&mut p).await?;
            let s = self.score(&p.id, now).await?;
            numbers.push((p, s));
        }
        Ok(LimitView {
            business_id: business_id.to_string(),
            tier,
            unique_customers_24h: usage.unique,
            upgrade_due_at: usage.limit.as_ref().and_then(|l| self.upgrade_due_at(l, now)),
            limit: usage.limit,
            numbers,
        })
    }

    /// The periodic pass: due upgrades, and ratings that recover as signals age.
    pub async fn sweep(&self) -> Result<(), ApiError> {
        let now = self.clock.now_ms();
        let due = self.store.limits_due(now - self.config.upgrade_delay_ms, now - UPGRADE_LOOKBACK_MS, 100).await?;
        for b in due {
            self.evaluate_business(&b).await?;
        }
        for id in self.store.numbers_not_green(1000).await? {
            if let Some(p) = self.store.phone_number(&id).await? {
                self.evaluate_number(&p).await?;
            }
        }
        self.store.prune_quality(now - LIMIT_WINDOW_MS, now - rating::WINDOW_MS).await?;
        Ok(())
    }
}
