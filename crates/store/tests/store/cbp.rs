//! Conversation-based pricing: a conversation opened with its first message, charged once on
//! its first delivery; and the WABA settings that choose the pricing model.

use risala_core::model::*;
use risala_core::store::*;

use crate::billing::{deliver, pricing, send_priced};
use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(cbp_conversation_charged_once, waba_settings);

const WA: &str = "31612345678";
const DAY: i64 = 86_400_000;

fn in_conversation(id: &str, opens: bool) -> MessagePricing {
    let cbp = ConversationRef {
        id: id.into(),
        category: Category::Marketing,
        kind: ConversationType::Regular,
        opened_at: T0 + 1000,
        expires_at: T0 + 1000 + DAY,
        opens,
        amount_micros: 30_000,
    };
    MessagePricing { cbp: Some(cbp), ..pricing(Category::Marketing, PricingType::Regular, 30_000) }
}

async fn cbp_conversation_charged_once(db: TestStore) {
    let t = tenant(&db, 1).await;
    db.upsert_customer(&customer(WA), false).await.unwrap();
    let [m1, m2, m3] = [1, 2, 3].map(|seq| message(&t, WA, seq, Direction::Outbound));
    send_priced(&db, &m1, &in_conversation("conv1", true)).await;
    send_priced(&db, &m2, &in_conversation("conv1", false)).await;
    // Another node opened the same category meanwhile: no second conversation.
    send_priced(&db, &m3, &in_conversation("conv2", true)).await;

    let open = OpenConversation {
        id: "conv1".into(),
        category: Category::Marketing,
        kind: ConversationType::Regular,
        opened_at: T0 + 1000,
        expires_at: T0 + 1000 + DAY,
    };
    assert_eq!(db.open_conversations("p1", WA, T0 + 5000).await.unwrap(), vec![open]);
    assert!(db.open_conversations("p1", WA, T0 + 1000 + DAY).await.unwrap().is_empty(), "expired");
    assert!(db.conversations("w1", T0, T0 + 2 * DAY).await.unwrap().is_empty(), "not charged before delivery");

    // The first delivery in the conversation carries its charge, whichever message it is.
    assert!(deliver(&db, &m2.id, &["sent"], "delivered", T0 + 5000).await);
    assert!(deliver(&db, &m1.id, &["sent"], "delivered", T0 + 6000).await);
    let ledger = db.ledger("w1", T0, T0 + 2 * DAY).await.unwrap();
    let amounts: Vec<_> = ledger.iter().map(|e| (e.message_id.as_str(), e.amount_micros)).collect();
    assert_eq!(amounts, [(m2.id.as_str(), 30_000), (m1.id.as_str(), 0)]);

    let record = ConversationRecord {
        id: "conv1".into(),
        phone_number_id: "p1".into(),
        country: "NL".into(),
        category: Category::Marketing,
        kind: ConversationType::Regular,
        opened_at: T0 + 1000,
        amount_micros: 30_000,
    };
    assert_eq!(db.conversations("w1", T0, T0 + 2 * DAY).await.unwrap(), vec![record]);
    assert!(db.conversations("w1", T0 + 1001, T0 + 2 * DAY).await.unwrap().is_empty(), "by opening time");
}

async fn waba_settings(db: TestStore) {
    tenant(&db, 1).await;
    assert_eq!(db.waba_settings("w1").await.unwrap(), WabaSettings::default());
    let cbp = WabaSettings { pricing_model: PricingModel::Cbp, verified: true };
    db.set_waba_settings("w1", &cbp, T0).await.unwrap();
    assert_eq!(db.waba_settings("w1").await.unwrap(), cbp);
    let pmp = WabaSettings { pricing_model: PricingModel::Pmp, verified: false };
    db.set_waba_settings("w1", &pmp, T0 + 1).await.unwrap();
    assert_eq!(db.waba_settings("w1").await.unwrap(), pmp);
}
