//! `GET /customer/v1/chats/{business_number}/catalog`: what a customer's app needs to show a
//! business's products: the catalog connected to the number's WABA with its products (name,
//! description, price in minor units and formatted, image, availability), and the number's
//! commerce switches (`cart_enabled`: the page offers a cart; `catalog_visible`: the page
//! offers the storefront). `catalog` is `null` when no catalog is connected.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::commerce::products;
use serde_json::{json, Value};

use super::CustomerCaller;
use crate::error::GraphResult;
use crate::state::AppState;

pub async fn catalog(
    State(state): State<AppState>,
    CustomerCaller(_): CustomerCaller,
    Path(number): Path<String>,
) -> GraphResult<Json<Value>> {
    let phone = state.customers.business_number(&number).await?;
    let settings = state.messaging.commerce_settings(&phone.id).await?;
    let catalog = match state.catalogs.waba_catalog(&phone.waba_id).await? {
        Some(c) => {
            let items: Vec<Value> = state.catalogs.products(&c.id).await?.iter().map(products::to_json).collect();
            json!({"id": c.id, "name": c.name, "products": items})
        }
        None => Value::Null,
    };
    Ok(Json(json!({
        "cart_enabled": settings.is_cart_enabled,
        "catalog_visible": settings.is_catalog_visible,
        "catalog": catalog,
    })))
}
