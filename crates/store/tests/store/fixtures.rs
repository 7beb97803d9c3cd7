//! Rows the tests build on: a tenant (business, WABA, number, app), messages, outbox rows.

use risala_core::model::*;
use risala_core::store::*;
use risala_store::SqlStore;
use serde_json::json;

/// A fixed start time (2025-01-01T00:00:00Z); tests move from here, never from the clock.
pub const T0: i64 = 1_735_689_600_000;

/// One business with a WABA, a phone number and an app.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub business: Business,
    pub waba: Waba,
    pub phone: PhoneNumber,
    pub app: App,
}

pub fn business(id: &str) -> Business {
    Business { id: id.into(), name: format!("Business {id}"), created_at: T0 }
}

pub fn waba(id: &str, business_id: &str) -> Waba {
    Waba {
        id: id.into(),
        business_id: business_id.into(),
        name: format!("WABA {id}"),
        currency: "USD".into(),
        timezone_id: "1".into(),
        message_template_namespace: format!("ns_{id}"),
        created_at: T0,
    }
}

pub fn phone(id: &str, waba_id: &str, business_id: &str, number: &str) -> PhoneNumber {
    PhoneNumber {
        id: id.into(),
        waba_id: waba_id.into(),
        business_id: business_id.into(),
        number: number.into(),
        verified_name: "Test".into(),
        quality_rating: "GREEN".into(),
        code_verification_status: "VERIFIED".into(),
        name_status: "APPROVED".into(),
        status: "CONNECTED".into(),
        throughput_level: "STANDARD".into(),
        messaging_limit_tier: "TIER_250".into(),
        account_mode: "SANDBOX".into(),
        created_at: T0,
        registered: true,
        pin_enabled: false,
        new_name_status: "NONE".into(),
        requested_name: None,
        official: false,
    }
}

/// Create a tenant whose ids all end in `n` (`b1`, `w1`, `p1`, `a1`; number `1555010000n`).
pub async fn tenant(store: &SqlStore, n: u32) -> Tenant {
    let business = business(&format!("b{n}"));
    let waba = waba(&format!("w{n}"), &business.id);
    let phone = phone(&format!("p{n}"), &waba.id, &business.id, &format!("1555010000{n}"));
    let app = App {
        id: format!("a{n}"),
        business_id: business.id.clone(),
        name: format!("App {n}"),
        app_secret: "secret".into(),
        created_at: T0,
    };
    store.create_business(&business).await.expect("business");
    store.create_waba(&waba).await.expect("waba");
    store.create_phone_number(&phone).await.expect("phone number");
    store.create_app(&app).await.expect("app");
    Tenant { business, waba, phone, app }
}

pub fn customer(wa_id: &str) -> Customer {
    Customer { wa_id: wa_id.into(), profile_name: format!("Customer {wa_id}"), created_at: T0 }
}

/// A text message of the tenant's number with `wa_id`, at `T0 + seq` seconds.
pub fn message(t: &Tenant, wa_id: &str, seq: i64, direction: Direction) -> Message {
    let status = match direction {
        Direction::Outbound => "sent",
        Direction::Inbound => "received",
    };
    Message {
        id: format!("wamid.{}.{wa_id}.{seq}", t.phone.id),
        seq,
        phone_number_id: t.phone.id.clone(),
        business_id: t.business.id.clone(),
        wa_id: wa_id.into(),
        direction,
        kind: "text".into(),
        content: json!({"body": format!("message {seq}")}),
        context_id: None,
        biz_opaque: None,
        status: MessageStatus::parse(status).expect("a message status"),
        error: None,
        created_at: T0 + seq * 1000,
        updated_at: T0 + seq * 1000,
        expires_at: None,
    }
}

/// A `messages` webhook row of this tenant's conversation with `wa_id`.
pub fn outbox_row(t: &Tenant, wa_id: &str, at: i64, value: serde_json::Value) -> OutboxRow {
    OutboxRow {
        business_id: t.business.id.clone(),
        waba_id: t.waba.id.clone(),
        phone_number_id: Some(t.phone.id.clone()),
        ordering_key: format!("{}:{wa_id}", t.phone.id),
        field: "messages".into(),
        value: value.into(),
        created_at: at,
    }
}

/// What a message writes beyond itself: nothing, unless set.
pub fn plain(m: &Message) -> NewMessage<'_> {
    NewMessage::plain(m)
}

/// Record `m` with nothing else.
pub async fn record(store: &SqlStore, m: &Message) {
    store.record_message(&plain(m)).await.expect("record message");
}
