//! Rate cards, per-message pricing, the ledger and what invoices read from it.

use std::collections::BTreeMap;

use risala_core::model::*;
use risala_core::pricing::invoice_lines;
use risala_core::store::*;
use serde_json::json;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(
    rate_cards,
    delivery_charges_once,
    entry_points_and_windows,
    marketing_preferences,
    migration_moves_prices_onto_their_messages,
);

const WA: &str = "31612345678";
const FAR: i64 = T0 + 365 * 86_400_000;

pub fn pricing(category: Category, kind: PricingType, amount_micros: i64) -> MessagePricing {
    MessagePricing {
        category,
        kind,
        country: "NL".into(),
        amount_micros,
        entry_point: None,
        tier: "0:MAX".into(),
        cbp: None,
    }
}

pub async fn send_priced(db: &TestStore, m: &Message, p: &MessagePricing) {
    db.record_message(&NewMessage { pricing: Some(p), ..plain(m) }).await.expect("record priced message");
}

pub async fn deliver(db: &TestStore, id: &str, from: &'static [&'static str], to: &str, at: i64) -> bool {
    let from: &'static [MessageStatus] = Box::leak(
        from.iter().map(|s| MessageStatus::parse(s).expect("a status")).collect::<Vec<_>>().into_boxed_slice(),
    );
    let to = MessageStatus::parse(to).expect("a status");
    let change = StatusChange { message_id: id.into(), from, to, error: None, at };
    db.change_status(&change, &[]).await.expect("change status")
}

/// A country's volume tiers in one category: `(from volume, micro-units)`, ascending.
type Tiers<'a> = (&'a str, Category, Vec<(i64, i64)>);

fn card(name: &str, rates: &[(&str, Category, i64)], tiers: &[Tiers<'_>]) -> RateCard {
    RateCard {
        name: name.into(),
        currency: "USD".into(),
        rates: rates.iter().map(|(c, k, v)| ((c.to_string(), *k), *v)).collect(),
        tiers: tiers.iter().map(|(c, k, v)| ((c.to_string(), *k), v.clone())).collect::<BTreeMap<_, _>>(),
    }
}

async fn rate_cards(db: TestStore) {
    use Category::*;
    assert_eq!(db.rate("NL", Marketing, T0).await.unwrap(), None, "no card yet");
    let first = card(
        "2025-01",
        &[("NL", Marketing, 100), ("*", Marketing, 50), ("NL", Utility, 10), ("*", Utility, 20)],
        &[("NL", Utility, vec![(0, 10), (1000, 8)]), ("*", Utility, vec![(0, 20), (500, 15)])],
    );
    let id1 = db.load_rate_card(&first, T0, T0).await.unwrap();
    let id2 = db.load_rate_card(&card("2025-02", &[("NL", Marketing, 200)], &[]), T0 + 1000, T0 + 1).await.unwrap();

    assert_eq!(db.rate("NL", Marketing, T0).await.unwrap(), Some(100));
    assert_eq!(db.rate("DE", Marketing, T0 + 999).await.unwrap(), Some(50), "the default row");
    assert_eq!(db.rate("NL", Marketing, T0 + 1000).await.unwrap(), Some(200), "the later card");
    assert_eq!(db.rate("DE", Marketing, T0 + 1000).await.unwrap(), None, "the later card has no default");
    assert_eq!(db.rate("NL", Marketing, T0 - 1).await.unwrap(), None, "before any card");
    assert_eq!(db.rate_tiers("NL", Utility, T0).await.unwrap(), [(0, 10), (1000, 8)]);
    assert_eq!(db.rate_tiers("DE", Utility, T0).await.unwrap(), [(0, 20), (500, 15)]);
    assert!(db.rate_tiers("NL", Utility, T0 + 1000).await.unwrap().is_empty());

    let infos = db.rate_cards().await.unwrap();
    let got: Vec<_> = infos.iter().map(|c| (c.id.as_str(), c.name.as_str(), c.effective_from, c.rates)).collect();
    assert_eq!(got, [(id1.as_str(), "2025-01", T0, 4), (id2.as_str(), "2025-02", T0 + 1000, 1)]);

    // A card loaded later for the same date replaces the earlier one.
    db.load_rate_card(&card("2025-01 fixed", &[("NL", Marketing, 101)], &[]), T0, T0 + 2).await.unwrap();
    assert_eq!(db.rate("NL", Marketing, T0).await.unwrap(), Some(101));
}

async fn delivery_charges_once(db: TestStore) {
    let t = tenant(&db, 1).await;
    db.upsert_customer(&customer(WA), false).await.unwrap();
    let [m1, m2, mut m3, m4] = [1, 2, 3, 4].map(|seq| message(&t, WA, seq, Direction::Outbound));
    send_priced(&db, &m1, &pricing(Category::Marketing, PricingType::Regular, 52_900)).await;
    send_priced(&db, &m2, &pricing(Category::Service, PricingType::FreeCustomerService, 0)).await;
    // A failed message is stored without pricing; so is one sent before pricing existed.
    m3.status = MessageStatus::Failed;
    record(&db, &m3).await;
    record(&db, &m4).await;
    assert!(db.ledger("w1", T0, FAR).await.unwrap().is_empty(), "nothing is charged before delivery");

    assert!(deliver(&db, &m1.id, &["sent"], "delivered", T0 + 100).await);
    assert!(deliver(&db, &m1.id, &["sent", "delivered"], "read", T0 + 200).await);
    assert!(!deliver(&db, &m1.id, &["sent"], "delivered", T0 + 300).await);
    // Read straight from sent charges too.
    assert!(deliver(&db, &m2.id, &["sent"], "read", T0 + 400).await);
    // Without a pricing row, a delivery charges nothing.
    assert!(deliver(&db, &m4.id, &["sent"], "delivered", T0 + 500).await);

    let ledger = db.ledger("w1", T0, FAR).await.unwrap();
    let rows: Vec<_> = ledger
        .iter()
        .map(|e| (e.message_id.as_str(), e.category.as_str(), e.pricing_type.as_str(), e.amount_micros, e.charged_at))
        .collect();
    assert_eq!(
        rows,
        [
            (m1.id.as_str(), "marketing", "regular", 52_900, T0 + 100),
            (m2.id.as_str(), "service", "free_customer_service", 0, T0 + 400)
        ]
    );
    assert_eq!((ledger[0].waba_id.as_str(), ledger[0].phone_number_id.as_str()), ("w1", "p1"));
    assert_eq!((ledger[0].country.as_str(), ledger[0].tier.as_str()), ("NL", "0:MAX"));
    assert_eq!(db.ledger("w1", T0 + 101, FAR).await.unwrap().len(), 1, "a time range");
    assert!(db.ledger("w2", T0, FAR).await.unwrap().is_empty());

    // What an invoice reads.
    assert_eq!(
        invoice_lines(&ledger),
        [
            InvoiceLine {
                category: "marketing".into(),
                country: "NL".into(),
                pricing_type: "regular".into(),
                messages: 1,
                amount_micros: 52_900
            },
            InvoiceLine {
                category: "service".into(),
                country: "NL".into(),
                pricing_type: "free_customer_service".into(),
                messages: 1,
                amount_micros: 0
            },
        ]
    );
    assert_eq!(db.month_volume("b1", Category::Marketing, "NL", T0).await.unwrap(), 1);
    assert_eq!(db.month_volume("b1", Category::Marketing, "NL", T0 + 101).await.unwrap(), 0);
    assert_eq!(db.month_volume("b1", Category::Service, "NL", T0).await.unwrap(), 0, "free messages are not volume");

    let stats = db.outbound_stats("w1", T0, FAR).await.unwrap();
    let mut got: Vec<_> = stats.iter().map(|s| (s.created_at, s.sent, s.delivered, s.country.as_str())).collect();
    got.sort();
    assert_eq!(
        got,
        [
            (T0 + 1000, true, true, "NL"),
            (T0 + 2000, true, true, "NL"),
            (T0 + 3000, false, false, "NL"),
            (T0 + 4000, true, true, "NL")
        ]
    );
    assert!(stats.iter().all(|s| s.phone_number == t.phone.number));
}

async fn entry_points_and_windows(db: TestStore) {
    let t = tenant(&db, 1).await;
    let c = customer(WA);
    let mut ad = message(&t, WA, 1, Direction::Inbound);
    ad.content = json!({"body": "hi", "referral": {"source_type": "ad", "source_id": "1"}});
    // A plain message makes no entry point; the first arrival through an ad does.
    let plain_hi = message(&t, WA, 0, Direction::Inbound);
    db.record_message(&NewMessage { new_customer: Some(&c), ..plain(&plain_hi) }).await.unwrap();
    assert!(!db.has_entry_points("p1").await.unwrap());
    db.record_message(&plain(&ad)).await.unwrap();
    assert!(db.has_entry_points("p1").await.unwrap());
    assert!(!db.has_entry_points("p2").await.unwrap(), "another number has none");
    let arrived = EntryPoint { referral_at: ad.created_at, opened_at: None, expires_at: None };
    assert_eq!(db.entry_point("p1", WA).await.unwrap(), Some(arrived));

    // The business's answer opens the free window.
    let window = EntryPointWindow { opened_at: T0 + 2000, expires_at: T0 + 100_000, opens: true };
    let answer = message(&t, WA, 2, Direction::Outbound);
    let p = MessagePricing {
        entry_point: Some(window),
        ..pricing(Category::ReferralConversion, PricingType::FreeEntryPoint, 0)
    };
    send_priced(&db, &answer, &p).await;
    let open = EntryPoint { referral_at: ad.created_at, opened_at: Some(T0 + 2000), expires_at: Some(T0 + 100_000) };
    assert_eq!(db.entry_point("p1", WA).await.unwrap(), Some(open));

    // Another arrival inside the open window changes nothing; one after it starts over.
    let mut again = message(&t, WA, 3, Direction::Inbound);
    again.content = ad.content.clone();
    record(&db, &again).await;
    assert_eq!(db.entry_point("p1", WA).await.unwrap(), Some(open));
    let mut late = message(&t, WA, 200, Direction::Inbound);
    late.content = ad.content.clone();
    record(&db, &late).await;
    let restarted = EntryPoint { referral_at: late.created_at, opened_at: None, expires_at: None };
    assert_eq!(db.entry_point("p1", WA).await.unwrap(), Some(restarted));

    // Windows of the number's conversations, most recent first.
    let other = "31687654321";
    db.upsert_customer(&customer(other), false).await.unwrap();
    record(&db, &message(&t, other, 100, Direction::Inbound)).await;
    let all = db.conversation_windows("p1", None, 10).await.unwrap();
    let got: Vec<_> = all.iter().map(|w| (w.wa_id.as_str(), w.last_message_at, w.entry_point.is_some())).collect();
    assert_eq!(got, [(WA, late.created_at, true), (other, T0 + 100_000, false)]);
    let one = db.conversation_windows("p1", Some(other), 10).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].last_inbound_at, Some(T0 + 100_000));
    assert_eq!(db.conversation_windows("p1", None, 1).await.unwrap().len(), 1);
}

async fn marketing_preferences(db: TestStore) {
    let t = tenant(&db, 1).await;
    assert!(!db.marketing_stopped("b1", WA).await.unwrap());
    let row = outbox_row(&t, WA, T0, json!({"user_preferences": "stop"}));
    db.set_marketing_preference("b1", WA, true, T0, std::slice::from_ref(&row)).await.unwrap();
    assert!(db.marketing_stopped("b1", WA).await.unwrap());
    assert!(!db.marketing_stopped("b2", WA).await.unwrap(), "per business");
    db.set_marketing_preference("b1", WA, false, T0 + 1, &[]).await.unwrap();
    assert!(!db.marketing_stopped("b1", WA).await.unwrap());
    let queued = db.deliveries(&DeliveryFilter { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(queued.len(), 1, "the stop's webhook row was queued with it");
    assert_eq!(queued[0].value, row.value.as_str());
}

/// Migration 0051 on rows of the old shape (under other names): a message's price moves onto
/// its row with the WABA it was priced under, a message without one keeps NULLs, a price whose
/// message is gone is dropped with the old table.
async fn migration_moves_prices_onto_their_messages(db: TestStore) {
    let (sqlite, postgres) = (
        include_str!("../../migrations/sqlite/0051_price_on_message.sql"),
        include_str!("../../migrations/postgres/0051_price_on_message.sql"),
    );
    let rename = |sql: &str| sql.replace("message_pricing", "mp51").replace("messages", "m51");
    let create = "CREATE TABLE m51 (id TEXT PRIMARY KEY, wa_id TEXT NOT NULL); \
                  CREATE TABLE mp51 (message_id TEXT PRIMARY KEY, waba_id TEXT NOT NULL, country TEXT NOT NULL, \
                  category TEXT NOT NULL, pricing_type TEXT NOT NULL, amount_micros BIGINT NOT NULL, \
                  tier TEXT NOT NULL, conversation_id TEXT);";
    let rows = "INSERT INTO m51 VALUES ('m1', '31'), ('m2', '31'); \
                INSERT INTO mp51 VALUES ('m1', 'waba1', 'NL', 'marketing', 'regular', 500, '0:MAX', 'c1'), \
                ('gone', 'waba1', 'NL', 'utility', 'regular', 7, '0:MAX', NULL);";
    let read = "SELECT id || ' ' || COALESCE(price_country, '-') || ' ' || COALESCE(price_category, '-') || ' ' || \
                COALESCE(price_type, '-') || ' ' || COALESCE(CAST(price_micros AS TEXT), '-') || ' ' || \
                COALESCE(price_tier, '-') || ' ' || COALESCE(price_conversation_id, '-') || ' ' || \
                COALESCE(price_waba_id, '-') FROM m51 ORDER BY id";
    let raw = db.raw().await;
    raw.create(create).await;
    raw.batch(rows).await.unwrap();
    raw.batch(&rename(raw.pick(sqlite, postgres))).await.unwrap();
    let rows_after: Vec<String> = raw.texts(read).await.unwrap().into_iter().flatten().collect();
    let old_gone = raw.texts("SELECT message_id FROM mp51").await.is_err();
    assert_eq!(rows_after, ["m1 NL marketing regular 500 0:MAX c1 waba1", "m2 - - - - - - -"]);
    assert!(old_gone, "the old table is dropped");
}
