//! Payments: storage for both engines.

use async_trait::async_trait;
use risala_core::model::OutboxRow;
use risala_core::store::*;

use crate::db::Plan;
use crate::params;
use crate::sql::payments::*;
use crate::value::Row;
use crate::SqlStore;

fn order(r: &Row) -> StoreResult<PaymentOrder> {
    Ok(PaymentOrder {
        phone_number_id: r.text(0)?,
        reference_id: r.text(1)?,
        business_id: r.text(2)?,
        wa_id: r.text(3)?,
        message_id: r.text(4)?,
        body_hash: r.text(5)?,
        currency: r.text(6)?,
        total_value: r.i64(7)?,
        order_status: r.text(8)?,
        payment_status: r.text(9)?,
        provider: r.text(10)?,
        checkout_id: r.opt_text(11)?,
        checkout_url: r.opt_text(12)?,
        transaction_id: r.opt_text(13)?,
        attempts: r.i64(14)?,
        created_at: r.i64(15)?,
        updated_at: r.i64(16)?,
    })
}

#[async_trait]
impl PaymentStore for SqlStore {
    async fn payment_order(&self, phone_number_id: &str, reference_id: &str) -> StoreResult<Option<PaymentOrder>> {
        self.db.query(PAYMENT_ORDER, params![phone_number_id, reference_id]).await?.first().map(order).transpose()
    }

    async fn payment_orders(&self, phone_number_id: &str, limit: usize) -> StoreResult<Vec<PaymentOrder>> {
        let rows = self.db.query(PAYMENT_ORDERS, params![phone_number_id, limit as i64]).await?;
        rows.iter().map(order).collect()
    }

    async fn chat_payment_orders(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        limit: usize,
    ) -> StoreResult<Vec<PaymentOrder>> {
        let rows = self.db.query(CHAT_PAYMENT_ORDERS, params![phone_number_id, wa_id, limit as i64]).await?;
        rows.iter().map(order).collect()
    }

    async fn insert_payment_order(&self, o: &PaymentOrder) -> StoreResult<bool> {
        let plan = Plan::one(
            INSERT_PAYMENT_ORDER,
            params![
                &o.phone_number_id,
                &o.reference_id,
                &o.business_id,
                &o.wa_id,
                &o.message_id,
                &o.body_hash,
                &o.currency,
                o.total_value,
                &o.order_status,
                &o.payment_status,
                &o.provider,
                o.checkout_id.clone(),
                o.checkout_url.clone(),
                o.transaction_id.clone(),
                o.attempts,
                o.created_at,
                o.updated_at
            ],
        );
        self.changed(plan, 0).await
    }

    async fn set_order_status(
        &self,
        phone_number_id: &str,
        reference_id: &str,
        from: &str,
        to: &str,
        at: i64,
    ) -> StoreResult<bool> {
        self.changed(Plan::one(SET_ORDER_STATUS, params![to, at, phone_number_id, reference_id, from]), 0).await
    }

    async fn set_checkout(
        &self,
        phone_number_id: &str,
        reference_id: &str,
        checkout_id: &str,
        checkout_url: Option<&str>,
        at: i64,
    ) -> StoreResult<()> {
        let plan = Plan::one(SET_CHECKOUT, params![checkout_id, checkout_url, at, phone_number_id, reference_id]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn record_payment_event(&self, e: &PaymentEvent, outbox: &[OutboxRow]) -> StoreResult<bool> {
        let token = risala_core::ids::new_object_id();
        let mut plan = Plan::one(
            INSERT_PAYMENT_EVENT,
            params![&e.phone_number_id, &e.event_key, &e.reference_id, &e.status, &e.transaction_id, &token, e.at],
        );
        plan.push(
            APPLY_PAYMENT_EVENT,
            params![&e.status, &e.transaction_id, &token, e.at, &e.phone_number_id, &e.reference_id, &e.event_key],
        );
        self.push_guarded_outbox(&mut plan, OUTBOX_IF_PAYMENT_EVENT, outbox, || {
            params![&e.phone_number_id, &e.reference_id, &token]
        })?;
        self.changed(plan, 1).await
    }
}
