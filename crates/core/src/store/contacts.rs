//! Contacts as a small CRM: a business's own fields, its contacts with their values, and
//! opt-in records. Changes commit with their `contacts` webhook rows.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::OutboxRow;

/// A field a business defines for its contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactField {
    pub id: String,
    pub business_id: String,
    /// `[a-z0-9_]`, the CSV column and the JSON key.
    pub key: String,
    /// What people read.
    pub label: String,
    /// `text`, `number`, `date`, `boolean`, `email` or `choice`.
    pub kind: String,
    /// A `choice` field's values.
    pub options: Vec<String>,
    pub created_at: Millis,
}

/// A contact of a business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub business_id: String,
    pub wa_id: String,
    pub name: String,
    /// Values by field key, in their canonical text form.
    pub fields: BTreeMap<String, String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// A contact opted in to (or out of) something, somewhere, at some time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptIn {
    pub id: String,
    pub business_id: String,
    pub wa_id: String,
    /// What for: `marketing`, `order_updates`…
    pub topic: String,
    /// In (`true`) or out.
    pub opted_in: bool,
    /// Where: `website_form`, `in_store`, `whatsapp`, `import`…
    pub source: String,
    pub at: Millis,
}

#[async_trait]
pub trait ContactStore: Send + Sync {
    /// The business's fields, by key.
    async fn contact_fields(&self, business_id: &str) -> StoreResult<Vec<ContactField>>;
    /// A new field; `false` when the business has one with that key.
    async fn create_contact_field(&self, f: &ContactField) -> StoreResult<bool>;
    /// Delete the business's field; whether it was there (its values stay in the rows, unused).
    async fn delete_contact_field(&self, business_id: &str, id: &str) -> StoreResult<bool>;
    /// The business's contacts by number, at most `limit` after `after`; `search` (lower case,
    /// `%` wrapped) in the name or the number.
    async fn crm_contacts(
        &self,
        business_id: &str,
        search: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Contact>>;
    async fn crm_contact(&self, business_id: &str, wa_id: &str) -> StoreResult<Option<Contact>>;
    /// Insert or replace the contacts, with the webhook rows, in one commit.
    async fn put_crm_contacts(&self, contacts: &[Contact], outbox: &[OutboxRow]) -> StoreResult<()>;
    /// Delete a contact and its opt-ins, with the webhook rows; whether it was there.
    async fn delete_crm_contact(&self, business_id: &str, wa_id: &str, outbox: &[OutboxRow]) -> StoreResult<bool>;
    /// A contact's opt-in records, oldest first.
    async fn opt_ins(&self, business_id: &str, wa_id: &str) -> StoreResult<Vec<OptIn>>;
    async fn add_opt_in(&self, o: &OptIn, outbox: &[OutboxRow]) -> StoreResult<()>;
}
