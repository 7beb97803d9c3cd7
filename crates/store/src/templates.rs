//! Template storage, written once for both engines. Every change is an update guarded by the
//! template's version; its webhook rows are inserted in the same plan, guarded by the change's
//! token so they are queued only when the update applied.

use async_trait::async_trait;
use risala_core::clock::Millis;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::Plan;
use crate::params;
use crate::sql::templates::*;
use crate::sql::tenancy::INSERT_OBJECT;
use crate::value::Row;
use crate::SqlStore;

fn template(r: &Row) -> StoreResult<Template> {
    Ok(Template {
        id: r.text(0)?,
        business_id: r.text(1)?,
        waba_id: r.text(2)?,
        name: r.text(3)?,
        language: r.text(4)?,
        category: r.wire(5)?,
        previous_category: r.opt_wire(6)?,
        parameter_format: r.wire(7)?,
        components: serde_json::from_str(&r.text(8)?)
            .map_err(|e| StoreError::Database(format!("template components: {e}")))?,
        status: r.wire(9)?,
        rejected_reason: r.text(10)?,
        quality_score: r.wire(11)?,
        negative_feedback: r.i64(12)?,
        pause_count: r.i64(13)?,
        paused_until: r.opt_i64(14)?,
        review_due_at: r.opt_i64(15)?,
        allow_category_change: r.bool(16)?,
        last_edited_at: r.opt_i64(17)?,
        version: r.i64(18)?,
        created_at: r.i64(19)?,
        updated_at: r.i64(20)?,
        approved_edits: serde_json::from_str(&r.text(21)?)
            .map_err(|e| StoreError::Database(format!("template approved_edits: {e}")))?,
        status_before: r.opt_wire(22)?,
        message_send_ttl_seconds: r.opt_i64(23)?,
        sub_category: r.opt_wire(24)?,
        cta_url_link_tracking_opted_out: r.opt_bool(25)?,
        library_template_name: r.opt_text(26)?,
    })
}

fn edits_json(edits: &[Millis]) -> String {
    serde_json::Value::from(edits.to_vec()).to_string()
}

fn all(rows: Vec<Row>) -> StoreResult<Vec<Template>> {
    rows.iter().map(template).collect()
}

fn new_token() -> String {
    risala_core::ids::new_secret(24)
}

#[async_trait]
impl TemplateStore for SqlStore {
    async fn insert_template(&self, t: &Template, outbox: &[OutboxRow]) -> StoreResult<()> {
        let mut plan = Plan::one(INSERT_OBJECT, params![&t.id, ObjectKind::Template.as_str(), &t.business_id]);
        plan.push(
            INSERT_TEMPLATE,
            params![
                &t.id,
                &t.business_id,
                &t.waba_id,
                &t.name,
                &t.language,
                &t.category,
                t.previous_category,
                &t.parameter_format,
                t.components.to_string(),
                &t.status,
                &t.rejected_reason,
                &t.quality_score,
                t.negative_feedback,
                t.pause_count,
                t.paused_until,
                t.review_due_at,
                t.allow_category_change,
                t.last_edited_at,
                t.version,
                t.created_at,
                t.updated_at,
                edits_json(&t.approved_edits),
                t.status_before,
                t.message_send_ttl_seconds,
                t.sub_category,
                t.cta_url_link_tracking_opted_out,
                t.library_template_name.as_deref()
            ],
        );
        self.push_outbox(&mut plan, outbox)?;
        self.db.write(plan).await.map(|_| ())
    }

    async fn update_template(&self, u: &TemplateUpdate<'_>) -> StoreResult<bool> {
        let t = u.template;
        let token = new_token();
        let mut plan = Plan::one(
            UPDATE_TEMPLATE,
            params![
                &t.category,
                t.previous_category,
                t.components.to_string(),
                &t.status,
                &t.rejected_reason,
                &t.quality_score,
                t.negative_feedback,
                t.pause_count,
                t.paused_until,
                t.review_due_at,
                t.last_edited_at,
                t.version,
                &token,
                t.updated_at,
                edits_json(&t.approved_edits),
                t.status_before,
                t.message_send_ttl_seconds,
                t.cta_url_link_tracking_opted_out,
                &t.id,
                u.expected_version
            ],
        );
        self.push_guarded_outbox(&mut plan, OUTBOX_IF_TEMPLATE_CHANGED, u.outbox, || params![&t.id, &token])?;
        if u.remove_object {
            plan.push(DELETE_TEMPLATE_OBJECT, params![&t.id, &token]);
        }
        let out = self.db.write(plan).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn template(&self, id: &str) -> StoreResult<Option<Template>> {
        let row = self.db.query_opt(TEMPLATE, params![id]).await?;
        row.as_ref().map(template).transpose()
    }

    async fn template_by_name(&self, waba_id: &str, name: &str, language: &str) -> StoreResult<Option<Template>> {
        let row = self.db.query_opt(TEMPLATE_BY_NAME, params![waba_id, name, language]).await?;
        row.as_ref().map(template).transpose()
    }

    async fn templates_named(&self, waba_id: &str, name: &str) -> StoreResult<Vec<Template>> {
        all(self.db.query(TEMPLATES_NAMED, params![waba_id, name]).await?)
    }

    async fn page_templates(
        &self,
        waba_id: &str,
        filter: &TemplateFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Template>> {
        let limit = page.limit as i64 + 1;
        let backwards = page.before.is_some() && page.after.is_none();
        let list = |items: Vec<&str>| (!items.is_empty()).then(|| items.join(","));
        let statuses = list(filter.statuses.iter().map(|s| s.as_str()).collect());
        let categories = list(filter.categories.iter().map(|c| c.as_str()).collect());
        let languages = list(filter.languages.iter().map(String::as_str).collect());
        // $2 name; $3 categories, $4 languages, $5 statuses, each comma-separated; $6 cursor;
        // $7 limit.
        let mut rows = if backwards {
            self.db
                .query(
                    TEMPLATES_BEFORE,
                    params![
                        waba_id,
                        filter.name.as_deref(),
                        categories,
                        languages,
                        statuses,
                        page.before.as_deref(),
                        limit
                    ],
                )
                .await?
        } else {
            self.db
                .query(
                    TEMPLATES_AFTER,
                    params![
                        waba_id,
                        filter.name.as_deref(),
                        categories,
                        languages,
                        statuses,
                        page.after.as_deref(),
                        limit
                    ],
                )
                .await?
        };
        let more = rows.len() > page.limit;
        rows.truncate(page.limit);
        if backwards {
            rows.reverse();
        }
        let items = all(rows)?;
        Ok(if backwards {
            Page { items, has_more_before: more, has_more_after: true }
        } else {
            Page { items, has_more_after: more, has_more_before: page.after.is_some() }
        })
    }

    async fn count_templates(&self, waba_id: &str) -> StoreResult<i64> {
        let row = self.db.query_opt(COUNT_TEMPLATES, params![waba_id]).await?;
        row.map(|r| r.i64(0)).transpose().map(|n| n.unwrap_or(0))
    }

    async fn count_created_since(&self, waba_id: &str, since: Millis) -> StoreResult<i64> {
        let row = self.db.query_opt(COUNT_CREATED_SINCE, params![waba_id, since]).await?;
        row.map(|r| r.i64(0)).transpose().map(|n| n.unwrap_or(0))
    }

    async fn due_templates(&self, now: Millis, limit: usize) -> StoreResult<Vec<Template>> {
        all(self.db.query(DUE_TEMPLATES, params![now, limit as i64]).await?)
    }

    async fn last_template_sent(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<String>> {
        let row = self.db.query_opt(self.db.pick(LAST_TEMPLATE_SENT), params![phone_number_id, wa_id]).await?;
        row.map(|r| r.text(0)).transpose()
    }

    async fn record_template_message(&self, new: &NewMessage<'_>, template_id: &str) -> StoreResult<()> {
        let mut plan = self.record_plan(new)?;
        plan.push(SET_MESSAGE_TEMPLATE, params![template_id, &new.message.id]);
        if self.db.engine() == crate::db::Engine::Sqlite {
            let m = new.message;
            plan.push(SET_CHAT_TEMPLATE, params![template_id, &m.phone_number_id, &m.wa_id]);
        }
        self.db.write(plan).await.map(|_| ())
    }
}
