//! Chatbots' storage, written once for both engines.

use async_trait::async_trait;
use risala_core::store::*;
use risala_core::StoreError;
use serde_json::Value;

use crate::db::Plan;
use crate::params;
use crate::sql::bots::*;
use crate::value::Row;
use crate::SqlStore;

fn parsed(r: &Row, i: usize) -> StoreResult<Value> {
    serde_json::from_str(&r.text(i)?).map_err(|e| StoreError::Database(format!("bots column {i}: {e}")))
}

fn bot(r: &Row) -> StoreResult<BotRow> {
    Ok(BotRow {
        id: r.text(0)?,
        version: r.i64(1)?,
        business_id: r.text(2)?,
        phone_number_id: r.text(3)?,
        name: r.text(4)?,
        definition: parsed(r, 5)?,
        enabled: r.bool(6)?,
        created_at: r.i64(7)?,
    })
}

fn run(r: &Row) -> StoreResult<BotRun> {
    let variables = match parsed(r, 5)? {
        Value::Object(o) => o,
        _ => serde_json::Map::new(),
    };
    let transcript = match parsed(r, 7)? {
        Value::Array(a) => a.into_iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    };
    Ok(BotRun {
        phone_number_id: r.text(0)?,
        wa_id: r.text(1)?,
        bot_id: r.text(2)?,
        version: r.i64(3)?,
        step: r.text(4)?,
        variables,
        retries: r.i64(6)?,
        transcript,
        state: r.text(8)?,
        updated_at: r.i64(9)?,
    })
}

#[async_trait]
impl BotStore for SqlStore {
    async fn bot_rows(&self, phone_number_id: &str) -> StoreResult<Vec<BotRow>> {
        self.db.query(BOT_ROWS, params![phone_number_id]).await?.iter().map(bot).collect()
    }

    async fn bot_versions(&self, phone_number_id: &str, id: &str) -> StoreResult<Vec<BotRow>> {
        self.db.query(BOT_VERSIONS, params![phone_number_id, id]).await?.iter().map(bot).collect()
    }

    async fn put_bot(&self, b: &BotRow) -> StoreResult<bool> {
        let plan = Plan::one(
            PUT_BOT,
            params![
                &b.id,
                b.version,
                &b.business_id,
                &b.phone_number_id,
                &b.name,
                b.definition.to_string(),
                b.enabled,
                b.created_at
            ],
        );
        self.changed(plan, 0).await
    }

    async fn delete_bot(&self, phone_number_id: &str, id: &str) -> StoreResult<bool> {
        let mut plan = Plan::one(DELETE_BOT, params![phone_number_id, id]);
        plan.push(DELETE_BOT_RUNS, params![phone_number_id, id]);
        self.changed(plan, 0).await
    }

    async fn bot_run(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<BotRun>> {
        self.db.query(BOT_RUN, params![phone_number_id, wa_id]).await?.first().map(run).transpose()
    }

    async fn put_bot_run(&self, r: &BotRun) -> StoreResult<()> {
        let plan = Plan::one(
            PUT_BOT_RUN,
            params![
                &r.phone_number_id,
                &r.wa_id,
                &r.bot_id,
                r.version,
                &r.step,
                Value::Object(r.variables.clone()).to_string(),
                r.retries,
                Value::from(r.transcript.clone()).to_string(),
                &r.state,
                r.updated_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn close_bot_run(&self, phone_number_id: &str, wa_id: &str, at: i64) -> StoreResult<()> {
        self.db.write(Plan::one(CLOSE_BOT_RUN, params![at, phone_number_id, wa_id])).await.map(|_| ())
    }
}
