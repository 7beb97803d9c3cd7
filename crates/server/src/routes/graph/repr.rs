//! How Graph objects look on the wire: every field an object has, for `fields=` to select from.

use risala_core::clock::iso_time;
use risala_core::model::{App, Business, PhoneNumber, Waba};
use risala_core::phone::WaId;
use serde_json::{json, Map, Value};

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Default fields of `GET /{phone-number-id}`.
pub const PHONE_DEFAULT: &[&str] = &["display_phone_number", "verified_name", "quality_rating"];
/// Default fields of each entry of `GET /{waba-id}/phone_numbers`.
pub const PHONE_LIST_DEFAULT: &[&str] = &[
    "verified_name",
    "code_verification_status",
    "display_phone_number",
    "quality_rating",
    "platform_type",
    "throughput",
];
/// Default fields of `GET /{waba-id}`.
pub const WABA_DEFAULT: &[&str] = &["name", "timezone_id", "message_template_namespace"];

pub fn phone_number(p: &PhoneNumber) -> Map<String, Value> {
    let wa = WaId::from_trusted(p.number.clone());
    // Meta's platform of a number that is not registered on any: NOT_APPLICABLE.
    let platform = if p.registered { "CLOUD_API" } else { "NOT_APPLICABLE" };
    obj(json!({
        "id": p.id,
        "display_phone_number": wa.display(),
        "verified_name": p.verified_name,
        "quality_rating": p.quality_rating,
        "code_verification_status": p.code_verification_status,
        "name_status": p.name_status,
        "new_name_status": p.new_name_status,
        "status": p.status,
        "platform_type": platform,
        "host_platform": platform,
        "throughput": {"level": p.throughput_level},
        "account_mode": p.account_mode,
        "is_official_business_account": p.official,
        "is_pin_enabled": p.pin_enabled,
        "whatsapp_business_manager_messaging_limit": p.messaging_limit_tier,
        "messaging_limit_tier": p.messaging_limit_tier,
        "country_code": wa.country().unwrap_or_default(),
        "country_dial_code": wa.calling_code(),
        "last_onboarded_time": iso_time(p.created_at),
        "search_visibility": "VISIBLE",
    }))
}

/// A WABA; `verified` is the operator's setting (`POST /admin/v1/wabas/{id}/settings`), shown
/// as Meta's `business_verification_status` (`verified` / `not_verified`, lowercase as the live
/// API answers).
pub fn waba(w: &Waba, verified: bool) -> Map<String, Value> {
    obj(json!({
        "id": w.id,
        "name": w.name,
        "timezone_id": w.timezone_id,
        "message_template_namespace": w.message_template_namespace,
        "currency": w.currency,
        "account_review_status": "APPROVED",
        "business_verification_status": if verified { "verified" } else { "not_verified" },
        "ownership_type": "SELF",
        "country": "US",
    }))
}

pub fn business(b: &Business) -> Map<String, Value> {
    obj(json!({"id": b.id, "name": b.name, "verification_status": "verified", "created_time": iso_time(b.created_at)}))
}

pub fn app(a: &App) -> Map<String, Value> {
    obj(json!({"id": a.id, "name": a.name}))
}
