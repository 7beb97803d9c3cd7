//! Retention and erasure: message bodies older than the configured retention become
//! tombstones (the message keeps its id, type, status, times and pricing, so billing,
//! analytics and status webhooks keep working) and their media go; a customer's data are
//! erased on request across messages, media, profile, sessions, sign-in codes, blocks and
//! preferences, and the webhook deliveries about them, with an audit record.

use std::sync::Arc;

use serde_json::Value;

use crate::audit::AuditService;
use crate::clock::{Clock, Millis};
use crate::error::ApiError;
use crate::model::*;
use crate::phone::WaId;
use crate::ports::CodeSender;
use crate::store::Store;

/// Messages tombstoned per commit by the retention sweep.
const SWEEP_BATCH: usize = 500;

/// What the retention sweep keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionConfig {
    /// How long message bodies are kept; `None`: forever.
    pub message_bodies_ms: Option<Millis>,
}

/// What one erasure did: the counts, and the pseudonym that replaced the number where rows
/// stay (the audit record's target).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErasureReport {
    pub pseudonym: String,
    pub erased: ErasureCounts,
}

#[derive(Clone)]
pub struct PrivacyService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    audit: AuditService,
    codes: Arc<dyn CodeSender>,
    pseudonym_key: String,
    config: RetentionConfig,
}

/// The media a message's body names: the type object's `id` (outbound content is the type
/// object; inbound content is the webhook element, with the type object under its type).
fn media_id(m: &Message) -> Option<String> {
    let object = match m.direction {
        Direction::Outbound => &m.content,
        Direction::Inbound => m.content.get(&m.kind)?,
    };
    object.get("id").and_then(Value::as_str).map(str::to_string)
}

impl PrivacyService {
    /// `pseudonym_key` keys the HMAC that stands for an erased number in the rows that stay;
    /// `codes` is where sign-in codes went (its lines about an erased customer go too).
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        audit: AuditService,
        codes: Arc<dyn CodeSender>,
        pseudonym_key: &str,
        config: RetentionConfig,
    ) -> Self {
        PrivacyService { store, clock, audit, codes, pseudonym_key: pseudonym_key.to_string(), config }
    }

    /// The pseudonym of a number: `erased-` and the start of its HMAC (the same number always
    /// gets the same one, so counts of distinct customers stay right; never digits only, so it
    /// cannot be mistaken for a number).
    pub fn pseudonym(&self, wa_id: &str) -> String {
        let mac = crate::ids::hmac_sha256(self.pseudonym_key.as_bytes(), wa_id.as_bytes());
        format!("erased-{}", hex::encode(&mac[..12]))
    }

    /// Tombstone every body older than the retention (oldest first, in batches) and delete
    /// the media they named; returns how many bodies went. Nothing when bodies are kept forever.
    pub async fn sweep(&self) -> Result<u64, ApiError> {
        let Some(keep) = self.config.message_bodies_ms else { return Ok(0) };
        let now = self.clock.now_ms();
        let before = now.saturating_sub(keep);
        let tombstone = tombstone(BodyRemoval::Retention, now);
        let mut total = 0;
        loop {
            let batch = self.store.bodies_before(before, SWEEP_BATCH).await?;
            if batch.is_empty() {
                break;
            }
            let ids: Vec<String> = batch.iter().map(|m| m.id.clone()).collect();
            let media: Vec<String> = batch.iter().filter_map(media_id).collect();
            total += self.store.tombstone(&ids, &tombstone, &media, now).await?;
            if batch.len() < SWEEP_BATCH {
                break;
            }
        }
        Ok(total)
    }

    /// Erase one customer's data (see the module doc) and record it in the audit log under the
    /// number's pseudonym. Idempotent: a second call finds nothing left and counts zeros.
    pub async fn erase(&self, actor: &Actor, wa_id: &str) -> Result<ErasureReport, ApiError> {
        let wa_id = WaId::parse(wa_id, None).map_err(|e| ApiError::bad_value(format!("wa_id: {e}")))?;
        let wa_id = wa_id.as_str();
        let now = self.clock.now_ms();
        let media_ids = self.store.customer_bodies(wa_id).await?.iter().filter_map(media_id).collect();
        let pseudonym = self.pseudonym(wa_id);
        let erasure = Erasure {
            wa_id: wa_id.to_string(),
            pseudonym: pseudonym.clone(),
            tombstone: tombstone(BodyRemoval::Erasure, now),
            media_ids,
            at: now,
        };
        let mut erased = self.store.erase_customer(&erasure).await?;
        // SQLite: the log still holds the pages as they were before; fold it in and truncate it.
        // Best effort: under load it may not finish, and the writer's own checkpoints follow.
        let _ = self.store.checkpoint().await;
        erased.code_file_lines = self.codes.forget(wa_id).map_err(|e| {
            ApiError::new(crate::ErrorCode::Unknown, format!("the sign-in code file could not be rewritten: {e}"))
        })?;
        let detail = serde_json::to_string(&erased).unwrap_or_default();
        let target = Target { business_id: None, id: pseudonym.clone() };
        self.audit.record(actor, "customer.erase", &target, &detail).await?;
        Ok(ErasureReport { pseudonym, erased })
    }
}
