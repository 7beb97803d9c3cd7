//! A fresh sandbox prices with its starting card, Meta's per-market rates as of 2026-01-01: a
//! marketing and a utility template delivered to Saudi Arabia (+966), the United Arab Emirates
//! (+971), Egypt (+20) and a Rest of Middle East country (Jordan, +962) are charged those
//! markets' rates, on SQLite and PostgreSQL.

use risala_testkit::{engine_test, Database, Engine, TestApp};

use super::{create_templates, send_to};

/// (number, market, marketing, utility) in micro-USD, as Meta's card has them.
const MARKETS: &[(&str, &str, i64, i64)] = &[
    ("966501234567", "Saudi Arabia", 45_500, 10_700),
    ("971501234567", "United Arab Emirates", 49_900, 15_700),
    ("201001234567", "Egypt", 64_400, 3_600),
    ("962791234567", "Rest of Middle East (Jordan)", 34_100, 9_100),
];

async fn starting_card(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    // What `risala serve` does at a start that finds no card.
    let start = risala_server::seed_rate_card(&app.state).await.unwrap();
    assert_eq!(start, risala_server::RateCardStart::Loaded("meta-usd-2026-01-01".into()));
    create_templates(&app).await;
    let mut expected = Vec::new();
    for (number, market, marketing, utility) in MARKETS {
        let customer = app.customer(number, "C").await;
        for (template, price) in [("news", marketing), ("shipped", utility)] {
            let id = send_to(&app, number, Some(template)).await;
            customer.ack(&id, "delivered").await;
            expected.push((id, market, template, *price));
        }
    }
    let ledger = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    for (id, market, template, price) in expected {
        let row =
            ledger.iter().find(|r| r.message_id == id).unwrap_or_else(|| panic!("{market} {template}: not charged"));
        assert_eq!(row.amount_micros, price, "{market} {template}: {row:?}");
    }
    app.stop().await;
}
engine_test!(a_fresh_sandbox_prices_at_metas_market_rates, super::starting_card);
