//! WhatsApp Flows on the Graph API: `GET|POST /{waba-id}/flows`, `GET|POST|DELETE /{flow-id}`,
//! `GET|POST /{flow-id}/assets`, `POST /{flow-id}/publish`, `POST /{flow-id}/deprecate`, the
//! Flow JSON download and the preview page; `GET|POST /{phone-number-id}/whatsapp_business_encryption`.
//! Management permission throughout.

use axum::extract::{FromRequest, OriginalUri, Path, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use risala_core::flows::{parse_categories, FlowInput};
use risala_core::graph::{page_request, parse_fields, project_node, FieldSel, Node};
use risala_core::model::{Flow, FlowStatus, ObjectKind, Permission, Waba};
use risala_core::ports::MediaBody;
use risala_core::ApiError;
use risala_types::graph::GraphList;
use serde_json::{json, Map, Value};

use super::phone_numbers::paging;
use super::{resolve, waba_for};
use crate::error::{GraphError, GraphResult};
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::multipart::MediaUpload;
use crate::state::AppState;

/// The flow node: default fields of `GET /{flow-id}` and of list entries.
const NODE: Node = Node {
    name: "WhatsAppFlow",
    default: &["id", "name", "status", "categories", "validation_errors"],
    optional: &["json_version", "data_api_version", "endpoint_uri", "data_channel_uri", "application"],
};

/// A body of form fields: JSON, urlencoded, or multipart/form-data (Meta's documented form).
pub struct FlowBody(pub Map<String, Value>);

impl FromRequest<AppState> for FlowBody {
    type Rejection = GraphError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !ct.to_ascii_lowercase().starts_with("multipart/") {
            return Ok(FlowBody(GraphBody::from_request(req, state).await?.0));
        }
        let up: MediaUpload = MediaUpload::from_request(req, state).await?;
        if up.file.is_some() {
            return Err(ApiError::invalid(
                "Unexpected file part: the Flow JSON is uploaded with POST /{flow-id}/assets",
            )
            .into());
        }
        let fields = up.fields.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
        Ok(FlowBody(fields))
    }
}

fn text(body: &Map<String, Value>, key: &str) -> GraphResult<Option<String>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a string")).into()),
    }
}

fn input(body: &Map<String, Value>, allowed: &[&str]) -> GraphResult<FlowInput> {
    if let Some(k) = body.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::invalid(format!("Unexpected key \"{k}\"; expected one of {}", allowed.join(", "))).into());
    }
    let publish = match body.get("publish") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
        Some(_) => return Err(ApiError::invalid("publish must be a boolean").into()),
    };
    let flow_json = match body.get("flow_json") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        // A form value holding an object was parsed on the way in: the text is re-serialised.
        Some(v @ Value::Object(_)) => Some(serde_json::to_string_pretty(v).unwrap_or_default()),
        Some(_) => return Err(ApiError::invalid("flow_json must be a string holding the Flow JSON").into()),
    };
    Ok(FlowInput {
        name: text(body, "name")?,
        categories: body.get("categories").filter(|v| !v.is_null()).map(parse_categories).transpose()?,
        endpoint_uri: text(body, "endpoint_uri")?,
        flow_json,
        clone_flow_id: text(body, "clone_flow_id")?,
        publish,
    })
}

/// Every field of a flow, for `fields=`.
fn flow_fields(f: &Flow, waba: &Waba, base: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    m.insert("name".into(), json!(f.name));
    m.insert("status".into(), json!(f.status));
    m.insert("categories".into(), json!(f.categories));
    m.insert("validation_errors".into(), f.validation_errors.clone());
    if let Some(v) = &f.json_version {
        m.insert("json_version".into(), json!(v));
    }
    if let Some(v) = &f.data_api_version {
        m.insert("data_api_version".into(), json!(v));
    }
    if let Some(v) = &f.endpoint_uri {
        m.insert("endpoint_uri".into(), json!(v));
        m.insert("data_channel_uri".into(), json!(v));
    }
    m.insert(
        "preview".into(),
        json!({"preview_url": format!("{base}/flow-preview/{}?token={}", f.id, f.preview_token),
               "expires_at": risala_core::clock::iso_time(f.preview_expires_at)}),
    );
    m.insert("updated_at".into(), json!(risala_core::clock::iso_time(f.updated_at)));
    m.insert(
        "whatsapp_business_account".into(),
        json!({"id": waba.id, "name": waba.name, "timezone_id": waba.timezone_id,
               "message_template_namespace": waba.message_template_namespace, "currency": waba.currency}),
    );
    // A flow can be sent once published (a DRAFT only in draft mode).
    let can_send = if f.status == FlowStatus::Published { "AVAILABLE" } else { "BLOCKED" };
    m.insert(
        "health_status".into(),
        json!({"can_send_message": can_send,
               "entities": [{"entity_type": "FLOW", "id": f.id, "can_send_message": can_send}]}),
    );
    m
}

/// `GET /{waba-id}/flows[?fields=&limit=&after=&before=]`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> GraphResult<Json<GraphList<Value>>> {
    let waba = waba_for(&state, &caller, &id).await?;
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let page = page_request(q.get("limit"), q.get("after"), q.get("before"))?;
    let result = state.flows.list(&waba.id, &page).await?;
    let base = super::objects::base_url(&state, &headers);
    let data = result
        .items
        .iter()
        .map(|f| project_node(&flow_fields(f, &waba, &base), fields.as_deref(), &NODE))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(GraphList {
        paging: paging(&result.items, |f| &f.id, result.has_more_after, result.has_more_before, &q, &uri, &headers),
        data,
        summary: None,
    }))
}

/// `POST /{waba-id}/flows` → `{"id","success","validation_errors"}`.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    FlowBody(body): FlowBody,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    let allowed = ["name", "categories", "endpoint_uri", "flow_json", "clone_flow_id", "publish", "messaging_product"];
    let f = state.flows.create(&waba, input(&body, &allowed)?).await?;
    Ok(Json(json!({"id": f.id, "success": true, "validation_errors": f.validation_errors})))
}

/// `GET /{flow-id}[?fields=…,preview.invalidate(true|false)]` (the object is already resolved).
pub async fn get(
    state: &AppState,
    caller: &Caller,
    id: &str,
    fields: Option<&[FieldSel]>,
    base: &str,
) -> GraphResult<Value> {
    caller.require(Permission::Management)?;
    let invalidate = fields
        .and_then(|f| f.iter().find(|s| s.name == "preview"))
        .is_some_and(|s| s.modifiers.replace(' ', "").contains("invalidate(true)"));
    let f = state.flows.preview(id, &caller.0.business_id, invalidate).await?;
    let waba = state.tenancy.waba(&f.waba_id, Some(&caller.0.business_id)).await?;
    Ok(project_node(&flow_fields(&f, &waba, base), fields, &NODE)?)
}

/// `POST /{flow-id}`: update metadata → `{"success":true}`.
pub async fn update(state: &AppState, caller: &Caller, id: &str, body: &Map<String, Value>) -> GraphResult<Value> {
    caller.require(Permission::Management)?;
    let allowed = ["name", "categories", "endpoint_uri", "application_id", "messaging_product"];
    let mut body = body.clone();
    body.remove("application_id");
    state.flows.update_metadata(id, &caller.0.business_id, input(&body, &allowed)?).await?;
    Ok(json!({"success": true}))
}

/// `DELETE /{flow-id}` (a DRAFT only) → `{"success":true}`.
pub async fn delete(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Value> {
    caller.require(Permission::Management)?;
    state.flows.delete(id, &caller.0.business_id).await?;
    Ok(json!({"success": true}))
}

async fn flow_for(state: &AppState, caller: &Caller, id: &str) -> GraphResult<()> {
    resolve(state, caller, id, &[ObjectKind::Flow]).await?;
    caller.require(Permission::Management)?;
    Ok(())
}

/// `POST /{flow-id}/assets` (multipart: `file`, `name=flow.json`, `asset_type=FLOW_JSON`)
/// → `{"success":true,"validation_errors":[…]}`.
pub async fn upload_asset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    up: MediaUpload,
) -> GraphResult<Json<Value>> {
    flow_for(&state, &caller, &id).await?;
    up.only_fields(&["name", "asset_type", "messaging_product"])?;
    match up.fields.get("asset_type").map(String::as_str) {
        Some("FLOW_JSON") => {}
        Some(other) => return Err(ApiError::bad_value(format!("asset_type: '{other}' is not FLOW_JSON")).into()),
        None => return Err(ApiError::missing("asset_type").into()),
    }
    if let Some(n) = up.fields.get("name").filter(|n| n.as_str() != "flow.json") {
        return Err(ApiError::bad_value(format!("name: the Flow JSON asset is named flow.json, not '{n}'")).into());
    }
    let mut file = up.file.ok_or_else(|| ApiError::missing("file"))?.body;
    const MAX_FLOW_JSON: u64 = 10 * 1024 * 1024;
    if file.size() > MAX_FLOW_JSON {
        return Err(ApiError::bad_value("file: the Flow JSON is limited to 10 MB").into());
    }
    let mut bytes = Vec::with_capacity(file.size() as usize);
    loop {
        let chunk = file.next_chunk(64 * 1024).await.map_err(|e| ApiError::internal().with_cause(e))?;
        if chunk.is_empty() {
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(bytes).map_err(|_| ApiError::bad_value("file: the Flow JSON must be UTF-8 text"))?;
    let f = state.flows.update_json(&id, &caller.0.business_id, text).await?;
    Ok(Json(json!({"success": true, "validation_errors": f.validation_errors})))
}

/// `GET /{flow-id}/assets` → `{"data":[{"name":"flow.json","asset_type":"FLOW_JSON","download_url"}]}`.
pub async fn list_assets(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> GraphResult<Json<Value>> {
    flow_for(&state, &caller, &id).await?;
    let f = state.flows.flow(&id, &caller.0.business_id).await?;
    let base = super::objects::base_url(&state, &headers);
    let data: Vec<Value> = f
        .flow_json
        .iter()
        .map(|_| {
            json!({"name": "flow.json", "asset_type": "FLOW_JSON",
                   "download_url": format!("{base}/flow-assets/{}/flow.json?token={}", f.id, f.preview_token)})
        })
        .collect();
    Ok(Json(json!({"data": data})))
}

/// `GET /flow-assets/{flow-id}/flow.json?token=…`: the Flow JSON as uploaded (the link of
/// `GET /{flow-id}/assets`, good while the flow's preview token is).
pub async fn download_asset(
    State(state): State<AppState>,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Response, GraphError> {
    let f = state.flows.by_preview(&id, q.get("token").unwrap_or_default()).await?;
    let text = f.flow_json.ok_or_else(|| ApiError::object_not_found(&id))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}

/// `GET /flow-preview/{flow-id}?token=…`: a page showing the flow's screens (the preview URL).
pub async fn preview_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    q: GraphQuery,
) -> Result<Response, GraphError> {
    let f = state.flows.by_preview(&id, q.get("token").unwrap_or_default()).await?;
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let doc: Value = f.flow_json.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
    let mut body = format!("<h1>{}</h1><p>{}</p>", esc(&f.name), f.status);
    for s in doc["screens"].as_array().into_iter().flatten() {
        let title = s["title"].as_str().or(s["id"].as_str()).unwrap_or_default();
        body.push_str(&format!("<section><h2>{}</h2><ul>", esc(title)));
        for c in s.pointer("/layout/children").and_then(Value::as_array).into_iter().flatten() {
            let label = c["text"].as_str().or(c["label"].as_str()).unwrap_or_default();
            body.push_str(&format!("<li>{}: {}</li>", esc(c["type"].as_str().unwrap_or("?")), esc(label)));
        }
        body.push_str("</ul></section>");
    }
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>{body}</body></html>",
        esc(&f.name)
    );
    Ok(Html(page).into_response())
}

/// `POST /{flow-id}/publish` → `{"success":true}`.
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    flow_for(&state, &caller, &id).await?;
    state.flows.publish(&id, &caller.0.business_id).await?;
    Ok(Json(json!({"success": true})))
}

/// `POST /{flow-id}/deprecate` → `{"success":true}`.
pub async fn deprecate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    flow_for(&state, &caller, &id).await?;
    state.flows.deprecate(&id, &caller.0.business_id).await?;
    Ok(Json(json!({"success": true})))
}

/// `GET /{phone-number-id}/whatsapp_business_encryption`.
pub async fn get_encryption(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    let data = match state.flows.public_key(&id).await? {
        Some(k) => vec![json!({"business_public_key": k, "business_public_key_signature_status": "VALID"})],
        None => vec![],
    };
    Ok(Json(json!({"data": data})))
}

/// `POST /{phone-number-id}/whatsapp_business_encryption {business_public_key}` → `{"success":true}`.
pub async fn set_encryption(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    let key = text(&body, "business_public_key")?.ok_or_else(|| ApiError::missing("business_public_key"))?;
    state.flows.set_public_key(&id, &key).await?;
    Ok(Json(json!({"success": true})))
}
