//! Per-message pricing (PMP): which messages are charged, in which category and at what rate.
//! Rate cards are data (see [`crate::model::rate_card`]); money is integer micro-units of the card's currency
//! (1 USD = 1,000,000), never floats. Charges are recorded in a ledger when a message is
//! delivered, as Meta charges PMP on delivery.

pub mod analytics;
pub mod cbp;
pub mod conversation_analytics;
pub mod dates;
pub mod reports;

use crate::model::{Category, InvoiceLine, LedgerEntry, PricingType, Windows, BASE_TIER};

/// The price and tier of the `n`-th charged message of a month, given a card's volume tiers
/// (`(from, price)` ascending: from the `from`-th message on, the price is `price`). Below
/// the first tier the card's rate applies (`None`). Tiers are named as Meta does,
/// `"lower:upper"` with `MAX` for the last (`"0:99999"`, `"100000:999999"`, `"1000000:MAX"`).
pub fn volume_tier(tiers: &[(i64, i64)], n: i64) -> (Option<i64>, String) {
    let upper = |i: usize| tiers.get(i).map(|(from, _)| (from - 1).to_string()).unwrap_or_else(|| "MAX".into());
    match tiers.iter().rposition(|(from, _)| n >= *from) {
        Some(i) => (Some(tiers[i].1), format!("{}:{}", tiers[i].0, upper(i + 1))),
        None => (None, format!("0:{}", upper(0))),
    }
}

/// The card's rate in micro-units for `category` in `country` at `at`. Marketing Messages Lite
/// is charged at the marketing rate (Meta: "rates for marketing messages across Cloud API and
/// MM Lite API are consistent") unless the card names a `marketing_lite` rate of its own.
pub async fn category_rate(
    store: &dyn crate::store::Store,
    country: &str,
    category: Category,
    at: crate::clock::Millis,
) -> Result<Option<i64>, crate::error::ApiError> {
    let rate = store.rate(country, category, at).await?;
    if rate.is_none() && category == Category::MarketingLite {
        return Ok(store.rate(country, Category::Marketing, at).await?);
    }
    Ok(rate)
}

/// The PMP rules: the category and pricing type of a message.
///
/// - a non-template message is `service`, free (`free_customer_service`);
/// - inside a free entry point window everything is free (`free_entry_point`, category
///   `referral_conversion`);
/// - a utility template inside an open service window is free (`free_customer_service`);
/// - an authentication template to a country other than the business's own is priced as
///   `authentication-international` when the card has such a rate for the country;
/// - any other template is `regular`, charged by category × country.
pub fn classify(
    template_category: Option<&str>,
    windows: Windows,
    international_auth: bool,
) -> (Category, PricingType) {
    let category = match template_category.and_then(Category::parse) {
        None => Category::Service,
        Some(Category::Authentication) if international_auth => Category::AuthenticationInternational,
        Some(c) => c,
    };
    if windows.entry_point {
        return (Category::ReferralConversion, PricingType::FreeEntryPoint);
    }
    let kind = if category == Category::Service || (category == Category::Utility && windows.service) {
        PricingType::FreeCustomerService
    } else {
        PricingType::Regular
    };
    (category, kind)
}

/// Group ledger rows into invoice lines (by category, country, pricing type), sorted.
pub fn invoice_lines(entries: &[LedgerEntry]) -> Vec<InvoiceLine> {
    let mut map: std::collections::BTreeMap<(String, String, String), (i64, i64)> = Default::default();
    for e in entries {
        let v = map.entry((e.category.clone(), e.country.clone(), e.pricing_type.clone())).or_default();
        v.0 += 1;
        v.1 += e.amount_micros;
    }
    map.into_iter()
        .map(|((category, country, pricing_type), (messages, amount_micros))| InvoiceLine {
            category,
            country,
            pricing_type,
            messages,
            amount_micros,
        })
        .collect()
}

/// `12345678` micro-units → `"12.345678"`.
pub fn format_micros(m: i64) -> String {
    let sign = if m < 0 { "-" } else { "" };
    let a = m.unsigned_abs();
    format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MessagePricing;
    use serde_json::json;

    #[test]
    fn the_pmp_rules() {
        let none = Windows::default();
        let csw = Windows { service: true, entry_point: false };
        let fep = Windows { service: true, entry_point: true };
        assert_eq!(classify(None, csw, false), (Category::Service, PricingType::FreeCustomerService));
        assert_eq!(classify(Some("UTILITY"), csw, false), (Category::Utility, PricingType::FreeCustomerService));
        assert_eq!(classify(Some("UTILITY"), none, false), (Category::Utility, PricingType::Regular));
        assert_eq!(classify(Some("MARKETING"), csw, false), (Category::Marketing, PricingType::Regular));
        assert_eq!(
            classify(Some("MARKETING"), fep, false),
            (Category::ReferralConversion, PricingType::FreeEntryPoint)
        );
        assert_eq!(classify(None, fep, false), (Category::ReferralConversion, PricingType::FreeEntryPoint));
        assert_eq!(
            classify(Some("AUTHENTICATION"), none, true),
            (Category::AuthenticationInternational, PricingType::Regular)
        );
        assert_eq!(classify(Some("authentication"), none, false), (Category::Authentication, PricingType::Regular));
    }

    #[test]
    fn pricing_json_and_money() {
        let p = MessagePricing {
            category: Category::AuthenticationInternational,
            kind: PricingType::Regular,
            country: "IN".into(),
            amount_micros: 28_000,
            entry_point: None,
            tier: BASE_TIER.into(),
            cbp: None,
        };
        assert_eq!(
            serde_json::to_value(p.status_pricing()).unwrap(),
            json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "authentication-international"})
        );
        assert_eq!(format_micros(28_000), "0.028000");
        assert_eq!(format_micros(12_345_678), "12.345678");
        assert_eq!(format_micros(-5), "-0.000005");
        assert_eq!(Category::parse("authentication_international"), Some(Category::AuthenticationInternational));
    }

    #[test]
    fn volume_tiers() {
        let tiers = [(100_000, 1_200), (1_000_000, 1_000)];
        assert_eq!(volume_tier(&tiers, 1), (None, "0:99999".into()));
        assert_eq!(volume_tier(&tiers, 100_000), (Some(1_200), "100000:999999".into()));
        assert_eq!(volume_tier(&tiers, 5_000_000), (Some(1_000), "1000000:MAX".into()));
        assert_eq!(volume_tier(&[], 7), (None, "0:MAX".into()));
    }
}
