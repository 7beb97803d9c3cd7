//! Catalogs, their products and customers' orders (issue #18, parts 1 and 2).

use async_trait::async_trait;
use serde_json::Value;

use super::StoreResult;
use crate::clock::Millis;

/// A product catalog owned by a business, connected to at most one of its WABAs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    pub id: String,
    pub business_id: String,
    pub name: String,
    /// Meta's `vertical` (`commerce` unless given).
    pub vertical: String,
    /// The WABA the catalog is connected to (`POST /{waba-id}/product_catalogs`).
    pub waba_id: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// One product of a catalog, keyed by the business's retailer id.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: String,
    pub catalog_id: String,
    pub retailer_id: String,
    pub name: String,
    pub description: String,
    /// Integer minor units of `currency` (cents for USD, fils for KWD, yen for JPY).
    pub price: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    /// `in stock`, `out of stock`, `preorder`, `available for order`, `discontinued`.
    pub availability: String,
    /// `new`, `refurbished`, `used`.
    pub condition: String,
    pub image_url: Option<String>,
    pub url: Option<String>,
    /// Variants of one product share an item group id.
    pub item_group_id: Option<String>,
    /// The variant's attributes (`color`, `size`, `gender`, `material`, `pattern`): an object.
    pub variant: Value,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// One line of an order, priced from the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    pub product_retailer_id: String,
    pub name: String,
    pub quantity: i64,
    /// The catalog's price of one item, in minor units of `currency`.
    pub item_price: i64,
    pub currency: String,
}

/// A customer's order (a sent cart), stored with the conversation it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: String,
    /// A stable reference the business can use as `reference_id` when it bills the order.
    pub reference: String,
    pub business_id: String,
    pub phone_number_id: String,
    pub wa_id: String,
    /// The inbound `order` message.
    pub message_id: String,
    pub catalog_id: String,
    pub items: Vec<OrderItem>,
    /// The customer's note (`order.text`).
    pub note: String,
    pub currency: String,
    /// Sum of quantity × item price, in minor units.
    pub total: i64,
    pub created_at: Millis,
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Creates the catalog and its Graph object index entry.
    async fn insert_catalog(&self, c: &Catalog) -> StoreResult<()>;
    /// Name, vertical and connected WABA; `false` when there is no such catalog.
    async fn update_catalog(&self, c: &Catalog) -> StoreResult<bool>;
    /// The catalog, its products and its index entry.
    async fn delete_catalog(&self, id: &str) -> StoreResult<()>;
    async fn catalog(&self, id: &str) -> StoreResult<Option<Catalog>>;
    /// A business's catalogs, oldest first.
    async fn catalogs(&self, business_id: &str) -> StoreResult<Vec<Catalog>>;
    /// The catalog connected to a WABA.
    async fn waba_catalog(&self, waba_id: &str) -> StoreResult<Option<Catalog>>;
    /// A catalog's products by retailer id.
    async fn products(&self, catalog_id: &str) -> StoreResult<Vec<Product>>;
    async fn product(&self, catalog_id: &str, retailer_id: &str) -> StoreResult<Option<Product>>;
    /// A new product; [`StoreError::Conflict`](crate::error::StoreError::Conflict) when its
    /// catalog has one of that retailer id.
    async fn create_product(&self, p: &Product) -> StoreResult<()>;
    /// Creates or replaces products (by retailer id; a replaced product keeps its id and
    /// creation time) and deletes products by retailer id, in one commit.
    async fn write_products(&self, catalog_id: &str, upserts: &[Product], deletes: &[String]) -> StoreResult<()>;
    async fn insert_order(&self, o: &Order) -> StoreResult<()>;
    async fn order(&self, id: &str) -> StoreResult<Option<Order>>;
    /// The orders of one conversation (a number and a customer), oldest first.
    async fn conversation_orders(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Vec<Order>>;
}
