//! Webhook subscriptions, Graph style:
//! - `POST/GET/DELETE /{app-id}/subscriptions` — the app callback (`object`, `callback_url`,
//!   `verify_token`, `fields`), as Meta's app subscriptions API;
//! - `POST/GET/DELETE /{waba-id}/subscribed_apps` — subscribe an app to a WABA, optionally with
//!   `override_callback_uri` + `verify_token`;
//! - `POST /{phone-number-id}` with `webhook_configuration: {override_callback_uri, verify_token}`.
//!
//! Setting a callback performs Meta's verification GET first; when it fails nothing is saved.
//! Meta authenticates the app endpoints with an app token; Risala takes the business's token
//! with `whatsapp_business_management`, and the app must belong to that business.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::model::{App, ObjectKind, Permission, WABA_OBJECT};
use risala_core::ApiError;
use serde_json::{json, Map, Value};

use super::{resolve, waba_for};
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::middleware::DEFAULT_VERSION;
use crate::state::AppState;

fn text<'a>(body: &'a Map<String, Value>, key: &str) -> GraphResult<Option<&'a str>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ApiError::invalid(format!("Param {key} must be a string")).into()),
    }
}

fn required<'a>(body: &'a Map<String, Value>, key: &str) -> GraphResult<&'a str> {
    match text(body, key)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(ApiError::invalid(format!("The parameter {key} is required")).into()),
    }
}

/// `fields`: `"messages,message_template_status_update"` or `["messages", …]`.
fn parse_fields(v: Option<&Value>) -> GraphResult<Vec<String>> {
    let raw: Vec<String> = match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s.split(',').map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|f| {
                f.as_str().map(|s| s.trim().to_string()).ok_or_else(|| ApiError::invalid("fields must be strings"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(ApiError::invalid("Param fields must be a list of field names").into()),
    };
    let mut out: Vec<String> = Vec::new();
    for f in raw {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(ApiError::invalid(format!("Param fields: '{f}' is not a webhook field name")).into());
        }
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out)
}

fn object_param(body: &Map<String, Value>, q: &GraphQuery) -> GraphResult<()> {
    let object = text(body, "object")?.or(q.get("object")).unwrap_or(WABA_OBJECT);
    if object != WABA_OBJECT {
        return Err(ApiError::invalid(format!(
            "Param object must be one of {{{WABA_OBJECT}}} - got \"{object}\" (Risala serves WhatsApp webhooks only)"
        ))
        .into());
    }
    Ok(())
}

pub(super) async fn app_of(state: &AppState, caller: &Caller, id: &str) -> GraphResult<App> {
    let obj = resolve(state, caller, id, &[ObjectKind::App]).await?;
    caller.require(Permission::Management)?;
    Ok(state.tenancy.app(&obj.id, Some(&caller.0.business_id)).await?)
}

/// `POST /{app-id}/subscriptions`.
pub async fn post_app_subscription(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let app = app_of(&state, &caller, &id).await?;
    object_param(&body, &q)?;
    let url = required(&body, "callback_url")?;
    let token = required(&body, "verify_token")?;
    let fields = parse_fields(body.get("fields"))?;
    state.webhooks.subscribe_app(&app, url, token, fields).await?;
    Ok(Json(json!({"success": true})))
}

/// `GET /{app-id}/subscriptions`: Meta's shape, `fields` as `{name, version}`.
pub async fn get_app_subscriptions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    let app = app_of(&state, &caller, &id).await?;
    let subs = state.webhooks.app_subscriptions(Some(&app.id), None).await?;
    let data: Vec<Value> = subs
        .iter()
        .map(|s| {
            json!({
                "object": s.object,
                "callback_url": s.callback_url,
                "active": true,
                "fields": s.fields.iter().map(|f| json!({"name": f, "version": DEFAULT_VERSION})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({"data": data})))
}

/// `DELETE /{app-id}/subscriptions[?object=whatsapp_business_account]`.
pub async fn delete_app_subscription(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let app = app_of(&state, &caller, &id).await?;
    object_param(&body, &q)?;
    state.webhooks.unsubscribe_app(&app).await?;
    Ok(Json(json!({"success": true})))
}

/// The app a `subscribed_apps` call means: `app_id` when given (it must be the caller's), else
/// the business's first app (Meta takes the app of the calling token).
async fn subscribing_app(
    state: &AppState,
    caller: &Caller,
    body: &Map<String, Value>,
    q: &GraphQuery,
) -> GraphResult<App> {
    if let Some(id) = text(body, "app_id")?.or(q.get("app_id")) {
        return app_of(state, caller, id).await;
    }
    state
        .tenancy
        .first_app(&caller.0.business_id)
        .await?
        .ok_or_else(|| ApiError::invalid("The business has no app to subscribe; create one first.").into())
}

/// `POST /{waba-id}/subscribed_apps` (optionally `override_callback_uri` + `verify_token`).
pub async fn post_subscribed_apps(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    let app = subscribing_app(&state, &caller, &body, &q).await?;
    let url = text(&body, "override_callback_uri")?.filter(|u| !u.trim().is_empty());
    let token = text(&body, "verify_token")?;
    let override_callback = match url {
        Some(url) => Some((
            url,
            token.filter(|t| !t.is_empty()).ok_or_else(|| {
                ApiError::invalid("The parameter verify_token is required with override_callback_uri")
            })?,
        )),
        None => None,
    };
    state.webhooks.subscribe_waba(&waba, &app, override_callback).await?;
    Ok(Json(json!({"success": true})))
}

/// `GET /{waba-id}/subscribed_apps`.
pub async fn get_subscribed_apps(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    let mut data = Vec::new();
    for a in state.webhooks.subscribed_apps(&waba).await? {
        let s = a.subscription;
        let mut v = json!({"whatsapp_business_api_data": {
            "link": format!("https://www.facebook.com/games/?app_id={}", s.app_id),
            "name": a.app_name,
            "id": s.app_id,
        }});
        if let Some(u) = s.override_callback_uri {
            v["override_callback_uri"] = Value::String(u);
        }
        data.push(v);
    }
    Ok(Json(json!({"data": data})))
}

/// `DELETE /{waba-id}/subscribed_apps[?app_id=…]`.
pub async fn delete_subscribed_apps(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    let app = subscribing_app(&state, &caller, &body, &q).await?;
    state.webhooks.unsubscribe_waba(&waba, &app).await?;
    Ok(Json(json!({"success": true})))
}

/// `POST /{phone-number-id}`: number settings. Handles `webhook_configuration`
/// (`{"override_callback_uri": "", …}` removes the override, as on Meta); other fields are
/// not supported yet.
pub async fn post_object(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let obj = resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    caller.require(Permission::Management)?;
    if let Some(k) = body.keys().find(|k| *k != "webhook_configuration") {
        return Err(ApiError::invalid(format!("Param {k} is not supported on this object")).into());
    }
    let Some(cfg) = body.get("webhook_configuration") else {
        return Err(ApiError::invalid("The parameter webhook_configuration is required").into());
    };
    let Value::Object(cfg) = cfg else {
        return Err(ApiError::invalid("Param webhook_configuration must be an object").into());
    };
    let phone = state.tenancy.phone_number(&obj.id, Some(&caller.0.business_id)).await?;
    let override_callback = match text(cfg, "override_callback_uri")?.filter(|u| !u.trim().is_empty()) {
        None => None,
        Some(url) => Some((url, required(cfg, "verify_token")?)),
    };
    state.webhooks.set_number_override(&phone, override_callback).await?;
    Ok(Json(json!({"success": true})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_lists() {
        assert_eq!(parse_fields(Some(&json!("messages, account_update"))).unwrap(), vec!["messages", "account_update"]);
        assert_eq!(parse_fields(Some(&json!(["messages", "messages"]))).unwrap(), vec!["messages"]);
        assert!(parse_fields(Some(&json!("Messages!"))).is_err());
        assert!(parse_fields(None).unwrap().is_empty());
    }
}
