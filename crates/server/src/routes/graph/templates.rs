//! Message templates on the Graph API: `GET|POST|DELETE /{waba-id}/message_templates`,
//! `GET /{template-id}` (also as `GET /{waba-id}/message_templates/{template-id}`),
//! `POST /{template-id}` (edit). Management permission throughout.

use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::Json;
use risala_core::graph::{page_request, parse_fields, parse_summary, project_node, str_param, FieldSel, Node};
use risala_core::model::{ObjectKind, Permission};
use risala_core::model::{Template, TemplateQuality, TemplateStatus};
use risala_core::store::TemplateFilter;
use risala_core::templates::service::{TemplateSearch, SUMMARY_FIELDS};
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

/// The template node: its default fields, and the fields Meta omits when a template has no
/// value for them (asking for them is not an error).
pub(super) const NODE: Node = Node {
    name: "WhatsAppBusinessHSM",
    default: TEMPLATE_DEFAULT,
    optional: &[
        "previous_category",
        "correct_category",
        "library_template_name",
        "degrees_of_freedom_spec",
        "message_send_ttl_seconds",
        "sub_category",
        "cta_url_link_tracking_opted_out",
    ],
};

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
    if let Some(ttl) = t.message_send_ttl_seconds {
        m.insert("message_send_ttl_seconds".into(), json!(ttl));
    }
    if let Some(sub) = t.sub_category {
        m.insert("sub_category".into(), json!(sub));
    }
    if let Some(opted_out) = t.cta_url_link_tracking_opted_out {
        m.insert("cta_url_link_tracking_opted_out".into(), json!(opted_out));
    }
    if let Some(name) = &t.library_template_name {
        m.insert("library_template_name".into(), json!(name));
    }
    m
}

/// A list parameter: comma-separated (`category=UTILITY,MARKETING`) or a JSON array
/// (`category=["UTILITY","MARKETING"]`), as Graph takes `array<enum>` and `array<string>`.
fn list_param(q: &GraphQuery, key: &str) -> GraphResult<Vec<String>> {
    let raw = q.get(key).unwrap_or_default().trim();
    let items: Vec<String> = if raw.starts_with('[') {
        serde_json::from_str::<Vec<String>>(raw)
            .map_err(|_| ApiError::invalid(format!("{key}: must be a list of strings, as [\"A\",\"B\"] or A,B")))?
    } else {
        raw.split(',').map(str::to_string).collect()
    };
    Ok(items.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
}

/// The filters applied over a template's content and quality: `content` (body text),
/// `name_or_content`, `quality_score` (a list of scores).
fn search(q: &GraphQuery) -> GraphResult<TemplateSearch> {
    let mut quality_scores = Vec::new();
    for s in list_param(q, "quality_score")?.iter().map(|x| x.to_ascii_uppercase()) {
        let score = TemplateQuality::parse(&s).ok_or_else(|| {
            ApiError::invalid(format!("quality_score: '{s}' is not one of GREEN, YELLOW, RED, UNKNOWN"))
        })?;
        quality_scores.push(score);
    }
    let text = |key| q.get(key).filter(|v| !v.is_empty()).map(str::to_string);
    Ok(TemplateSearch { content: text("content"), name_or_content: text("name_or_content"), quality_scores })
}

fn filter(q: &GraphQuery) -> GraphResult<TemplateFilter> {
    let mut statuses = Vec::new();
    for s in list_param(q, "status")?.iter().map(|x| x.to_ascii_uppercase()) {
        let status = TemplateStatus::parse(&s)
            .ok_or_else(|| ApiError::invalid(format!("status: '{s}' is not a template status")))?;
        statuses.push(status);
    }
    let categories =
        list_param(q, "category")?.iter().map(|c| validate::parse_category(c)).collect::<Result<Vec<_>, _>>()?;
    Ok(TemplateFilter {
        name: q.get("name").filter(|n| !n.is_empty()).map(str::to_string),
        statuses,
        categories,
        languages: list_param(q, "language")?,
    })
}

/// `GET /{waba-id}/message_templates?name=&status=&category=&language=&content=&name_or_content=&quality_score=&fields=&summary=&limit=&after=&before=`.
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
    let search = search(&q)?;
    let summary = parse_summary(q.get("summary").unwrap_or(""), SUMMARY_FIELDS)?;
    let result = state.templates.list(&waba.id, &filter, &search, &page).await?;
    let summary = match summary.is_empty() {
        true => None,
        false => Some(state.templates.summary(&waba.id, &filter, &search, &summary).await?),
    };
    let data = result
        .items
        .iter()
        .map(|t| project_node(&template_json(t), fields.as_deref(), &NODE))
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
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    // `name` and `hsm_id` in the query string (as Meta's examples) or in a form or JSON body.
    let (name, hsm_id) = (str_param(&body, "name")?, str_param(&body, "hsm_id")?);
    state.templates.delete(&waba, name, hsm_id).await?;
    Ok(Json(json!({"success": true})))
}

/// `GET /{template-id}` (the object is already resolved for the caller).
pub async fn get(state: &AppState, caller: &Caller, id: &str, fields: Option<&[FieldSel]>) -> GraphResult<Value> {
    caller.require(Permission::Management)?;
    let t = state.templates.get(id).await?.ok_or_else(|| ApiError::object_not_found(id))?;
    node_json(state, caller, &t, fields).await
}

/// A template as `fields=` selects it, with its `health_status` when asked for.
async fn node_json(state: &AppState, caller: &Caller, t: &Template, fields: Option<&[FieldSel]>) -> GraphResult<Value> {
    let mut all = template_json(t);
    if super::health::wanted(fields) {
        let waba = state.tenancy.waba(&t.waba_id, Some(&caller.0.business_id)).await?;
        let node = risala_core::health::template(t);
        all.insert("health_status".into(), super::health::health_status(state, &waba, Some(node)).await?);
    }
    Ok(project_node(&all, fields, &NODE)?)
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
    Ok(Json(node_json(&state, &caller, &t, fields.as_deref()).await?))
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
            if o.kind == ObjectKind::Waba && o.business_id == caller.0.business_id {
                return super::template_analytics::enable(&state, &caller, &id, &body).await;
            }
            if o.kind == ObjectKind::Template && o.business_id == caller.0.business_id {
                caller.require(Permission::Management)?;
                state.templates.edit(&id, &body).await?;
                return Ok(Json(json!({"success": true})));
            }
            if o.kind == ObjectKind::Flow && o.business_id == caller.0.business_id {
                return Ok(Json(super::flows::update(&state, &caller, &id, &body).await?));
            }
        }
    }
    super::numbers::post_object(State(state), caller, Path(id), GraphBody(body)).await
}
