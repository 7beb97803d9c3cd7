//! Several nodes on one PostgreSQL (`cluster.rs`): the fleet's token buckets, the event bus and
//! the leases of background work, each with two "nodes" in one process. PostgreSQL only: a
//! SQLite database serves one node, which uses none of them; it hears other processes' commits
//! to its file (`SqliteWatch`), tested last.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use risala_core::model::{Customer, PricingModel, UsernameSetting, WabaSettings};
use risala_core::ports::{ClusterEvent, ClusterHandler, EventBus, Leases, SharedBudget};
use risala_core::store::{MessageStore, UserIdStore, WabaSettingsStore};
use risala_store::cluster::{PgBudget, PgBus, PgLeases};
use risala_store::{Db, Engine};

use crate::fixtures;
use crate::harness::TestStore;

/// A PostgreSQL-only test: its SQLite run has nothing to check.
macro_rules! postgres_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::harness::run(risala_store::Engine::Postgres, super::$name).await;
                }
            }
        )*
    };
}

postgres_tests!(
    buckets_are_shared_and_refill,
    events_reach_the_other_nodes,
    leases_move_when_the_holder_goes,
    merged_upserts_keep_their_rows_order,
    customer_changes_reach_every_node
);

mod sqlite_hears_other_processes {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        crate::harness::run(risala_store::Engine::Sqlite, super::sqlite_hears_other_processes).await;
    }
}

async fn buckets_are_shared_and_refill(db: TestStore) {
    assert_eq!(db.engine, Engine::Postgres);
    let (a, b) = (PgBudget::new(db.db().clone()), PgBudget::new(db.db().clone()));
    // The pair rate's bucket: 45 tokens, 10 a minute.
    let take = |n: &Arc<PgBudget>, want, now| {
        let n = n.clone();
        async move { n.take("pair:1:2", want, 45, 10, 60_000, now).await.unwrap() }
    };
    assert_eq!(take(&a, 20, 0).await, 20);
    assert_eq!(take(&b, 20, 0).await, 20);
    assert_eq!(take(&a, 20, 0).await, 5, "what is left, not more");
    assert_eq!(take(&b, 1, 5_999).await, 0, "one token takes 6 s to come back");
    assert_eq!(take(&b, 3, 6_000).await, 1);
    assert_eq!(take(&a, 100, 3_600_000).await, 45, "a long pause refills to the capacity, not beyond");
    // Keys are separate.
    assert_eq!(a.take("throughput:9", 4, 80, 4800, 60_000, 0).await.unwrap(), 4);

    // The cost of a take, one after the other (each is a commit of the batching writer).
    let n = 200;
    let started = Instant::now();
    for i in 0..n {
        a.take("throughput:cost", 4, 80, 4800, 60_000, i).await.unwrap();
    }
    let each = started.elapsed() / n as u32;
    eprintln!("one take from a fleet bucket, sequentially: {} µs", each.as_micros());
}

/// Collects what a node hears.
#[derive(Default)]
struct Heard {
    events: Mutex<Vec<ClusterEvent>>,
    missed: Mutex<usize>,
}

impl ClusterHandler for Heard {
    fn deliver(&self, event: ClusterEvent) {
        self.events.lock().unwrap().push(event);
    }
    fn missed(&self) {
        *self.missed.lock().unwrap() += 1;
    }
}

async fn eventually(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !check() {
        assert!(Instant::now() < deadline, "{what}: not within 5 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn events_reach_the_other_nodes(db: TestStore) {
    let url = db.schema_url().unwrap();
    let (a, b) = (PgBus::start(&url, "node-a").unwrap(), PgBus::start(&url, "node-b").unwrap());
    let (heard_a, heard_b) = (Arc::new(Heard::default()), Arc::new(Heard::default()));
    a.subscribe(heard_a.clone());
    b.subscribe(heard_b.clone());
    let client = pg(&url).await;
    listening(&client, &[&heard_a, &heard_b]).await;
    assert_eq!(heard_b.events.lock().unwrap()[0], ClusterEvent::Changed { table: "tokens".into() });
    heard_a.events.lock().unwrap().clear();
    heard_b.events.lock().unwrap().clear();

    // A node's events reach the others, in order, and not itself. Many at once are gathered
    // into notifications under PostgreSQL's 8000 bytes.
    let sent: Vec<ClusterEvent> = (0..500)
        .map(|i| ClusterEvent::Message { wa_id: format!("1555000{i:04}"), id: format!("wamid.{i:040}") })
        .collect();
    for e in &sent {
        a.publish(e.clone());
    }
    // (Late table changes from the start may still come in: they are left out.)
    let published = |h: &Heard| -> Vec<ClusterEvent> {
        h.events.lock().unwrap().iter().filter(|e| !matches!(e, ClusterEvent::Changed { .. })).cloned().collect()
    };
    eventually("all 500 events heard", || published(&heard_b).len() >= 500).await;
    assert_eq!(published(&heard_b), sent);
    assert!(published(&heard_a).is_empty(), "a node does not hear itself");

    // A listener whose connection is cut reconnects and says it may have missed events.
    client
        .batch_execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'risala-events' AND datname = current_database()")
        .await
        .unwrap();
    eventually("both listeners reconnected", || {
        *heard_a.missed.lock().unwrap() == 1 && *heard_b.missed.lock().unwrap() == 1
    })
    .await;
    b.publish(ClusterEvent::Typing { wa_id: "1".into(), from: "2".into(), phone_number_id: "3".into() });
    eventually("heard after the reconnection", || !published(&heard_a).is_empty()).await;
}

/// Until every listener hears: the listeners are up once a table change reaches them all (sent
/// by the database itself, a trigger on `tokens`).
async fn listening(client: &Arc<tokio_postgres::Client>, heard: &[&Heard]) {
    let all = || heard.iter().all(|h| !h.events.lock().unwrap().is_empty());
    eventually("the listeners up", || {
        if !all() {
            let client = client.clone();
            tokio::spawn(async move { client.batch_execute("UPDATE tokens SET revoked_at = 1 WHERE id = ''").await });
        }
        all()
    })
    .await;
}

async fn pg(url: &str) -> Arc<tokio_postgres::Client> {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    Arc::new(client)
}

async fn leases_move_when_the_holder_goes(db: TestStore) {
    let url = db.schema_url().unwrap();
    let (a, b) = (PgLeases::new(&url).unwrap(), PgLeases::new(&url).unwrap());
    assert!(a.hold("templates").await);
    assert!(a.hold("templates").await, "held, held again");
    assert!(!b.hold("templates").await, "one node at a time");
    assert!(b.hold("media").await, "tasks are separate");
    // The holder dies: its connection closes and the lock is released.
    drop(a);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !b.hold("templates").await {
        assert!(Instant::now() < deadline, "the lease did not move within 5 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Nodes take the conversations' row locks in one order (their batches' plans sorted by lane,
/// a merged statement's rows in that order), so two nodes' batches that share conversations
/// wait for each other instead of deadlocking. A merged upsert must therefore write its rows in
/// the order of its arrays whatever plan PostgreSQL picks: a generic plan may join the
/// customers first and yield their rows in the table's order (three-node runs deadlocked so,
/// one node on a custom plan and another on the generic one).
async fn merged_upserts_keep_their_rows_order(db: TestStore) {
    let client = pg(&db.schema_url().unwrap()).await;
    // The customers stored in the reverse of the order the batches name them in.
    let ids: Vec<String> = (0..2000).map(|i| format!("1999{i:07}")).collect();
    client
        .execute(
            "INSERT INTO customers (wa_id, profile_name, created_at) SELECT id, 'c', 0 FROM unnest(CAST($1 AS TEXT[])) WITH ORDINALITY AS t(id, n) ORDER BY n DESC",
            &[&ids],
        )
        .await
        .unwrap();
    client.batch_execute("ANALYZE customers; SET plan_cache_mode = force_generic_plan").await.unwrap();
    let upserts: Vec<&str> = risala_store::sql::merged()
        .iter()
        .map(|(_, many)| *many)
        .filter(|many| many.starts_with("INSERT INTO conversations"))
        .collect();
    assert_eq!(upserts.len(), 2, "inbound and outbound");
    for (n, sql) in upserts.into_iter().enumerate() {
        let t = fixtures::tenant(&db, n as u32 + 1).await;
        let batch: Vec<String> = ids.iter().step_by(7).cloned().collect();
        let phones = vec![t.phone.id.clone(); batch.len()];
        let businesses = vec![t.business.id.clone(); batch.len()];
        let times = vec![1_i64; batch.len()];
        let stmt = client.prepare(sql).await.unwrap();
        client.execute(&stmt, &[&phones, &batch, &businesses, &times, &batch]).await.unwrap();
        let written: Vec<String> = client
            .query("SELECT wa_id FROM conversations WHERE phone_number_id = $1 ORDER BY ctid", &[&t.phone.id])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(written, batch, "{sql}");
    }
}

/// What nodes cache of customers (a webhook's contact: profile name, username, hidden number,
/// business-scoped id) is dropped when any process changes it: each change notifies, in
/// commit order; a new customer, an upsert that keeps the name and a first business-scoped id
/// change nothing cached and do not.
async fn customer_changes_reach_every_node(db: TestStore) {
    let url = db.schema_url().unwrap();
    let bus = PgBus::start(&url, "node-a").unwrap();
    let heard = Arc::new(Heard::default());
    bus.subscribe(heard.clone());
    listening(&pg(&url).await, &[&heard]).await;
    // Late marks from the start may still come in: wait for one, then start afresh.
    tokio::time::sleep(Duration::from_millis(200)).await;
    heard.events.lock().unwrap().clear();

    let wa = "15550001111";
    let customer = |name: &str| Customer { wa_id: wa.into(), profile_name: name.into(), created_at: 1 };
    db.upsert_customer(&customer("Amal"), true).await.unwrap();
    db.upsert_customer(&customer("Amal"), true).await.unwrap();
    db.ensure_user_id("b1", wa, "US.1111", 2).await.unwrap();
    db.upsert_customer(&customer("Amal Haddad"), true).await.unwrap();
    let setting = UsernameSetting { wa_id: wa.into(), username: Some("amal".into()), hide_number: true, at: 3 };
    db.set_username(&setting).await.unwrap();
    db.share_number("b1", wa, 4).await.unwrap();
    let tables = || -> Vec<String> {
        heard
            .events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                ClusterEvent::Changed { table } => Some(table.clone()),
                _ => None,
            })
            .collect()
    };
    eventually("three changes heard", || tables().len() >= 3).await;
    assert_eq!(tables(), ["customers", "customer_usernames", "user_ids"]);

    // A WABA's pricing model, which sends keep as long as customers (migration 53).
    fixtures::tenant(&db, 1).await;
    heard.events.lock().unwrap().clear();
    let cbp = WabaSettings { pricing_model: PricingModel::Cbp, verified: false };
    db.set_waba_settings("w1", &cbp, 5).await.unwrap();
    eventually("the settings' change heard", || tables().contains(&"waba_settings".to_string())).await;
}

/// One server on SQLite hears when another process (`risala admin`) commits to its file, busy
/// or idle, and not its own commits.
async fn sqlite_hears_other_processes(db: TestStore) {
    let Db::Sqlite(sqlite) = db.db() else { panic!("SQLite") };
    let heard = Arc::new(Heard::default());
    let watch = sqlite.watch();
    assert!(watch.hears_changes() && !watch.shared());
    watch.subscribe(heard.clone());
    let customer = |wa: &str| Customer { wa_id: wa.into(), profile_name: "Amal".into(), created_at: 1 };
    db.upsert_customer(&customer("15550001111"), true).await.unwrap();
    // Longer than an idle writer waits between looks.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(heard.events.lock().unwrap().is_empty(), "its own commit is not another's");

    let other = db.another().await;
    other.upsert_customer(&customer("15550002222"), true).await.unwrap();
    eventually("the other process's commit heard while idle", || !heard.events.lock().unwrap().is_empty()).await;
    assert_eq!(heard.events.lock().unwrap()[0], ClusterEvent::Changed { table: "*".into() });
    heard.events.lock().unwrap().clear();

    // Busy: heard at the next batch.
    other.upsert_customer(&customer("15550003333"), true).await.unwrap();
    db.upsert_customer(&customer("15550004444"), true).await.unwrap();
    assert!(!heard.events.lock().unwrap().is_empty(), "heard by the batch after it at the latest");
}
