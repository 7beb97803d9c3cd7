//! The composer's shop actions: send the number's connected catalog (`catalog_message`) or one
//! of its products (`product`), and bill an order the customer sent from the catalog
//! (`order_details` with the order's reference and total). Each is a [`Draft`] sent through
//! [`risala_core::compose::ComposeService`], the API's send path, so the catalog's switches,
//! the products' stock and the payment rules apply as to a Graph client; a refusal is shown
//! with Meta's code and reason.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{html, Markup};
use risala_core::commerce::products::orderable;
use risala_core::compose::Draft;
use risala_core::inbox::ChatView;
use serde::Deserialize;

use super::composer::{action_url, send_draft};
use super::inbox::orders::money;
use crate::error::WebResult;
use crate::layout::csrf;
use crate::session::{Action, Viewer};
use crate::WebState;

/// The shop's part of the composer (inside the customer service window): the catalog and
/// product forms when the number's WABA has a catalog, and the bill form for the chat's
/// orders not billed yet.
pub async fn forms(state: &WebState, v: &Viewer, view: &ChatView, waba_id: &str) -> WebResult<Markup> {
    let (lang, t) = (v.lang, v.lang.shop());
    let conv = &view.chat.conversation;
    let (p, w) = (conv.phone_number_id.as_str(), view.chat.customer_key(state.inbox.now()));
    let catalog = state.catalogs.waba_catalog(waba_id).await?;
    let products = match &catalog {
        Some(c) => state.catalogs.products(&c.id).await?.into_iter().filter(orderable).collect(),
        None => Vec::new(),
    };
    let visible = state.messaging.commerce_settings(p).await?.is_catalog_visible;
    let billed = |reference: &str| view.payment_orders.iter().any(|o| o.reference_id == reference);
    let unbilled: Vec<_> = view.orders.iter().rev().filter(|o| !billed(&o.reference)).collect();
    Ok(html! {
        details.compose-more id="compose-shop" {
            summary { "🛍 " (t.shop) }
            @if catalog.is_none() {
                p.muted { (t.no_catalog) }
            } @else {
                @if !visible { p.muted role="note" { (t.hidden) } }
                form method="post" action=(action_url(p, w, "catalog")) {
                    (csrf(v))
                    label for="shop-catalog-body" { (t.message) }
                    textarea id="shop-catalog-body" name="body" rows="2" required dir="auto" maxlength="1024" { (t.catalog_default) }
                    label for="shop-thumbnail" { (t.thumbnail) }
                    select id="shop-thumbnail" name="thumbnail" {
                        option value="" { (t.first_product) }
                        @for pr in &products { option value=(pr.retailer_id) { (pr.name) } }
                    }
                    button type="submit" { (t.send_catalog) }
                }
                @if !products.is_empty() {
                    form method="post" action=(action_url(p, w, "product")) {
                        (csrf(v))
                        label for="shop-product" { (t.product) }
                        select id="shop-product" name="retailer_id" required {
                            @for pr in &products {
                                option value=(pr.retailer_id) { (pr.name) " · " (money(lang, pr.price, &pr.currency)) }
                            }
                        }
                        label for="shop-product-body" { (t.optional_message) }
                        input id="shop-product-body" type="text" name="body" dir="auto" maxlength="1024";
                        button type="submit" { (t.send_product) }
                    }
                }
            }
        }
        @if !unbilled.is_empty() {
            details.compose-more id="compose-bill" {
                summary { "🧾 " (t.bill) }
                form method="post" action=(action_url(p, w, "bill")) {
                    (csrf(v))
                    p.hint { (t.bill_intro) }
                    label for="shop-order" { (t.order) }
                    select id="shop-order" name="order_id" required {
                        @for o in &unbilled {
                            option value=(o.id) { (o.reference) " · " (money(lang, o.total, &o.currency)) }
                        }
                    }
                    label for="shop-bill-body" { (t.message) }
                    textarea id="shop-bill-body" name="body" rows="2" required dir="auto" maxlength="1024" { (t.bill_default) }
                    button type="submit" { (t.send_bill) }
                }
            }
        }
    })
}

#[derive(Deserialize)]
pub struct CatalogForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    thumbnail: String,
}

/// `POST /app/chats/{p}/{w}/catalog`: the connected catalog as a `catalog_message`.
pub async fn send_catalog(
    State(state): State<WebState>,
    Path((p, w)): Path<(String, String)>,
    a: Action<CatalogForm>,
) -> WebResult<Response> {
    let CatalogForm { body, thumbnail } = a.form;
    let thumbnail = Some(thumbnail.trim().to_string()).filter(|t| !t.is_empty());
    let draft = Draft::Catalog { body: body.trim().to_string(), thumbnail };
    send_draft(&state, &a.viewer, &p, &w, draft).await
}

#[derive(Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    retailer_id: String,
    #[serde(default)]
    body: String,
}

/// `POST /app/chats/{p}/{w}/product`: one product of the connected catalog.
pub async fn send_product(
    State(state): State<WebState>,
    Path((p, w)): Path<(String, String)>,
    a: Action<ProductForm>,
) -> WebResult<Response> {
    let ProductForm { retailer_id, body } = a.form;
    let body = Some(body.trim().to_string()).filter(|b| !b.is_empty());
    let draft = Draft::Product { retailer_id: retailer_id.trim().to_string(), body };
    send_draft(&state, &a.viewer, &p, &w, draft).await
}

#[derive(Deserialize)]
pub struct BillForm {
    #[serde(default)]
    order_id: String,
    #[serde(default)]
    body: String,
}

/// `POST /app/chats/{p}/{w}/bill`: an `order_details` payment request for one of the chat's
/// orders, for its items and total under its reference.
pub async fn bill(
    State(state): State<WebState>,
    Path((p, w)): Path<(String, String)>,
    a: Action<BillForm>,
) -> WebResult<Response> {
    let BillForm { order_id, body } = a.form;
    let draft = Draft::Bill { order_id: order_id.trim().to_string(), body: body.trim().to_string() };
    send_draft(&state, &a.viewer, &p, &w, draft).await
}
