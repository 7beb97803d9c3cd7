//! `GET /{id}`: a WABA, phone number, business, app, media, template, flow or catalog, with
//! `fields=`.

use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::HeaderMap;
use axum::Json;
use risala_core::graph::{edge_selection, encode_cursor, parse_fields, project, project_node, FieldSel, DEFAULT_LIMIT};
use risala_core::model::{ObjectKind, PageRequest, Permission, UPLOAD_PREFIX};
use serde_json::{json, Value};

use super::{repr, resolve};
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

pub async fn get_object(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    headers: HeaderMap,
) -> GraphResult<Json<Value>> {
    if id.starts_with(UPLOAD_PREFIX) {
        return Ok(Json(super::uploads::status(&state, &caller, &id).await?));
    }
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let obj = resolve(&state, &caller, &id, &[]).await?;
    let scope = Some(caller.0.business_id.as_str());
    let v = match obj.kind {
        ObjectKind::PhoneNumber => {
            // Reading a number is allowed with either permission: senders look theirs up.
            let mut p = state.tenancy.phone_number(&id, scope).await?;
            // The tier after a due upgrade, and a rating that recovered as signals aged.
            state.messaging.quality().refresh(&mut p).await?;
            let mut all = repr::phone_number(&p);
            if fields.as_deref().is_some_and(|f| f.iter().any(|f| f.name == "webhook_configuration")) {
                all.insert("webhook_configuration".into(), webhook_configuration(&state, &p).await?);
            }
            if fields.as_deref().is_some_and(|f| f.iter().any(|f| f.name == "official_business_account")) {
                let (oba, official) = super::badges::status(&state, &p).await?;
                all.insert("official_business_account".into(), oba.into());
                all.insert("is_official_business_account".into(), official.into());
            }
            if fields.as_deref().is_some_and(|f| f.iter().any(|f| f.name == "conversational_automation")) {
                let a = state.profile.conversational_automation(&p.id).await?;
                all.insert("conversational_automation".into(), super::profile::automation_json(&a));
            }
            if super::health::wanted(fields.as_deref()) {
                let waba = state.tenancy.waba(&p.waba_id, scope).await?;
                let node = risala_core::health::phone_number(&p);
                all.insert("health_status".into(), super::health::health_status(&state, &waba, Some(node)).await?);
            }
            project(&all, fields.as_deref(), repr::PHONE_DEFAULT, "WhatsAppBusinessPhoneNumber")?
        }
        ObjectKind::Waba => {
            caller.require(Permission::Management)?;
            let w = state.tenancy.waba(&id, scope).await?;
            let verified = state.messaging.waba_settings(&w.id).await?.verified;
            let mut all = repr::waba(&w, verified);
            if super::health::wanted(fields.as_deref()) {
                all.insert("health_status".into(), super::health::health_status(&state, &w, None).await?);
            }
            if fields.as_deref().is_some_and(|f| f.iter().any(|f| f.name == "is_enabled_for_insights")) {
                all.insert("is_enabled_for_insights".into(), state.templates.insights_enabled(&w.id).await?.into());
            }
            if let Some(sel) = fields.as_deref().and_then(|f| f.iter().find(|f| f.name == "pricing_analytics")) {
                all.insert("pricing_analytics".into(), state.reports.pricing_analytics(&w.id, &sel.modifiers).await?);
            }
            if let Some(sel) = fields.as_deref().and_then(|f| f.iter().find(|f| f.name == "conversation_analytics")) {
                let v = state.reports.conversation_analytics(&w.id, &sel.modifiers).await?;
                all.insert("conversation_analytics".into(), v);
            }
            if let Some(sel) = fields.as_deref().and_then(|f| f.iter().find(|f| f.name == "analytics")) {
                all.insert("analytics".into(), state.reports.messaging_analytics(&w.id, &sel.modifiers).await?);
            }
            // The WABA's edges, expanded in `fields=` as Graph does:
            // `phone_numbers{id,display_phone_number}`, `message_templates.limit(5){name}`.
            for sel in fields.as_deref().into_iter().flatten() {
                if let Some(edge) = waba_edge(&state, &w.id, sel).await? {
                    all.insert(sel.name.clone(), edge);
                }
            }
            project(&all, fields.as_deref(), repr::WABA_DEFAULT, "WhatsAppBusinessAccount")?
        }
        ObjectKind::Business => {
            let b = state.tenancy.business(&id, scope).await?;
            project(&repr::business(&b), fields.as_deref(), &["name"], "Business")?
        }
        ObjectKind::App => {
            let a = state.tenancy.app(&id, scope).await?;
            project(&repr::app(&a), fields.as_deref(), &["name"], "Application")?
        }
        ObjectKind::Media => super::media::info(&state, &caller, &id, &q, &base_url(&state, &headers)).await?,
        ObjectKind::Template => super::templates::get(&state, &caller, &id, fields.as_deref()).await?,
        ObjectKind::Flow => {
            super::flows::get(&state, &caller, &id, fields.as_deref(), &base_url(&state, &headers)).await?
        }
        ObjectKind::Catalog => super::catalogs::get(&state, &caller, &id, fields.as_deref()).await?,
    };
    Ok(Json(v))
}

/// A WABA edge asked for inside `fields=`: the first page of its items, each with the fields
/// asked for (or the edge's defaults), as `{"data": […], "paging": {"cursors": …}}`.
async fn waba_edge(state: &AppState, waba_id: &str, sel: &FieldSel) -> GraphResult<Option<Value>> {
    if sel.name != "phone_numbers" && sel.name != "message_templates" {
        return Ok(None);
    }
    let (limit, inner) = edge_selection(&sel.name, &sel.modifiers)?;
    let page = PageRequest { limit: limit.unwrap_or(DEFAULT_LIMIT), ..Default::default() };
    let (data, ids) = if sel.name == "phone_numbers" {
        let (numbers, _) = state.tenancy.phone_numbers(waba_id, &[], None, &page).await?;
        let data = numbers
            .items
            .iter()
            .map(|p| {
                project(
                    &repr::phone_number(p),
                    inner.as_deref(),
                    repr::PHONE_LIST_DEFAULT,
                    "WhatsAppBusinessPhoneNumber",
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        (data, numbers.items.iter().map(|p| p.id.clone()).collect::<Vec<_>>())
    } else {
        let templates = state.templates.list(waba_id, &Default::default(), &Default::default(), &page).await?;
        let data = templates
            .items
            .iter()
            .map(|t| project_node(&super::templates::template_json(t), inner.as_deref(), &super::templates::NODE))
            .collect::<Result<Vec<_>, _>>()?;
        (data, templates.items.iter().map(|t| t.id.clone()).collect())
    };
    let mut edge = json!({"data": data});
    if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
        edge["paging"] = json!({"cursors": {"before": encode_cursor(first), "after": encode_cursor(last)}});
    }
    Ok(Some(edge))
}

/// `POST /{id}`: the bytes of a resumable upload (`upload:<id>`), streamed; otherwise a
/// template edit or number settings, from a Graph body.
pub async fn post_object(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> GraphResult<Json<Value>> {
    if id.starts_with(UPLOAD_PREFIX) {
        return super::uploads::receive(state, id, req).await;
    }
    let (mut parts, body) = req.into_parts();
    let caller = Caller::from_request_parts(&mut parts, &state).await?;
    let body = GraphBody::from_request(Request::from_parts(parts, body), &state).await?;
    if state.tenancy.object(&id).await?.is_some_and(|o| o.kind == ObjectKind::Catalog) {
        return Ok(Json(super::catalogs::update(&state, &caller, &id, &body.0).await?));
    }
    super::templates::post_object(State(state), caller, Path(id), body).await
}

/// `webhook_configuration` of a number, as Meta reports it: the callback at each level that
/// has one (`phone_number` override > `whatsapp_business_account` override > `application`).
async fn webhook_configuration(state: &AppState, p: &risala_core::model::PhoneNumber) -> GraphResult<Value> {
    let levels = state.webhooks.callback_levels(p).await?;
    let mut out = serde_json::Map::new();
    for (key, url) in [
        ("application", levels.application),
        ("whatsapp_business_account", levels.whatsapp_business_account),
        ("phone_number", levels.phone_number),
    ] {
        if let Some(url) = url {
            out.insert(key.into(), Value::String(url));
        }
    }
    Ok(Value::Object(out))
}

/// `DELETE /{id}`: media.
pub async fn delete_object(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let obj = resolve(&state, &caller, &id, &[]).await?;
    match obj.kind {
        ObjectKind::Media => Ok(Json(super::media::delete(&state, &caller, &id, &q).await?)),
        ObjectKind::Template => Ok(Json(super::templates::delete_by_id(&state, &caller, &id).await?)),
        ObjectKind::Flow => Ok(Json(super::flows::delete(&state, &caller, &id).await?)),
        ObjectKind::Catalog => Ok(Json(super::catalogs::delete(&state, &caller, &id).await?)),
        _ => Err(super::unsupported(&id, "delete").into()),
    }
}

/// The base URL links should use: the configured public URL, else the request's host.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = state.config.public_url.as_deref().filter(|u| !u.is_empty()) {
        return u.trim_end_matches('/').to_string();
    }
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}")
}
