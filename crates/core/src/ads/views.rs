//! How ads look on the wire: to the business (with their figures), in the customer's feed,
//! and as Meta's `referral` object on the first message of the chat an ad opened.

use serde_json::{json, Map, Value};

use super::state;
use crate::clock::Millis;
use crate::model::PhoneNumber;
use crate::store::AdRow;

/// An ad's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insights {
    pub impressions: i64,
    pub taps: i64,
    pub conversations: i64,
    /// Minor units: what the cost model charged, capped by the budget.
    pub spend: i64,
    /// `spend / conversations`, rounded down; `None` before the first conversation.
    pub cost_per_conversation: Option<i64>,
}

/// The figures of `ad`.
pub fn insights(ad: &AdRow) -> Insights {
    let units = match ad.cost_per.as_str() {
        "impression" => ad.impressions,
        "tap" => ad.taps,
        _ => ad.conversations,
    };
    let spend = units.saturating_mul(ad.price).min(ad.budget);
    Insights {
        impressions: ad.impressions,
        taps: ad.taps,
        conversations: ad.conversations,
        spend,
        cost_per_conversation: (ad.conversations > 0).then(|| spend / ad.conversations),
    }
}

/// What an ad is doing at `now`: `ACTIVE`, `PAUSED`, `DELETED`, `SCHEDULED` (not started),
/// `COMPLETED` (ended) or `BUDGET_SPENT`.
pub fn effective_status(ad: &AdRow, now: Millis) -> &'static str {
    match ad.status.as_str() {
        state::DELETED => "DELETED",
        state::PAUSED => "PAUSED",
        _ if ad.end_at.is_some_and(|e| e <= now) => "COMPLETED",
        _ if insights(ad).spend >= ad.budget => "BUDGET_SPENT",
        _ if ad.start_at > now => "SCHEDULED",
        _ => "ACTIVE",
    }
}

fn secs(ms: Millis) -> Value {
    Value::from(ms.div_euclid(1000))
}

/// Where the ad's image or video is: its link, or the ad's public media address.
fn media_url(ad: &AdRow, base: &str) -> Option<(String, String)> {
    let m = ad.creative.get("media")?;
    let kind = m["type"].as_str()?.to_string();
    let url = match m["link"].as_str() {
        Some(l) => l.to_string(),
        None => format!("{base}/wa/ads/{}/media", ad.id),
    };
    Some((kind, url))
}

/// The ad as the business reads it (`GET /tools/v1/{phone-number-id}/ads/{id}`).
pub fn ad_view(ad: &AdRow, base: &str, now: Millis) -> Value {
    let i = insights(ad);
    let mut v = json!({
        "id": ad.id,
        "name": ad.name,
        "status": ad.status,
        "effective_status": effective_status(ad, now),
        "placement": ad.placement,
        "headline": ad.creative["headline"],
        "prefilled_text": ad.creative["prefilled_text"],
        "budget": {"amount": ad.budget, "currency": ad.currency},
        "cost": {"per": ad.cost_per, "amount": ad.price},
        "target": {"countries": ad.countries},
        "start_time": secs(ad.start_at),
        "source_url": format!("{base}/wa/ads/{}", ad.id),
        "created_time": secs(ad.created_at),
        "updated_time": secs(ad.updated_at),
        "insights": {
            "impressions": i.impressions,
            "taps": i.taps,
            "conversations": i.conversations,
            "spend": i.spend,
            "remaining": ad.budget - i.spend,
            "cost_per_conversation": i.cost_per_conversation,
            "currency": ad.currency,
        },
    });
    if let Some(o) = v.as_object_mut() {
        for k in ["body", "welcome_message", "media", "product"] {
            if let Some(x) = ad.creative.get(k) {
                o.insert(k.into(), x.clone());
            }
        }
        if let Some((_, url)) = media_url(ad, base) {
            o.insert("media_url".into(), url.into());
        }
        if let Some(e) = ad.end_at {
            o.insert("end_time".into(), secs(e));
        }
    }
    v
}

/// The ad as a customer's feed shows it.
pub fn feed_item(ad: &AdRow, phone: &PhoneNumber, base: &str) -> Value {
    let mut v = json!({
        "id": ad.id,
        "placement": ad.placement,
        "sponsored": true,
        "business": {"wa_id": phone.number, "name": phone.verified_name},
        "headline": ad.creative["headline"],
        "prefilled_text": ad.creative["prefilled_text"],
    });
    if let Some(o) = v.as_object_mut() {
        if let Some(b) = ad.creative.get("body") {
            o.insert("body".into(), b.clone());
        }
        add_media(o, ad, base);
    }
    v
}

/// `media_type` with `image_url`, or `video_url` and `thumbnail_url`, as the referral names them.
fn add_media(o: &mut Map<String, Value>, ad: &AdRow, base: &str) {
    let Some((kind, url)) = media_url(ad, base) else { return };
    o.insert("media_type".into(), kind.clone().into());
    if kind == "video" {
        o.insert("video_url".into(), url.into());
        if let Some(t) = ad.creative["media"]["thumbnail_link"].as_str() {
            o.insert("thumbnail_url".into(), t.into());
        }
    } else {
        o.insert("image_url".into(), url.into());
    }
}

/// Meta's click-to-WhatsApp `referral` for a tap on `ad` with click id `ctwa_clid`:
/// `source_url`, `source_id`, `source_type: "ad"`, `body`, `headline`, `media_type`,
/// `image_url` (or `video_url` and `thumbnail_url`), `ctwa_clid`, and `welcome_message`
/// when the ad has one.
pub fn referral(ad: &AdRow, base: &str, ctwa_clid: &str) -> Value {
    let mut o = Map::new();
    o.insert("source_url".into(), format!("{base}/wa/ads/{}", ad.id).into());
    o.insert("source_id".into(), ad.id.clone().into());
    o.insert("source_type".into(), "ad".into());
    if let Some(b) = ad.creative.get("body") {
        o.insert("body".into(), b.clone());
    }
    o.insert("headline".into(), ad.creative["headline"].clone());
    add_media(&mut o, ad, base);
    o.insert("ctwa_clid".into(), ctwa_clid.into());
    if let Some(w) = ad.creative.get("welcome_message") {
        o.insert("welcome_message".into(), json!({"text": w}));
    }
    Value::Object(o)
}

/// Digits after the decimal point of `currency` (ISO 4217).
pub fn exponent(currency: &str) -> u32 {
    crate::model::currency::digits(currency)
}

/// `amount` minor units of `currency` as `50.00 USD`.
pub fn money(amount: i64, currency: &str) -> String {
    format!("{} {currency}", crate::model::currency::decimal(amount, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_uses_the_currency_exponent() {
        assert_eq!(money(5000, "USD"), "50.00 USD");
        assert_eq!(money(150, "EGP"), "1.50 EGP");
        assert_eq!(money(7, "USD"), "0.07 USD");
        assert_eq!(money(1200, "JPY"), "1200 JPY");
        assert_eq!(money(1500, "KWD"), "1.500 KWD");
        assert_eq!(money(-250, "EUR"), "-2.50 EUR");
    }
}
