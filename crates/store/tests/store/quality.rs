//! Messaging limits, blocks, quality signals and ratings.

use risala_core::model::*;
use risala_core::store::*;
use serde_json::json;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(reach_and_tiers, blocks, feedback_signals_and_ratings);

fn reach(wa_id: &str, at: i64, create_row: bool, half_used: bool) -> Reach {
    Reach { business_id: "b1".into(), wa_id: wa_id.into(), at, tier: Tier::T250, create_row, half_used }
}

async fn reach_and_tiers(db: TestStore) {
    let t = tenant(&db, 1).await;
    let usage = db.limit_usage("b1", "316001", T0).await.unwrap();
    assert_eq!((usage.unique, usage.reached, usage.limit), (0, false, None));

    for (seq, wa, create, half) in [(1, "316001", true, false), (2, "316002", false, true), (3, "316001", false, false)]
    {
        db.upsert_customer(&customer(wa), false).await.unwrap();
        let m = message(&t, wa, seq, Direction::Outbound);
        let r = reach(wa, m.created_at, create, half);
        db.record_message(&NewMessage { reach: Some(&r), ..plain(&m) }).await.unwrap();
    }
    let usage = db.limit_usage("b1", "316001", T0).await.unwrap();
    assert_eq!((usage.unique, usage.reached), (2, true));
    let limit = BusinessLimit {
        business_id: "b1".into(),
        tier: Tier::T250,
        tier_since: T0 + 1000,
        half_used_first_at: Some(T0 + 2000),
        half_used_last_at: Some(T0 + 2000),
    };
    assert_eq!(usage.limit.as_ref(), Some(&limit));
    assert_eq!(db.business_limit("b1").await.unwrap(), Some(limit.clone()));
    // Reach is per customer, latest first: only the reach at 3 s is after 2.5 s.
    let later = db.limit_usage("b1", "316002", T0 + 2500).await.unwrap();
    assert_eq!((later.unique, later.reached), (1, false));
    assert_eq!(db.limits_due(T0 + 2000, T0 + 2000, 10).await.unwrap(), ["b1"]);
    assert!(db.limits_due(T0 + 1999, T0 + 2000, 10).await.unwrap().is_empty());

    // A tier change applies over the row it was decided from, with its webhook row.
    let row = outbox_row(&t, "-", T0 + 5000, json!({"tier": "TIER_2K"}));
    let up = TierChange {
        business_id: "b1",
        expected: Some(&limit),
        tier: Tier::T2K,
        at: T0 + 5000,
        outbox: std::slice::from_ref(&row),
    };
    assert!(db.change_tier(&up).await.unwrap());
    let now = db.business_limit("b1").await.unwrap().unwrap();
    assert_eq!((now.tier, now.tier_since, now.half_used_first_at), (Tier::T2K, T0 + 5000, None));
    assert_eq!(db.phone_number("p1").await.unwrap().unwrap().messaging_limit_tier, "TIER_2K");
    let stale = TierChange { tier: Tier::T10K, at: T0 + 6000, ..up.clone() };
    assert!(!db.change_tier(&stale).await.unwrap(), "the row changed meanwhile");
    assert_eq!(db.phone_number("p1").await.unwrap().unwrap().messaging_limit_tier, "TIER_2K");
    assert_eq!(db.outbox_stats().await.unwrap().pending, 1, "only the applied change queued its webhook");

    // A business without a row gets one.
    tenant(&db, 2).await;
    let first = TierChange { business_id: "b2", expected: None, tier: Tier::T10K, at: T0, outbox: &[] };
    assert!(db.change_tier(&first).await.unwrap());
    assert_eq!(db.business_limit("b2").await.unwrap().unwrap().tier, Tier::T10K);
    assert_eq!(db.phone_number("p2").await.unwrap().unwrap().messaging_limit_tier, "TIER_10K");
    assert!(!db.change_tier(&first).await.unwrap(), "a second first row is refused");
}

async fn blocks(db: TestStore) {
    tenant(&db, 1).await;
    for wa in ["31601", "31602", "31603"] {
        assert!(db.add_block("p1", wa, BlockSide::Business, T0).await.unwrap());
    }
    assert!(!db.add_block("p1", "31601", BlockSide::Business, T0 + 1).await.unwrap(), "already blocked");
    assert!(db.add_block("p1", "31601", BlockSide::Customer, T0).await.unwrap(), "each side apart");
    assert_eq!(db.count_blocks("p1", BlockSide::Business).await.unwrap(), 3);
    assert_eq!(db.count_blocks("p1", BlockSide::Customer).await.unwrap(), 1);
    assert_eq!(db.customer_blocks("31601").await.unwrap(), ["p1"]);
    let mut all = db.number_blocks("p1").await.unwrap();
    all.sort_by(|a, b| (a.0.as_str(), a.1.as_str()).cmp(&(b.0.as_str(), b.1.as_str())));
    assert_eq!(all.len(), 4);
    assert_eq!(all[0], ("31601".to_string(), BlockSide::Business));

    let page = |after: Option<&str>, before: Option<&str>| PageRequest {
        limit: 2,
        after: after.map(Into::into),
        before: before.map(Into::into),
    };
    let p = db.page_blocks("p1", BlockSide::Business, &page(None, None)).await.unwrap();
    assert_eq!((p.items.as_slice(), p.has_more_after), (&["31601".to_string(), "31602".to_string()][..], true));
    let p = db.page_blocks("p1", BlockSide::Business, &page(Some("31602"), None)).await.unwrap();
    assert_eq!((p.items.as_slice(), p.has_more_after), (&["31603".to_string()][..], false));
    let p = db.page_blocks("p1", BlockSide::Business, &page(None, Some("31603"))).await.unwrap();
    assert_eq!((p.items.as_slice(), p.has_more_before), (&["31601".to_string(), "31602".to_string()][..], false));

    assert!(db.remove_block("p1", "31602", BlockSide::Business).await.unwrap());
    assert!(!db.remove_block("p1", "31602", BlockSide::Business).await.unwrap());
    assert_eq!(db.count_blocks("p1", BlockSide::Business).await.unwrap(), 2);
}

async fn feedback_signals_and_ratings(db: TestStore) {
    let t = tenant(&db, 1).await;
    let fb = |wa: &str, at, block, report| Feedback {
        phone_number_id: "p1".into(),
        business_id: "b1".into(),
        wa_id: wa.into(),
        at,
        block,
        report,
    };
    assert!(db.record_feedback(&fb("31601", T0, true, true)).await.unwrap(), "a new block");
    assert!(!db.record_feedback(&fb("31601", T0 + 1, true, false)).await.unwrap(), "blocked already");
    assert!(!db.record_feedback(&fb("31602", T0 + 2, false, true)).await.unwrap(), "a report is not a block");
    assert!(!db.record_feedback(&fb("31603", T0 + 3, false, false)).await.unwrap());
    assert_eq!(db.customer_blocks("31601").await.unwrap(), ["p1"]);
    let mut signals: Vec<_> = db.signals("p1", T0 - 1).await.unwrap().iter().map(|s| (s.kind, s.at)).collect();
    signals.sort_by_key(|s| (s.1, s.0.as_str()));
    // One signal per customer and kind; the repeated block did not move it.
    assert_eq!(signals, [(SignalKind::Block, T0), (SignalKind::Report, T0), (SignalKind::Report, T0 + 2)]);
    assert_eq!(db.signals("p1", T0).await.unwrap().len(), 1);

    // Messages are sent to customers (a send refused for another reason has one too).
    db.upsert_customer(&customer("31601"), false).await.unwrap();
    for seq in 1..=3 {
        let mut m = message(&t, "31601", seq, Direction::Outbound);
        if seq == 3 {
            m.status = MessageStatus::Failed;
        }
        record(&db, &m).await;
    }
    assert_eq!(db.count_sent("p1", T0, 10).await.unwrap(), 2, "failed messages are not sent");
    assert_eq!(db.count_sent("p1", T0, 1).await.unwrap(), 1, "capped");
    assert_eq!(db.count_sent("p1", T0 + 1000, 10).await.unwrap(), 1);

    // A rating change applies over the expected rating, with its webhook row.
    let row = outbox_row(&t, "-", T0, json!({"event": "FLAGGED"}));
    let c = RatingChange {
        phone_number_id: "p1",
        expected_rating: "GREEN",
        expected_status: "CONNECTED",
        rating: "RED",
        status: "FLAGGED",
        outbox: std::slice::from_ref(&row),
    };
    assert!(db.change_rating(&c).await.unwrap());
    let yellow = RatingChange { rating: "YELLOW", status: "CONNECTED", ..c.clone() };
    assert!(!db.change_rating(&yellow).await.unwrap(), "no longer GREEN");
    // Another node decided the same change from the same old rating: it finds the row
    // changed, and must not queue the webhook a second time.
    assert!(!db.change_rating(&c).await.unwrap());
    let p = db.phone_number("p1").await.unwrap().unwrap();
    assert_eq!((p.quality_rating.as_str(), p.status.as_str()), ("RED", "FLAGGED"));
    assert_eq!(db.outbox_stats().await.unwrap().pending, 1);
    assert_eq!(db.numbers_not_green(10).await.unwrap(), ["p1"]);

    assert_eq!(db.prune_quality(T0, T0 + 1).await.unwrap(), 2, "the two signals before T0 + 1");
    assert_eq!(db.signals("p1", 0).await.unwrap().len(), 1);
}
