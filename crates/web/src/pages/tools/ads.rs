//! The console's ads and Status page (owners and admins): a number's click-to-WhatsApp ads with
//! their figures (impressions, taps, conversations, spend against the budget, cost per
//! conversation), pause and resume, a form for a new ad; and the number's Status updates of the
//! last 24 hours with a form to post a text one. Everything goes through the service the API
//! uses, so the rules and the error messages are the API's.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::ads::{effective_status, insights, money};
use risala_core::model::PhoneNumber;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{number_picker, pick_number};
use crate::error::{WebError, WebResult};
use crate::i18n::ads::AdsStrings;
use crate::i18n::refusals::say;
use crate::layout::{alert, csrf};
use crate::pages::console::{allowed, console_page};
use crate::routes;
use crate::session::{Action, NoFields, Viewer};
use crate::WebState;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct NewAd {
    name: String,
    placement: String,
    headline: String,
    body: String,
    image_link: String,
    prefilled_text: String,
    budget: String,
    currency: String,
    cost_per: String,
    price: String,
    countries: String,
}

impl Default for NewAd {
    fn default() -> Self {
        NewAd {
            name: String::new(),
            placement: "facebook".into(),
            headline: String::new(),
            body: String::new(),
            image_link: String::new(),
            prefilled_text: String::new(),
            budget: "5000".into(),
            currency: "USD".into(),
            cost_per: "conversation".into(),
            price: "100".into(),
            countries: String::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewStatus {
    text: String,
    background_color: String,
}

/// A form number as JSON: a whole number stays a number (the service names a bad one).
fn number(s: &str) -> Value {
    s.trim().parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(s.trim()))
}

impl NewAd {
    fn body(&self) -> Map<String, Value> {
        let mut b = Map::new();
        for (k, v) in [
            ("name", &self.name),
            ("placement", &self.placement),
            ("headline", &self.headline),
            ("body", &self.body),
            ("prefilled_text", &self.prefilled_text),
        ] {
            b.insert(k.into(), v.clone().into());
        }
        if !self.image_link.trim().is_empty() {
            b.insert("media".into(), json!({"type": "image", "link": self.image_link.trim()}));
        }
        b.insert("budget".into(), json!({"amount": number(&self.budget), "currency": self.currency.trim()}));
        b.insert("cost".into(), json!({"per": self.cost_per, "amount": number(&self.price)}));
        let countries: Vec<&str> =
            self.countries.split([',', '،', ' ']).map(str::trim).filter(|c| !c.is_empty()).collect();
        b.insert("target".into(), json!({"countries": countries}));
        b
    }
}

fn page_path(phone: &PhoneNumber) -> String {
    format!("{}?number={}", routes::CONSOLE_ADS, phone.id)
}

async fn render(
    state: &WebState,
    v: &Viewer,
    phone: Option<PhoneNumber>,
    form: &NewAd,
    note: Markup,
) -> WebResult<Response> {
    let (lang, a) = (v.lang, v.lang.ads());
    let Some(phone) = phone else {
        let body = html! { section.card { h1 { (a.title) } p.muted { (a.no_numbers) } } };
        return Ok(console_page(v, routes::CONSOLE_ADS, a.title, body));
    };
    let ads = state.ads.list(&phone).await?;
    let statuses = state.ads.statuses(&phone).await?;
    let now = state.ads.now();
    let base = format!("/app/console/ads/{}", phone.id);
    let per = |p: &str| match p {
        "impression" => a.per_impression,
        "tap" => a.per_tap,
        _ => a.per_conversation,
    };
    let body = html! {
        section.card aria-labelledby="ads-h" {
            h1 id="ads-h" { (a.title) }
            p.muted { (a.intro) }
            (number_picker(state, v, routes::CONSOLE_ADS, &phone).await?)
            (note)
            h2 { (a.ads) }
            @if ads.is_empty() { p.muted { (a.no_ads) } }
            @else {
                div.table-wrap { table.ads {
                    thead { tr {
                        th { (a.name) } th { (a.placement) } th { (a.status) } th { (a.impressions) } th { (a.taps) }
                        th { (a.conversations) } th { (a.spend) } th { (a.cost_per_conversation) } th {}
                    } }
                    tbody {
                        @for ad in &ads {
                            @let i = insights(ad);
                            @let state_now = effective_status(ad, now);
                            tr data-ad=(ad.id) {
                                td { bdi { (ad.name) } br; span.muted { bdi { (ad.creative["headline"].as_str().unwrap_or_default()) } } }
                                td { (placement_name(a, &ad.placement)) }
                                td { span.badge data-state=(state_now) { (a.state(state_now)) } }
                                td.num { (lang.number(i.impressions)) }
                                td.num { (lang.number(i.taps)) }
                                td.num { (lang.number(i.conversations)) }
                                td.num { bdi dir="ltr" { (money(i.spend, &ad.currency)) " / " (money(ad.budget, &ad.currency)) } }
                                td.num {
                                    @if let Some(c) = i.cost_per_conversation { bdi dir="ltr" { (money(c, &ad.currency)) } } @else { "—" }
                                    br; span.muted { (a.cost_per) " " (per(&ad.cost_per)) ": " bdi dir="ltr" { (money(ad.price, &ad.currency)) } }
                                }
                                td {
                                    @let (action, label) = if ad.status == "PAUSED" { ("resume", a.resume) } else { ("pause", a.pause) };
                                    form method="post" action=(format!("{base}/{}/{action}", ad.id)) {
                                        (csrf(v))
                                        button.small type="submit" aria-label=(format!("{label}: {}", ad.name)) { (label) }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
        section.card aria-labelledby="ad-new-h" {
            h2 id="ad-new-h" { (a.new_ad) }
            form.ad-form method="post" action=(base) {
                (csrf(v))
                label for="ad-name" { (a.name) }
                input id="ad-name" name="name" value=(form.name) required maxlength="120" dir="auto";
                label for="ad-placement" { (a.placement) }
                select id="ad-placement" name="placement" {
                    @for (p, label) in placements(a) {
                        option value=(p) selected[form.placement == p] { (label) }
                    }
                }
                label for="ad-headline" { (a.headline) }
                input id="ad-headline" name="headline" value=(form.headline) required maxlength="100" dir="auto";
                label for="ad-body" { (a.body) }
                textarea id="ad-body" name="body" rows="2" maxlength="1024" dir="auto" { (form.body) }
                label for="ad-image" { (a.image_link) }
                input id="ad-image" name="image_link" type="url" value=(form.image_link) dir="ltr" aria-describedby="ad-image-hint";
                p.hint id="ad-image-hint" { (a.image_link_hint) }
                label for="ad-prefilled" { (a.prefilled_text) }
                input id="ad-prefilled" name="prefilled_text" value=(form.prefilled_text) required maxlength="1024" dir="auto";
                label for="ad-budget" { (a.budget) }
                input id="ad-budget" name="budget" type="number" min="1" step="1" value=(form.budget) required dir="ltr" aria-describedby="ad-budget-hint";
                p.hint id="ad-budget-hint" { (a.minor_units_hint) }
                label for="ad-currency" { (a.currency) }
                input id="ad-currency" name="currency" value=(form.currency) required maxlength="3" dir="ltr";
                label for="ad-cost-per" { (a.cost_per) }
                select id="ad-cost-per" name="cost_per" {
                    @for p in ["impression", "tap", "conversation"] {
                        option value=(p) selected[form.cost_per == p] { (per(p)) }
                    }
                }
                label for="ad-price" { (a.price) }
                input id="ad-price" name="price" type="number" min="1" step="1" value=(form.price) required dir="ltr";
                label for="ad-countries" { (a.countries) }
                input id="ad-countries" name="countries" value=(form.countries) dir="ltr" aria-describedby="ad-countries-hint";
                p.hint id="ad-countries-hint" { (a.countries_hint) }
                button type="submit" { (a.create) }
            }
        }
        section.card aria-labelledby="status-h" {
            h2 id="status-h" { (a.status_title) }
            p.muted { (a.status_intro) }
            @if statuses.is_empty() { p.muted { (a.no_status) } }
            ul.status-list {
                @for s in &statuses {
                    li data-status=(s.id) {
                        @let text = s.content["body"].as_str().or(s.content["caption"].as_str()).unwrap_or(s.kind.as_str());
                        span.badge { (s.kind) } " " bdi { (text) } " · " span.muted { (a.expires) " " (lang.datetime(s.expires_at)) }
                        form.inline method="post" action=(format!("/app/console/status/{}/{}/delete", phone.id, s.id)) data-confirm=(v.lang.t().confirm_delete) {
                            (csrf(v))
                            button.small type="submit" aria-label=(format!("{}: {text}", a.delete)) { (a.delete) }
                        }
                    }
                }
            }
            form method="post" action=(format!("/app/console/status/{}", phone.id)) {
                (csrf(v))
                label for="status-text" { (a.text) }
                textarea id="status-text" name="text" rows="2" required maxlength="700" dir="auto" {}
                label for="status-bg" { (a.background) }
                input id="status-bg" name="background_color" type="color" value="#128C7E";
                button type="submit" { (a.post) }
            }
        }
    };
    Ok(console_page(v, routes::CONSOLE_ADS, a.title, body))
}

/// `GET /app/console/ads[?number=…][&done=…]`.
pub async fn show(
    State(state): State<WebState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> WebResult<Response> {
    allowed(&v)?;
    let a = v.lang.ads();
    let phone = pick_number(&state, &v, q.get("number").map(String::as_str)).await?;
    let note = html! {
        @match q.get("done").map(String::as_str) {
            Some("created") => (alert(false, a.created)),
            Some("updated") => (alert(false, a.updated)),
            Some("posted") => (alert(false, a.posted)),
            Some("deleted") => (alert(false, a.deleted)),
            _ => {}
        }
    };
    render(&state, &v, phone, &NewAd::default(), note).await
}

/// A failure the business can fix: the page again with the reason (422).
async fn refused(
    state: &WebState,
    v: &Viewer,
    phone: PhoneNumber,
    form: &NewAd,
    e: &risala_core::ApiError,
) -> WebResult<Response> {
    let a = v.lang.ads();
    let fields = [
        ("name", a.name),
        ("placement", a.placement),
        ("headline", a.headline),
        ("body", a.body),
        ("media", a.image_link),
        ("prefilled_text", a.prefilled_text),
        ("budget", a.budget),
        ("budget.currency", a.currency),
        ("cost.per", a.cost_per),
        ("cost.amount", a.price),
        ("target.countries", a.countries),
        ("text", a.text),
        ("background", a.background),
    ];
    let mut resp = render(state, v, Some(phone), form, alert(true, &say(v.lang, &e.details, &fields))).await?;
    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}

async fn number_of(state: &WebState, v: &Viewer, id: &str) -> WebResult<PhoneNumber> {
    pick_number(state, v, Some(id)).await?.ok_or(WebError::NotFound)
}

/// `POST /app/console/ads/{phone_number_id}`: created, or the form again with the reason.
pub async fn create(State(state): State<WebState>, Path(p): Path<String>, a: Action<NewAd>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let phone = number_of(&state, &a.viewer, &p).await?;
    match state.ads.create(&phone, &a.form.body()).await {
        Ok(_) => Ok(Redirect::to(&format!("{}&done=created", page_path(&phone))).into_response()),
        Err(e) if e.code.row().http_status < 500 => refused(&state, &a.viewer, phone, &a.form, &e).await,
        Err(e) => Err(e.into()),
    }
}

async fn set_status(state: &WebState, a: &Action<NoFields>, p: &str, id: &str, status: &str) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let phone = number_of(state, &a.viewer, p).await?;
    let mut body = Map::new();
    body.insert("status".into(), status.into());
    match state.ads.update(&phone, id, &body).await {
        Ok(_) => Ok(Redirect::to(&format!("{}&done=updated", page_path(&phone))).into_response()),
        Err(e) if e.code.row().http_status < 500 => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// `POST /app/console/ads/{phone_number_id}/{ad_id}/pause`.
pub async fn pause(
    State(state): State<WebState>,
    Path((p, id)): Path<(String, String)>,
    a: Action<NoFields>,
) -> WebResult<Response> {
    set_status(&state, &a, &p, &id, "PAUSED").await
}

/// `POST /app/console/ads/{phone_number_id}/{ad_id}/resume`.
pub async fn resume(
    State(state): State<WebState>,
    Path((p, id)): Path<(String, String)>,
    a: Action<NoFields>,
) -> WebResult<Response> {
    set_status(&state, &a, &p, &id, "ACTIVE").await
}

/// `POST /app/console/status/{phone_number_id}`: a text update.
pub async fn post_status(
    State(state): State<WebState>,
    Path(p): Path<String>,
    a: Action<NewStatus>,
) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let phone = number_of(&state, &a.viewer, &p).await?;
    let mut text = json!({"body": a.form.text});
    if !a.form.background_color.is_empty() {
        text["background_color"] = a.form.background_color.clone().into();
    }
    let mut body = Map::new();
    body.insert("type".into(), "text".into());
    body.insert("text".into(), text);
    match state.ads.post_status(&phone, &body).await {
        Ok(_) => Ok(Redirect::to(&format!("{}&done=posted", page_path(&phone))).into_response()),
        Err(e) if e.code.row().http_status < 500 => refused(&state, &a.viewer, phone, &NewAd::default(), &e).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /app/console/status/{phone_number_id}/{status_id}/delete`.
pub async fn delete_status(
    State(state): State<WebState>,
    Path((p, id)): Path<(String, String)>,
    a: Action<NoFields>,
) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let phone = number_of(&state, &a.viewer, &p).await?;
    match state.ads.delete_status(&phone, &id).await {
        Ok(()) => Ok(Redirect::to(&format!("{}&done=deleted", page_path(&phone))).into_response()),
        Err(e) if e.code.row().http_status < 500 => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// The placements and their names on the page.
fn placements(a: &AdsStrings) -> [(&'static str, &'static str); 3] {
    [("facebook", "Facebook"), ("instagram", "Instagram"), ("status", a.status_title)]
}

/// A placement's name on the page (the API's value when unknown).
fn placement_name<'a>(a: &AdsStrings, placement: &'a str) -> &'a str {
    placements(a).into_iter().find(|(p, _)| *p == placement).map(|(_, name)| name).unwrap_or(placement)
}
