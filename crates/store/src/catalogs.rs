//! Catalogs, products and orders: storage for both engines.

use async_trait::async_trait;
use risala_core::model::ObjectKind;
use risala_core::store::*;
use risala_core::StoreError;
use serde_json::{json, Value};

use crate::db::Plan;
use crate::params;
use crate::sql::catalogs::*;
use crate::sql::tenancy::INSERT_OBJECT;
use crate::value::Row;
use crate::SqlStore;

fn catalog(r: &Row) -> StoreResult<Catalog> {
    Ok(Catalog {
        id: r.text(0)?,
        business_id: r.text(1)?,
        name: r.text(2)?,
        vertical: r.text(3)?,
        waba_id: r.opt_text(4)?,
        created_at: r.i64(5)?,
        updated_at: r.i64(6)?,
    })
}

fn json_col(r: &Row, i: usize, what: &str) -> StoreResult<Value> {
    serde_json::from_str(&r.text(i)?).map_err(|e| StoreError::Database(format!("{what}: {e}")))
}

fn product(r: &Row) -> StoreResult<Product> {
    Ok(Product {
        id: r.text(0)?,
        catalog_id: r.text(1)?,
        retailer_id: r.text(2)?,
        name: r.text(3)?,
        description: r.text(4)?,
        price: r.i64(5)?,
        currency: r.text(6)?,
        availability: r.text(7)?,
        condition: r.text(8)?,
        image_url: r.opt_text(9)?,
        url: r.opt_text(10)?,
        item_group_id: r.opt_text(11)?,
        variant: json_col(r, 12, "product variant")?,
        created_at: r.i64(13)?,
        updated_at: r.i64(14)?,
    })
}

fn order(r: &Row) -> StoreResult<Order> {
    let items = json_col(r, 7, "order items")?;
    let items = items
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| OrderItem {
            product_retailer_id: i["product_retailer_id"].as_str().unwrap_or_default().to_string(),
            name: i["name"].as_str().unwrap_or_default().to_string(),
            quantity: i["quantity"].as_i64().unwrap_or_default(),
            item_price: i["item_price"].as_i64().unwrap_or_default(),
            currency: i["currency"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    Ok(Order {
        id: r.text(0)?,
        reference: r.text(1)?,
        business_id: r.text(2)?,
        phone_number_id: r.text(3)?,
        wa_id: r.text(4)?,
        message_id: r.text(5)?,
        catalog_id: r.text(6)?,
        items,
        note: r.text(8)?,
        currency: r.text(9)?,
        total: r.i64(10)?,
        created_at: r.i64(11)?,
    })
}

/// A product's columns, in the order INSERT_PRODUCT and UPSERT_PRODUCT take them.
fn product_params(catalog_id: &str, p: &Product) -> Vec<crate::value::Value> {
    params![
        &p.id,
        catalog_id,
        &p.retailer_id,
        &p.name,
        &p.description,
        p.price,
        &p.currency,
        &p.availability,
        &p.condition,
        p.image_url.as_deref(),
        p.url.as_deref(),
        p.item_group_id.as_deref(),
        p.variant.to_string(),
        p.created_at,
        p.updated_at
    ]
}

#[async_trait]
impl CatalogStore for SqlStore {
    async fn insert_catalog(&self, c: &Catalog) -> StoreResult<()> {
        let mut plan = Plan::one(INSERT_OBJECT, params![&c.id, ObjectKind::Catalog.as_str(), &c.business_id]);
        plan.push(
            INSERT_CATALOG,
            params![&c.id, &c.business_id, &c.name, &c.vertical, c.waba_id.as_deref(), c.created_at, c.updated_at],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn update_catalog(&self, c: &Catalog) -> StoreResult<bool> {
        let plan = Plan::one(UPDATE_CATALOG, params![&c.name, &c.vertical, c.waba_id.as_deref(), c.updated_at, &c.id]);
        self.changed(plan, 0).await
    }

    async fn delete_catalog(&self, id: &str) -> StoreResult<()> {
        let mut plan = Plan::one(DELETE_CATALOG_PRODUCTS, params![id]);
        plan.push(DELETE_CATALOG, params![id]);
        plan.push(DELETE_CATALOG_OBJECT, params![id]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn catalog(&self, id: &str) -> StoreResult<Option<Catalog>> {
        let row = self.db.query_opt(CATALOG, params![id]).await?;
        row.as_ref().map(catalog).transpose()
    }

    async fn catalogs(&self, business_id: &str) -> StoreResult<Vec<Catalog>> {
        let rows = self.db.query(CATALOGS, params![business_id]).await?;
        rows.iter().map(catalog).collect()
    }

    async fn waba_catalog(&self, waba_id: &str) -> StoreResult<Option<Catalog>> {
        let row = self.db.query_opt(WABA_CATALOG, params![waba_id]).await?;
        row.as_ref().map(catalog).transpose()
    }

    async fn products(&self, catalog_id: &str) -> StoreResult<Vec<Product>> {
        let rows = self.db.query(PRODUCTS, params![catalog_id]).await?;
        rows.iter().map(product).collect()
    }

    async fn product(&self, catalog_id: &str, retailer_id: &str) -> StoreResult<Option<Product>> {
        let row = self.db.query_opt(PRODUCT, params![catalog_id, retailer_id]).await?;
        row.as_ref().map(product).transpose()
    }

    async fn create_product(&self, p: &Product) -> StoreResult<()> {
        self.db.write(Plan::one(INSERT_PRODUCT, product_params(&p.catalog_id, p))).await.map(|_| ())
    }

    async fn write_products(&self, catalog_id: &str, upserts: &[Product], deletes: &[String]) -> StoreResult<()> {
        let mut plan = Plan::new();
        for p in upserts {
            plan.push(UPSERT_PRODUCT, product_params(catalog_id, p));
        }
        for r in deletes {
            plan.push(DELETE_PRODUCT, params![catalog_id, r]);
        }
        if upserts.is_empty() && deletes.is_empty() {
            return Ok(());
        }
        self.db.write(plan).await.map(|_| ())
    }

    async fn insert_order(&self, o: &Order) -> StoreResult<()> {
        let items: Vec<Value> = o
            .items
            .iter()
            .map(|i| {
                json!({"product_retailer_id": i.product_retailer_id, "name": i.name, "quantity": i.quantity,
                    "item_price": i.item_price, "currency": i.currency})
            })
            .collect();
        let plan = Plan::one(
            INSERT_ORDER,
            params![
                &o.id,
                &o.reference,
                &o.business_id,
                &o.phone_number_id,
                &o.wa_id,
                &o.message_id,
                &o.catalog_id,
                Value::from(items).to_string(),
                &o.note,
                &o.currency,
                o.total,
                o.created_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn order(&self, id: &str) -> StoreResult<Option<Order>> {
        let row = self.db.query_opt(ORDER, params![id]).await?;
        row.as_ref().map(order).transpose()
    }

    async fn conversation_orders(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Vec<Order>> {
        let rows = self.db.query(CONVERSATION_ORDERS, params![phone_number_id, wa_id]).await?;
        rows.iter().map(order).collect()
    }
}
