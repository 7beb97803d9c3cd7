//! The webhook values limit and quality changes produce, in Meta's shapes:
//! `phone_number_quality_update` (per number: `UPGRADE`, `DOWNGRADE`, `FLAGGED`, `UNFLAGGED`)
//! and `business_capability_update` (per WABA). Queued on the WABA's ordering key.

use serde_json::{json, Value};

use super::Tier;
use crate::clock::Millis;
use crate::model::OutboxRow;
use crate::model::PhoneNumber;

pub const QUALITY_FIELD: &str = "phone_number_quality_update";
pub const CAPABILITY_FIELD: &str = "business_capability_update";

/// `phone_number_quality_update` for a number. `old` is given for limit changes.
pub fn quality_update(p: &PhoneNumber, event: &str, current: Tier, old: Option<Tier>, now: Millis) -> OutboxRow {
    let mut v = json!({
        "display_phone_number": p.number,
        "event": event,
        "current_limit": current.as_str(),
        "max_daily_conversations_per_business": current.as_str(),
    });
    if let Some(old) = old {
        v["old_limit"] = Value::String(old.as_str().into());
    }
    OutboxRow {
        business_id: p.business_id.clone(),
        waba_id: p.waba_id.clone(),
        phone_number_id: Some(p.id.clone()),
        ordering_key: p.waba_id.clone(),
        field: QUALITY_FIELD.into(),
        value: v.into(),
        created_at: now,
    }
}

/// `business_capability_update` for one WABA of the business.
pub fn capability_update(business_id: &str, waba_id: &str, tier: Tier, now: Millis) -> OutboxRow {
    OutboxRow {
        business_id: business_id.to_string(),
        waba_id: waba_id.to_string(),
        phone_number_id: None,
        ordering_key: waba_id.to_string(),
        field: CAPABILITY_FIELD.into(),
        value: json!({
            "max_daily_conversation_per_phone": tier.legacy_number(),
            "max_daily_conversations_per_business": tier.as_str(),
            "max_phone_numbers_per_business": tier.max_phone_numbers(),
        })
        .into(),
        created_at: now,
    }
}

/// Every row a tier change sends: one capability update per WABA, one quality update per number.
pub fn tier_changed(numbers: &[PhoneNumber], old: Tier, new: Tier, now: Millis) -> Vec<OutboxRow> {
    let event = if new > old { "UPGRADE" } else { "DOWNGRADE" };
    let mut rows = Vec::new();
    let mut wabas: Vec<&str> = Vec::new();
    for p in numbers {
        if !wabas.contains(&p.waba_id.as_str()) {
            wabas.push(&p.waba_id);
            rows.push(capability_update(&p.business_id, &p.waba_id, new, now));
        }
    }
    rows.extend(numbers.iter().map(|p| quality_update(p, event, new, Some(old), now)));
    rows
}
