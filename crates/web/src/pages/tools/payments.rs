//! `/app/console/payments`: a number's payment provider (the sandbox, or Stripe with the
//! business's own keys, shown masked, and the webhook endpoint to give Stripe) and its recent
//! orders with their order and payment status. Owners and admins; saved through the same
//! service and checks as `POST /tools/v1/{phone-number-id}/payments/settings`.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use risala_core::model::PhoneNumber;
use risala_core::payments::{currency, mask};
use serde_json::{Map, Value};

use super::{number_picker, pick_number};
use crate::error::{WebError, WebResult};
use crate::i18n::refusals::say;
use crate::layout::{alert, csrf};
use crate::pages::console::{allowed, console_page, phone as phone_digits};
use crate::routes::CONSOLE_PAYMENTS;
use crate::session::{Action, Viewer};
use crate::WebState;

type Form = BTreeMap<String, String>;

async fn render(
    state: &WebState,
    v: &Viewer,
    phone: &PhoneNumber,
    notice: Option<(bool, String)>,
) -> WebResult<Response> {
    let (lang, p) = (v.lang, v.lang.payments());
    let settings = state.payments.settings(&phone.id).await?;
    let orders = state.payments.orders(&phone.id, 20).await?;
    let picker = number_picker(state, v, CONSOLE_PAYMENTS, phone).await?;
    let webhook = format!("/payments/v1/stripe/{}/webhook", phone.id);
    let body = html! {
        section.card aria-labelledby="pay-h" {
            h1 id="pay-h" { (p.title) " " span.muted { (phone_digits(lang, &phone.number)) } }
            p.muted { (p.intro) }
            (picker)
            @if let Some((error, text)) = &notice { (alert(*error, text)) }
            form #payments-form method="post" action=(format!("{CONSOLE_PAYMENTS}/{}", phone.id)) {
                (csrf(v))
                fieldset {
                    legend { (p.provider) }
                    @for (value, name) in [("sandbox", p.sandbox), ("stripe", p.stripe)] {
                        label.check {
                            input type="radio" name="provider" value=(value) checked[settings.provider == value];
                            " " (name)
                        }
                    }
                }
                p { (p.key_set) ": " code.long dir="ltr" { (settings.stripe_secret_key.as_deref().map(mask).unwrap_or_else(|| p.not_set.to_string())) } }
                label for="stripe_secret_key" { (p.secret_key) }
                input id="stripe_secret_key" name="stripe_secret_key" type="password" autocomplete="off" dir="ltr" aria-describedby="sk-hint";
                p.hint id="sk-hint" { (p.secret_key_hint) }
                label for="stripe_webhook_secret" { (p.webhook_secret) }
                input id="stripe_webhook_secret" name="stripe_webhook_secret" type="password" autocomplete="off" dir="ltr" aria-describedby="wh-hint";
                p.hint id="wh-hint" { (p.webhook_secret_hint) }
                p { (p.webhook_url) ": " code.long dir="ltr" { (webhook) } }
                div.buttons { button #payments-save type="submit" { (p.save) } }
            }
        }
        section.card aria-labelledby="orders-h" {
            h2 id="orders-h" { (p.orders) }
            @if orders.is_empty() { p.muted { (p.no_orders) } }
            @else {
                div.table-wrap { table.orders {
                    thead { tr { th { (p.reference) } th { (p.customer) } th { (p.total) } th { (p.order_status) } th { (p.payment_status) } } }
                    tbody {
                        @for o in &orders {
                            tr data-reference=(o.reference_id) {
                                td { code dir="ltr" { (o.reference_id) } }
                                td { (phone_digits(lang, &o.wa_id)) }
                                td { bdi dir="ltr" { (lang.digits(&currency::decimal(o.total_value, &o.currency))) " " (o.currency) } }
                                td { span.badge { bdi { (lang.state_word(&o.order_status)) } } }
                                td { span.badge class=(if o.payment_status == "captured" { "GREEN" } else { "" }) { bdi { (lang.state_word(&o.payment_status)) } } }
                            }
                        }
                    }
                } }
            }
        }
    };
    Ok(console_page(v, CONSOLE_PAYMENTS, p.title, body))
}

/// `GET /app/console/payments[?number=ID][&saved=1]`.
pub async fn show(State(state): State<WebState>, v: Viewer, Query(q): Query<Form>) -> WebResult<Response> {
    allowed(&v)?;
    let p = v.lang.payments();
    let Some(phone) = pick_number(&state, &v, q.get("number").map(String::as_str)).await? else {
        let body = html! { section.card { h1 { (p.title) } p { (p.no_numbers) } } };
        return Ok(console_page(&v, CONSOLE_PAYMENTS, p.title, body));
    };
    let notice = q.contains_key("saved").then(|| (false, p.saved.to_string()));
    render(&state, &v, &phone, notice).await
}

/// `POST /app/console/payments/{phone_number_id}`: the provider, and the keys typed (empty
/// fields keep the stored ones).
pub async fn save(State(state): State<WebState>, Path(id): Path<String>, a: Action<Form>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let phone = pick_number(&state, &a.viewer, Some(&id)).await?.ok_or(WebError::NotFound)?;
    let mut body = Map::new();
    for key in ["provider", "stripe_secret_key", "stripe_webhook_secret"] {
        if let Some(value) = a.form.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            body.insert(key.into(), Value::String(value.to_string()));
        }
    }
    match state.payments.update_settings(&phone.id, &body).await {
        Ok(_) => Ok(Redirect::to(&format!("{CONSOLE_PAYMENTS}?number={}&saved=1", phone.id)).into_response()),
        Err(e) if e.code.row().http_status == 400 => {
            let p = a.viewer.lang.payments();
            let fields = [("stripe_secret_key", p.secret_key), ("stripe_webhook_secret", p.webhook_secret)];
            let why = say(a.viewer.lang, &e.details, &fields);
            let mut resp = render(&state, &a.viewer, &phone, Some((true, why))).await?;
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}
