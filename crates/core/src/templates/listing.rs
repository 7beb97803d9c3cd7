//! Reading a WABA's templates: the list (`GET /{waba-id}/message_templates`) with its filters,
//! the content and quality search applied over the store's results, and the `summary=` fields.

use serde_json::Value;

use super::service::TemplateService;
use crate::error::ApiError;
use crate::model::{Page, PageRequest, Template, TemplateQuality};
use crate::store::TemplateFilter;

/// What `summary=` may ask of a template list.
pub const SUMMARY_FIELDS: &[&str] =
    &["total_count", "message_template_count", "message_template_limit", "are_translations_complete"];

/// The list filters over a template's content and quality: `content` (a case-insensitive
/// substring of the body text), `name_or_content` (of the name or the body text) and
/// `quality_score` (any of these scores). Empty: every template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateSearch {
    pub content: Option<String>,
    pub name_or_content: Option<String>,
    pub quality_scores: Vec<TemplateQuality>,
}

impl TemplateSearch {
    pub fn is_empty(&self) -> bool {
        self.content.is_none() && self.name_or_content.is_none() && self.quality_scores.is_empty()
    }

    pub fn matches(&self, t: &Template) -> bool {
        let has = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        self.content.as_deref().is_none_or(|c| has(t.body_text(), c))
            && self.name_or_content.as_deref().is_none_or(|c| has(&t.name, c) || has(t.body_text(), c))
            && (self.quality_scores.is_empty() || self.quality_scores.contains(&t.quality_score))
    }
}

/// `are_translations_complete`: every template name of the WABA exists in every language the
/// WABA's templates use (true for a WABA without templates).
pub fn translations_complete(templates: &[Template]) -> bool {
    use std::collections::{BTreeMap, BTreeSet};
    let languages: BTreeSet<&str> = templates.iter().map(|t| t.language.as_str()).collect();
    let mut by_name: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for t in templates {
        by_name.entry(t.name.as_str()).or_default().insert(t.language.as_str());
    }
    by_name.values().all(|l| *l == languages)
}

impl TemplateService {
    /// `GET /{waba-id}/message_templates`: live templates, due changes applied first. The
    /// store filters by `filter`; a `search` is applied here, over every template that passes.
    pub async fn list(
        &self,
        waba_id: &str,
        filter: &TemplateFilter,
        search: &TemplateSearch,
        page: &PageRequest,
    ) -> Result<Page<Template>, ApiError> {
        self.apply_due().await?;
        if search.is_empty() {
            return Ok(self.store.page_templates(waba_id, filter, page).await?);
        }
        let found = self.all_templates(waba_id, filter, search).await?;
        Ok(crate::graph::page_in_memory(&found, |t| &t.id, page))
    }

    /// Every live template of a WABA that passes `filter` and `search`, in id order.
    pub(crate) async fn all_templates(
        &self,
        waba_id: &str,
        filter: &TemplateFilter,
        search: &TemplateSearch,
    ) -> Result<Vec<Template>, ApiError> {
        let mut out = Vec::new();
        let mut page = PageRequest { limit: 1000, ..Default::default() };
        loop {
            let p = self.store.page_templates(waba_id, filter, &page).await?;
            page.after = p.items.last().map(|t| t.id.clone());
            out.extend(p.items.into_iter().filter(|t| search.matches(t)));
            if !p.has_more_after || page.after.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// The `summary` fields of a template list that `names` asks for (of [`SUMMARY_FIELDS`]):
    /// how many templates pass the filters (`total_count`), how many live templates the WABA
    /// holds (`message_template_count`), its limit (`message_template_limit`), and whether
    /// every name exists in every language (`are_translations_complete`, over the whole WABA:
    /// [`translations_complete`]).
    pub async fn summary(
        &self,
        waba_id: &str,
        filter: &TemplateFilter,
        search: &TemplateSearch,
        names: &[String],
    ) -> Result<Value, ApiError> {
        let total = self.all_templates(waba_id, filter, search).await?.len();
        let live = self.store.count_templates(waba_id).await?;
        let limit = self.store.waba_settings(waba_id).await?.template_limit();
        let complete = match names.iter().any(|n| n == "are_translations_complete") {
            true => {
                let every = self.all_templates(waba_id, &TemplateFilter::default(), &TemplateSearch::default()).await?;
                translations_complete(&every)
            }
            false => true,
        };
        let all = serde_json::json!({
            "total_count": total,
            "message_template_count": live,
            "message_template_limit": limit,
            "are_translations_complete": complete,
        });
        Ok(Value::Object(names.iter().filter_map(|n| Some((n.clone(), all.get(n)?.clone()))).collect()))
    }
}
