//! Number lifecycle and QR code storage, written once for both engines.

use async_trait::async_trait;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::Plan;
use crate::params;
use crate::sql::numbers::*;
use crate::value::Row;
use crate::SqlStore;

fn times(json: &str) -> StoreResult<Vec<i64>> {
    serde_json::from_str(json).map_err(|e| StoreError::Database(format!("number_lifecycle times: {e}")))
}

fn times_json(t: &[i64]) -> String {
    serde_json::Value::from(t.to_vec()).to_string()
}

fn state(r: &Row) -> StoreResult<NumberState> {
    Ok(NumberState {
        phone_number_id: r.text(0)?,
        pin_hash: r.opt_text(1)?,
        code_hash: r.opt_text(2)?,
        code_expires_at: r.opt_i64(3)?,
        code_failures: r.i64(4)?,
        pin_failures: times(&r.text(5)?)?,
        register_calls: times(&r.text(6)?)?,
        change_token: r.text(7)?,
    })
}

fn qr(r: &Row) -> StoreResult<QrCode> {
    Ok(QrCode {
        code: r.text(0)?,
        phone_number_id: r.text(1)?,
        prefilled_message: r.text(2)?,
        created_at: r.i64(3)?,
        updated_at: r.i64(4)?,
    })
}

#[async_trait]
impl NumberStore for SqlStore {
    async fn number_state(&self, phone_number_id: &str) -> StoreResult<Option<NumberState>> {
        let row = self.db.query_opt(NUMBER_STATE, params![phone_number_id]).await?;
        row.as_ref().map(state).transpose()
    }

    async fn update_number(&self, u: &NumberUpdate<'_>) -> StoreResult<bool> {
        let (s, p) = (u.state, u.phone);
        let token = risala_core::ids::new_secret(24);
        let (pin_failures, register_calls) = (times_json(&s.pin_failures), times_json(&s.register_calls));
        let mut plan = if s.change_token.is_empty() {
            Plan::one(
                INSERT_NUMBER_STATE,
                params![
                    &p.id,
                    s.pin_hash.as_deref(),
                    s.code_hash.as_deref(),
                    s.code_expires_at,
                    s.code_failures,
                    pin_failures,
                    register_calls,
                    &token
                ],
            )
        } else {
            Plan::one(
                UPDATE_NUMBER_STATE,
                params![
                    s.pin_hash.as_deref(),
                    s.code_hash.as_deref(),
                    s.code_expires_at,
                    s.code_failures,
                    pin_failures,
                    register_calls,
                    &token,
                    &p.id,
                    &s.change_token
                ],
            )
        };
        plan.push(
            UPDATE_NUMBER_FIELDS,
            params![
                &p.verified_name,
                &p.code_verification_status,
                &p.name_status,
                &p.status,
                p.registered,
                p.pin_enabled,
                &p.new_name_status,
                p.requested_name.as_deref(),
                &p.id,
                &token
            ],
        );
        self.push_guarded_outbox(&mut plan, OUTBOX_IF_NUMBER_CHANGED, u.outbox, || params![&p.id, &token])?;
        let out = self.db.write(plan).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn insert_qr(&self, q: &QrCode) -> StoreResult<()> {
        let plan = Plan::one(
            INSERT_QR,
            params![&q.code, &q.phone_number_id, &q.prefilled_message, q.created_at, q.updated_at],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn qr(&self, code: &str) -> StoreResult<Option<QrCode>> {
        let row = self.db.query_opt(QR, params![code]).await?;
        row.as_ref().map(qr).transpose()
    }

    async fn qrs(&self, phone_number_id: &str) -> StoreResult<Vec<QrCode>> {
        let rows = self.db.query(QRS, params![phone_number_id]).await?;
        rows.iter().map(qr).collect()
    }

    async fn count_qrs(&self, phone_number_id: &str) -> StoreResult<i64> {
        let row = self.db.query_opt(COUNT_QRS, params![phone_number_id]).await?;
        row.map(|r| r.i64(0)).transpose().map(|n| n.unwrap_or(0))
    }

    async fn update_qr(&self, phone_number_id: &str, code: &str, message: &str, at: i64) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(UPDATE_QR, params![message, at, phone_number_id, code])).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn delete_qr(&self, phone_number_id: &str, code: &str) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(DELETE_QR, params![phone_number_id, code])).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }
}
