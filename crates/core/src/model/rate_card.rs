//! Rate cards as CSV data files: one row per country (ISO code, `*` for every other country),
//! one column per category, prices as decimals of the currency (at most six decimals), an empty
//! cell for "no such rate". `# name:` and `# currency:` comment lines name the card.
//!
//! Monthly volume tiers (utility and authentication) are rows `tier,COUNTRY,category,FROM,PRICE`:
//! from the FROM-th message of that category and country a business has had delivered in the
//! month (UTC), the price is PRICE.
//!
//! ```text
//! # name: sample-2026-q4
//! # currency: USD
//! country,marketing,utility,authentication,authentication_international
//! GB,0.052900,0.022000,0.035800,
//! *,0.074000,0.007700,0.007700,
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::pricing::Category;

/// A parsed rate card: `(country, category)` → micro-units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateCard {
    pub name: String,
    pub currency: String,
    pub rates: BTreeMap<(String, Category), i64>,
    /// Volume tiers: `(country, category)` → `(from volume, micro-units)`, ascending.
    #[serde(default)]
    pub tiers: BTreeMap<(String, Category), Vec<(i64, i64)>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rate card line {line}: {message}")]
pub struct RateCardError {
    pub line: usize,
    pub message: String,
}

/// `"0.0529"` → `52_900` micro-units; no floats, at most six decimals, not negative.
pub fn parse_amount(s: &str) -> Option<i64> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 6 {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac_micros: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<6}").parse().ok()? };
    whole.checked_mul(1_000_000)?.checked_add(frac_micros)
}

impl RateCard {
    /// Parse the CSV text of a card; `default_name` names it when it has no `# name:` line.
    pub fn parse_csv(text: &str, default_name: &str) -> Result<RateCard, RateCardError> {
        let mut name = default_name.to_string();
        let mut currency = "USD".to_string();
        let mut columns: Option<Vec<Category>> = None;
        let mut rates = BTreeMap::new();
        let mut tiers: BTreeMap<(String, Category), Vec<(i64, i64)>> = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |message: String| RateCardError { line, message };
            let l = raw.trim();
            if l.is_empty() {
                continue;
            }
            if let Some(c) = l.strip_prefix('#') {
                let c = c.trim();
                if let Some(v) = c.strip_prefix("name:") {
                    name = v.trim().to_string();
                } else if let Some(v) = c.strip_prefix("currency:") {
                    currency = v.trim().to_ascii_uppercase();
                }
                continue;
            }
            let cells: Vec<&str> = l.split(',').map(str::trim).collect();
            if cells[0].eq_ignore_ascii_case("tier") {
                let [_, country, category, from, price] = cells[..] else {
                    return Err(err("a tier row is `tier,COUNTRY,category,FROM,PRICE`".into()));
                };
                let country = country.to_ascii_uppercase();
                let category = Category::parse(category)
                    .filter(|c| matches!(c, Category::Utility | Category::Authentication))
                    .ok_or_else(|| err(format!("`{category}`: volume tiers are for utility and authentication")))?;
                let from: i64 = from
                    .parse()
                    .ok()
                    .filter(|n| *n > 1)
                    .ok_or_else(|| err(format!("`{from}` is not a volume above 1")))?;
                let micros = parse_amount(price).ok_or_else(|| err(format!("`{price}` is not an amount")))?;
                let list = tiers.entry((country, category)).or_default();
                list.push((from, micros));
                list.sort();
                continue;
            }
            let Some(cols) = &columns else {
                if !cells[0].eq_ignore_ascii_case("country") {
                    return Err(err("the header must start with `country`".into()));
                }
                let cats = cells[1..]
                    .iter()
                    .map(|c| Category::parse(c).ok_or_else(|| err(format!("unknown category column `{c}`"))))
                    .collect::<Result<Vec<_>, _>>()?;
                if cats.is_empty() {
                    return Err(err("the header names no category".into()));
                }
                columns = Some(cats);
                continue;
            };
            let country = cells[0].to_ascii_uppercase();
            if !(country == "*" || (country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))) {
                return Err(err(format!("`{}` is not an ISO country code or `*`", cells[0])));
            }
            if cells.len() > cols.len() + 1 {
                return Err(err(format!("{} cells, the header has {}", cells.len(), cols.len() + 1)));
            }
            for (j, cat) in cols.iter().enumerate() {
                let cell = cells.get(j + 1).copied().unwrap_or("");
                if cell.is_empty() {
                    continue;
                }
                let micros = parse_amount(cell)
                    .ok_or_else(|| err(format!("`{cell}` is not an amount (at most six decimals)")))?;
                if rates.insert((country.clone(), *cat), micros).is_some() {
                    return Err(err(format!("{country} {} is given twice", cat.as_str())));
                }
            }
        }
        if columns.is_none() {
            return Err(RateCardError { line: 0, message: "no header line".into() });
        }
        for ((country, category), list) in &tiers {
            if country != "*" && !rates.contains_key(&(country.clone(), *category)) {
                return Err(RateCardError {
                    line: 0,
                    message: format!("tiers for {country} {} without a base rate", category.as_str()),
                });
            }
            if list.windows(2).any(|w| w[0].0 == w[1].0) {
                return Err(RateCardError {
                    line: 0,
                    message: format!("{country} {}: a tier is given twice", category.as_str()),
                });
            }
        }
        Ok(RateCard { name, currency, rates, tiers })
    }

    /// The price of the `n`-th message (1-based) of a month at a country's rate and tiers.
    pub fn rate_at_volume(&self, country: &str, category: Category, n: i64) -> Option<i64> {
        let base = self.rate(country, category)?;
        let key = if self.rates.contains_key(&(country.to_string(), category)) { country } else { "*" };
        let tiers = self.tiers.get(&(key.to_string(), category));
        Some(tiers.and_then(|t| t.iter().rev().find(|(from, _)| n >= *from).map(|(_, m)| *m)).unwrap_or(base))
    }

    /// The rate for a country, else the default row `*`.
    pub fn rate(&self, country: &str, category: Category) -> Option<i64> {
        self.rates
            .get(&(country.to_string(), category))
            .or_else(|| self.rates.get(&("*".to_string(), category)))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../../../rates/sample.csv");

    #[test]
    fn amounts_are_exact() {
        assert_eq!(parse_amount("0.0529"), Some(52_900));
        assert_eq!(parse_amount("1"), Some(1_000_000));
        assert_eq!(parse_amount(".5"), Some(500_000));
        assert_eq!(parse_amount("0.000001"), Some(1));
        assert_eq!(parse_amount("0.0000001"), None);
        assert_eq!(parse_amount("-1"), None);
        assert_eq!(parse_amount("1e3"), None);
        assert_eq!(parse_amount(""), None);
    }

    #[test]
    fn the_sample_card_parses() {
        let card = RateCard::parse_csv(SAMPLE, "x").unwrap();
        assert_eq!(card.currency, "USD");
        for c in ["US", "GB", "IN", "BR", "DE"] {
            assert!(card.rate(c, Category::Marketing).is_some(), "{c}");
        }
        assert_eq!(card.rate("FR", Category::Marketing), card.rate("*", Category::Marketing));
        assert_eq!(card.rate("GB", Category::Service), None);
    }

    #[test]
    fn metas_card_parses_with_its_markets() {
        let card = RateCard::parse_csv(include_str!("../../../../rates/meta-2026-01-01.csv"), "x").unwrap();
        assert_eq!((card.name.as_str(), card.currency.as_str()), ("meta-usd-2026-01-01", "USD"));
        let rate = |c: &str, cat| card.rate(c, cat).unwrap();
        assert_eq!(rate("SA", Category::Marketing), 45_500);
        assert_eq!(rate("SA", Category::AuthenticationInternational), 59_800);
        assert_eq!(rate("AE", Category::Utility), 15_700);
        assert_eq!(rate("EG", Category::Marketing), 64_400);
        // One rate for every country of a group; a country in none takes Other's.
        for c in ["BH", "IQ", "JO", "KW", "LB", "OM", "QA", "YE"] {
            assert_eq!((rate(c, Category::Marketing), rate(c, Category::Utility)), (34_100, 9_100), "{c}");
        }
        assert_eq!(rate("FJ", Category::Marketing), rate("*", Category::Marketing));
        assert_eq!(card.rate("JO", Category::AuthenticationInternational), None);
    }

    #[test]
    fn volume_tiers() {
        let card = RateCard::parse_csv(
            "country,utility,marketing\nGB,0.02,0.05\n*,0.01,0.07\ntier,GB,utility,3,0.015\ntier,GB,utility,5,0.01\n",
            "x",
        )
        .unwrap();
        let prices: Vec<_> = (1..=6).map(|n| card.rate_at_volume("GB", Category::Utility, n).unwrap()).collect();
        assert_eq!(prices, [20_000, 20_000, 15_000, 15_000, 10_000, 10_000]);
        assert_eq!(card.rate_at_volume("FR", Category::Utility, 10), Some(10_000));
        assert_eq!(card.rate_at_volume("GB", Category::Marketing, 10), Some(50_000));
        assert!(RateCard::parse_csv("country,utility\ntier,GB,marketing,3,0.01\n", "x").is_err());
        assert!(RateCard::parse_csv("country,utility\nGB,0.02\ntier,GB,utility,1,0.01\n", "x").is_err());
        assert!(RateCard::parse_csv("country,utility\ntier,DE,utility,3,0.01\n", "x").is_err());
    }

    #[test]
    fn bad_cards_name_the_line() {
        let e = RateCard::parse_csv("country,marketing\nGB,abc\n", "x").unwrap_err();
        assert_eq!(e.line, 2);
        let e = RateCard::parse_csv("country,nope\n", "x").unwrap_err();
        assert_eq!(e.line, 1);
        let e = RateCard::parse_csv("country,marketing\nGB,1\nGB,2\n", "x").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(RateCard::parse_csv("", "x").is_err());
    }
}
