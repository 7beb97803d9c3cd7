//! What an inbound message asks of a number's bots before anything else: whether the number
//! has any bot or any bot run at all (most numbers have neither, and then nothing more is read).

use risala_core::store::*;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(a_number_with_neither_bots_nor_runs);

fn bot(t: &Tenant) -> BotRow {
    BotRow {
        id: "bot1".into(),
        version: 1,
        business_id: t.business.id.clone(),
        phone_number_id: t.phone.id.clone(),
        name: "Hello".into(),
        definition: serde_json::json!({"name": "Hello", "start": "a", "steps": {}}),
        enabled: true,
        created_at: T0,
    }
}

fn run(t: &Tenant, wa_id: &str, state: &str) -> BotRun {
    BotRun {
        phone_number_id: t.phone.id.clone(),
        wa_id: wa_id.into(),
        bot_id: "bot1".into(),
        version: 1,
        step: "a".into(),
        variables: Default::default(),
        retries: 0,
        transcript: Vec::new(),
        state: state.into(),
        updated_at: T0,
        revision: 0,
        wake_at: None,
    }
}

async fn a_number_with_neither_bots_nor_runs(db: TestStore) {
    let t1 = tenant(&db, 1).await;
    let t2 = tenant(&db, 2).await;
    assert_eq!(db.bot_presence(&t1.phone.id).await.unwrap(), (None, false));
    assert!(db.put_bot(&bot(&t1)).await.unwrap());
    let (revision, runs) = db.bot_presence(&t1.phone.id).await.unwrap();
    assert!(revision.is_some() && !runs, "a bot, no run: {revision:?} {runs}");
    // A run in any state counts (one handed to a person keeps the FAQ out of its conversation).
    assert!(db.put_bot_run(&run(&t1, "15550001", "handed_off")).await.unwrap());
    assert!(db.put_bot_run(&run(&t1, "15550002", "running")).await.unwrap());
    assert_eq!(db.bot_presence(&t1.phone.id).await.unwrap(), (revision, true));
    // Another number of the same store has neither.
    assert_eq!(db.bot_presence(&t2.phone.id).await.unwrap(), (None, false));
    // Deleting the bot deletes its runs and raises the revision.
    assert!(db.delete_bot(&t1.phone.id, "bot1").await.unwrap());
    let (after, runs) = db.bot_presence(&t1.phone.id).await.unwrap();
    assert!(after > revision && !runs, "after the delete: {after:?} {runs}");
}
