//! The ledger is exact: a seeded randomized run of sends, replies, deliveries, reads and clock
//! moves whose ledger and invoice total equal the sum computed independently from the rate
//! card (`RISALA_BILLING_SEED` replays a seed), on SQLite and PostgreSQL. A message acknowledged
//! after its time-to-live (10 minutes for the authentication template, 30 days otherwise) was
//! dropped undelivered and is never charged.

use std::collections::HashMap;

use risala_core::model::Category;
use risala_core::pricing::invoice_lines;
use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::json;

use super::{create_templates, load_sample, send, template_body, text_body, CA, GB, IN, US};

/// A small deterministic generator (xorshift64*), so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

async fn exact_ledger(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let card = load_sample(&app).await;
    create_templates(&app).await;
    let biz = app.business_number().to_string();
    // (number, country as the test knows it, independently of the server's phone library).
    let people = [
        (US, "US"),
        (GB, "GB"),
        (CA, "CA"),
        (IN, "IN"),
        ("5511987654321", "BR"),
        ("4915123456789", "DE"),
        ("33612345678", "FR"),
        ("12125550199", "US"),
    ];
    let mut customers = Vec::new();
    for (n, _) in people {
        customers.push(app.customer(n, "C").await);
    }
    let seed = std::env::var("RISALA_BILLING_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_2026_u64);
    let mut rng = Rng(seed);
    // The test's own model: the time in hours since start, when each customer last wrote.
    let mut now_h: i64 = 0;
    let mut wrote: HashMap<usize, i64> = HashMap::new();
    // Messages sent: (customer, id, expected charge when delivered, hour sent, TTL in hours),
    // and which were charged.
    let mut sent: Vec<(usize, String, i64, i64, f64)> = Vec::new();
    let mut charged: HashMap<String, i64> = HashMap::new();
    let mut failures = 0;
    let ops = 2000;
    for _ in 0..ops {
        let c = rng.below(people.len());
        let (number, country) = people[c];
        let window = wrote.get(&c).is_some_and(|t| now_h - t < 24);
        match rng.below(20) {
            0 => {
                app.advance_clock("5h").await;
                now_h += 5;
            }
            1..=3 => {
                customers[c].send(&biz, json!({"type": "text", "text": {"body": "hello"}})).await;
                wrote.insert(c, now_h);
            }
            4..=10 => {
                let (name, price) = match rng.below(4) {
                    0 => ("news", card.rate(country, Category::Marketing).unwrap()),
                    1 => ("shipped", if window { 0 } else { card.rate(country, Category::Utility).unwrap() }),
                    2 => {
                        let intl =
                            country != "US" && card.rate(country, Category::AuthenticationInternational).is_some();
                        let cat = if intl { Category::AuthenticationInternational } else { Category::Authentication };
                        ("login", card.rate(country, cat).unwrap())
                    }
                    _ => ("text", 0),
                };
                let body = if name == "text" { text_body(number) } else { template_body(number, name) };
                let id = send(&app, &body).await;
                let ttl_h = if name == "login" { 10.0 / 60.0 } else { 720.0 };
                if name == "text" && !window {
                    failures += 1;
                    sent.push((c, id, -1, now_h, ttl_h));
                } else {
                    sent.push((c, id, price, now_h, ttl_h));
                }
            }
            _ if !sent.is_empty() => {
                let (c, id, price, sent_h, ttl_h) = sent[rng.below(sent.len())].clone();
                let status = if rng.below(3) == 0 { "read" } else { "delivered" };
                customers[c].ack(&id, status).await;
                if price >= 0 && ((now_h - sent_h) as f64) < ttl_h {
                    charged.insert(id, price);
                }
            }
            _ => {}
        }
    }
    assert!(failures > 0 && charged.len() > 100, "the run exercises failures ({failures}) and deliveries");
    let expected: i64 = charged.values().sum();
    let rows = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    assert_eq!(rows.len(), charged.len(), "seed {seed}: one ledger row per delivered message");
    let lines = invoice_lines(&rows);
    let invoiced: i64 = lines.iter().map(|l| l.amount_micros).sum();
    assert_eq!(invoiced, expected, "seed {seed}: invoice total equals the rate-card sum");
    assert!(expected > 0);
}
engine_test!(exact_ledger_randomized, super::exact_ledger);
