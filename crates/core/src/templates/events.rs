//! The webhook values template changes produce, in Meta's shapes:
//! `message_template_status_update`, `template_category_update`,
//! `message_template_quality_update`, `message_template_components_update`. Queued on the WABA's ordering key, with no phone number.

use serde_json::{json, Value};

use crate::clock::{iso_time, Millis};
use crate::model::{OutboxRow, Template, TemplateQuality};

pub const STATUS_FIELD: &str = "message_template_status_update";
pub const CATEGORY_FIELD: &str = "template_category_update";
pub const QUALITY_FIELD: &str = "message_template_quality_update";
pub const COMPONENTS_FIELD: &str = "message_template_components_update";

/// An outbox row for a template event.
pub fn row(t: &Template, field: &str, value: Value, now: Millis) -> OutboxRow {
    OutboxRow {
        business_id: t.business_id.clone(),
        waba_id: t.waba_id.clone(),
        phone_number_id: None,
        ordering_key: t.waba_id.clone(),
        field: field.to_string(),
        value: value.into(),
        created_at: now,
    }
}

fn base(t: &Template, event: &str, reason: &str) -> Value {
    json!({
        "event": event,
        "message_template_id": t.id_number(),
        "message_template_name": t.name,
        "message_template_language": t.language,
        "reason": reason,
        "message_template_category": t.category,
    })
}

/// `APPROVED` after review.
pub fn approved(t: &Template, now: Millis) -> OutboxRow {
    row(t, STATUS_FIELD, base(t, "APPROVED", "NONE"), now)
}

/// `REJECTED` with a reason; `INVALID_FORMAT` rejections also carry `rejection_info`.
pub fn rejected(t: &Template, reason: &str, details: &str, now: Millis) -> OutboxRow {
    let mut v = base(t, "REJECTED", reason);
    if reason == "INVALID_FORMAT" {
        v["rejection_info"] = json!({"reason": details, "recommendation": "Edit the template to follow the rule above and submit it again."});
    }
    row(t, STATUS_FIELD, v, now)
}

/// `PAUSED` for low quality: `FIRST_PAUSE` or `SECOND_PAUSE` until `until`.
pub fn paused(t: &Template, nth: i64, until: Millis, now: Millis) -> OutboxRow {
    let mut v = base(t, "PAUSED", "NONE");
    let hours = (until - now) as f64 / 3_600_000.0;
    v["other_info"] = json!({
        "title": if nth <= 1 { "FIRST_PAUSE" } else { "SECOND_PAUSE" },
        "description": format!(
            "Your WhatsApp message template has been paused for {hours} hours until {} because of low quality.",
            iso_time(until)
        ),
    });
    row(t, STATUS_FIELD, v, now)
}

/// `APPROVED` again when a pause ends, announced as `UNPAUSE`.
pub fn unpaused(t: &Template, now: Millis) -> OutboxRow {
    let mut v = base(t, "APPROVED", "NONE");
    v["other_info"] = json!({
        "title": "UNPAUSE",
        "description": "Your WhatsApp message template has been unpaused and can be sent again.",
    });
    row(t, STATUS_FIELD, v, now)
}

/// `DISABLED` after repeated pauses.
pub fn disabled(t: &Template, now: Millis) -> OutboxRow {
    let mut v = base(t, "DISABLED", "NONE");
    v["disable_info"] = json!({"disable_date": now / 1000});
    v["other_info"] = json!({
        "title": "DISABLED",
        "description": "Your WhatsApp message template has been disabled because of repeated low quality.",
    });
    row(t, STATUS_FIELD, v, now)
}

/// A lifecycle event without details: `ARCHIVED`, `UNARCHIVED`.
pub fn lifecycle(t: &Template, event: &str, now: Millis) -> OutboxRow {
    row(t, STATUS_FIELD, base(t, event, "NONE"), now)
}

/// `PENDING_DELETION` when a template is deleted.
pub fn deleted(t: &Template, now: Millis) -> OutboxRow {
    row(t, STATUS_FIELD, base(t, "PENDING_DELETION", "NONE"), now)
}

/// The category changed in review.
pub fn category_changed(t: &Template, previous: &str, new: &str, now: Millis) -> OutboxRow {
    let v = json!({
        "message_template_id": t.id_number(),
        "message_template_name": t.name,
        "message_template_language": t.language,
        "previous_category": previous,
        "new_category": new,
    });
    row(t, CATEGORY_FIELD, v, now)
}

/// The quality score changed.
pub fn quality_changed(t: &Template, previous: TemplateQuality, new: TemplateQuality, now: Millis) -> OutboxRow {
    let v = json!({
        "previous_quality_score": previous,
        "new_quality_score": new,
        "message_template_id": t.id_number(),
        "message_template_name": t.name,
        "message_template_language": t.language,
    });
    row(t, QUALITY_FIELD, v, now)
}

/// The components were edited: the body, and the header's text, the footer and the buttons
/// when the template has them.
pub fn components_changed(t: &Template, now: Millis) -> OutboxRow {
    let mut v = json!({
        "message_template_id": t.id_number(),
        "message_template_name": t.name,
        "message_template_language": t.language,
        "message_template_element": t.body_text(),
    });
    if let Some(title) = t.component("HEADER").and_then(|h| h["text"].as_str()) {
        v["message_template_title"] = json!(title);
    }
    if let Some(footer) = t.component("FOOTER").and_then(|f| f["text"].as_str()) {
        v["message_template_footer"] = json!(footer);
    }
    if !t.buttons().is_empty() {
        let buttons: Vec<Value> = t
            .buttons()
            .iter()
            .map(|b| {
                let mut o = json!({
                    "message_template_button_type": b["type"],
                    "message_template_button_text": b["text"],
                });
                if let Some(url) = b["url"].as_str() {
                    o["message_template_button_url"] = json!(url);
                }
                if let Some(phone) = b["phone_number"].as_str() {
                    o["message_template_button_phone_number"] = json!(phone);
                }
                o
            })
            .collect();
        v["message_template_buttons"] = json!(buttons);
    }
    row(t, COMPONENTS_FIELD, v, now)
}
