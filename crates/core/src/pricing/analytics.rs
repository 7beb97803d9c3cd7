//! `pricing_analytics` on a WABA (`GET /{waba-id}?fields=pricing_analytics.start(…).end(…)
//! .granularity(DAILY)…`), computed from the ledger: volumes and costs per time bucket and the
//! requested dimensions.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::dates::{day_start, month_bounds};
use crate::clock::Millis;
use crate::error::ApiError;
use crate::model::{LedgerEntry, OutboundStat};

/// The parsed modifiers of a `pricing_analytics` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingQuery {
    pub start: i64,
    pub end: i64,
    pub granularity: String,
    pub metric_types: Vec<String>,
    pub dimensions: Vec<String>,
    pub pricing_types: Vec<String>,
    pub pricing_categories: Vec<String>,
    pub country_codes: Vec<String>,
    pub phone_numbers: Vec<String>,
}

/// Split `.start(1).end(2).granularity(DAILY).dimensions([COUNTRY,PHONE])` into name → argument.
pub(super) fn modifiers(s: &str) -> Result<HashMap<String, String>, ApiError> {
    let mut out = HashMap::new();
    let mut rest = s.trim();
    while let Some(r) = rest.strip_prefix('.') {
        let open = r.find('(').ok_or_else(|| ApiError::invalid(format!("Syntax error in fields: {s}")))?;
        let close = r[open..].find(')').map(|i| i + open).ok_or_else(|| ApiError::invalid("Syntax error in fields"))?;
        out.insert(r[..open].to_string(), r[open + 1..close].to_string());
        rest = &r[close + 1..];
    }
    if !rest.is_empty() {
        return Err(ApiError::invalid(format!("Syntax error in fields: {s}")));
    }
    Ok(out)
}

/// `[A,"B", c]` → `["A","B","C"]` (upper-cased).
pub(crate) fn list(s: &str) -> Vec<String> {
    s.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|p| p.trim().trim_matches('"').trim_matches('\'').to_ascii_uppercase())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The Unix timestamp modifier `k` of the analytics field `field`, required.
pub(super) fn timestamp(m: &HashMap<String, String>, field: &str, k: &str) -> Result<i64, ApiError> {
    m.get(k)
        .ok_or_else(|| ApiError::invalid(format!("{field}: the {k} parameter is required")))?
        .trim()
        .parse()
        .map_err(|_| ApiError::invalid(format!("{field}: {k} must be a Unix timestamp")))
}

/// `{"data":[{"data_points":[…]}]}` from sums per key: the key's fields (`start` and `end` as
/// numbers), then the count under `count_name` (metric `count_metric`) and `cost` (metric
/// `COST`, a number of the currency; the ledger stays exact), each when `metrics` is empty or
/// names it.
pub(super) fn data_points(
    points: BTreeMap<Vec<(String, String)>, (i64, i64)>,
    metrics: &[String],
    count_metric: &str,
    count_name: &str,
) -> Value {
    let want = |m: &str| metrics.is_empty() || metrics.iter().any(|x| x == m);
    let data_points: Vec<Value> = points
        .into_iter()
        .map(|(key, (count, micros))| {
            let mut o = Map::new();
            for (k, v) in key {
                let v = match k.as_str() {
                    "start" | "end" => json!(v.parse::<i64>().unwrap_or_default()),
                    _ => json!(v),
                };
                o.insert(k, v);
            }
            if want(count_metric) {
                o.insert(count_name.into(), json!(count));
            }
            if want("COST") {
                o.insert("cost".into(), json!(micros as f64 / 1_000_000.0));
            }
            Value::Object(o)
        })
        .collect();
    json!({"data": [{"data_points": data_points}]})
}

pub(super) fn check(kind: &str, values: &[String], allowed: &[&str]) -> Result<(), ApiError> {
    match values.iter().find(|v| !allowed.contains(&v.as_str())) {
        Some(v) => Err(ApiError::invalid(format!("{kind}: {v} is not one of {}", allowed.join(", ")))),
        None => Ok(()),
    }
}

impl PricingQuery {
    pub fn parse(mods: &str) -> Result<PricingQuery, ApiError> {
        let m = modifiers(mods)?;
        let num = |k: &str| timestamp(&m, "pricing_analytics", k);
        let q = PricingQuery {
            start: num("start")?,
            end: num("end")?,
            granularity: m.get("granularity").map(|g| g.trim().to_ascii_uppercase()).unwrap_or_else(|| "DAILY".into()),
            metric_types: m.get("metric_types").map(|v| list(v)).unwrap_or_default(),
            dimensions: m.get("dimensions").map(|v| list(v)).unwrap_or_default(),
            pricing_types: m.get("pricing_types").map(|v| list(v)).unwrap_or_default(),
            pricing_categories: m.get("pricing_categories").map(|v| list(v)).unwrap_or_default(),
            country_codes: m.get("country_codes").map(|v| list(v)).unwrap_or_default(),
            phone_numbers: m.get("phone_numbers").map(|v| list(v)).unwrap_or_default(),
        };
        check("granularity", std::slice::from_ref(&q.granularity), &["HALF_HOUR", "DAILY", "MONTHLY"])?;
        check("metric_types", &q.metric_types, &["COST", "VOLUME"])?;
        check("dimensions", &q.dimensions, &["COUNTRY", "PHONE", "PRICING_CATEGORY", "PRICING_TYPE", "TIER"])?;
        check("pricing_types", &q.pricing_types, &["REGULAR", "FREE_CUSTOMER_SERVICE", "FREE_ENTRY_POINT"])?;
        check(
            "pricing_categories",
            &q.pricing_categories,
            &[
                "AUTHENTICATION",
                "AUTHENTICATION_INTERNATIONAL",
                "MARKETING",
                "MARKETING_LITE",
                "UTILITY",
                "SERVICE",
                "REFERRAL_CONVERSION",
            ],
        )?;
        if q.end <= q.start {
            return Err(ApiError::invalid("pricing_analytics: end must be after start"));
        }
        Ok(q)
    }

    /// The ledger range to read, in milliseconds.
    pub fn range_ms(&self) -> (Millis, Millis) {
        (self.start.saturating_mul(1000), self.end.saturating_mul(1000))
    }

    pub(super) fn bucket(&self, at: Millis) -> (i64, i64) {
        let (s, e) = match self.granularity.as_str() {
            "HALF_HOUR" => {
                let s = at.div_euclid(1_800_000) * 1_800_000;
                (s, s + 1_800_000)
            }
            "MONTHLY" => month_bounds(at),
            _ => {
                let s = day_start(at);
                (s, s + 86_400_000)
            }
        };
        (s / 1000, e / 1000)
    }

    /// The answer's `pricing_analytics` value. `phone_number` maps a phone number id to its
    /// digits, as data points show it.
    pub fn answer(&self, entries: &[LedgerEntry], phone_number: &HashMap<String, String>) -> Value {
        let category = |e: &LedgerEntry| e.category.replace('-', "_").to_ascii_uppercase();
        let kind = |e: &LedgerEntry| e.pricing_type.to_ascii_uppercase();
        let has = |d: &str| self.dimensions.iter().any(|x| x == d);
        let mut points: BTreeMap<Vec<(String, String)>, (i64, i64)> = BTreeMap::new();
        for e in entries {
            let number = phone_number.get(&e.phone_number_id).cloned().unwrap_or_default();
            if (!self.pricing_types.is_empty() && !self.pricing_types.contains(&kind(e)))
                || (!self.pricing_categories.is_empty() && !self.pricing_categories.contains(&category(e)))
                || (!self.country_codes.is_empty() && !self.country_codes.contains(&e.country))
                || (!self.phone_numbers.is_empty() && !self.phone_numbers.contains(&number))
            {
                continue;
            }
            let (s, end) = self.bucket(e.charged_at);
            let mut key = vec![("start".to_string(), s.to_string()), ("end".to_string(), end.to_string())];
            if has("COUNTRY") {
                key.push(("country".into(), e.country.clone()));
            }
            if has("PHONE") {
                key.push(("phone_number".into(), number));
            }
            if has("PRICING_CATEGORY") {
                key.push(("pricing_category".into(), category(e)));
            }
            if has("PRICING_TYPE") {
                key.push(("pricing_type".into(), kind(e)));
            }
            if has("TIER") {
                key.push(("tier".into(), e.tier.clone()));
            }
            let p = points.entry(key).or_default();
            p.0 += 1;
            p.1 += e.amount_micros;
        }
        data_points(points, &self.metric_types, "VOLUME", "volume")
    }
}

/// `analytics.start(…).end(…).granularity(HALF_HOUR|DAY|MONTH).phone_numbers([…]).country_codes([…])`:
/// sent and delivered counts per time bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagingQuery {
    pub start: i64,
    pub end: i64,
    pub granularity: String,
    pub phone_numbers: Vec<String>,
    pub country_codes: Vec<String>,
}

impl MessagingQuery {
    pub fn parse(mods: &str) -> Result<MessagingQuery, ApiError> {
        let m = modifiers(mods)?;
        let num = |k: &str| timestamp(&m, "analytics", k);
        let q = MessagingQuery {
            start: num("start")?,
            end: num("end")?,
            granularity: m.get("granularity").map(|g| g.trim().to_ascii_uppercase()).unwrap_or_else(|| "DAY".into()),
            phone_numbers: m.get("phone_numbers").map(|v| list(v)).unwrap_or_default(),
            country_codes: m.get("country_codes").map(|v| list(v)).unwrap_or_default(),
        };
        check("granularity", std::slice::from_ref(&q.granularity), &["HALF_HOUR", "DAY", "MONTH"])?;
        if q.end <= q.start {
            return Err(ApiError::invalid("analytics: end must be after start"));
        }
        Ok(q)
    }

    pub fn range_ms(&self) -> (Millis, Millis) {
        (self.start.saturating_mul(1000), self.end.saturating_mul(1000))
    }

    /// The answer's `analytics` value: non-empty buckets, oldest first.
    pub fn answer(&self, stats: &[OutboundStat]) -> Value {
        let granularity = match self.granularity.as_str() {
            "HALF_HOUR" => "HALF_HOUR",
            "MONTH" => "MONTHLY",
            _ => "DAILY",
        };
        let p = PricingQuery {
            start: self.start,
            end: self.end,
            granularity: granularity.into(),
            metric_types: vec![],
            dimensions: vec![],
            pricing_types: vec![],
            pricing_categories: vec![],
            country_codes: vec![],
            phone_numbers: vec![],
        };
        let mut points: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
        for s in stats {
            if (!self.phone_numbers.is_empty() && !self.phone_numbers.contains(&s.phone_number))
                || (!self.country_codes.is_empty() && !self.country_codes.contains(&s.country))
            {
                continue;
            }
            let e = points.entry(p.bucket(s.created_at)).or_default();
            e.0 += s.sent as i64;
            e.1 += s.delivered as i64;
        }
        json!({
            "phone_numbers": self.phone_numbers,
            "country_codes": self.country_codes,
            "granularity": self.granularity,
            "data_points": points.into_iter().map(|((start, end), (sent, delivered))| json!({
                "start": start, "end": end, "sent": sent, "delivered": delivered,
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(country: &str, category: &str, kind: &str, micros: i64, at: Millis) -> LedgerEntry {
        LedgerEntry {
            message_id: format!("m{at}{country}"),
            waba_id: "w".into(),
            phone_number_id: "p".into(),
            country: country.into(),
            category: category.into(),
            pricing_type: kind.into(),
            amount_micros: micros,
            charged_at: at,
            tier: crate::pricing::BASE_TIER.into(),
        }
    }

    #[test]
    fn messaging_analytics() {
        let q = MessagingQuery::parse(".start(0).end(172800).granularity(DAY).country_codes([GB])").unwrap();
        let stat = |country: &str, at: Millis, sent: bool, delivered: bool| OutboundStat {
            phone_number: "15550100001".into(),
            country: country.into(),
            created_at: at,
            sent,
            delivered,
        };
        let v = q.answer(&[
            stat("GB", 5, true, true),
            stat("GB", 6, true, false),
            stat("GB", 7, false, false),
            stat("US", 8, true, true),
            stat("GB", 86_400_001, true, true),
        ]);
        assert_eq!(v["granularity"], "DAY");
        assert_eq!(
            v["data_points"],
            json!([{"start": 0, "end": 86400, "sent": 2, "delivered": 1},
            {"start": 86400, "end": 172800, "sent": 1, "delivered": 1}])
        );
        assert!(MessagingQuery::parse(".start(0).end(1).granularity(DAILY)").is_err());
    }

    #[test]
    fn parses_and_groups() {
        let q = PricingQuery::parse(".start(0).end(172800).granularity(DAILY).dimensions([COUNTRY,PRICING_CATEGORY,PRICING_TYPE]).metric_types([\"COST\",\"VOLUME\"])").unwrap();
        let entries = [
            entry("GB", "marketing", "regular", 52_900, 1000),
            entry("GB", "marketing", "regular", 52_900, 2000),
            entry("US", "service", "free_customer_service", 0, 3000),
            entry("GB", "marketing", "regular", 52_900, 86_400_000 + 5),
            entry("IN", "authentication-international", "regular", 28_000, 86_400_000 + 6),
        ];
        let phones = HashMap::from([("p".to_string(), "15550100001".to_string())]);
        let v = q.answer(&entries, &phones);
        let points = v["data"][0]["data_points"].as_array().unwrap();
        assert_eq!(points.len(), 4, "{v}");
        assert_eq!(
            points[0],
            json!({"start": 0, "end": 86400, "country": "GB", "pricing_category": "MARKETING", "pricing_type": "REGULAR", "volume": 2, "cost": 0.1058})
        );
        assert!(points.iter().any(|p| p["pricing_category"] == "AUTHENTICATION_INTERNATIONAL" && p["start"] == 86400));

        let q = PricingQuery::parse(
            ".start(0).end(172800).granularity(MONTHLY).pricing_types([REGULAR]).metric_types([VOLUME])",
        )
        .unwrap();
        let v = q.answer(&entries, &phones);
        assert_eq!(v["data"][0]["data_points"], json!([{"start": 0, "end": 2_678_400, "volume": 4}]));

        assert!(PricingQuery::parse(".start(0)").is_err());
        assert!(PricingQuery::parse(".start(0).end(10).granularity(WEEKLY)").is_err());
        assert!(PricingQuery::parse(".start(0).end(10).dimensions([COLOR])").is_err());
        assert!(PricingQuery::parse(".start(10).end(0)").is_err());
    }
}
