//! Contacts as a small CRM: `/tools/v1/{phone-number-id}/contacts…`. Contacts are the
//! business's (every number of it sees the same ones); the number in the path authorises.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use risala_core::store::ContactField;
use risala_core::tools::body::{get_list, get_str, reject_unknown, scalar_text};
use risala_core::tools::contacts::{contact_json, opt_in_json};
use risala_core::ApiError;
use serde_json::{json, Map, Value};

use super::number;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tools/v1/{phone_number_id}/contacts", get(list).post(create))
        .route("/tools/v1/{phone_number_id}/contacts/fields", get(fields).post(create_field))
        .route("/tools/v1/{phone_number_id}/contacts/fields/{field_id}", delete(delete_field))
        .route("/tools/v1/{phone_number_id}/contacts/import", post(import))
        .route("/tools/v1/{phone_number_id}/contacts/export", get(export))
        .route("/tools/v1/{phone_number_id}/contacts/{wa_id}", get(show).post(update).delete(remove))
        .route("/tools/v1/{phone_number_id}/contacts/{wa_id}/opt_ins", post(opt_in))
}

fn field_json(f: &ContactField) -> Value {
    json!({"id": f.id, "key": f.key, "label": f.label, "kind": f.kind, "options": f.options})
}

/// `fields`: an object of strings, numbers, booleans or null (null clears).
fn field_values(body: &Map<String, Value>) -> Result<BTreeMap<String, String>, ApiError> {
    let Some(v) = body.get("fields") else { return Ok(BTreeMap::new()) };
    let obj = v.as_object().ok_or_else(|| ApiError::invalid("fields: must be an object"))?;
    obj.iter()
        .map(|(k, v)| {
            let s = match v {
                Value::Null => String::new(),
                v => scalar_text(v).ok_or_else(|| {
                    ApiError::invalid(format!("fields.{k}: must be a string, number, boolean or null"))
                })?,
            };
            Ok((k.clone(), s))
        })
        .collect()
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let limit = super::limit(&q, 100, 1000)?;
    let page = state.contacts.list(&phone.business_id, q.get("search"), q.get("after"), limit).await?;
    let mut out = json!({"data": page.iter().map(contact_json).collect::<Vec<_>>()});
    if let (Some(last), true) = (page.last(), page.len() == limit) {
        out["paging"] = json!({"cursors": {"after": last.wa_id}});
    }
    Ok(Json(out))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    reject_unknown(&body, &["wa_id", "name", "fields"])?;
    let wa_id = get_str(&body, "wa_id")?.ok_or_else(|| ApiError::missing("wa_id"))?;
    let name = get_str(&body, "name")?;
    let c = state.contacts.upsert(&phone.business_id, wa_id, name, &field_values(&body)?).await?;
    Ok(Json(contact_json(&c)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, wa_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let v = state.contacts.get(&phone.business_id, &wa_id).await?;
    let mut out = contact_json(&v.contact);
    out["opt_ins"] = v.opt_ins.iter().map(opt_in_json).collect();
    out["labels"] = json!(v.labels);
    out["notes"] = v
        .notes
        .iter()
        .map(|n| json!({"body": n.body, "author": n.author_name, "created_at": n.created_at / 1000}))
        .collect();
    Ok(Json(out))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, wa_id)): Path<(String, String)>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    reject_unknown(&body, &["name", "fields"])?;
    // Changing, not creating: an unknown contact is an unknown id.
    state.contacts.get(&phone.business_id, &wa_id).await?;
    let name = get_str(&body, "name")?;
    let c = state.contacts.upsert(&phone.business_id, &wa_id, name, &field_values(&body)?).await?;
    Ok(Json(contact_json(&c)))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, wa_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    state.contacts.delete(&phone.business_id, &wa_id).await?;
    Ok(Json(json!({"success": true})))
}

async fn opt_in(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, wa_id)): Path<(String, String)>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    reject_unknown(&body, &["topic", "opted_in", "source"])?;
    let topic = get_str(&body, "topic")?.ok_or_else(|| ApiError::missing("topic"))?;
    let source = get_str(&body, "source")?.ok_or_else(|| ApiError::missing("source"))?;
    let opted_in = match body.get("opted_in") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ApiError::invalid("opted_in: must be true or false").into()),
    };
    let o = state.contacts.record_opt_in(&phone.business_id, &wa_id, topic, opted_in, source).await?;
    Ok(Json(opt_in_json(&o)))
}

async fn fields(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    let f = state.contacts.fields(&phone.business_id).await?;
    Ok(Json(json!({"data": f.iter().map(field_json).collect::<Vec<_>>()})))
}

async fn create_field(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    reject_unknown(&body, &["key", "label", "kind", "options"])?;
    let key = get_str(&body, "key")?.ok_or_else(|| ApiError::missing("key"))?;
    let kind = get_str(&body, "kind")?.ok_or_else(|| ApiError::missing("kind"))?;
    let label = get_str(&body, "label")?.unwrap_or_default();
    let options = get_list(&body, "options")?;
    let f = state.contacts.create_field(&phone.business_id, key, label, kind, options).await?;
    Ok(Json(field_json(&f)))
}

async fn delete_field(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, field_id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    state.contacts.delete_field(&phone.business_id, &field_id).await?;
    Ok(Json(json!({"success": true})))
}

async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = number(&state, &caller, &id).await?;
    reject_unknown(&body, &["csv"])?;
    let csv = get_str(&body, "csv")?.ok_or_else(|| ApiError::missing("csv"))?;
    let report = state.contacts.import_csv(&phone.business_id, csv).await?;
    Ok(Json(json!(report)))
}

async fn export(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> GraphResult<Response> {
    let phone = number(&state, &caller, &id).await?;
    let csv = state.contacts.export_csv(&phone.business_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"contacts.csv\""),
        ],
        csv,
    )
        .into_response())
}
