//! WhatsApp Flows: the Flows API a business manages its forms with (create, Flow JSON upload
//! and validation, publish, deprecate, delete, preview), the rule that a flow message names a
//! flow of the sender's WABA that may be sent (checked by `messaging`), and the customer's side of a flow
//! ([`session`]): opening it from the message, the data exchange with the business's endpoint,
//! and the `nfm_reply` that completes it.

mod address;
pub mod locate;
pub mod session;
pub mod validate;

use std::sync::Arc;

use serde_json::Value;

use crate::clock::{Clock, Millis};
use crate::error::{ApiError, ErrorCode, StoreError};
use crate::messaging::MessagingService;
use crate::model::{Flow, FlowCategory, FlowStatus, Page, PageRequest, PhoneNumber, Waba};
use crate::ports::FlowEndpoint;
use crate::store::Store;

/// How long a preview URL works, as Meta's (30 days).
pub const PREVIEW_TTL_MS: Millis = 30 * 24 * 3600 * 1000;

/// The fields of `POST /{waba-id}/flows` and `POST /{flow-id}` (each optional on an update).
#[derive(Debug, Clone, Default)]
pub struct FlowInput {
    pub name: Option<String>,
    pub categories: Option<Vec<FlowCategory>>,
    pub endpoint_uri: Option<String>,
    pub flow_json: Option<String>,
    pub clone_flow_id: Option<String>,
    pub publish: bool,
}

/// The Flows API and the customer's side of flows.
#[derive(Clone)]
pub struct FlowService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    messaging: MessagingService,
    endpoint: Arc<dyn FlowEndpoint>,
}

/// Parse `categories`: a JSON array of names (or a string holding one, as a form sends it).
pub fn parse_categories(v: &Value) -> Result<Vec<FlowCategory>, ApiError> {
    let parsed;
    let v = match v {
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s).unwrap_or_else(|_| Value::Array(vec![v.clone()]));
            &parsed
        }
        other => other,
    };
    let items = v.as_array().ok_or_else(|| ApiError::invalid("categories must be an array of flow categories"))?;
    if items.is_empty() {
        return Err(ApiError::invalid("categories must name at least one flow category"));
    }
    let names = FlowCategory::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
    items
        .iter()
        .map(|c| {
            c.as_str()
                .and_then(FlowCategory::parse)
                .ok_or_else(|| ApiError::bad_value(format!("categories: {c} is not a flow category; one of {names}")))
        })
        .collect()
}

/// An endpoint URI the server may call: http(s) with a host.
fn check_endpoint_uri(uri: &str) -> Result<(), ApiError> {
    let rest = uri.strip_prefix("https://").or_else(|| uri.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') => Ok(()),
        _ => Err(ApiError::bad_value(format!("endpoint_uri: '{uri}' is not an http(s) URL"))),
    }
}

fn conflict_name(e: StoreError, name: &str) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::new(
            ErrorCode::InvalidParameter,
            format!("name: a flow named '{name}' already exists in this WhatsApp Business Account"),
        )
        .with_message("Flow name is not unique"),
        other => other.into(),
    }
}

impl FlowService {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        messaging: MessagingService,
        endpoint: Arc<dyn FlowEndpoint>,
    ) -> Self {
        FlowService { store, clock, messaging, endpoint }
    }

    /// A flow the caller's business owns.
    pub async fn flow(&self, id: &str, business_id: &str) -> Result<Flow, ApiError> {
        match self.store.flow(id).await? {
            Some(f) if f.business_id == business_id => Ok(f),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    /// A page of a WABA's flows.
    pub async fn list(&self, waba_id: &str, page: &PageRequest) -> Result<Page<Flow>, ApiError> {
        Ok(self.store.page_flows(waba_id, page).await?)
    }

    /// Set the Flow JSON of `f` (not saved): its text, validation errors and versions.
    fn set_json(f: &mut Flow, text: String) {
        let checked = validate::check(&text);
        f.validation_errors = Value::Array(checked.errors);
        f.json_version = checked.version;
        f.data_api_version = checked.data_api_version;
        f.flow_json = Some(text);
    }

    /// `POST /{waba-id}/flows`: a new DRAFT flow, with its Flow JSON (given or cloned) checked,
    /// and published at once when `publish` is set and the Flow JSON is valid.
    pub async fn create(&self, waba: &Waba, input: FlowInput) -> Result<Flow, ApiError> {
        let name = input.name.filter(|n| !n.trim().is_empty()).ok_or_else(|| ApiError::missing("name"))?;
        if name.chars().count() > 200 {
            return Err(ApiError::bad_value("name: at most 200 characters"));
        }
        let categories = input.categories.ok_or_else(|| ApiError::missing("categories"))?;
        if let Some(uri) = &input.endpoint_uri {
            check_endpoint_uri(uri)?;
        }
        let now = self.clock.now_ms();
        let mut f = Flow {
            id: crate::ids::new_object_id(),
            business_id: waba.business_id.clone(),
            waba_id: waba.id.clone(),
            name: name.clone(),
            categories,
            status: FlowStatus::Draft,
            flow_json: None,
            validation_errors: Value::Array(vec![]),
            json_version: None,
            data_api_version: None,
            endpoint_uri: input.endpoint_uri,
            preview_token: crate::ids::new_secret(24),
            preview_expires_at: now + PREVIEW_TTL_MS,
            created_at: now,
            updated_at: now,
        };
        if let Some(src) = &input.clone_flow_id {
            let source = match self.store.flow(src).await? {
                Some(s) if s.waba_id == waba.id => s,
                _ => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidParameter,
                        format!("clone_flow_id: no flow {src} in this WhatsApp Business Account"),
                    )
                    .with_message("Flow with specified ID does not exist"))
                }
            };
            if input.flow_json.is_some() {
                return Err(ApiError::invalid("clone_flow_id and flow_json cannot both be set"));
            }
            if let Some(text) = source.flow_json {
                Self::set_json(&mut f, text);
            }
            if f.endpoint_uri.is_none() {
                f.endpoint_uri = source.endpoint_uri;
            }
        }
        if let Some(text) = input.flow_json {
            Self::set_json(&mut f, text);
        }
        if self.store.flow_by_name(&waba.id, &name).await?.is_some() {
            return Err(conflict_name(StoreError::Conflict(String::new()), &name));
        }
        self.store.insert_flow(&f).await.map_err(|e| conflict_name(e, &name))?;
        if input.publish && f.is_valid() {
            f = self.publish(&f.id, &waba.business_id).await?;
        }
        Ok(f)
    }

    /// `POST /{flow-id}`: name, categories, endpoint. A deprecated flow cannot change (139001).
    pub async fn update_metadata(&self, id: &str, business_id: &str, input: FlowInput) -> Result<Flow, ApiError> {
        let mut f = self.flow(id, business_id).await?;
        if f.status == FlowStatus::Deprecated {
            return Err(ApiError::new(ErrorCode::FlowUpdate, "A deprecated flow cannot be updated.")
                .with_message("Flow can't be updated"));
        }
        if input.flow_json.is_some() || input.clone_flow_id.is_some() {
            return Err(ApiError::invalid(
                "The Flow JSON is uploaded with POST /{flow-id}/assets, not with the flow's metadata",
            ));
        }
        if let Some(name) = input.name {
            if name.trim().is_empty() {
                return Err(ApiError::bad_value("name: must not be empty"));
            }
            if name != f.name && self.store.flow_by_name(&f.waba_id, &name).await?.is_some() {
                return Err(conflict_name(StoreError::Conflict(String::new()), &name));
            }
            f.name = name;
        }
        if let Some(c) = input.categories {
            f.categories = c;
        }
        if let Some(uri) = input.endpoint_uri {
            if uri.is_empty() {
                f.endpoint_uri = None;
            } else {
                check_endpoint_uri(&uri)?;
                f.endpoint_uri = Some(uri);
            }
        }
        f.updated_at = self.clock.now_ms();
        let name = f.name.clone();
        self.store.update_flow(&f).await.map_err(|e| conflict_name(e, &name))?;
        Ok(f)
    }

    /// `POST /{flow-id}/assets`: replace a DRAFT's Flow JSON; the answer carries its
    /// validation errors. A published or deprecated flow's JSON cannot change (139001).
    pub async fn update_json(&self, id: &str, business_id: &str, text: String) -> Result<Flow, ApiError> {
        let mut f = self.flow(id, business_id).await?;
        if f.status != FlowStatus::Draft {
            return Err(ApiError::new(
                ErrorCode::FlowUpdate,
                format!("The flow is {}: only a DRAFT flow's Flow JSON can be updated; clone it into a new flow (clone_flow_id) to change it.", f.status),
            )
            .with_message("Flow can't be updated"));
        }
        Self::set_json(&mut f, text);
        f.updated_at = self.clock.now_ms();
        self.store.update_flow(&f).await?;
        Ok(f)
    }

    /// `POST /{flow-id}/publish`: DRAFT → PUBLISHED, when the Flow JSON is valid and, for a
    /// flow with a data endpoint, the endpoint is set, a number of the WABA has a business
    /// public key, and the endpoint answers the health check. Else 139002 with the reason.
    pub async fn publish(&self, id: &str, business_id: &str) -> Result<Flow, ApiError> {
        let mut f = self.flow(id, business_id).await?;
        let fail = |details: String, title: &str| {
            ApiError::new(ErrorCode::FlowPublish, details).with_message(title.to_string())
        };
        if f.status != FlowStatus::Draft {
            return Err(fail(
                format!("The flow is {}: only a DRAFT flow can be published.", f.status),
                "Publishing Flow in invalid state",
            ));
        }
        if f.flow_json.is_none() {
            return Err(fail(
                "The flow has no Flow JSON: upload one with POST /{flow-id}/assets first.".into(),
                "Publishing Flow with validation errors",
            ));
        }
        if !f.is_valid() {
            return Err(fail(
                format!(
                    "The Flow JSON has {} validation error(s); see validation_errors.",
                    f.validation_errors.as_array().map_or(0, Vec::len)
                ),
                "Publishing Flow with validation errors",
            ));
        }
        if f.data_api_version.is_some() {
            let Some(uri) = f.endpoint_uri.clone() else {
                return Err(fail(
                    "A flow with a data_api_version needs an endpoint_uri (POST /{flow-id}).".into(),
                    "Publishing without specifying endpoint_uri is forbidden",
                ));
            };
            let phone = self.keyed_phone(&f.waba_id).await?.ok_or_else(|| {
                fail(
                    "No phone number of this WhatsApp Business Account has a business public key (POST /{phone-number-id}/whatsapp_business_encryption).".into(),
                    "Missing Flows Signed Public Key",
                )
            })?;
            let ping = serde_json::json!({"version": "3.0", "action": "ping"});
            let ok = match self.endpoint.exchange(&uri, &phone.1, &ping).await {
                Ok(v) => v.pointer("/data/status").and_then(Value::as_str) == Some("active"),
                Err(_) => false,
            };
            if !ok {
                return Err(fail(
                    format!("The endpoint {uri} did not answer the health check (a ping answered with data.status \"active\")."),
                    "Endpoint Not Available",
                ));
            }
        }
        f.status = FlowStatus::Published;
        f.updated_at = self.clock.now_ms();
        self.store.update_flow(&f).await?;
        Ok(f)
    }

    /// A phone number of the WABA with a business public key, and the key.
    async fn keyed_phone(&self, waba_id: &str) -> Result<Option<(PhoneNumber, String)>, ApiError> {
        let page = self.store.page_phone_numbers(waba_id, &PageRequest { limit: 1000, ..Default::default() }).await?;
        for p in page.items {
            if let Some(k) = self.store.business_public_key(&p.id).await? {
                return Ok(Some((p, k)));
            }
        }
        Ok(None)
    }

    /// `POST /{flow-id}/deprecate`: PUBLISHED → DEPRECATED (else 139003).
    pub async fn deprecate(&self, id: &str, business_id: &str) -> Result<(), ApiError> {
        let mut f = self.flow(id, business_id).await?;
        if f.status != FlowStatus::Published {
            let why = if f.status == FlowStatus::Deprecated {
                "Flow is already deprecated"
            } else {
                "Can't deprecate unpublished flow"
            };
            return Err(ApiError::new(
                ErrorCode::FlowDeprecate,
                format!("The flow is {}: only a PUBLISHED flow can be deprecated.", f.status),
            )
            .with_message(why));
        }
        f.status = FlowStatus::Deprecated;
        f.updated_at = self.clock.now_ms();
        self.store.update_flow(&f).await?;
        Ok(())
    }

    /// `DELETE /{flow-id}`: only a DRAFT (else 139004).
    pub async fn delete(&self, id: &str, business_id: &str) -> Result<(), ApiError> {
        let f = self.flow(id, business_id).await?;
        if f.status != FlowStatus::Draft {
            return Err(ApiError::new(
                ErrorCode::FlowDelete,
                format!("The flow is {}: only a DRAFT flow can be deleted.", f.status),
            )
            .with_message("Can't delete published Flow"));
        }
        self.store.delete_flow(id).await?;
        Ok(())
    }

    /// The flow's preview: its token and expiry, a new one when `invalidate` or expired.
    pub async fn preview(&self, id: &str, business_id: &str, invalidate: bool) -> Result<Flow, ApiError> {
        let mut f = self.flow(id, business_id).await?;
        let now = self.clock.now_ms();
        if invalidate || f.preview_expires_at <= now {
            f.preview_token = crate::ids::new_secret(24);
            f.preview_expires_at = now + PREVIEW_TTL_MS;
            self.store.update_flow(&f).await?;
        }
        Ok(f)
    }

    /// A flow by its preview token (the public preview page), while the token is current.
    pub async fn by_preview(&self, id: &str, token: &str) -> Result<Flow, ApiError> {
        match self.store.flow(id).await? {
            Some(f) if f.preview_token == token && f.preview_expires_at > self.clock.now_ms() => Ok(f),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    /// `POST /{phone-number-id}/whatsapp_business_encryption`: the number's public key (PEM).
    pub async fn set_public_key(&self, phone_number_id: &str, pem: &str) -> Result<(), ApiError> {
        let pem = pem.trim();
        if !(pem.starts_with("-----BEGIN PUBLIC KEY-----") || pem.starts_with("-----BEGIN RSA PUBLIC KEY-----"))
            || !pem.ends_with("-----")
        {
            return Err(ApiError::bad_value(
                "business_public_key: a 2048-bit RSA public key in PEM (-----BEGIN PUBLIC KEY-----)",
            ));
        }
        self.endpoint.check_key(pem).map_err(|e| ApiError::bad_value(format!("business_public_key: {e}")))?;
        self.store.set_business_public_key(phone_number_id, pem, self.clock.now_ms()).await?;
        Ok(())
    }

    /// The number's public key (PEM), if one was set.
    pub async fn public_key(&self, phone_number_id: &str) -> Result<Option<String>, ApiError> {
        Ok(self.store.business_public_key(phone_number_id).await?)
    }
}
