//! Flow storage, written once for both engines.

use async_trait::async_trait;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::Plan;
use crate::params;
use crate::sql::flows::*;
use crate::sql::tenancy::INSERT_OBJECT;
use crate::value::Row;
use crate::SqlStore;

fn json_col(r: &Row, i: usize, what: &str) -> StoreResult<serde_json::Value> {
    serde_json::from_str(&r.text(i)?).map_err(|e| StoreError::Database(format!("flow {what}: {e}")))
}

fn flow(r: &Row) -> StoreResult<Flow> {
    let categories = json_col(r, 4, "categories")?
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str().and_then(FlowCategory::parse))
        .collect();
    Ok(Flow {
        id: r.text(0)?,
        business_id: r.text(1)?,
        waba_id: r.text(2)?,
        name: r.text(3)?,
        categories,
        status: r.wire(5)?,
        flow_json: r.opt_text(6)?,
        validation_errors: json_col(r, 7, "validation_errors")?,
        json_version: r.opt_text(8)?,
        data_api_version: r.opt_text(9)?,
        endpoint_uri: r.opt_text(10)?,
        preview_token: r.text(11)?,
        preview_expires_at: r.i64(12)?,
        created_at: r.i64(13)?,
        updated_at: r.i64(14)?,
    })
}

fn categories(f: &Flow) -> String {
    serde_json::Value::from(f.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>()).to_string()
}

#[async_trait]
impl FlowStore for SqlStore {
    async fn insert_flow(&self, f: &Flow) -> StoreResult<()> {
        let mut plan = Plan::one(INSERT_OBJECT, params![&f.id, ObjectKind::Flow.as_str(), &f.business_id]);
        plan.push(
            INSERT_FLOW,
            params![
                &f.id,
                &f.business_id,
                &f.waba_id,
                &f.name,
                categories(f),
                f.status,
                f.flow_json.as_deref(),
                f.validation_errors.to_string(),
                f.json_version.as_deref(),
                f.data_api_version.as_deref(),
                f.endpoint_uri.as_deref(),
                &f.preview_token,
                f.preview_expires_at,
                f.created_at,
                f.updated_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn update_flow(&self, f: &Flow) -> StoreResult<bool> {
        let plan = Plan::one(
            UPDATE_FLOW,
            params![
                &f.name,
                categories(f),
                f.status,
                f.flow_json.as_deref(),
                f.validation_errors.to_string(),
                f.json_version.as_deref(),
                f.data_api_version.as_deref(),
                f.endpoint_uri.as_deref(),
                &f.preview_token,
                f.preview_expires_at,
                f.updated_at,
                &f.id
            ],
        );
        let out = self.db.write(plan).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn delete_flow(&self, id: &str) -> StoreResult<()> {
        let mut plan = Plan::one(DELETE_FLOW_OBJECT, params![id]);
        plan.push(DELETE_FLOW, params![id]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn flow(&self, id: &str) -> StoreResult<Option<Flow>> {
        let row = self.db.query_opt(FLOW, params![id]).await?;
        row.as_ref().map(flow).transpose()
    }

    async fn flow_by_name(&self, waba_id: &str, name: &str) -> StoreResult<Option<Flow>> {
        let row = self.db.query_opt(FLOW_BY_NAME, params![waba_id, name]).await?;
        row.as_ref().map(flow).transpose()
    }

    async fn page_flows(&self, waba_id: &str, page: &PageRequest) -> StoreResult<Page<Flow>> {
        let limit = page.limit as i64 + 1;
        let backwards = page.before.is_some() && page.after.is_none();
        let mut rows = if backwards {
            self.db.query(FLOWS_BEFORE, params![waba_id, page.before.as_deref(), limit]).await?
        } else {
            self.db.query(FLOWS_AFTER, params![waba_id, page.after.as_deref(), limit]).await?
        };
        let more = rows.len() > page.limit;
        rows.truncate(page.limit);
        if backwards {
            rows.reverse();
        }
        let items = rows.iter().map(flow).collect::<StoreResult<Vec<_>>>()?;
        Ok(if backwards {
            Page { items, has_more_before: more, has_more_after: true }
        } else {
            Page { items, has_more_after: more, has_more_before: page.after.is_some() }
        })
    }

    async fn set_business_public_key(&self, phone_number_id: &str, pem: &str, at: i64) -> StoreResult<()> {
        self.db.write(Plan::one(SET_PUBLIC_KEY, params![phone_number_id, pem, at])).await.map(|_| ())
    }

    async fn business_public_key(&self, phone_number_id: &str) -> StoreResult<Option<String>> {
        let row = self.db.query_opt(PUBLIC_KEY, params![phone_number_id]).await?;
        row.map(|r| r.text(0)).transpose()
    }
}
