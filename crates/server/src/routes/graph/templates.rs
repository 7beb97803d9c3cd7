//! Message templates on the Graph API: `GET|POST|DELETE /{waba-id}/message_templates`,
//! `GET /{template-id}` (also as `GET /{waba-id}/message_templates/{template-id}`),
//! `POST /{template-id}` (edit). Management permission throughout.

use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::Json;
use risala_core::graph::{page_request, parse_fields, parse_summary, project, FieldSel};
use risala_core::model::{ObjectKind, Permission};
use risala_core::model::{Template, TemplateStatus};
use risala_core::store::TemplateFilter;
use risala_core::templates::service::SUMMARY_FIELDS;
use risala_core::templates::validate;
use risala_core::ApiError;
use risala_types::graph::GraphList;
use serde_json::{json, Map, Value};

use super::phone_numbers::paging;
use super::{resolve, waba_for};
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

/// Default fields of a template (list entries and `GET /{template-id}`), as Meta answers.
pub const TEMPLATE_DEFAULT: &[&str] = &["name", "components", "language", "status", "category", "previous_category"];

const NODE: &str = "WhatsAppBusinessHSM";

/// Every field a template has, for `fields=`.
pub fn template_json(t: &Template) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(t.id));
    m.insert("name".into(), json!(t.name));
    m.insert("language".into(), json!(t.language));
    m.insert("status".into(), json!(t.status));
    m.insert("category".into(), json!(t.category));
    if let Some(p) = &t.previous_category {
        m.insert("previous_category".into(), json!(p));
    }
    m.insert("components".into(), t.components.clone());
    m.insert("parameter_format".into(), json!(t.parameter_format));
    m.insert("quality_score".into(), json!({"score": t.quality_score, "date": t.updated_at / 1000}));
    m.insert("rejected_reason".into(), json!(t.rejected_reason));
    m
}

fn filter(q: &GraphQuery) -> GraphResult<TemplateFilter> {
    let mut statuses = Vec::new();
    for s in q.get("status").unwrap_or_default().split(',').map(|x| x.trim().to_ascii_uppercase()) {
        if s.is_empty() {
            continue;
        }
        let status = TemplateStatus::parse(&s)
            .ok_or_else(|| ApiError::invalid(format!("status: '{s}' is not a template status")))?;
        statuses.push(status);
    }
    let category = q.get("category").filter(|c| !c.is_empty()).map(validate::parse_category).transpose()?;
    Ok(TemplateFilter {
        name: q.get("name").filter(|n| !n.is_empty()).map(str::to_string),
        statuses,
        category,
        language: q.get("language").filter(|l| !l.is_empty()).map(str::to_string),
    })
}

/// `GET /{waba-id}/message_templates?name=&status=&category=&language=&fields=&limit=&after=&before=`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> GraphResult<Json<GraphList<Value>>> {
    let waba = resolve(&state, &caller, &id, &[ObjectKind::Waba]).await?;
    caller.require(Permission::Management)?;
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let page = page_request(q.get("limit"), q.get("after"), q.get("before"))?;
    let filter = filter(&q)?;
    let summary = parse_summary(q.get("summary").unwrap_or(""), SUMMARY_FIELDS)?;
    let result = state.templates.list(&waba.id, &filter, &page).await?;
    let summary = match summary.is_empty() {
        true => None,
        false => Some(state.templates.summary(&waba.id, &filter, &summary).await?),
    };
    let data = result
        .items
        .iter()
        .map(|t| project(&template_json(t), fields.as_deref(), TEMPLATE_DEFAULT, NODE))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(GraphList {
        paging: paging(&result.items, |t| &t.id, result.has_more_after, result.has_more_before, &q, &uri, &headers),
        data,
        summary,
    }))
}

/// `POST /{waba-id}/message_templates` → `{"id","status","category"}`.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    let t = state.templates.create(&waba, &body).await?;
    Ok(Json(json!({"id": t.id, "status": t.status, "category": t.category})))
}

/// `DELETE /{waba-id}/message_templates?name=…[&hsm_id=…]` → `{"success":true}`.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    state.templates.delete(&waba, q.get("name"), q.get("hsm_id")).await?;
    Ok(Json(json!({"success": true})))
}

/// `GET /{template-id}` (the object is already resolved for the caller).
pub async fn get(state: &AppState, caller: &Caller, id: &str, fields: Option<&[FieldSel]>) -> GraphResult<Value> {
    caller.require(Permission::Management)?;
    let t = state.templates.get(id).await?.ok_or_else(|| ApiError::object_not_found(id))?;
    Ok(project(&template_json(&t), fields, TEMPLATE_DEFAULT, NODE)?)
}

/// `GET /{waba-id}/message_templates/{template-id}[?fields=]`: one template read through its
/// WABA, as SDKs do; the same answer as `GET /{template-id}`. A template of another WABA is
/// not found here.
pub async fn get_in_waba(
    State(state): State<AppState>,
    caller: Caller,
    Path((waba_id, template_id)): Path<(String, String)>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &waba_id).await?;
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let t = state
        .templates
        .get(&template_id)
        .await?
        .filter(|t| t.waba_id == waba.id)
        .ok_or_else(|| ApiError::object_not_found(&template_id))?;
    Ok(Json(project(&template_json(&t), fields.as_deref(), TEMPLATE_DEFAULT, NODE)?))
}

/// `DELETE /{template-id}`: delete this one template (as `hsm_id` does).
pub async fn delete_by_id(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Value> {
    caller.require(Permission::Management)?;
    let t = state.templates.get(id).await?.ok_or_else(|| ApiError::object_not_found(id))?;
    let waba = state.tenancy.waba(&t.waba_id, Some(&caller.0.business_id)).await?;
    state.templates.delete(&waba, Some(&t.name), Some(id)).await?;
    Ok(json!({"success": true}))
}

/// `POST /{id}`: edit a template (`components`, `category`) → `{"success":true}`; other
/// objects go to the general object update.
pub async fn post_object(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    if risala_core::ids::is_object_id(&id) {
        if let Some(o) = state.tenancy.object(&id).await? {
            if o.kind == ObjectKind::Template && o.business_id == caller.0.business_id {
                caller.require(Permission::Management)?;
                state.templates.edit(&id, &body).await?;
                return Ok(Json(json!({"success": true})));
            }
        }
    }
    super::subscriptions::post_object(State(state), caller, Path(id), GraphBody(body)).await
}
