//! Tenancy service: creating businesses, WABAs, numbers, apps and tokens, and the demo tenant
//! a fresh sandbox starts with.

mod lookup;

pub use lookup::{alias_not_found, NUMBER_FILTERS, NUMBER_SORTS};

use std::sync::Arc;

use crate::cache::TtlCache;
use crate::clock::{Clock, Millis};
use crate::error::{ApiError, StoreError};
use crate::ids;
use crate::model::*;
use crate::phone::WaId;
use crate::store::Store;

/// Setting key under which the demo tenant's ids are kept.
pub const DEMO_SETTING: &str = "demo_tenant";

/// The demo tenant's ids (stored as JSON in the settings table).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DemoIds {
    pub business_id: String,
    pub waba_id: String,
    pub app_id: String,
    pub phone_number_id: String,
    pub token_id: String,
}

/// The demo tenant as seeding reports it.
#[derive(Debug, Clone)]
pub struct DemoTenant {
    pub ids: DemoIds,
    pub phone: PhoneNumber,
    pub app: App,
    /// The plain token, when it is known: on the first start, or when a fixed value was given.
    pub token: Option<String>,
    /// True when this start created the tenant.
    pub created: bool,
}

/// Demo number: a +1 555 number, like Meta's test numbers.
pub const DEMO_NUMBER: &str = "15550100001";

/// Options for [`TenancyService::create_phone_number`].
#[derive(Debug, Clone)]
pub struct NewPhoneNumber<'a> {
    pub waba_id: &'a str,
    pub number: &'a str,
    pub verified_name: &'a str,
    /// `SANDBOX` or `LIVE`.
    pub account_mode: &'a str,
}

#[derive(Clone)]
pub struct TenancyService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Graph object index entries: the kind and owner of an id never change, so a minute is safe.
    objects: Arc<TtlCache<String, Arc<ObjectRef>>>,
}

fn conflict_or(e: StoreError, what: &str) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::invalid(format!("{what} already exists")),
        other => other.into(),
    }
}

impl TenancyService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        TenancyService { store, clock, objects: Arc::new(TtlCache::new(std::time::Duration::from_secs(60), 100_000)) }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Drop the cached Graph object index (the state was replaced).
    pub fn forget_all(&self) {
        self.objects.clear();
    }

    pub async fn create_business(&self, name: &str) -> Result<Business, ApiError> {
        let name = non_empty(name, "name")?;
        let b = Business { id: ids::new_object_id(), name, created_at: self.clock.now_ms() };
        self.store.create_business(&b).await?;
        Ok(b)
    }

    pub async fn create_waba(&self, business_id: &str, name: &str) -> Result<Waba, ApiError> {
        let name = non_empty(name, "name")?;
        if self.store.business(business_id).await?.is_none() {
            return Err(ApiError::object_not_found(business_id));
        }
        let w = Waba {
            id: ids::new_object_id(),
            business_id: business_id.to_string(),
            name,
            currency: "USD".into(),
            timezone_id: "1".into(),
            message_template_namespace: ids::new_secret(8).to_lowercase(),
            created_at: self.clock.now_ms(),
        };
        self.store.create_waba(&w).await?;
        Ok(w)
    }

    pub async fn create_phone_number(&self, new: NewPhoneNumber<'_>) -> Result<PhoneNumber, ApiError> {
        let waba = self.store.waba(new.waba_id).await?.ok_or_else(|| ApiError::object_not_found(new.waba_id))?;
        let number = WaId::parse(new.number, None).map_err(|e| ApiError::bad_value(format!("phone number: {e}")))?;
        let verified_name = non_empty(new.verified_name, "verified_name")?;
        let mode = match new.account_mode {
            "SANDBOX" | "LIVE" => new.account_mode.to_string(),
            other => return Err(ApiError::bad_value(format!("account_mode must be SANDBOX or LIVE, not {other}"))),
        };
        let p = PhoneNumber {
            id: ids::new_object_id(),
            waba_id: waba.id.clone(),
            business_id: waba.business_id.clone(),
            number: number.into_string(),
            verified_name,
            quality_rating: "GREEN".into(),
            code_verification_status: "VERIFIED".into(),
            name_status: "APPROVED".into(),
            status: crate::model::NUMBER_CONNECTED.into(),
            throughput_level: "STANDARD".into(),
            messaging_limit_tier: "TIER_250".into(),
            account_mode: mode,
            created_at: self.clock.now_ms(),
            // Numbers the operator adds are ready at once (the demo number among them); a
            // business adds its own through `POST /{waba-id}/phone_numbers` and registers it.
            registered: true,
            pin_enabled: false,
            new_name_status: "NONE".into(),
            requested_name: None,
            official: false,
        };
        self.store.create_phone_number(&p).await.map_err(|e| conflict_or(e, "this phone number"))?;
        Ok(p)
    }

    pub async fn create_app(&self, business_id: &str, name: &str) -> Result<App, ApiError> {
        let name = non_empty(name, "name")?;
        if self.store.business(business_id).await?.is_none() {
            return Err(ApiError::object_not_found(business_id));
        }
        let a = App {
            id: ids::new_object_id(),
            business_id: business_id.to_string(),
            name,
            app_secret: ids::new_app_secret(),
            created_at: self.clock.now_ms(),
        };
        self.store.create_app(&a).await?;
        Ok(a)
    }

    /// Creates a token and returns it with its plain value, which is never stored.
    /// `fixed` sets the value instead of a random one (demo tokens for scripts).
    pub async fn create_token(
        &self,
        business_id: &str,
        name: &str,
        permissions: &[Permission],
        fixed: Option<&str>,
    ) -> Result<(TokenRecord, String), ApiError> {
        if self.store.business(business_id).await?.is_none() {
            return Err(ApiError::object_not_found(business_id));
        }
        if permissions.is_empty() {
            return Err(ApiError::bad_value("a token needs at least one permission"));
        }
        let plain = match fixed {
            Some(t) if t.len() < 16 || t.chars().any(|c| !c.is_ascii_graphic()) => {
                return Err(ApiError::bad_value("a fixed token must be at least 16 printable ASCII characters"))
            }
            Some(t) => t.to_string(),
            None => ids::new_access_token(),
        };
        let t = TokenRecord {
            id: ids::new_object_id(),
            business_id: business_id.to_string(),
            name: name.to_string(),
            token_hash: ids::hash_token(&plain),
            permissions: permissions.to_vec(),
            created_at: self.clock.now_ms(),
            revoked_at: None,
            expires_at: None,
        };
        self.store.create_token(&t).await.map_err(|e| conflict_or(e, "a token with this value"))?;
        Ok((t, plain))
    }

    pub async fn revoke_token(&self, id: &str) -> Result<bool, ApiError> {
        Ok(self.store.revoke_token(id, self.clock.now_ms()).await?)
    }

    /// Make an active token expire `in_ms` from now (0: at once; the next request with it
    /// fails with 190/463), or never (`None`). False when no active token has `id`.
    pub async fn expire_token(&self, id: &str, in_ms: Option<Millis>) -> Result<bool, ApiError> {
        let at = match in_ms {
            Some(ms) if ms < 0 => return Err(ApiError::bad_value("a token cannot expire in the past")),
            Some(ms) => Some(self.clock.now_ms().saturating_add(ms)),
            None => None,
        };
        Ok(self.store.expire_token(id, at).await?)
    }

    /// A token by id, if it belongs to `business_id` (`None`: any business, the operator's view).
    pub async fn token(&self, business_id: Option<&str>, id: &str) -> Result<Option<TokenRecord>, ApiError> {
        Ok(self.store.list_tokens(business_id).await?.into_iter().find(|t| t.id == id))
    }

    /// The demo tenant, if one was created.
    pub async fn demo(&self) -> Result<Option<(DemoIds, PhoneNumber, App)>, ApiError> {
        let Some(raw) = self.store.setting(DEMO_SETTING).await? else {
            return Ok(None);
        };
        let ids: DemoIds = serde_json::from_str(&raw).map_err(|e| ApiError::internal().with_cause(e))?;
        let phone = self.store.phone_number(&ids.phone_number_id).await?.ok_or_else(ApiError::internal)?;
        let app = self.store.app(&ids.app_id).await?.ok_or_else(ApiError::internal)?;
        Ok(Some((ids, phone, app)))
    }

    /// Creates the demo tenant on the first start; later starts find it and create nothing,
    /// except a token with the `fixed_token` value when one is given and not yet stored.
    pub async fn ensure_demo(&self, fixed_token: Option<&str>) -> Result<DemoTenant, ApiError> {
        if let Some((ids, phone, app)) = self.demo().await? {
            let mut token = None;
            if let Some(fixed) = fixed_token {
                if self.store.token_by_hash(&ids::hash_token(fixed)).await?.is_none() {
                    self.create_token(&ids.business_id, "demo (fixed)", &Permission::ALL, Some(fixed)).await?;
                }
                token = Some(fixed.to_string());
            }
            return Ok(DemoTenant { ids, phone, app, token, created: false });
        }
        let business = self.create_business("Risala Demo Business").await?;
        let waba = self.create_waba(&business.id, "Risala Demo WABA").await?;
        crate::templates::service::seed_hello_world(&*self.store, &waba, self.clock.now_ms()).await?;
        let app = self.create_app(&business.id, "Risala Demo App").await?;
        let phone = self
            .create_phone_number(NewPhoneNumber {
                waba_id: &waba.id,
                number: DEMO_NUMBER,
                verified_name: "Risala Demo",
                account_mode: "SANDBOX",
            })
            .await?;
        let (token, plain) = self.create_token(&business.id, "demo", &Permission::ALL, fixed_token).await?;
        let ids = DemoIds {
            business_id: business.id,
            waba_id: waba.id,
            app_id: app.id.clone(),
            phone_number_id: phone.id.clone(),
            token_id: token.id,
        };
        let raw = serde_json::to_string(&ids).map_err(|e| ApiError::internal().with_cause(e))?;
        self.store.set_setting(DEMO_SETTING, &raw).await?;
        Ok(DemoTenant { ids, phone, app, token: Some(plain), created: true })
    }
}

fn non_empty(s: &str, field: &str) -> Result<String, ApiError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ApiError::missing(field));
    }
    Ok(t.to_string())
}
