//! `/tools/v1/{phone-number-id}/broadcasts…`: create (audience from labels, a CSV or numbers;
//! a template with per-recipient parameters; now or at `send_at`), list, get with counts,
//! cancel, resume, and the per-recipient report (JSON pages, or the whole report as CSV).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use risala_core::tools::body::scalar_text;
use risala_core::tools::broadcasts::{report_csv, report_json, BroadcastView, NewBroadcast};
use risala_core::ApiError;
use serde_json::{json, Map, Value};

use super::sending_number;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tools/v1/{phone_number_id}/broadcasts", get(list).post(create))
        .route("/tools/v1/{phone_number_id}/broadcasts/{id}", get(show))
        .route("/tools/v1/{phone_number_id}/broadcasts/{id}/cancel", post(cancel))
        .route("/tools/v1/{phone_number_id}/broadcasts/{id}/resume", post(resume))
        .route("/tools/v1/{phone_number_id}/broadcasts/{id}/recipients", get(recipients))
        // An imported CSV of up to 100,000 recipients.
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024))
}

fn strings(v: Option<&Value>, field: &str) -> Result<Vec<String>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str().map(str::to_string).ok_or_else(|| ApiError::bad_value(format!("{field}: a list of strings")))
            })
            .collect(),
        Some(_) => Err(ApiError::bad_value(format!("{field}: a list of strings"))),
    }
}

/// `audience.fields`: contact field key → the value to match (a string, number or boolean).
fn field_values(v: Option<&Value>) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let mut out = std::collections::BTreeMap::new();
    match v {
        None | Some(Value::Null) => {}
        Some(Value::Object(o)) => {
            for (k, v) in o {
                let s = scalar_text(v)
                    .ok_or_else(|| ApiError::bad_value(format!("audience.fields.{k}: a string, number or boolean")))?;
                out.insert(k.clone(), s);
            }
        }
        Some(_) => return Err(ApiError::bad_value("audience.fields: an object of contact field → value")),
    }
    Ok(out)
}

fn opt_str(v: Option<&Value>, field: &str) -> Result<Option<String>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::bad_value(format!("{field}: a string"))),
    }
}

/// The request body as a new broadcast.
pub fn parse_new(body: &Map<String, Value>) -> Result<NewBroadcast, ApiError> {
    let name = opt_str(body.get("name"), "name")?.ok_or_else(|| ApiError::missing("name"))?;
    let list_mode = match opt_str(body.get("mode"), "mode")?.as_deref() {
        None | Some("broadcast") => false,
        Some("list") => true,
        Some(m) => return Err(ApiError::bad_value(format!("mode: broadcast or list, not {m}"))),
    };
    let template = match body.get("template") {
        None | Some(Value::Null) => None,
        Some(t @ Value::Object(_)) => Some(t.clone()),
        Some(_) => return Err(ApiError::bad_value("template: an object {name, language: {code}}")),
    };
    let text = match body.get("text") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => {
            Some(opt_str(o.get("body"), "text.body")?.ok_or_else(|| ApiError::missing("text.body"))?)
        }
        Some(_) => return Err(ApiError::bad_value("text: {body}")),
    };
    let mut params = Map::new();
    match body.get("params") {
        None | Some(Value::Null) => {}
        Some(Value::Object(o)) => {
            for (k, v) in o {
                let s = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err(ApiError::bad_value(format!("params.{k}: a string"))),
                };
                params.insert(k.clone(), Value::String(s));
            }
        }
        Some(_) => return Err(ApiError::bad_value("params: an object of parameter → text")),
    }
    let empty = Map::new();
    let audience = match body.get("audience") {
        Some(Value::Object(a)) => a,
        None | Some(Value::Null) => &empty,
        Some(_) => {
            return Err(ApiError::bad_value("audience: an object {labels, fields, csv, wa_ids, default_country}"))
        }
    };
    let send_at = match body.get("send_at") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .filter(|s| *s > 0)
                .ok_or_else(|| ApiError::bad_value("send_at: a UNIX time in seconds"))?
                .saturating_mul(1000),
        ),
    };
    Ok(NewBroadcast {
        name,
        list_mode,
        template,
        text,
        params,
        label_ids: strings(audience.get("labels"), "audience.labels")?,
        fields: field_values(audience.get("fields"))?,
        csv: opt_str(audience.get("csv"), "audience.csv")?,
        default_country: opt_str(audience.get("default_country"), "audience.default_country")?,
        wa_ids: strings(audience.get("wa_ids"), "audience.wa_ids")?,
        send_at,
        created_by: None,
    })
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(phone_number_id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let phone = sending_number(&state, &caller, &phone_number_id).await?;
    let new = parse_new(&body)?;
    Ok(Json(state.broadcasts.create(&phone, new).await?.to_json()))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(phone_number_id): Path<String>,
) -> GraphResult<Json<Value>> {
    let phone = sending_number(&state, &caller, &phone_number_id).await?;
    let all = state.broadcasts.list(&phone.business_id, Some(&phone.id)).await?;
    Ok(Json(json!({"data": all.iter().map(BroadcastView::to_json).collect::<Vec<_>>()})))
}

/// The number's broadcast `id` (another number's or business's is not found).
async fn broadcast(state: &AppState, caller: &Caller, phone_number_id: &str, id: &str) -> GraphResult<BroadcastView> {
    let phone = sending_number(state, caller, phone_number_id).await?;
    let b = state.broadcasts.get(&phone.business_id, id).await?;
    if b.row.phone_number_id != phone.id {
        return Err(ApiError::object_not_found(id).into());
    }
    Ok(b)
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((p, id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    Ok(Json(broadcast(&state, &caller, &p, &id).await?.to_json()))
}

async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path((p, id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let b = broadcast(&state, &caller, &p, &id).await?;
    Ok(Json(state.broadcasts.cancel(&b.row.business_id, &id).await?.to_json()))
}

async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Path((p, id)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let b = broadcast(&state, &caller, &p, &id).await?;
    Ok(Json(state.broadcasts.resume(&b.row.business_id, &id).await?.to_json()))
}

/// `GET …/recipients[?after=N][&limit=N]` (pages of at most 1000), or `?format=csv` for the
/// whole report as a CSV file.
async fn recipients(
    State(state): State<AppState>,
    caller: Caller,
    Path((p, id)): Path<(String, String)>,
    q: GraphQuery,
) -> GraphResult<Response> {
    let b = broadcast(&state, &caller, &p, &id).await?;
    let num = |k: &str, d: i64| -> Result<i64, ApiError> {
        q.get(k).map(|v| v.parse::<i64>().map_err(|_| ApiError::bad_value(format!("{k}: a number")))).unwrap_or(Ok(d))
    };
    let business = &b.row.business_id;
    match q.get("format") {
        Some("csv") => {
            let mut rows = Vec::new();
            let mut after = 0;
            loop {
                let page = state.broadcasts.report(business, &id, after, 10_000).await?;
                let Some(last) = page.last() else { break };
                after = last.recipient.seq;
                rows.extend(page);
            }
            let name = format!("attachment; filename=\"broadcast-{id}.csv\"");
            Ok((
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
                report_csv(&rows),
            )
                .into_response())
        }
        None | Some("json") => {
            let limit = num("limit", 100)?.clamp(1, 1000) as usize;
            let page = state.broadcasts.report(business, &id, num("after", 0)?, limit).await?;
            let mut v = json!({"data": page.iter().map(report_json).collect::<Vec<_>>()});
            if page.len() == limit {
                if let Some(last) = page.last() {
                    v["paging"] = json!({"cursors": {"after": last.recipient.seq.to_string()}});
                }
            }
            Ok(Json(v).into_response())
        }
        Some(f) => Err(ApiError::bad_value(format!("format: json or csv, not {f}")).into()),
    }
}
