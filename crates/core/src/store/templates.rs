//! Message templates.

use async_trait::async_trait;

use super::NewMessage;
use super::StoreResult;
use crate::clock::Millis;
use crate::model::*;

/// Filters of `GET /{waba-id}/message_templates`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateFilter {
    pub name: Option<String>,
    /// Any of these (none: every one); the same for categories and languages.
    pub statuses: Vec<TemplateStatus>,
    pub categories: Vec<TemplateCategory>,
    pub languages: Vec<String>,
}

/// A change to one template, applied only if the stored template still has
/// `expected_version`; the outbox rows commit with it.
#[derive(Debug, Clone)]
pub struct TemplateUpdate<'a> {
    pub template: &'a Template,
    pub expected_version: i64,
    pub outbox: &'a [OutboxRow],
    /// Remove the id from the object index (deletion).
    pub remove_object: bool,
}

/// Template storage.
#[async_trait]
pub trait TemplateStore: Send + Sync {
    /// Store a new template, register its id, queue `outbox`: one commit. A live template
    /// with the same name and language in the WABA is a `Conflict`.
    async fn insert_template(&self, t: &Template, outbox: &[OutboxRow]) -> StoreResult<()>;
    /// Apply an update; false when the template changed meanwhile (nothing is written).
    async fn update_template(&self, u: &TemplateUpdate<'_>) -> StoreResult<bool>;
    /// A template by id, deleted ones included.
    async fn template(&self, id: &str) -> StoreResult<Option<Template>>;
    /// The live template with this name and language.
    async fn template_by_name(&self, waba_id: &str, name: &str, language: &str) -> StoreResult<Option<Template>>;
    /// Live templates of a WABA with this name (every language).
    async fn templates_named(&self, waba_id: &str, name: &str) -> StoreResult<Vec<Template>>;
    /// A page of a WABA's live templates in id order.
    async fn page_templates(
        &self,
        waba_id: &str,
        filter: &TemplateFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Template>>;
    /// Live templates of a WABA.
    async fn count_templates(&self, waba_id: &str) -> StoreResult<i64>;
    /// Templates created in a WABA since `since`, deleted ones included.
    async fn count_created_since(&self, waba_id: &str, since: Millis) -> StoreResult<i64>;
    /// Templates with a decision or an unpause due at `now`.
    async fn due_templates(&self, now: Millis, limit: usize) -> StoreResult<Vec<Template>>;
    /// The template of the most recent template message from this business number to `wa_id`.
    async fn last_template_sent(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<String>>;
    /// `record_message`, also noting which template the message was sent from.
    async fn record_template_message(&self, new: &NewMessage<'_>, template_id: &str) -> StoreResult<()>;
}
