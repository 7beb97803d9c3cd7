//! Reading the tenancy: the Graph object index (which business owns an id, and what it is),
//! and the objects themselves, each read only by a caller that may see it.
//!
//! Scoping follows Graph: an id that does not exist and an id of another business get the same
//! answer, so ids of other tenants cannot be probed. `scope` arguments are the business a caller
//! is limited to (`None`: the operator, who sees every business).

use super::TenancyService;
use crate::error::{ApiError, ErrorCode};
use crate::model::{App, Business, ObjectKind, ObjectRef, Page, PageRequest, PhoneNumber, Waba};

/// Graph's answer to an id that is not a number (a username or alias it does not know).
pub fn alias_not_found(alias: &str) -> ApiError {
    ApiError::new(ErrorCode::AliasNotFound, format!("Some of the aliases you requested do not exist: {alias}"))
        .with_message(format!("Some of the aliases you requested do not exist: {alias}"))
}

fn sees(scope: Option<&str>, business_id: &str) -> bool {
    scope.is_none_or(|b| b == business_id)
}

impl TenancyService {
    /// The index entry of an id, cached: the kind and owner of an id never change.
    pub async fn object(&self, id: &str) -> Result<Option<ObjectRef>, ApiError> {
        if let Some(o) = self.objects.get(&id.to_string()) {
            return Ok(Some(o));
        }
        let o = self.store.object(id).await?;
        if let Some(o) = &o {
            self.objects.insert(id.to_string(), o.clone());
        }
        Ok(o)
    }

    /// `id` for a caller of `business_id`, when it is one of `kinds` (any kind when empty).
    pub async fn resolve(&self, business_id: &str, id: &str, kinds: &[ObjectKind]) -> Result<ObjectRef, ApiError> {
        if !crate::ids::is_object_id(id) {
            return Err(alias_not_found(id));
        }
        match self.object(id).await? {
            Some(o) if o.business_id == business_id && (kinds.is_empty() || kinds.contains(&o.kind)) => Ok(o),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    pub async fn phone_number(&self, id: &str, scope: Option<&str>) -> Result<PhoneNumber, ApiError> {
        let p = self.store.phone_number(id).await?.filter(|p| sees(scope, &p.business_id));
        p.ok_or_else(|| ApiError::object_not_found(id))
    }

    pub async fn waba(&self, id: &str, scope: Option<&str>) -> Result<Waba, ApiError> {
        let w = self.store.waba(id).await?.filter(|w| sees(scope, &w.business_id));
        w.ok_or_else(|| ApiError::object_not_found(id))
    }

    pub async fn business(&self, id: &str, scope: Option<&str>) -> Result<Business, ApiError> {
        let b = self.store.business(id).await?.filter(|b| sees(scope, &b.id));
        b.ok_or_else(|| ApiError::object_not_found(id))
    }

    pub async fn app(&self, id: &str, scope: Option<&str>) -> Result<App, ApiError> {
        let a = self.store.app(id).await?.filter(|a| sees(scope, &a.business_id));
        a.ok_or_else(|| ApiError::object_not_found(id))
    }

    /// The business's first app (Meta takes the app of the calling token where none is named).
    pub async fn first_app(&self, business_id: &str) -> Result<Option<App>, ApiError> {
        Ok(self.store.list_apps(Some(business_id)).await?.into_iter().next())
    }

    /// A page of a WABA's numbers.
    pub async fn phone_numbers(&self, waba_id: &str, page: &PageRequest) -> Result<Page<PhoneNumber>, ApiError> {
        Ok(self.store.page_phone_numbers(waba_id, page).await?)
    }

    /// A business number by its digits (what a customer addresses).
    pub async fn phone_by_number(&self, number: &str) -> Result<Option<PhoneNumber>, ApiError> {
        Ok(self.store.phone_number_by_number(number).await?)
    }
}
