//! What the catalog means for messages: a product, product list or catalog message must name
//! products of the catalog connected to the sender's WABA, and a customer's `order` is priced
//! from that catalog, whatever prices the client put in it.

use serde_json::Value;

use super::money::major_number;
use super::products::orderable;
use super::{Order, OrderItem};
use crate::error::ApiError;
use crate::messaging::MessagingService;
use crate::model::{Message, PhoneNumber};
use crate::store::Catalog;

/// An order priced from the catalog, before it is stored with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedOrder {
    pub catalog_id: String,
    pub items: Vec<OrderItem>,
    pub note: String,
    pub currency: String,
    pub total: i64,
}

impl PricedOrder {
    /// The stored order of the inbound message that carried it.
    pub fn into_order(self, m: &Message) -> Order {
        let id = crate::ids::new_object_id();
        Order {
            reference: format!("ORD-{id}"),
            id,
            business_id: m.business_id.clone(),
            phone_number_id: m.phone_number_id.clone(),
            wa_id: m.wa_id.clone(),
            message_id: m.id.clone(),
            catalog_id: self.catalog_id,
            items: self.items,
            note: self.note,
            currency: self.currency,
            total: self.total,
            created_at: m.created_at,
        }
    }
}

fn invalid(details: String) -> ApiError {
    ApiError::bad_value(details)
}

impl MessagingService {
    /// The catalog `id` as `phone` may use it: one of its business's catalogs, connected to its
    /// WABA. Else 131009 naming `field`.
    async fn connected_catalog(&self, phone: &PhoneNumber, id: &str, field: &str) -> Result<Catalog, ApiError> {
        match self.store().catalog(id).await? {
            Some(c) if c.business_id == phone.business_id && c.waba_id.as_deref() == Some(phone.waba_id.as_str()) => {
                Ok(c)
            }
            Some(c) if c.business_id == phone.business_id => Err(invalid(format!(
                "{field}: catalog {id} is not connected to this number's WhatsApp Business Account (POST /{}/product_catalogs)",
                phone.waba_id
            ))),
            _ => Err(invalid(format!("{field}: no catalog {id}"))),
        }
    }

    /// Each retailer id names a product of `c` that can be ordered.
    async fn check_products(&self, c: &Catalog, items: &[(String, &str)]) -> Result<(), ApiError> {
        for (field, r) in items {
            match self.store().product(&c.id, r).await? {
                Some(p) if orderable(&p) => {}
                Some(p) => {
                    return Err(invalid(format!("{field}: product '{r}' is {} in catalog {}", p.availability, c.id)))
                }
                None => return Err(invalid(format!("{field}: no product '{r}' in catalog {}", c.id))),
            }
        }
        Ok(())
    }

    /// An interactive `product`, `product_list` or `catalog_message` checked against the
    /// stored catalog (Meta answers 131009 with the reason in `details`). Other types pass.
    pub(crate) async fn check_catalog_send(&self, phone: &PhoneNumber, interactive: &Value) -> Result<(), ApiError> {
        let ty = interactive.get("type").and_then(Value::as_str).unwrap_or_default();
        let action = interactive.get("action").cloned().unwrap_or(Value::Null);
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        match ty {
            "product" => {
                let c =
                    self.connected_catalog(phone, &s(&action["catalog_id"]), "interactive.action.catalog_id").await?;
                let r = s(&action["product_retailer_id"]);
                self.check_products(&c, &[("interactive.action.product_retailer_id".into(), &r)]).await
            }
            "product_list" => {
                let c =
                    self.connected_catalog(phone, &s(&action["catalog_id"]), "interactive.action.catalog_id").await?;
                let mut items = Vec::new();
                for (i, sec) in action["sections"].as_array().into_iter().flatten().enumerate() {
                    for (j, it) in sec["product_items"].as_array().into_iter().flatten().enumerate() {
                        let field = format!("interactive.action.sections[{i}].product_items[{j}].product_retailer_id");
                        items.push((field, it["product_retailer_id"].as_str().unwrap_or_default()));
                    }
                }
                self.check_products(&c, &items).await
            }
            "catalog_message" => {
                let Some(c) = self.store().waba_catalog(&phone.waba_id).await? else {
                    return Err(invalid(format!(
                        "interactive: no catalog is connected to this number's WhatsApp Business Account {}",
                        phone.waba_id
                    )));
                };
                if !self.commerce_settings(&phone.id).await?.is_catalog_visible {
                    return Err(invalid(
                        "interactive: the catalog is hidden on this number (whatsapp_commerce_settings is_catalog_visible is false)"
                            .into(),
                    ));
                }
                match action.pointer("/parameters/thumbnail_product_retailer_id").and_then(Value::as_str) {
                    Some(r) => {
                        let field = "interactive.action.parameters.thumbnail_product_retailer_id";
                        match self.store().product(&c.id, r).await? {
                            Some(_) => Ok(()),
                            None => Err(invalid(format!("{field}: no product '{r}' in catalog {}", c.id))),
                        }
                    }
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// Price a customer's `order` body (already validated as an inbound order) from the
    /// catalog: each item's `item_price` and `currency` are replaced by the catalog's, so the
    /// business's webhook carries the catalog's prices. Unknown or unorderable products, a
    /// catalog not connected to the number's WABA, and a cart of several currencies are 131009.
    pub(crate) async fn price_order(&self, phone: &PhoneNumber, body: &mut Value) -> Result<PricedOrder, ApiError> {
        let catalog_id = body["catalog_id"].as_str().unwrap_or_default().to_string();
        let c = self.connected_catalog(phone, &catalog_id, "order.catalog_id").await?;
        let mut items = Vec::new();
        let mut currency: Option<String> = None;
        let mut total: i64 = 0;
        let n = body["product_items"].as_array().map(Vec::len).unwrap_or(0);
        for i in 0..n {
            let field = format!("order.product_items[{i}].product_retailer_id");
            let item = &mut body["product_items"][i];
            let r = item["product_retailer_id"].as_str().unwrap_or_default().to_string();
            let p = match self.store().product(&c.id, &r).await? {
                Some(p) if orderable(&p) => p,
                Some(p) => return Err(invalid(format!("{field}: product '{r}' is {}", p.availability))),
                None => return Err(invalid(format!("{field}: no product '{r}' in catalog {}", c.id))),
            };
            if currency.as_deref().is_some_and(|cur| cur != p.currency) {
                return Err(invalid(format!(
                    "{field}: product '{r}' is priced in {}, the cart in another currency",
                    p.currency
                )));
            }
            currency = Some(p.currency.clone());
            let quantity = item["quantity"].as_i64().unwrap_or(1);
            total = total
                .checked_add(
                    p.price.checked_mul(quantity).ok_or_else(|| invalid(format!("{field}: quantity too large")))?,
                )
                .ok_or_else(|| invalid("order.product_items: total too large".into()))?;
            item["item_price"] = major_number(p.price, &p.currency);
            item["currency"] = Value::String(p.currency.clone());
            items.push(OrderItem {
                product_retailer_id: r,
                name: p.name.clone(),
                quantity,
                item_price: p.price,
                currency: p.currency.clone(),
            });
        }
        Ok(PricedOrder {
            catalog_id: c.id,
            items,
            note: body["text"].as_str().unwrap_or_default().to_string(),
            currency: currency.unwrap_or_default(),
            total,
        })
    }

    /// Store the order an inbound `order` message carried.
    pub(crate) async fn store_order(&self, priced: PricedOrder, m: &Message) -> Result<Order, ApiError> {
        let o = priced.into_order(m);
        self.store().insert_order(&o).await?;
        Ok(o)
    }
}
