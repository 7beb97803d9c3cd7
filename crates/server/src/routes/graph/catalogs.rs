//! The catalog API in the shape of Meta's commerce API (issue #18):
//! - `GET|POST /{business-id}/owned_product_catalogs`: a business's catalogs, create one;
//! - `GET|POST|DELETE /{catalog-id}` (through `objects`): read, rename, delete;
//! - `GET|POST /{catalog-id}/products`: list, create one product;
//! - `POST /{catalog-id}/items_batch`: Meta's batch (CREATE/UPDATE/DELETE) with a report;
//! - `POST /{catalog-id}/items_csv {csv}`: Risala's own CSV upload, the same report;
//! - `GET|POST|DELETE /{waba-id}/product_catalogs`: the catalog connected to a WABA;
//! - `GET /{phone-number-id}/orders?wa_id=`: Risala's own read of a conversation's orders.
//!
//! Reads work with either permission (a sender needs catalog and retailer ids); changes need
//! `whatsapp_business_management`.

use axum::extract::{Path, State};
use axum::Json;
use risala_core::commerce::{catalog_json, order_json, products, Catalog};
use risala_core::graph::{parse_fields, project, FieldSel};
use risala_core::model::{ObjectKind, Permission};
use risala_core::ApiError;
use serde_json::{json, Value};

use super::{resolve, waba_for};
use crate::error::GraphResult;
use crate::extract::{Caller, GraphBody, GraphQuery};
use crate::state::AppState;

/// Fields of a catalog answered without `fields=`.
const CATALOG_DEFAULT: &[&str] = &["name"];

async fn catalog(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Catalog> {
    let obj = resolve(state, caller, id, &[ObjectKind::Catalog]).await?;
    Ok(state.catalogs.get(&caller.0.business_id, &obj.id).await?)
}

/// A catalog the caller may change (`whatsapp_business_management`).
async fn managed(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Catalog> {
    let c = catalog(state, caller, id).await?;
    caller.require(Permission::Management)?;
    Ok(c)
}

async fn business(state: &AppState, caller: &Caller, id: &str) -> GraphResult<String> {
    Ok(resolve(state, caller, id, &[ObjectKind::Business]).await?.id.clone())
}

async fn catalog_value(state: &AppState, c: &Catalog, fields: Option<&[FieldSel]>) -> GraphResult<Value> {
    let all = catalog_json(c, state.catalogs.product_count(&c.id).await?);
    Ok(project(&all, fields, CATALOG_DEFAULT, "ProductCatalog")?)
}

/// `GET /{catalog-id}` (called by `objects::get_object`).
pub async fn get(state: &AppState, caller: &Caller, id: &str, fields: Option<&[FieldSel]>) -> GraphResult<Value> {
    let c = catalog(state, caller, id).await?;
    catalog_value(state, &c, fields).await
}

/// `POST /{catalog-id} {name}` (called by `objects::post_object`).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: &serde_json::Map<String, Value>,
) -> GraphResult<Value> {
    let c = managed(state, caller, id).await?;
    state.catalogs.rename(&c, body).await?;
    Ok(json!({"success": true}))
}

/// `DELETE /{catalog-id}` (called by `objects::delete_object`).
pub async fn delete(state: &AppState, caller: &Caller, id: &str) -> GraphResult<Value> {
    let c = managed(state, caller, id).await?;
    state.catalogs.delete(&c).await?;
    Ok(json!({"success": true}))
}

/// `GET /{business-id}/owned_product_catalogs`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let business_id = business(&state, &caller, &id).await?;
    let mut data = Vec::new();
    for c in state.catalogs.list(&business_id).await? {
        data.push(catalog_value(&state, &c, fields.as_deref()).await?);
    }
    Ok(Json(json!({"data": data})))
}

/// `POST /{business-id}/owned_product_catalogs {name, vertical?}` → `{"id"}`.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let business_id = business(&state, &caller, &id).await?;
    caller.require(Permission::Management)?;
    let c = state.catalogs.create(&business_id, &body).await?;
    Ok(Json(json!({"id": c.id})))
}

/// `GET /{catalog-id}/products[?retailer_id=]`.
pub async fn list_products(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let c = catalog(&state, &caller, &id).await?;
    let only = q.get("retailer_id");
    let data: Vec<Value> = state
        .catalogs
        .products(&c.id)
        .await?
        .iter()
        .filter(|p| only.is_none_or(|r| r == p.retailer_id))
        .map(products::to_json)
        .collect();
    Ok(Json(json!({"data": data})))
}

/// `POST /{catalog-id}/products {retailer_id, name, price, currency, …}` → `{"id"}`.
pub async fn create_product(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let c = managed(&state, &caller, &id).await?;
    let p = state.catalogs.create_product(&c, &body).await?;
    Ok(Json(json!({"id": p.id})))
}

/// `POST /{catalog-id}/items_batch {item_type: PRODUCT_ITEM, requests: […]}`.
pub async fn items_batch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let c = managed(&state, &caller, &id).await?;
    let report = state.catalogs.items_batch(&c, &body).await?;
    Ok(Json(report.to_json(&risala_core::ids::new_object_id())))
}

/// `POST /{catalog-id}/items_csv {csv}`: Risala's own bulk upload.
pub async fn items_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let c = managed(&state, &caller, &id).await?;
    if let Some(k) = body.keys().find(|k| *k != "csv") {
        return Err(ApiError::invalid(format!("Unexpected key \"{k}\" (allowed: csv)")).into());
    }
    let csv = match body.get("csv") {
        Some(Value::String(s)) => s,
        Some(_) => return Err(ApiError::invalid("Param csv must be a string").into()),
        None => return Err(risala_core::commerce::required("csv").into()),
    };
    let report = state.catalogs.import_csv(&c, csv).await?;
    Ok(Json(report.to_json(&risala_core::ids::new_object_id())))
}

/// `GET /{waba-id}/product_catalogs`: the connected catalog (none or one).
pub async fn waba_catalogs(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let fields = q.get("fields").map(parse_fields).transpose()?;
    let obj = resolve(&state, &caller, &id, &[ObjectKind::Waba]).await?;
    let mut data = Vec::new();
    if let Some(c) = state.catalogs.waba_catalog(&obj.id).await? {
        data.push(catalog_value(&state, &c, fields.as_deref()).await?);
    }
    Ok(Json(json!({"data": data})))
}

/// `POST /{waba-id}/product_catalogs {catalog_id}` → `{"success": true}`.
pub async fn connect(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    state.catalogs.connect(&waba, &body).await?;
    Ok(Json(json!({"success": true})))
}

/// `DELETE /{waba-id}/product_catalogs {catalog_id}` → `{"success": true}`.
pub async fn disconnect(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GraphBody(body): GraphBody,
) -> GraphResult<Json<Value>> {
    let waba = waba_for(&state, &caller, &id).await?;
    state.catalogs.disconnect(&waba, &body).await?;
    Ok(Json(json!({"success": true})))
}

/// `GET /{phone-number-id}/orders?wa_id=`: Risala's own read of one conversation's orders.
pub async fn orders(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: GraphQuery,
) -> GraphResult<Json<Value>> {
    let obj = resolve(&state, &caller, &id, &[ObjectKind::PhoneNumber]).await?;
    let wa_id = q.get("wa_id").filter(|w| !w.is_empty()).ok_or_else(|| risala_core::commerce::required("wa_id"))?;
    let orders = state.catalogs.conversation_orders(&obj.id, wa_id).await?;
    Ok(Json(json!({"data": orders.iter().map(order_json).collect::<Vec<_>>()})))
}
