//! The console's catalogs (owners and admins): the business's catalogs with their product
//! counts and the WABA each is connected to (connect, disconnect, create); one catalog's
//! products with a form to add or change one and a CSV/JSON bulk upload that reports rejected
//! rows; and each number's commerce switches (cart, catalog visibility). Everything goes
//! through the services the Graph API uses, so the rules and messages are the API's.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::commerce::batch::{Change, Report};
use risala_core::commerce::money::format_minor;
use risala_core::commerce::products::AVAILABILITY;
use risala_core::commerce::Catalog;
use risala_core::ApiError;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{WebError, WebResult};
use crate::i18n::refusals::say;
use crate::i18n::Lang;
use crate::layout::{alert, csrf};
use crate::pages::console::{allowed, console_page, phone};
use crate::routes;
use crate::session::{Action, NoFields, Viewer};
use crate::WebState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewCatalog {
    name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Connect {
    waba_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProductForm {
    retailer_id: String,
    name: String,
    description: String,
    price: String,
    currency: String,
    availability: String,
    image_url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Upload {
    data: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Switches {
    cart: Option<String>,
    visible: Option<String>,
}

fn catalog_path(id: &str) -> String {
    format!("{}/{id}", routes::CONSOLE_CATALOGS)
}

fn refused(e: &ApiError) -> bool {
    e.code.row().http_status < 500
}

async fn catalog(state: &WebState, v: &Viewer, id: &str) -> WebResult<Catalog> {
    Ok(state.catalogs.get(&v.user.business_id, id).await?)
}

async fn render_list(state: &WebState, v: &Viewer, note: Markup) -> WebResult<Response> {
    let t = v.lang.commerce();
    let catalogs = state.catalogs.list(&v.user.business_id).await?;
    let wabas = state.console.wabas(&v.user).await?;
    let numbers: Vec<_> = state.console.numbers(&v.user).await?.numbers.into_iter().map(|(p, _)| p).collect();
    let mut counts = Vec::new();
    for c in &catalogs {
        counts.push(state.catalogs.product_count(&c.id).await?);
    }
    let mut switches = Vec::new();
    for p in &numbers {
        switches.push(state.messaging.commerce_settings(&p.id).await?);
    }
    let waba_name = |id: &str| wabas.iter().find(|w| w.id == id).map_or(id.to_string(), |w| w.name.clone());
    let body = html! {
        section.card aria-labelledby="cat-h" {
            h1 id="cat-h" { (t.catalogs) }
            p.muted { (t.catalogs_intro) }
            (note)
            @if catalogs.is_empty() { p.muted { (t.no_catalogs) } }
            @else {
                div.table-wrap { table.catalogs {
                    thead { tr { th { (t.name) } th { (t.products) } th { "WABA" } th {} } }
                    tbody {
                        @for (c, n) in catalogs.iter().zip(&counts) {
                            tr data-catalog=(c.id) {
                                td { a href=(catalog_path(&c.id)) { bdi { (c.name) } } br; span.chat-meta dir="ltr" { (c.id) } }
                                td { (v.lang.number(*n as i64)) }
                                td {
                                    @match &c.waba_id {
                                        Some(w) => { (t.connected_to.replace("{name}", &waba_name(w))) }
                                        None => { span.muted { (t.not_connected) } }
                                    }
                                }
                                td {
                                    @if c.waba_id.is_some() {
                                        form method="post" action=(format!("{}/disconnect", catalog_path(&c.id))) {
                                            (csrf(v))
                                            button.small type="submit" { (t.disconnect) }
                                        }
                                    } @else {
                                        form.filter-row method="post" action=(format!("{}/connect", catalog_path(&c.id))) {
                                            (csrf(v))
                                            label.visually-hidden for=(format!("waba-{}", c.id)) { "WABA" }
                                            select id=(format!("waba-{}", c.id)) name="waba_id" {
                                                @for w in &wabas { option value=(w.id) { (w.name) } }
                                            }
                                            button.small type="submit" { (t.connect) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
        section.card aria-labelledby="cat-new-h" {
            h2 id="cat-new-h" { (t.new_catalog) }
            form method="post" action=(routes::CONSOLE_CATALOGS) {
                (csrf(v))
                label for="cat-name" { (t.name) }
                input id="cat-name" name="name" required maxlength="200" dir="auto";
                button type="submit" { (t.create) }
            }
        }
        section.card aria-labelledby="switch-h" {
            h2 id="switch-h" { (t.switches) }
            @for (p, s) in numbers.iter().zip(&switches) {
                form method="post" action=(format!("{}/{}", routes::CONSOLE_COMMERCE, p.id)) data-number=(p.id) {
                    (csrf(v))
                    fieldset {
                        legend { (phone(v.lang, &p.number)) " · " bdi { (p.verified_name) } }
                        label.choice { input type="checkbox" name="cart" value="1" checked[s.is_cart_enabled]; (t.cart_enabled) }
                        label.choice { input type="checkbox" name="visible" value="1" checked[s.is_catalog_visible]; (t.catalog_visible) }
                        button.small type="submit" { (t.save) }
                    }
                }
            }
        }
    };
    Ok(console_page(v, routes::CONSOLE_CATALOGS, t.catalogs, body))
}

/// `GET /app/console/catalogs[?done=…]`.
pub async fn list(
    State(state): State<WebState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> WebResult<Response> {
    allowed(&v)?;
    let note = if q.contains_key("done") {
        alert(false, v.lang.commerce().saved)
    } else {
        html! {}
    };
    render_list(&state, &v, note).await
}

/// A service's reason for refusing a catalog's or a product's form, in the page's language.
fn said(lang: Lang, e: &ApiError) -> String {
    let t = lang.commerce();
    let fields = [
        ("name", t.name),
        ("retailer_id", t.retailer_id),
        ("description", t.description),
        ("price", t.price),
        ("currency", t.currency),
        ("availability", t.availability),
        ("image_url", t.image_url),
    ];
    say(lang, &e.details, &fields)
}

async fn back_or_refusal(state: &WebState, v: &Viewer, r: Result<(), ApiError>) -> WebResult<Response> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("{}?done=1", routes::CONSOLE_CATALOGS)).into_response()),
        Err(e) if refused(&e) && e.code != risala_core::ErrorCode::ObjectNotFound => {
            let mut resp = render_list(state, v, alert(true, &said(v.lang, &e))).await?;
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /app/console/catalogs`: a new catalog.
pub async fn create(State(state): State<WebState>, a: Action<NewCatalog>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let mut body = Map::new();
    body.insert("name".into(), Value::String(a.form.name.clone()));
    let r = state.catalogs.create(&a.viewer.user.business_id, &body).await.map(|_| ());
    back_or_refusal(&state, &a.viewer, r).await
}

/// `POST /app/console/catalogs/{catalog_id}/connect {waba_id}`.
pub async fn connect(State(state): State<WebState>, Path(id): Path<String>, a: Action<Connect>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let c = catalog(&state, &a.viewer, &id).await?;
    let waba = state
        .console
        .wabas(&a.viewer.user)
        .await?
        .into_iter()
        .find(|w| w.id == a.form.waba_id)
        .ok_or(WebError::NotFound)?;
    let mut body = Map::new();
    body.insert("catalog_id".into(), Value::String(c.id));
    let r = state.catalogs.connect(&waba, &body).await.map(|_| ());
    back_or_refusal(&state, &a.viewer, r).await
}

/// `POST /app/console/catalogs/{catalog_id}/disconnect`.
pub async fn disconnect(
    State(state): State<WebState>,
    Path(id): Path<String>,
    a: Action<NoFields>,
) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let c = catalog(&state, &a.viewer, &id).await?;
    let Some(waba_id) = c.waba_id.clone() else {
        return Ok(Redirect::to(routes::CONSOLE_CATALOGS).into_response());
    };
    let waba =
        state.console.wabas(&a.viewer.user).await?.into_iter().find(|w| w.id == waba_id).ok_or(WebError::NotFound)?;
    let mut body = Map::new();
    body.insert("catalog_id".into(), Value::String(c.id));
    let r = state.catalogs.disconnect(&waba, &body).await;
    back_or_refusal(&state, &a.viewer, r).await
}

/// `POST /app/console/commerce/{phone_number_id}`: the number's switches (unchecked boxes
/// are not sent: off).
pub async fn switches(
    State(state): State<WebState>,
    Path(id): Path<String>,
    a: Action<Switches>,
) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let numbers = state.console.numbers(&a.viewer.user).await?.numbers;
    if !numbers.iter().any(|(p, _)| p.id == id) {
        return Err(WebError::NotFound);
    }
    let mut body = Map::new();
    body.insert("is_cart_enabled".into(), Value::Bool(a.form.cart.is_some()));
    body.insert("is_catalog_visible".into(), Value::Bool(a.form.visible.is_some()));
    state.messaging.update_commerce_settings(&id, &body).await?;
    Ok(Redirect::to(&format!("{}?done=1", routes::CONSOLE_CATALOGS)).into_response())
}

fn report_view(v: &Viewer, r: &Report) -> Markup {
    let t = v.lang.commerce();
    let n = |x: usize| v.lang.number(x as i64);
    let line = t
        .report
        .replace("{c}", &n(r.created))
        .replace("{u}", &n(r.updated))
        .replace("{d}", &n(r.deleted))
        .replace("{r}", &n(r.rejected.len()));
    html! {
        div.alert.ok role="status" id="upload-report" {
            p { (line) }
            @if !r.rejected.is_empty() {
                p { strong { (t.rejected) } }
                ul.rejected {
                    @for x in &r.rejected {
                        li { span dir="ltr" { "#" (x.index) " " (x.retailer_id) } ": " (x.reason) }
                    }
                }
            }
        }
    }
}

async fn render_catalog(
    state: &WebState,
    v: &Viewer,
    c: &Catalog,
    form: &ProductForm,
    note: Markup,
) -> WebResult<Response> {
    let t = v.lang.commerce();
    let products = state.catalogs.products(&c.id).await?;
    let action = catalog_path(&c.id);
    let body = html! {
        section.card aria-labelledby="prod-h" {
            p { a href=(routes::CONSOLE_CATALOGS) { (v.lang.back_arrow()) " " (t.catalogs) } }
            h1 id="prod-h" { bdi { (c.name) } " · " (t.products) }
            (note)
            @if products.is_empty() { p.muted { (t.no_products) } }
            @else {
                div.table-wrap { table.products {
                    thead { tr { th { (t.retailer_id) } th { (t.name) } th { (t.price) } th { (t.availability) } } }
                    tbody {
                        @for p in &products {
                            tr data-retailer-id=(p.retailer_id) {
                                td { code dir="ltr" { (p.retailer_id) } }
                                td { bdi { (p.name) } @if !p.description.is_empty() { br; span.chat-meta { (p.description) } } }
                                td dir="ltr" { (v.lang.digits(&format_minor(p.price, &p.currency))) " " (p.currency) }
                                td { (p.availability) }
                            }
                        }
                    }
                } }
            }
        }
        section.card aria-labelledby="prod-new-h" {
            h2 id="prod-new-h" { (t.save_product) }
            form method="post" action=(format!("{action}/products")) {
                (csrf(v))
                label for="p-rid" { (t.retailer_id) }
                input id="p-rid" name="retailer_id" value=(form.retailer_id) required maxlength="100" dir="ltr";
                label for="p-name" { (t.name) }
                input id="p-name" name="name" value=(form.name) maxlength="200" dir="auto";
                label for="p-desc" { (t.description) }
                textarea id="p-desc" name="description" rows="2" dir="auto" { (form.description) }
                label for="p-price" { (t.price) }
                input id="p-price" name="price" value=(form.price) dir="ltr" aria-describedby="p-price-hint";
                p.hint id="p-price-hint" { (t.price_hint) }
                label for="p-currency" { (t.currency) }
                input id="p-currency" name="currency" value=(form.currency) maxlength="3" dir="ltr" placeholder="USD";
                label for="p-avail" { (t.availability) }
                select id="p-avail" name="availability" {
                    @for a in AVAILABILITY { option value=(a) selected[form.availability == *a] { (a) } }
                }
                label for="p-img" { (t.image_url) }
                input id="p-img" name="image_url" type="url" value=(form.image_url) dir="ltr";
                button type="submit" { (t.save_product) }
            }
        }
        section.card aria-labelledby="upload-h" {
            h2 id="upload-h" { (t.upload) }
            form method="post" action=(format!("{action}/upload")) {
                (csrf(v))
                label for="upload-data" { (t.upload) }
                textarea id="upload-data" name="data" rows="6" required dir="ltr" aria-describedby="upload-hint" {}
                p.hint id="upload-hint" { (t.upload_hint) }
                button type="submit" { (t.upload_button) }
            }
        }
    };
    Ok(console_page(v, routes::CONSOLE_CATALOGS, t.products, body))
}

/// `GET /app/console/catalogs/{catalog_id}`.
pub async fn show(
    State(state): State<WebState>,
    Path(id): Path<String>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> WebResult<Response> {
    allowed(&v)?;
    let c = catalog(&state, &v, &id).await?;
    let note = if q.contains_key("done") {
        alert(false, v.lang.commerce().saved)
    } else {
        html! {}
    };
    render_catalog(&state, &v, &c, &ProductForm::default(), note).await
}

/// `POST /app/console/catalogs/{catalog_id}/products`: add a product, or change the one with
/// this retailer id (fields left empty are kept).
pub async fn save_product(
    State(state): State<WebState>,
    Path(id): Path<String>,
    a: Action<ProductForm>,
) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let c = catalog(&state, &a.viewer, &id).await?;
    let f = &a.form;
    let mut data = Map::new();
    for (k, val) in [
        ("retailer_id", &f.retailer_id),
        ("name", &f.name),
        ("description", &f.description),
        ("availability", &f.availability),
        ("image_url", &f.image_url),
    ] {
        if !val.trim().is_empty() {
            data.insert(k.into(), Value::String(val.trim().to_string()));
        }
    }
    if let Err(why) = form_price(&state, &a.viewer, &c, f, &mut data).await? {
        let mut resp = render_catalog(&state, &a.viewer, &c, f, alert(true, &why)).await?;
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(resp);
    }
    let report = state.catalogs.apply_batch(&c, vec![(0, Change::Update(data))], Vec::new(), true).await?;
    match report.rejected.first() {
        None => Ok(Redirect::to(&format!("{}?done=1", catalog_path(&c.id))).into_response()),
        Some(r) => {
            let mut resp = render_catalog(&state, &a.viewer, &c, f, alert(true, &r.reason)).await?;
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
    }
}

/// The form's price and currency into `data`: the currency an ISO 4217 code (the product's own
/// when left empty), the price a decimal amount of it as a person writes it (`12.50`, `١٢٫٥٠`),
/// at most the currency's decimals, stored in minor units. `Ok(Err(why))`: refused, in the
/// page's language.
async fn form_price(
    state: &WebState,
    v: &Viewer,
    c: &Catalog,
    f: &ProductForm,
    data: &mut Map<String, Value>,
) -> WebResult<Result<(), String>> {
    let t = v.lang.commerce();
    let mut currency = f.currency.trim().to_ascii_uppercase();
    let mut price = f.price.trim();
    // Meta's feed form, `12.50 USD`, names its currency.
    if let Some((amount, code)) = price.rsplit_once(' ').filter(|(_, c)| c.chars().all(|c| c.is_ascii_alphabetic())) {
        let code = code.to_ascii_uppercase();
        if !currency.is_empty() && currency != code {
            return Ok(Err(price_refusal(v, price, &currency)));
        }
        (price, currency) = (amount.trim(), code);
    }
    if !currency.is_empty() {
        if risala_core::model::currency::exponent(&currency).is_none() {
            return Ok(Err(t.bad_currency.replace("{c}", &currency)));
        }
        data.insert("currency".into(), Value::String(currency.clone()));
    }
    if price.is_empty() {
        return Ok(Ok(()));
    }
    let currency = match currency.is_empty() {
        false => currency,
        true => match state.catalogs.product(&c.id, f.retailer_id.trim()).await? {
            Some(p) => p.currency,
            None => return Ok(Err(t.price_needs_currency.to_string())),
        },
    };
    match risala_core::commerce::money::parse_major(price, &currency, "price") {
        Ok(minor) => {
            data.insert("price".into(), Value::from(minor));
            data.insert("currency".into(), Value::String(currency));
            Ok(Ok(()))
        }
        Err(_) => Ok(Err(price_refusal(v, price, &currency))),
    }
}

/// `The price "x" is not an amount of SAR: digits with at most 2 decimals, like 12.50.`
fn price_refusal(v: &Viewer, price: &str, currency: &str) -> String {
    let n = risala_core::model::currency::digits(currency);
    v.lang
        .commerce()
        .bad_price
        .replace("{p}", price)
        .replace("{c}", currency)
        .replace("{n}", &v.lang.number(n as i64))
        .replace("{ex}", &v.lang.decimal(&format_minor(1250, currency)))
}

/// `POST /app/console/catalogs/{catalog_id}/upload {data}`: a CSV, or Meta's `items_batch`
/// body as JSON; the page shows the report.
pub async fn upload(State(state): State<WebState>, Path(id): Path<String>, a: Action<Upload>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let c = catalog(&state, &a.viewer, &id).await?;
    let data = a.form.data.trim();
    let result = if data.starts_with('{') {
        match serde_json::from_str::<Map<String, Value>>(data) {
            Ok(body) => state.catalogs.items_batch(&c, &body).await,
            Err(e) => Err(ApiError::invalid(format!("JSON: {e}"))),
        }
    } else {
        state.catalogs.import_csv(&c, data).await
    };
    match result {
        Ok(report) => {
            render_catalog(&state, &a.viewer, &c, &ProductForm::default(), report_view(&a.viewer, &report)).await
        }
        Err(e) if refused(&e) => {
            let mut resp =
                render_catalog(&state, &a.viewer, &c, &ProductForm::default(), alert(true, &said(a.viewer.lang, &e)))
                    .await?;
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}
