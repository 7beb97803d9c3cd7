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

/// The run in the columns from `at` on (`phone_number_id`, `wa_id`, `bot_id`, … `wake_at`).
fn run(r: &Row, at: usize) -> StoreResult<BotRun> {
    let variables = match parsed(r, at + 5)? {
        Value::Object(o) => o,
        _ => serde_json::Map::new(),
    };
    let transcript = match parsed(r, at + 7)? {
        Value::Array(a) => a.into_iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    };
    Ok(BotRun {
        phone_number_id: r.text(at)?,
        wa_id: r.text(at + 1)?,
        bot_id: r.text(at + 2)?,
        version: r.i64(at + 3)?,
        step: r.text(at + 4)?,
        variables,
        retries: r.i64(at + 6)?,
        transcript,
        state: r.text(at + 8)?,
        updated_at: r.i64(at + 9)?,
        revision: r.i64(at + 10)?,
        wake_at: r.opt_i64(at + 11)?,
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
        let mut plan = Plan::one(
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
        plan.push(BUMP_BOTS_REVISION, params![&b.phone_number_id]);
        self.changed(plan, 0).await
    }

    async fn delete_bot(&self, phone_number_id: &str, id: &str) -> StoreResult<bool> {
        let mut plan = Plan::one(DELETE_BOT, params![phone_number_id, id]);
        plan.push(DELETE_BOT_RUNS, params![phone_number_id, id]);
        plan.push(BUMP_BOTS_REVISION, params![phone_number_id]);
        self.changed(plan, 0).await
    }

    async fn bot_context(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<BotContext> {
        let Some(r) = self.db.query_opt(BOT_CONTEXT, params![phone_number_id, wa_id]).await? else {
            return Ok(BotContext::default());
        };
        let run = match r.opt_text(2)? {
            Some(_) => Some(run(&r, 2)?),
            None => None,
        };
        Ok(BotContext { bots_revision: r.opt_i64(0)?, assignee_id: r.opt_text(1)?, run })
    }

    async fn bot_presence(&self, phone_number_id: &str) -> StoreResult<(Option<i64>, bool)> {
        match self.db.query_opt(BOT_PRESENCE, params![phone_number_id]).await? {
            Some(r) => Ok((r.opt_i64(0)?, r.i64(1)? > 0)),
            None => Ok((None, false)),
        }
    }

    async fn put_bot_run(&self, r: &BotRun) -> StoreResult<bool> {
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
                r.updated_at,
                r.revision + 1,
                r.wake_at,
                r.revision
            ],
        )
        .in_lane_of(&format!("{}:{}", r.phone_number_id, r.wa_id));
        self.changed(plan, 0).await
    }

    async fn close_bot_run(&self, phone_number_id: &str, wa_id: &str, at: i64) -> StoreResult<()> {
        self.db.write(Plan::one(CLOSE_BOT_RUN, params![at, phone_number_id, wa_id])).await.map(|_| ())
    }

    async fn due_bot_runs(&self, now: i64, limit: i64) -> StoreResult<Vec<(String, String)>> {
        let rows = self.db.query(DUE_BOT_RUNS, params![now, limit]).await?;
        rows.iter().map(|r| Ok((r.text(0)?, r.text(1)?))).collect()
    }

    async fn next_bot_turn(&self, business_id: &str) -> StoreResult<i64> {
        let mut plan = Plan::new();
        plan.push_returning(NEXT_BOT_TURN, params![business_id]);
        let out = self.db.write(plan).await?;
        out.first()
            .and_then(|o| o.rows.first())
            .map(|r| r.i64(0))
            .unwrap_or_else(|| Err(StoreError::Database("the round-robin turn was not returned".into())))
    }
}
