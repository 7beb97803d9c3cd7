//! Catalogs and orders (issue #18, parts 1 and 2), in the shape of Meta's commerce API: a
//! business owns catalogs and connects one to each WABA; products carry a retailer id, a price
//! in integer minor units and an availability; product, product list and catalog messages are
//! checked against the stored catalog; a customer's cart becomes an [`Order`] priced from the
//! catalog, never from what the client sent.

pub mod batch;
pub mod money;
pub mod orders;
pub mod products;

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::clock::Clock;
use crate::error::{ApiError, ErrorCode, StoreError};
use crate::graph::str_param;
use crate::model::Waba;
use crate::store::Store;
pub use crate::store::{Catalog, Order, OrderItem, Product};

/// Catalog `vertical` values Risala accepts (products of any kind are `commerce`).
pub const VERTICALS: &[&str] = &["commerce"];
/// Longest catalog name.
pub const MAX_CATALOG_NAME: usize = 200;

/// A catalog's wire shape (Meta's ProductCatalog fields).
pub fn catalog_json(c: &Catalog, product_count: usize) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), c.id.clone().into());
    m.insert("name".into(), c.name.clone().into());
    m.insert("vertical".into(), c.vertical.clone().into());
    m.insert("product_count".into(), product_count.into());
    if let Some(w) = &c.waba_id {
        m.insert("whatsapp_business_account".into(), json!({"id": w}));
    }
    m
}

/// An order's wire shape (Risala's own read; Meta has none): amounts in minor units with
/// `offset` (10^exponent), as Meta's `order_details` writes them, so a business can bill the
/// order with `reference_id` = `reference_id` here.
pub fn order_json(o: &Order) -> Value {
    let offset = 10i64.pow(money::exponent(&o.currency));
    json!({
        "id": o.id,
        "reference_id": o.reference,
        "catalog_id": o.catalog_id,
        "phone_number_id": o.phone_number_id,
        "wa_id": o.wa_id,
        "message_id": o.message_id,
        "text": o.note,
        "currency": o.currency,
        "total_amount": {"value": o.total, "offset": offset},
        "total_formatted": money::format_minor(o.total, &o.currency),
        "product_items": o.items.iter().map(|i| json!({
            "product_retailer_id": i.product_retailer_id,
            "name": i.name,
            "quantity": i.quantity,
            "item_price": {"value": i.item_price, "offset": offset},
            "currency": i.currency,
        })).collect::<Vec<_>>(),
        "created_time": o.created_at / 1000,
    })
}

/// A Graph management parameter that is missing: 100 (the messaging API's 131008 is for
/// message sends).
pub fn required(field: &str) -> ApiError {
    ApiError::invalid(format!("The parameter {field} is required."))
}

/// A catalog's `name`: 1 to [`MAX_CATALOG_NAME`] characters, trimmed.
fn catalog_name(body: &Map<String, Value>) -> Result<&str, ApiError> {
    let name = str_param(body, "name")?.map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(required("name"));
    }
    if name.chars().count() > MAX_CATALOG_NAME {
        return Err(ApiError::invalid(format!("Param name must be at most {MAX_CATALOG_NAME} characters")));
    }
    Ok(name)
}

fn only(body: &Map<String, Value>, allowed: &[&str]) -> Result<(), ApiError> {
    match body.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::invalid(format!("Unexpected key \"{k}\" (allowed: {})", allowed.join(", ")))),
        None => Ok(()),
    }
}

/// The catalog service: catalogs, their connection to WABAs, products and orders.
#[derive(Clone)]
pub struct CatalogService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl CatalogService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        CatalogService { store, clock }
    }

    /// A catalog of the business, or Graph's 100/33.
    pub async fn get(&self, business_id: &str, id: &str) -> Result<Catalog, ApiError> {
        match self.store.catalog(id).await? {
            Some(c) if c.business_id == business_id => Ok(c),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    pub async fn list(&self, business_id: &str) -> Result<Vec<Catalog>, ApiError> {
        Ok(self.store.catalogs(business_id).await?)
    }

    /// The number of products of a catalog.
    pub async fn product_count(&self, id: &str) -> Result<usize, ApiError> {
        Ok(self.store.products(id).await?.len())
    }

    /// `POST /{business-id}/owned_product_catalogs {name, vertical?}`.
    pub async fn create(&self, business_id: &str, body: &Map<String, Value>) -> Result<Catalog, ApiError> {
        only(body, &["name", "vertical"])?;
        let name = catalog_name(body)?;
        let vertical = str_param(body, "vertical")?.unwrap_or("commerce").to_ascii_lowercase();
        if !VERTICALS.contains(&vertical.as_str()) {
            return Err(ApiError::invalid(format!("Param vertical must be one of: {}", VERTICALS.join(", "))));
        }
        let now = self.clock.now_ms();
        let c = Catalog {
            id: crate::ids::new_object_id(),
            business_id: business_id.to_string(),
            name: name.to_string(),
            vertical,
            waba_id: None,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_catalog(&c).await?;
        Ok(c)
    }

    /// `POST /{catalog-id} {name}`.
    pub async fn rename(&self, c: &Catalog, body: &Map<String, Value>) -> Result<Catalog, ApiError> {
        only(body, &["name"])?;
        let name = catalog_name(body)?;
        let mut c = c.clone();
        c.name = name.to_string();
        c.updated_at = self.clock.now_ms();
        self.store.update_catalog(&c).await?;
        Ok(c)
    }

    /// `DELETE /{catalog-id}`: the catalog and its products; a connected WABA has none after.
    pub async fn delete(&self, c: &Catalog) -> Result<(), ApiError> {
        Ok(self.store.delete_catalog(&c.id).await?)
    }

    /// The catalog connected to a WABA (`GET /{waba-id}/product_catalogs`).
    pub async fn waba_catalog(&self, waba_id: &str) -> Result<Option<Catalog>, ApiError> {
        Ok(self.store.waba_catalog(waba_id).await?)
    }

    /// The `catalog_id` of a connect or disconnect body: one of the business's catalogs.
    async fn named_catalog(&self, waba: &Waba, body: &Map<String, Value>) -> Result<Catalog, ApiError> {
        only(body, &["catalog_id"])?;
        let id = str_param(body, "catalog_id")?.map(str::trim).unwrap_or_default();
        if id.is_empty() {
            return Err(required("catalog_id"));
        }
        match self.store.catalog(id).await? {
            Some(c) if c.business_id == waba.business_id => Ok(c),
            _ => Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("catalog_id: no catalog {id} owned by this WhatsApp Business Account's business"),
            )),
        }
    }

    /// `POST /{waba-id}/product_catalogs {catalog_id}`: a WABA has one catalog, so another
    /// catalog connected to it is disconnected.
    pub async fn connect(&self, waba: &Waba, body: &Map<String, Value>) -> Result<Catalog, ApiError> {
        let mut c = self.named_catalog(waba, body).await?;
        let now = self.clock.now_ms();
        if let Some(mut old) = self.store.waba_catalog(&waba.id).await?.filter(|o| o.id != c.id) {
            old.waba_id = None;
            old.updated_at = now;
            self.store.update_catalog(&old).await?;
        }
        c.waba_id = Some(waba.id.clone());
        c.updated_at = now;
        self.store.update_catalog(&c).await?;
        Ok(c)
    }

    /// `DELETE /{waba-id}/product_catalogs {catalog_id}`: 100 when that catalog is not the
    /// one connected.
    pub async fn disconnect(&self, waba: &Waba, body: &Map<String, Value>) -> Result<(), ApiError> {
        let mut c = self.named_catalog(waba, body).await?;
        if c.waba_id.as_deref() != Some(waba.id.as_str()) {
            return Err(ApiError::invalid(format!(
                "catalog_id: catalog {} is not connected to WhatsApp Business Account {}",
                c.id, waba.id
            )));
        }
        c.waba_id = None;
        c.updated_at = self.clock.now_ms();
        self.store.update_catalog(&c).await?;
        Ok(())
    }

    pub async fn products(&self, catalog_id: &str) -> Result<Vec<Product>, ApiError> {
        Ok(self.store.products(catalog_id).await?)
    }

    pub async fn product(&self, catalog_id: &str, retailer_id: &str) -> Result<Option<Product>, ApiError> {
        Ok(self.store.product(catalog_id, retailer_id).await?)
    }

    /// `POST /{catalog-id}/products`: a new product; a retailer id the catalog already has is
    /// 100 (change a product with `items_batch` UPDATE).
    pub async fn create_product(&self, c: &Catalog, body: &Map<String, Value>) -> Result<Product, ApiError> {
        let now = self.clock.now_ms();
        let p = products::apply(&products::blank(&c.id, now), body, true, "")?;
        let taken = || {
            ApiError::invalid(format!(
                "retailer_id: catalog {} already has a product '{}' (change it with items_batch UPDATE)",
                c.id, p.retailer_id
            ))
        };
        if self.store.product(&c.id, &p.retailer_id).await?.is_some() {
            return Err(taken());
        }
        // A plain insert, not the batch's upsert: a create of the same retailer id that passed
        // the read at the same moment is refused by the unique key instead of overwriting it.
        match self.store.create_product(&p).await {
            Ok(()) => Ok(p),
            Err(StoreError::Conflict(_)) => Err(taken()),
            Err(e) => Err(e.into()),
        }
    }

    /// The orders of a conversation, oldest first.
    pub async fn conversation_orders(&self, phone_number_id: &str, wa_id: &str) -> Result<Vec<Order>, ApiError> {
        Ok(self.store.conversation_orders(phone_number_id, wa_id).await?)
    }

    /// An order of the business, or 100/33.
    pub async fn order(&self, business_id: &str, id: &str) -> Result<Order, ApiError> {
        match self.store.order(id).await? {
            Some(o) if o.business_id == business_id => Ok(o),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
