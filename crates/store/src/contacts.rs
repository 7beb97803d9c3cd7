//! Contacts' storage, written once for both engines.

use async_trait::async_trait;
use risala_core::model::OutboxRow;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::Plan;
use crate::params;
use crate::sql::contacts::*;
use crate::value::Row;
use crate::SqlStore;

fn bad(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Database(format!("contact {what}: {e}"))
}

fn field(r: &Row) -> StoreResult<ContactField> {
    Ok(ContactField {
        id: r.text(0)?,
        business_id: r.text(1)?,
        key: r.text(2)?,
        label: r.text(3)?,
        kind: r.text(4)?,
        options: serde_json::from_str(&r.text(5)?).map_err(|e| bad("options", e))?,
        created_at: r.i64(6)?,
    })
}

fn contact(r: &Row) -> StoreResult<Contact> {
    Ok(Contact {
        business_id: r.text(0)?,
        wa_id: r.text(1)?,
        name: r.text(2)?,
        fields: serde_json::from_str(&r.text(3)?).map_err(|e| bad("fields", e))?,
        created_at: r.i64(4)?,
        updated_at: r.i64(5)?,
    })
}

fn opt_in(r: &Row) -> StoreResult<OptIn> {
    Ok(OptIn {
        id: r.text(0)?,
        business_id: r.text(1)?,
        wa_id: r.text(2)?,
        topic: r.text(3)?,
        opted_in: r.bool(4)?,
        source: r.text(5)?,
        at: r.i64(6)?,
    })
}

#[async_trait]
impl ContactStore for SqlStore {
    async fn contact_fields(&self, business_id: &str) -> StoreResult<Vec<ContactField>> {
        self.db.query(CONTACT_FIELDS, params![business_id]).await?.iter().map(field).collect()
    }

    async fn create_contact_field(&self, f: &ContactField) -> StoreResult<bool> {
        let options = serde_json::Value::from(f.options.clone()).to_string();
        let plan = Plan::one(
            INSERT_CONTACT_FIELD,
            params![&f.id, &f.business_id, &f.key, &f.label, &f.kind, options, f.created_at],
        );
        self.changed(plan, 0).await
    }

    async fn delete_contact_field(&self, business_id: &str, id: &str) -> StoreResult<bool> {
        self.changed(Plan::one(DELETE_CONTACT_FIELD, params![business_id, id]), 0).await
    }

    async fn crm_contacts(
        &self,
        business_id: &str,
        search: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Contact>> {
        let rows = self
            .db
            .query(CRM_CONTACTS, params![business_id, search.unwrap_or(""), after.unwrap_or(""), limit as i64])
            .await?;
        rows.iter().map(contact).collect()
    }

    async fn crm_contact(&self, business_id: &str, wa_id: &str) -> StoreResult<Option<Contact>> {
        self.db.query(CRM_CONTACT, params![business_id, wa_id]).await?.first().map(contact).transpose()
    }

    async fn put_crm_contacts(&self, contacts: &[Contact], outbox: &[OutboxRow]) -> StoreResult<()> {
        let mut plan = Plan::new();
        for c in contacts {
            let fields = serde_json::to_string(&c.fields).map_err(|e| bad("fields", e))?;
            plan.push(PUT_CRM_CONTACT, params![&c.business_id, &c.wa_id, &c.name, fields, c.created_at, c.updated_at]);
        }
        self.push_outbox(&mut plan, outbox)?;
        self.db.write(plan).await.map(|_| ())
    }

    async fn delete_crm_contact(&self, business_id: &str, wa_id: &str, outbox: &[OutboxRow]) -> StoreResult<bool> {
        let mut plan = Plan::one(DELETE_CRM_CONTACT, params![business_id, wa_id]);
        plan.push(DELETE_OPT_INS, params![business_id, wa_id]);
        self.push_outbox(&mut plan, outbox)?;
        let out = self.db.write(plan).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn opt_ins(&self, business_id: &str, wa_id: &str) -> StoreResult<Vec<OptIn>> {
        self.db.query(OPT_INS, params![business_id, wa_id]).await?.iter().map(opt_in).collect()
    }

    async fn add_opt_in(&self, o: &OptIn, outbox: &[OutboxRow]) -> StoreResult<()> {
        let mut plan =
            Plan::one(INSERT_OPT_IN, params![&o.id, &o.business_id, &o.wa_id, &o.topic, o.opted_in, &o.source, o.at]);
        self.push_outbox(&mut plan, outbox)?;
        self.db.write(plan).await.map(|_| ())
    }
}
