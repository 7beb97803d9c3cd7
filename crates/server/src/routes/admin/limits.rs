//! `GET/POST /admin/v1/businesses/{id}/messaging_limit`: a business's messaging limit tier,
//! its unique customers in the last 24 hours, when an automatic upgrade is due, and each
//! number's quality; POST `{"tier":"TIER_10K"}` sets the tier (webhooks `UPGRADE` /
//! `DOWNGRADE` and `business_capability_update`).

use axum::extract::{Path, State};
use axum::Json;
use risala_core::model::Tier;
use risala_core::ApiError;
use serde_json::Value;

use super::Admin;
use crate::error::GraphResult;
use crate::extract::GraphBody;
use crate::state::AppState;

fn visible(admin: &Admin, business_id: &str) -> GraphResult<()> {
    if admin.sees(business_id) {
        Ok(())
    } else {
        Err(ApiError::object_not_found(business_id).into())
    }
}

pub async fn show(State(state): State<AppState>, admin: Admin, Path(id): Path<String>) -> GraphResult<Json<Value>> {
    visible(&admin, &id)?;
    Ok(Json(state.messaging.quality().view(&id).await?.to_json()))
}

pub async fn set(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    visible(&admin, &id)?;
    let tier = match body.get("tier") {
        Some(Value::String(s)) => Tier::parse(s).ok_or_else(|| {
            ApiError::bad_value(format!(
                "tier: '{s}' is not one of TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED"
            ))
        })?,
        Some(_) => return Err(ApiError::invalid("tier must be a string").into()),
        None => return Err(ApiError::missing("tier").into()),
    };
    let quality = state.messaging.quality();
    let (old, _) = quality.set_tier(&id, tier).await?;
    let mut v = quality.view(&id).await?.to_json();
    v["previous_tier"] = Value::String(old.as_str().into());
    Ok(Json(v))
}
