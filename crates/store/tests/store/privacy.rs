//! Retention (bodies become tombstones), customer erasure, and the audit log.

use risala_core::model::*;
use risala_core::store::*;
use serde_json::json;

use crate::billing::{deliver, pricing, send_priced};
use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(
    retention_tombstones_old_bodies,
    erasure_removes_one_customer,
    erased_webhooks_are_not_claimed,
    audit_log_filters_and_pages
);

const WA: &str = "31611111111";
const OTHER: &str = "31622222222";

fn owned_media(id: &str, owner: Option<&str>) -> Media {
    Media {
        id: id.into(),
        business_id: "b1".into(),
        phone_number_id: owner.is_none().then(|| "p1".into()),
        owner_wa_id: owner.map(str::to_string),
        mime_type: "image/png".into(),
        sha256: format!("sha-{id}"),
        file_size: 4,
        filename: None,
        created_at: T0,
        expires_at: T0 + 86_400_000,
    }
}

/// Media `m` with four bytes in one chunk.
async fn store_media(db: &TestStore, m: &Media) {
    db.insert_media(m).await.unwrap();
    db.insert_media_chunk(&m.id, 0, b"data".to_vec()).await.unwrap();
}

async fn retention_tombstones_old_bodies(db: TestStore) {
    let t = tenant(&db, 1).await;
    db.upsert_customer(&customer(WA), false).await.unwrap();
    let mut image = message(&t, WA, 1, Direction::Outbound);
    image.kind = "image".into();
    image.content = json!({"id": "m-old"});
    for m in [image.clone(), message(&t, WA, 2, Direction::Inbound), message(&t, WA, 3, Direction::Inbound)] {
        record(&db, &m).await;
    }
    store_media(&db, &owned_media("m-old", Some(WA))).await;

    // Created before T0 + 2.5 s: the first two.
    let due = db.bodies_before(T0 + 2500, 10).await.unwrap();
    assert_eq!(due.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(db.bodies_before(T0 + 2500, 1).await.unwrap().len(), 1, "the limit holds");

    let stone = tombstone(BodyRemoval::Retention, T0 + 9000);
    let ids: Vec<String> = due.iter().map(|m| m.id.clone()).collect();
    assert_eq!(db.tombstone(&ids, &stone, &["m-old".into()], T0 + 9000).await.unwrap(), 2);
    assert_eq!(db.tombstone(&ids, &stone, &[], T0 + 9500).await.unwrap(), 0, "a tombstone stays as it was");
    assert!(db.bodies_before(T0 + 2500, 10).await.unwrap().is_empty());
    assert_eq!(db.media("m-old").await.unwrap(), None, "the media went with the body");

    let kept = db.message(&image.id).await.unwrap().unwrap();
    assert_eq!(kept.content, stone);
    assert_eq!((kept.kind.as_str(), kept.status, kept.created_at), ("image", image.status, image.created_at));
    let newest = db.message(&message(&t, WA, 3, Direction::Inbound).id).await.unwrap().unwrap();
    assert_eq!(newest.content, json!({"body": "message 3"}));
    assert_eq!(db.chat_history(&t.phone.id, WA, None, 10).await.unwrap().len(), 3, "no message left the history");
}

/// A customer's webhooks erased before a claim took them are not delivered: SQLite's writer
/// hands its new rows to the claims, and an erasure has the next claim read the table instead.
async fn erased_webhooks_are_not_claimed(db: TestStore) {
    const LEASE: i64 = 5_000_000_000_000;
    let t = tenant(&db, 1).await;
    assert!(db.claim_due(T0, "w1", LEASE, LEASE + 30_000, 10, 100).await.unwrap().is_empty());
    // The erased customer's row is the newest.
    for wa in [OTHER, WA] {
        db.upsert_customer(&customer(wa), false).await.unwrap();
        let row = outbox_row(&t, wa, T0, json!({"text": "hello"}));
        let out = message(&t, wa, 1, Direction::Outbound);
        db.record_message(&NewMessage { outbox: std::slice::from_ref(&row), ..plain(&out) }).await.unwrap();
    }
    let erasure = Erasure {
        wa_id: WA.into(),
        pseudonym: "erased-abc".into(),
        tombstone: tombstone(BodyRemoval::Erasure, T0 + 5000),
        media_ids: vec![],
        at: T0 + 5000,
    };
    assert_eq!(db.erase_customer(&erasure).await.unwrap().webhook_deliveries, 1);
    let claimed = db.claim_due(T0 + 6000, "w1", LEASE + 1, LEASE + 30_001, 10, 100).await.unwrap();
    let keys: Vec<&str> = claimed.iter().map(|d| d.ordering_key.as_str()).collect();
    assert!(keys.len() == 1 && keys[0].ends_with(OTHER), "{keys:?}");
    // Delivered, nothing is left to do: the erased row's id is not waited for.
    let done = AttemptResult {
        ids: vec![claimed[0].id],
        outcome: Outcome::Delivered,
        status: Some(200),
        error: None,
        endpoint: None,
        at: T0 + 6001,
    };
    db.record_attempts("w1", &[done]).await.unwrap();
    assert!(db.claim_due(T0 + 6002, "w1", LEASE + 2, LEASE + 30_002, 10, 100).await.unwrap().is_empty());
    assert_eq!(db.next_due_at().await.unwrap(), None);
}

async fn erasure_removes_one_customer(db: TestStore) {
    let t = tenant(&db, 1).await;
    for wa in [WA, OTHER] {
        db.upsert_customer(&customer(wa), false).await.unwrap();
        let out = message(&t, wa, 1, Direction::Outbound);
        let row = outbox_row(&t, wa, T0, json!({"text": "hello"}));
        db.record_message(&NewMessage { outbox: std::slice::from_ref(&row), ..plain(&out) }).await.unwrap();
        let mut inbound = message(&t, wa, 2, Direction::Inbound);
        inbound.kind = "image".into();
        inbound.content = json!({"from": wa, "type": "image", "image": {"id": format!("copy-{wa}")}});
        send_priced(
            &db,
            &message(&t, wa, 3, Direction::Outbound),
            &pricing(Category::Marketing, PricingType::Regular, 500),
        )
        .await;
        assert!(deliver(&db, &message(&t, wa, 3, Direction::Outbound).id, &["sent"], "delivered", T0 + 4000).await);
        record(&db, &inbound).await;
        store_media(&db, &owned_media(&format!("own-{wa}"), Some(wa))).await;
        store_media(&db, &owned_media(&format!("copy-{wa}"), None)).await;
        db.create_customer_session(&format!("session-{wa}"), wa, T0, T0 + 1_000_000).await.unwrap();
        db.set_customer_code(wa, "hash", T0 + 1_000_000).await.unwrap();
        db.set_marketing_preference(&t.business.id, wa, true, T0, &[]).await.unwrap();
        assert!(db.add_block(&t.phone.id, wa, BlockSide::Customer, T0).await.unwrap());
    }
    let erasure = Erasure {
        wa_id: WA.into(),
        pseudonym: "erased-abc".into(),
        tombstone: tombstone(BodyRemoval::Erasure, T0 + 5000),
        media_ids: vec![format!("copy-{WA}")],
        at: T0 + 5000,
    };
    let counts = db.erase_customer(&erasure).await.unwrap();
    let expected = ErasureCounts {
        messages: 3,
        media: 2,
        conversations: 1,
        profiles: 1,
        sessions: 1,
        sign_in_codes: 1,
        contacts: 2,
        webhook_deliveries: 1,
        pseudonymized: 2,
        code_file_lines: 0,
    };
    assert_eq!(counts, expected);

    assert_eq!(db.customer(WA).await.unwrap(), None);
    assert!(db.customer_conversations(WA).await.unwrap().is_empty());
    assert_eq!(db.customer_session(&format!("session-{WA}"), T0).await.unwrap(), None);
    assert_eq!(db.customer_code_state(WA).await.unwrap(), None);
    assert!(!db.marketing_stopped(&t.business.id, WA).await.unwrap());
    assert!(db.customer_blocks(WA).await.unwrap().is_empty());
    assert_eq!(db.media(&format!("own-{WA}")).await.unwrap(), None);
    assert_eq!(db.media(&format!("copy-{WA}")).await.unwrap(), None);
    let m = db.message(&message(&t, WA, 1, Direction::Outbound).id).await.unwrap().unwrap();
    assert_eq!((m.wa_id.as_str(), &m.content), ("erased-abc", &erasure.tombstone));
    let ledger = db.ledger(&t.waba.id, 0, i64::MAX).await.unwrap();
    assert_eq!(ledger.len(), 2, "billing rows stay: {ledger:?}");
    let deliveries = db.deliveries(&DeliveryFilter { limit: 100, ..Default::default() }).await.unwrap();
    assert!(deliveries.iter().all(|d| d.ordering_key.ends_with(OTHER)), "{deliveries:?}");

    // The other customer keeps everything.
    assert!(db.customer(OTHER).await.unwrap().is_some());
    assert_eq!(db.customer_session(&format!("session-{OTHER}"), T0).await.unwrap().as_deref(), Some(OTHER));
    assert!(db.media(&format!("copy-{OTHER}")).await.unwrap().is_some());
    assert_eq!(db.customer_blocks(OTHER).await.unwrap().len(), 1);
    assert_eq!(db.customer_bodies(OTHER).await.unwrap().len(), 3);
    let kept = db.message(&message(&t, OTHER, 2, Direction::Inbound).id).await.unwrap().unwrap();
    assert_eq!((kept.wa_id.as_str(), &kept.content["image"]["id"]), (OTHER, &json!("copy-31622222222")));

    // Twice: nothing left to erase.
    assert_eq!(db.erase_customer(&erasure).await.unwrap(), ErasureCounts::default());
}

async fn audit_log_filters_and_pages(db: TestStore) {
    let entry = |at: i64, business: Option<&str>, actor: &str, action: &str| AuditEntry {
        id: 0,
        at,
        business_id: business.map(str::to_string),
        actor: actor.into(),
        action: action.into(),
        target: "t1".into(),
        detail: "fields=status".into(),
        address: Some("127.0.0.1".into()),
    };
    let mut ids = Vec::new();
    for (at, b, actor, action) in [
        (T0, Some("b1"), "operator", "POST /admin/v1/templates/{id}/review"),
        (T0 + 1, Some("b2"), "token:7", "POST /{id}/subscribed_apps"),
        (T0 + 2, None, "operator", "customer.erase"),
    ] {
        ids.push(db.record_audit(&entry(at, b, actor, action)).await.unwrap());
    }
    assert!(ids[0] < ids[1] && ids[1] < ids[2], "ids increase: {ids:?}");
    let all = db.audit_entries(&AuditFilter { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), vec![ids[2], ids[1], ids[0]], "newest first");
    assert_eq!(
        all[2],
        AuditEntry { id: ids[0], ..entry(T0, Some("b1"), "operator", "POST /admin/v1/templates/{id}/review") }
    );
    assert_eq!(ids_of(&db, AuditFilter { business_id: Some("b2".into()), ..Default::default() }).await, vec![ids[1]]);
    assert_eq!(
        ids_of(&db, AuditFilter { actor: Some("operator".into()), ..Default::default() }).await,
        vec![ids[2], ids[0]]
    );
    assert_eq!(
        ids_of(&db, AuditFilter { action: Some("customer.erase".into()), ..Default::default() }).await,
        vec![ids[2]]
    );
    assert_eq!(ids_of(&db, AuditFilter { since: Some(T0 + 1), ..Default::default() }).await, vec![ids[2], ids[1]]);
    assert_eq!(ids_of(&db, AuditFilter { before_id: Some(ids[1]), ..Default::default() }).await, vec![ids[0]]);
    let first = db.audit_entries(&AuditFilter { limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!(first.len(), 1);
}

async fn ids_of(db: &TestStore, f: AuditFilter) -> Vec<i64> {
    db.audit_entries(&AuditFilter { limit: 10, ..f }).await.unwrap().iter().map(|e| e.id).collect()
}
