//! Click-to-WhatsApp ads (issue #18, part 4) and Status (part 5).
//!
//! An ad of a business number carries a creative (headline, body, an image or a video, the
//! text the customer's chat opens with), a budget in integer minor units, a cost model, a
//! placement (`facebook`, `instagram` or `status`) and a target (calling codes). Customers see
//! live ads in the customer page's feed (Facebook/Instagram) or among the Status updates
//! (sponsored); an impression counts once per customer per ad per UTC day, a tap each time,
//! and a tap gives a click id (`ctwa_clid`) and Meta's `referral` object, which the first
//! message of the chat carries. That message opens the 72-hour free entry point (pricing reads
//! the referral) and counts as the ad's conversation.
//!
//! Spend is counted, never stored: `min(budget, units × price)` where the units are what the
//! cost model charges for (impressions, taps or conversations). An ad whose spend reached its
//! budget is no longer shown.
//!
//! An ad made from a catalog item takes its headline, body and image from the product
//! ([`AdService::product_creative`]) unless the ad gives its own.

mod fields;
pub mod status;
mod views;

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::clock::{Clock, Millis};
use crate::error::ApiError;
use crate::model::{Message, PhoneNumber};
use crate::store::{AdRow, AdTap, Store};
use fields::{integer, join, link, object, only_keys, required_text, text, unix_time};
pub use views::{ad_view, effective_status, exponent, feed_item, insights, money, referral, Insights};

/// Where an ad is shown.
pub const PLACEMENTS: &[&str] = &["facebook", "instagram", "status"];
/// What the cost model charges for.
pub const COST_PER: &[&str] = &["impression", "tap", "conversation"];
/// A day, for counting impressions once per customer per day (UTC days).
pub const DAY_MS: Millis = 86_400_000;

/// `status` values of an ad (the Marketing API's names).
pub mod state {
    pub const ACTIVE: &str = "ACTIVE";
    pub const PAUSED: &str = "PAUSED";
    pub const DELETED: &str = "DELETED";
}

const AD_FIELDS: &[&str] = &[
    "name",
    "placement",
    "headline",
    "body",
    "media",
    "product",
    "prefilled_text",
    "welcome_message",
    "budget",
    "cost",
    "target",
    "start_time",
    "end_time",
    "status",
];
const EDIT_FIELDS: &[&str] = &["name", "status", "budget", "end_time", "target"];

#[derive(Clone)]
pub struct AdService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

/// A tap: the ad, the business number the chat opens with, and the referral its first message
/// carries.
#[derive(Debug, Clone)]
pub struct Tap {
    pub ad: AdRow,
    pub phone: PhoneNumber,
    pub referral: Value,
}

impl AdService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        AdService { store, clock }
    }

    pub fn now(&self) -> Millis {
        self.clock.now_ms()
    }

    pub(crate) fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Create an ad of `phone` from the API's (or the console's) body.
    pub async fn create(&self, phone: &PhoneNumber, body: &Map<String, Value>) -> Result<AdRow, ApiError> {
        only_keys(body, "", AD_FIELDS)?;
        let now = self.now();
        let name = required_text(body, "", "name", 120)?;
        let placement = required_text(body, "", "placement", 20)?;
        if !PLACEMENTS.contains(&placement.as_str()) {
            return Err(ApiError::bad_value(format!("placement: one of {}, not {placement}", PLACEMENTS.join(", "))));
        }
        let mut creative = Map::new();
        let product = match object(body, "", "product")? {
            Some(p) => Some(self.product_creative(phone, p).await?),
            None => None,
        };
        let headline = match (text(body, "", "headline", 100)?, &product) {
            (Some(h), _) => h,
            (None, Some(p)) => p.name.chars().take(100).collect(),
            (None, None) => return Err(ApiError::missing("headline")),
        };
        creative.insert("headline".into(), headline.into());
        let own_body = text(body, "", "body", 1024)?;
        let product_body = product.as_ref().map(|p| p.description.chars().take(1024).collect::<String>());
        if let Some(b) = own_body.or(product_body.filter(|d| !d.trim().is_empty())) {
            creative.insert("body".into(), b.into());
        }
        creative.insert("prefilled_text".into(), required_text(body, "", "prefilled_text", 1024)?.into());
        if let Some(w) = text(body, "", "welcome_message", 1024)? {
            creative.insert("welcome_message".into(), w.into());
        }
        if let Some(m) = object(body, "", "media")? {
            creative.insert("media".into(), self.ad_media(phone, m).await?);
        } else if let Some(image) = product.as_ref().and_then(|p| p.image_url.clone()) {
            creative.insert("media".into(), json!({"type": "image", "link": image}));
        }
        if let Some(p) = &product {
            creative
                .insert("product".into(), json!({"catalog_id": p.catalog_id, "product_retailer_id": p.retailer_id}));
        }
        let budget = object(body, "", "budget")?.ok_or_else(|| ApiError::missing("budget"))?;
        only_keys(budget, "budget", &["amount", "currency"])?;
        let amount = integer(budget, "budget", "amount")?.ok_or_else(|| ApiError::missing("budget.amount"))?;
        if amount <= 0 {
            return Err(ApiError::bad_value("budget.amount: a positive whole number of minor units"));
        }
        let currency = currency(budget)?;
        let cost = object(body, "", "cost")?.ok_or_else(|| ApiError::missing("cost"))?;
        only_keys(cost, "cost", &["per", "amount"])?;
        let per = required_text(cost, "cost", "per", 20)?;
        if !COST_PER.contains(&per.as_str()) {
            return Err(ApiError::bad_value(format!("cost.per: one of {}, not {per}", COST_PER.join(", "))));
        }
        let price = integer(cost, "cost", "amount")?.ok_or_else(|| ApiError::missing("cost.amount"))?;
        if price <= 0 || price > amount {
            return Err(ApiError::bad_value("cost.amount: a positive whole number of minor units, at most the budget"));
        }
        let countries = target(body)?;
        let start_at = unix_time(body, "start_time")?.unwrap_or(now);
        let end_at = unix_time(body, "end_time")?;
        if end_at.is_some_and(|e| e <= start_at.max(now)) {
            return Err(ApiError::bad_value("end_time: after start_time and after now"));
        }
        let status = status_value(body)?.unwrap_or(state::ACTIVE);
        let ad = AdRow {
            id: crate::ids::new_object_id(),
            business_id: phone.business_id.clone(),
            phone_number_id: phone.id.clone(),
            name,
            placement,
            creative: Value::Object(creative),
            currency,
            budget: amount,
            cost_per: per,
            price,
            countries,
            status: status.to_string(),
            start_at,
            end_at,
            created_at: now,
            updated_at: now,
            impressions: 0,
            taps: 0,
            conversations: 0,
        };
        self.store.put_ad(&ad).await?;
        Ok(ad)
    }

    /// `media: {type: image|video, id | link, thumbnail_link}`: an upload of the business (its
    /// `id`, from `POST /{phone-number-id}/media`) or a link.
    async fn ad_media(&self, phone: &PhoneNumber, m: &Map<String, Value>) -> Result<Value, ApiError> {
        only_keys(m, "media", &["type", "id", "link", "thumbnail_link"])?;
        let kind = required_text(m, "media", "type", 10)?;
        if !matches!(kind.as_str(), "image" | "video") {
            return Err(ApiError::bad_value(format!("media.type: image or video, not {kind}")));
        }
        let mut out = json!({"type": kind});
        match (text(m, "media", "id", 64)?, link(m, "media", "link")?) {
            (Some(id), None) => {
                self.business_media(phone, &kind, &id, "media.id").await?;
                out["id"] = id.into();
            }
            (None, Some(l)) => out["link"] = l.into(),
            (None, None) => return Err(ApiError::missing("media.id")),
            (Some(_), Some(_)) => return Err(ApiError::bad_value("media: id or link, not both")),
        }
        if let Some(t) = link(m, "media", "thumbnail_link")? {
            if kind != "video" {
                return Err(ApiError::bad_value("media.thumbnail_link: only for a video"));
            }
            out["thumbnail_link"] = t.into();
        }
        Ok(out)
    }

    /// The product an ad is made from (`product: {catalog_id, product_retailer_id}`): in the
    /// catalog connected to the number's WABA, and orderable, as a product message needs.
    pub async fn product_creative(
        &self,
        phone: &PhoneNumber,
        p: &Map<String, Value>,
    ) -> Result<crate::store::Product, ApiError> {
        only_keys(p, "product", &["catalog_id", "product_retailer_id"])?;
        let catalog_id = required_text(p, "product", "catalog_id", 64)?;
        let retailer_id = required_text(p, "product", "product_retailer_id", 100)?;
        let connected = self.store.waba_catalog(&phone.waba_id).await?;
        if connected.as_ref().map(|c| c.id.as_str()) != Some(catalog_id.as_str()) {
            return Err(ApiError::bad_value(format!(
                "product.catalog_id: catalog {catalog_id} is not connected to this number's WhatsApp Business Account"
            )));
        }
        let product = self.store.product(&catalog_id, &retailer_id).await?.ok_or_else(|| {
            ApiError::bad_value(format!(
                "product.product_retailer_id: no product {retailer_id} in catalog {catalog_id}"
            ))
        })?;
        if !crate::commerce::products::orderable(&product) {
            return Err(ApiError::bad_value(format!(
                "product.product_retailer_id: product {retailer_id} is {}",
                product.availability
            )));
        }
        Ok(product)
    }

    /// Media `id` uploaded by the business of `phone`, kept, of the kind (`image/*`, `video/*`).
    pub(crate) async fn business_media(
        &self,
        phone: &PhoneNumber,
        kind: &str,
        id: &str,
        field: &str,
    ) -> Result<(), ApiError> {
        let now = self.now();
        match self.store.media(id).await? {
            Some(m) if m.sendable_by(&phone.business_id, now) => {
                if !m.mime_type.starts_with(&format!("{kind}/")) {
                    return Err(ApiError::bad_value(format!("{field}: media {id} is {}, not an {kind}", m.mime_type)));
                }
                Ok(())
            }
            _ => Err(ApiError::bad_value(format!("{field}: no media {id} uploaded by this business"))),
        }
    }

    /// The number's ads, newest first, without the deleted ones.
    pub async fn list(&self, phone: &PhoneNumber) -> Result<Vec<AdRow>, ApiError> {
        Ok(self.store.ads(&phone.id).await?.into_iter().filter(|a| a.status != state::DELETED).collect())
    }

    /// One ad of the number (not deleted).
    pub async fn get(&self, phone: &PhoneNumber, id: &str) -> Result<AdRow, ApiError> {
        match self.store.ad(id).await? {
            Some(a) if a.phone_number_id == phone.id && a.status != state::DELETED => Ok(a),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    /// Edit an ad: `status` (`ACTIVE` resumes, `PAUSED` pauses), `name`, `budget.amount`
    /// (not below what was spent), `end_time`, `target`.
    pub async fn update(&self, phone: &PhoneNumber, id: &str, body: &Map<String, Value>) -> Result<AdRow, ApiError> {
        only_keys(body, "", EDIT_FIELDS)?;
        let mut ad = self.get(phone, id).await?;
        let now = self.now();
        if let Some(n) = text(body, "", "name", 120)? {
            ad.name = n;
        }
        if let Some(s) = status_value(body)? {
            ad.status = s.to_string();
        }
        if let Some(b) = object(body, "", "budget")? {
            only_keys(b, "budget", &["amount", "currency"])?;
            if let Some(c) = text(b, "budget", "currency", 3)? {
                if c != ad.currency {
                    return Err(ApiError::bad_value(format!("budget.currency: the ad's currency is {}", ad.currency)));
                }
            }
            if let Some(a) = integer(b, "budget", "amount")? {
                let spent = insights(&ad).spend;
                if a <= 0 || a < spent {
                    return Err(ApiError::bad_value(format!(
                        "budget.amount: a positive whole number of minor units, at least the {spent} spent"
                    )));
                }
                ad.budget = a;
            }
        }
        if body.contains_key("end_time") {
            ad.end_at = unix_time(body, "end_time")?;
            if ad.end_at.is_some_and(|e| e <= ad.start_at.max(now)) {
                return Err(ApiError::bad_value("end_time: after start_time and after now"));
            }
        }
        if body.contains_key("target") {
            ad.countries = target(body)?;
        }
        ad.updated_at = now;
        self.store.update_ad(&ad).await?;
        Ok(ad)
    }

    /// Delete an ad: it stops, and its figures stay for the records.
    pub async fn delete(&self, phone: &PhoneNumber, id: &str) -> Result<(), ApiError> {
        let mut ad = self.get(phone, id).await?;
        ad.status = state::DELETED.to_string();
        ad.updated_at = self.now();
        self.store.update_ad(&ad).await?;
        Ok(())
    }

    /// Whether `ad` is shown now to customer `wa_id`: active, started, not ended, budget left,
    /// and the customer's calling code targeted.
    fn shows(&self, ad: &AdRow, wa_id: &str, now: Millis) -> bool {
        ad.status == state::ACTIVE
            && ad.start_at <= now
            && ad.end_at.is_none_or(|e| e > now)
            && insights(ad).spend < ad.budget
            && (ad.countries.is_empty() || ad.countries.iter().any(|c| c == crate::phone::calling_code_of(wa_id)))
    }

    /// The ads customer `wa_id` sees now in `placements`, each with its business number.
    pub async fn feed(&self, wa_id: &str, placements: &[&str]) -> Result<Vec<(AdRow, PhoneNumber)>, ApiError> {
        let now = self.now();
        let mut out = Vec::new();
        for ad in self.store.live_ads(now).await? {
            if !placements.contains(&ad.placement.as_str()) || !self.shows(&ad, wa_id, now) {
                continue;
            }
            let Some(phone) = self.store.phone_number(&ad.phone_number_id).await? else { continue };
            if phone.registered {
                out.push((ad, phone));
            }
        }
        Ok(out)
    }

    /// An ad the customer can see now, or Graph's answer for an unknown id.
    async fn shown(&self, wa_id: &str, id: &str) -> Result<AdRow, ApiError> {
        match self.store.ad(id).await? {
            Some(a) if self.shows(&a, wa_id, self.now()) => Ok(a),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    /// The customer was shown the ad: `true` when that counted (once per customer per ad per
    /// UTC day).
    pub async fn impression(&self, wa_id: &str, id: &str) -> Result<bool, ApiError> {
        let ad = self.shown(wa_id, id).await?;
        let now = self.now();
        Ok(self.store.record_impression(&ad.id, wa_id, now.div_euclid(DAY_MS), now).await?)
    }

    /// The customer tapped the ad: a new click id, and the referral the chat's first message
    /// carries (`base` is the server's public address, for the ad's links).
    pub async fn tap(&self, wa_id: &str, id: &str, base: &str) -> Result<Tap, ApiError> {
        let ad = self.shown(wa_id, id).await?;
        let phone =
            self.store.phone_number(&ad.phone_number_id).await?.ok_or_else(|| ApiError::object_not_found(id))?;
        let clid = format!("ARA{}", crate::ids::new_secret(60));
        let now = self.now();
        self.store
            .record_tap(&AdTap {
                ctwa_clid: clid.clone(),
                ad_id: ad.id.clone(),
                wa_id: wa_id.to_string(),
                tapped_at: now,
                message_id: None,
                conversation_at: None,
            })
            .await?;
        let referral = referral(&ad, base, &clid);
        Ok(Tap { ad, phone, referral })
    }

    /// A customer's message was stored: when its referral names a tap of this customer on an
    /// ad of this number, the ad's conversation started.
    pub async fn on_inbound(&self, m: &Message) -> Result<bool, ApiError> {
        let Some(r) = m.content.get("referral") else { return Ok(false) };
        if r["source_type"] != "ad" {
            return Ok(false);
        }
        let Some(clid) = r["ctwa_clid"].as_str() else { return Ok(false) };
        let Some(tap) = self.store.ad_tap(clid).await? else { return Ok(false) };
        match self.store.ad(&tap.ad_id).await? {
            Some(ad) if ad.phone_number_id == m.phone_number_id && tap.wa_id == m.wa_id => {}
            _ => return Ok(false),
        }
        Ok(self.store.record_ad_conversation(clid, &m.wa_id, &m.id, m.created_at).await?)
    }

    /// The ad's own media (`media.id`), for its public address.
    pub async fn media_of(&self, id: &str) -> Result<crate::model::Media, ApiError> {
        let ad = self.store.ad(id).await?.filter(|a| a.status != state::DELETED);
        let media_id = ad.as_ref().and_then(|a| a.creative["media"]["id"].as_str().map(str::to_string));
        let Some(media_id) = media_id else { return Err(ApiError::object_not_found(id)) };
        match self.store.media(&media_id).await? {
            Some(m) if m.expires_at > self.now() => Ok(m),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    /// A public ad (not deleted), for its source URL.
    pub async fn public(&self, id: &str) -> Result<AdRow, ApiError> {
        self.store.ad(id).await?.filter(|a| a.status != state::DELETED).ok_or_else(|| ApiError::object_not_found(id))
    }
}

fn currency(budget: &Map<String, Value>) -> Result<String, ApiError> {
    let c = required_text(budget, "budget", "currency", 3)?;
    if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::bad_value(format!("budget.currency: an ISO 4217 code such as USD, not {c}")));
    }
    Ok(c)
}

/// `target: {countries: ["1", "44"]}`: calling codes (empty or absent: everyone).
fn target(body: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let Some(t) = object(body, "", "target")? else { return Ok(Vec::new()) };
    only_keys(t, "target", &["countries"])?;
    let list = match t.get("countries") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(ApiError::bad_value("target.countries: a list of calling codes such as \"44\"")),
    };
    let mut out: Vec<String> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let f = join("target", &format!("countries[{i}]"));
        let code = v.as_str().map(|s| s.trim_start_matches('+')).unwrap_or_default();
        let known = code.len() <= 3
            && code.parse::<u16>().is_ok_and(|n| phonenumber::metadata::DATABASE.by_code(&n).is_some())
            && !code.starts_with('0');
        if !known {
            return Err(ApiError::bad_value(format!("{f}: a country calling code such as \"44\", not {v}")));
        }
        if !out.iter().any(|c| c == code) {
            out.push(code.to_string());
        }
    }
    Ok(out)
}

fn status_value(body: &Map<String, Value>) -> Result<Option<&'static str>, ApiError> {
    match text(body, "", "status", 10)?.as_deref() {
        None => Ok(None),
        Some("ACTIVE") => Ok(Some(state::ACTIVE)),
        Some("PAUSED") => Ok(Some(state::PAUSED)),
        Some(s) => Err(ApiError::bad_value(format!("status: ACTIVE or PAUSED, not {s}"))),
    }
}
