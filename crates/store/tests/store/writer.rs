//! The writer that commits plans together: plans that arrive while earlier commits are
//! being synced share a transaction (SQLite keeps it open until the log's sync in progress
//! ends), and a failing plan still fails alone.

use risala_store::value::Value;
use risala_store::Plan;

use crate::harness::{engine_tests, TestStore};

engine_tests!(plans_arriving_while_the_log_syncs_commit_or_fail_alone);

/// 600 plans spread over 60 ms, every seventh of which fails in its last statement: every
/// plan that succeeded is in the database, no part of a failed one is, and each was answered.
async fn plans_arriving_while_the_log_syncs_commit_or_fail_alone(db: TestStore) {
    let db = db.store;
    db.db().write(Plan::one("CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT NOT NULL)", Vec::new())).await.unwrap();
    let mut tasks = Vec::new();
    for k in 0..600i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            // Spread out, so plans arrive while earlier commits sync.
            tokio::time::sleep(std::time::Duration::from_micros((k as u64 * 7919) % 60_000)).await;
            let mut plan = Plan::new();
            plan.push("INSERT INTO t (k, v) VALUES ($1, 'a')", vec![Value::I64(k + 1000)]);
            if k % 7 == 0 {
                // Key 0 twice: the last statement fails.
                plan.push("INSERT INTO t (k, v) VALUES ($1, 'b')", vec![Value::I64(0)]);
                plan.push("INSERT INTO t (k, v) VALUES ($1, 'b')", vec![Value::I64(0)]);
            } else {
                plan.push("INSERT INTO t (k, v) VALUES ($1, 'b')", vec![Value::I64(k + 1)]);
            }
            (k, db.db().write(plan).await)
        }));
    }
    let mut failed = 0;
    for t in tasks {
        let (k, res) = t.await.unwrap();
        assert_eq!(res.is_err(), k % 7 == 0, "plan {k}: {res:?}");
        failed += i64::from(res.is_err());
    }
    let rows = db
        .db()
        .query(
            "SELECT COUNT(*), COUNT(CASE WHEN k >= 1000 THEN 1 END), COUNT(CASE WHEN k = 0 THEN 1 END) FROM t",
            Vec::new(),
        )
        .await
        .unwrap();
    let counts: Vec<i64> = rows[0].0.iter().map(|v| if let Value::I64(n) = v { *n } else { -1 }).collect();
    assert_eq!(counts, vec![(600 - failed) * 2, 600 - failed, 0]);
}
