//! QR codes and short links: `GET|POST /{phone-number-id}/message_qrdls`,
//! `GET|DELETE /{phone-number-id}/message_qrdls/{code}`. Management permission. A code's
//! `deep_link_url` is this server's short link (`/wa/message/{code}`) and `qr_image_url` an
//! image of it this server draws ([`crate::routes::links`]).

use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::Json;
use risala_core::graph::{page_request, parse_fields, project_node, FieldSel, Node};
use risala_core::model::{ObjectKind, Permission, PhoneNumber, QrCode};
use risala_core::numbers::qr::{self, QrFormat};
use risala_core::ApiError;
use serde_json::{json, Map, Value};

use super::objects::base_url;
use super::phone_numbers::paging;
use super::resolve;
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::routes::links;
use crate::state::AppState;

const NODE: Node = Node {
    name: "WhatsAppBusinessMessageQRDL",
    default: &["code", "prefilled_message", "deep_link_url"],
    optional: &["qr_image_url"],
};

async fn phone(state: &AppState, caller: &Caller, id: &str) -> GraphResult<PhoneNumber> {
    resolve(state, caller, id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    Ok(state.tenancy.phone_number(id, Some(&caller.0.business_id)).await?)
}

/// A code's fields; `image` adds `qr_image_url` in that format.
fn qr_json(state: &AppState, base: &str, q: &QrCode, image: Option<QrFormat>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("code".into(), json!(q.code));
    m.insert("prefilled_message".into(), json!(q.prefilled_message));
    m.insert("deep_link_url".into(), json!(links::short_link(base, &q.code)));
    m.insert("creation_time".into(), json!(q.created_at / 1000));
    if let Some(f) = image {
        m.insert("qr_image_url".into(), json!(links::image_url(state, base, &q.code, f)));
    }
    m
}

/// The image format `fields=qr_image_url.format(SVG)` asks for (PNG without `.format`).
fn image_field(fields: Option<&[FieldSel]>) -> GraphResult<Option<QrFormat>> {
    let Some(sel) = fields.and_then(|f| f.iter().find(|f| f.name == "qr_image_url")) else {
        return Ok(None);
    };
    let m = sel.modifiers.trim();
    if m.is_empty() {
        return Ok(Some(QrFormat::Png));
    }
    let inner = m.strip_prefix(".format(").and_then(|r| r.strip_suffix(')'));
    match inner.and_then(QrFormat::parse) {
        Some(f) => Ok(Some(f)),
        None => {
            Err(ApiError::invalid(format!("qr_image_url{m}: the format must be .format(PNG) or .format(SVG)")).into())
        }
    }
}

fn listed(state: &AppState, base: &str, codes: &[QrCode], fields: Option<&[FieldSel]>) -> GraphResult<Json<Value>> {
    let image = image_field(fields)?;
    let data = codes
        .iter()
        .map(|q| project_node(&qr_json(state, base, q, image), fields, &NODE))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({"data": data})))
}

/// `GET /{phone-number-id}/message_qrdls[?code=&fields=&limit=&after=&before=]` →
/// `{"data":[…],"paging":{…}}`, newest first, 25 a page by default as Meta pages them.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> GraphResult<Json<Value>> {
    let p = phone(&state, &caller, &id).await?;
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let req = page_request(q.get("limit"), q.get("after"), q.get("before"))?;
    let codes = state.numbers.qrs(&p, q.get("code").filter(|c| !c.is_empty())).await?;
    let page = qr::page(codes, &req);
    let Json(mut v) = listed(&state, &base_url(&state, &headers), &page.items, fields.as_deref())?;
    if let Some(paging) =
        paging(&page.items, |q| &q.code, page.has_more_after, page.has_more_before, &q, &uri, &headers)
    {
        v["paging"] = serde_json::to_value(paging).map_err(|e| ApiError::internal().with_cause(e))?;
    }
    Ok(Json(v))
}

/// `GET /{phone-number-id}/message_qrdls/{code}[?fields=]` → `{"data":[{…}]}`.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, code)): Path<(String, String)>,
    q: GraphQuery,
    headers: HeaderMap,
) -> GraphResult<Json<Value>> {
    let p = phone(&state, &caller, &id).await?;
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let qr = state.numbers.qr(&p, &code).await?;
    listed(&state, &base_url(&state, &headers), &[qr], fields.as_deref())
}

/// `POST /{phone-number-id}/message_qrdls {prefilled_message, generate_qr_image?}` creates a
/// code; with `code`, it changes that code's message. → `{code, prefilled_message,
/// deep_link_url, qr_image_url?}`.
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let p = phone(&state, &caller, &id).await?;
    let saved = state.numbers.save_qr(&p, &body).await?;
    let mut m = qr_json(&state, &base_url(&state, &headers), &saved.qr, saved.image);
    m.remove("creation_time");
    Ok(Json(Value::Object(m)))
}

/// `DELETE /{phone-number-id}/message_qrdls/{code}` → `{"success":true}`.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, code)): Path<(String, String)>,
) -> GraphResult<Json<Value>> {
    let p = phone(&state, &caller, &id).await?;
    state.numbers.delete_qr(&p, &code).await?;
    Ok(Json(json!({"success": true})))
}
