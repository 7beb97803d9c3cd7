//! Reading the tenancy: the Graph object index (which business owns an id, and what it is),
//! and the objects themselves, each read only by a caller that may see it.
//!
//! Scoping follows Graph: an id that does not exist and an id of another business get the same
//! answer, so ids of other tenants cannot be probed. `scope` arguments are the business a caller
//! is limited to (`None`: the operator, who sees every business).

use super::TenancyService;
use crate::error::{ApiError, ErrorCode};
use crate::graph::{page_in_memory, Filter};
use crate::model::{App, Business, ObjectKind, ObjectRef, Page, PageRequest, PhoneNumber, Waba};
use crate::StoreError;
use std::sync::Arc;

/// Graph's answer to an id that is not a number (a username or alias it does not know).
pub fn alias_not_found(alias: &str) -> ApiError {
    ApiError::new(ErrorCode::AliasNotFound, format!("Some of the aliases you requested do not exist: {alias}"))
        .with_message(format!("Some of the aliases you requested do not exist: {alias}"))
}

/// Fields `filtering=` supports on a WABA's numbers (Meta's list).
pub const NUMBER_FILTERS: &[&str] = &["account_mode", "messaging_limit_tier", "is_official_business_account"];
/// Fields `sort=` supports on a WABA's numbers.
pub const NUMBER_SORTS: &[&str] = &["creation_time", "last_onboarded_time"];

/// A number's value of a filterable field, as text.
fn number_field(n: &PhoneNumber, field: &str) -> String {
    match field {
        "account_mode" => n.account_mode.clone(),
        "messaging_limit_tier" => n.messaging_limit_tier.clone(),
        "is_official_business_account" => n.official.to_string(),
        _ => String::new(),
    }
}

fn sees(scope: Option<&str>, business_id: &str) -> bool {
    scope.is_none_or(|b| b == business_id)
}

impl TenancyService {
    /// The index entry of an id, cached: the kind and owner of an id never change.
    pub async fn object(&self, id: &str) -> Result<Option<Arc<ObjectRef>>, ApiError> {
        let store = &self.store;
        Ok(self
            .objects
            .get_or_find(id, || async { Ok::<_, StoreError>(store.object(id).await?.map(Arc::new)) })
            .await?)
    }

    /// `id` for a caller of `business_id`, when it is one of `kinds` (any kind when empty).
    pub async fn resolve(&self, business_id: &str, id: &str, kinds: &[ObjectKind]) -> Result<Arc<ObjectRef>, ApiError> {
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

    /// A page of a WABA's numbers that pass `filters`, in id order or by `sort` (a field of
    /// [`NUMBER_SORTS`] and whether descending), and how many pass in all. A WABA holds a handful
    /// of numbers (Meta allows 2 to 20 a portfolio), so they are filtered and paged in memory.
    pub async fn phone_numbers(
        &self,
        waba_id: &str,
        filters: &[Filter],
        sort: Option<&(String, bool)>,
        page: &PageRequest,
    ) -> Result<(Page<PhoneNumber>, usize), ApiError> {
        let mut all = Vec::new();
        let mut req = PageRequest { limit: 1000, ..Default::default() };
        loop {
            let p = self.store.page_phone_numbers(waba_id, &req).await?;
            req.after = p.items.last().map(|n| n.id.clone());
            all.extend(p.items);
            if !p.has_more_after || req.after.is_none() {
                break;
            }
        }
        all.retain(|n| filters.iter().all(|f| f.passes(&number_field(n, &f.field))));
        if let Some((_, desc)) = sort {
            // Both sortable times are the number's onboarding here; ties keep id order.
            all.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
            if *desc {
                all.reverse();
            }
        }
        let total = all.len();
        Ok((page_in_memory(&all, |n| n.id.as_str(), page), total))
    }
}
