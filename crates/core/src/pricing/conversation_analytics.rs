//! `conversation_analytics` on a WABA (`GET /{waba-id}?fields=conversation_analytics.start(…)
//! .end(…).granularity(DAILY)…`), computed from the delivered CBP conversations: conversations
//! and their cost per time bucket (by when they opened) and the requested dimensions.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::analytics::{check, data_points, list, modifiers, timestamp, PricingQuery};
use crate::clock::Millis;
use crate::error::ApiError;
use crate::model::{Category, ConversationRecord};

const CATEGORIES: &[&str] =
    &["AUTHENTICATION", "AUTHENTICATION_INTERNATIONAL", "MARKETING", "UTILITY", "SERVICE", "REFERRAL_CONVERSION"];
const TYPES: &[&str] = &["FREE_ENTRY", "FREE_TIER", "REGULAR"];
const DIRECTIONS: &[&str] = &["BUSINESS_INITIATED", "USER_INITIATED"];
const DIMENSIONS: &[&str] =
    &["CONVERSATION_CATEGORY", "CONVERSATION_DIRECTION", "CONVERSATION_TYPE", "COUNTRY", "PHONE"];

/// The parsed modifiers of a `conversation_analytics` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationQuery {
    pub start: i64,
    pub end: i64,
    pub granularity: String,
    pub metric_types: Vec<String>,
    pub conversation_categories: Vec<String>,
    pub conversation_types: Vec<String>,
    pub conversation_directions: Vec<String>,
    pub dimensions: Vec<String>,
    pub phone_numbers: Vec<String>,
    pub country_codes: Vec<String>,
}

/// `CONVERSATION_CATEGORY` of a conversation (`AUTHENTICATION_INTERNATIONAL` with an underscore).
fn category_name(c: Category) -> String {
    c.as_str().replace('-', "_").to_ascii_uppercase()
}

/// Business-initiated: opened by a template; user-initiated: service and free entry point.
fn direction(c: Category) -> &'static str {
    match c {
        Category::Service | Category::ReferralConversion => "USER_INITIATED",
        _ => "BUSINESS_INITIATED",
    }
}

impl ConversationQuery {
    pub fn parse(mods: &str) -> Result<ConversationQuery, ApiError> {
        let m = modifiers(mods)?;
        let required = |k: &str| {
            m.get(k).ok_or_else(|| ApiError::invalid(format!("conversation_analytics: the {k} parameter is required")))
        };
        let num = |k: &str| timestamp(&m, "conversation_analytics", k);
        let get = |k: &str| m.get(k).map(|v| list(v)).unwrap_or_default();
        let q = ConversationQuery {
            start: num("start")?,
            end: num("end")?,
            granularity: required("granularity")?.trim().to_ascii_uppercase(),
            metric_types: get("metric_types"),
            conversation_categories: get("conversation_categories"),
            conversation_types: get("conversation_types"),
            conversation_directions: get("conversation_directions"),
            dimensions: get("dimensions"),
            phone_numbers: get("phone_numbers"),
            country_codes: get("country_codes"),
        };
        check("granularity", std::slice::from_ref(&q.granularity), &["HALF_HOUR", "DAILY", "MONTHLY"])?;
        check("metric_types", &q.metric_types, &["COST", "CONVERSATION"])?;
        check("conversation_categories", &q.conversation_categories, CATEGORIES)?;
        check("conversation_types", &q.conversation_types, TYPES)?;
        check("conversation_directions", &q.conversation_directions, DIRECTIONS)?;
        check("dimensions", &q.dimensions, DIMENSIONS)?;
        if let Some(k) = m.keys().find(|k| {
            ![
                "start",
                "end",
                "granularity",
                "metric_types",
                "conversation_categories",
                "conversation_types",
                "conversation_directions",
                "dimensions",
                "phone_numbers",
                "country_codes",
            ]
            .contains(&k.as_str())
        }) {
            return Err(ApiError::invalid(format!("conversation_analytics: unknown parameter {k}")));
        }
        if q.end <= q.start {
            return Err(ApiError::invalid("conversation_analytics: end must be after start"));
        }
        Ok(q)
    }

    /// The range of conversation openings to read, in milliseconds.
    pub fn range_ms(&self) -> (Millis, Millis) {
        (self.start.saturating_mul(1000), self.end.saturating_mul(1000))
    }

    /// The answer's `conversation_analytics` value. `phone_number` maps a phone number id to
    /// its digits, as data points show it.
    pub fn answer(&self, convs: &[ConversationRecord], phone_number: &HashMap<String, String>) -> Value {
        let buckets = PricingQuery {
            start: self.start,
            end: self.end,
            granularity: self.granularity.clone(),
            metric_types: vec![],
            dimensions: vec![],
            pricing_types: vec![],
            pricing_categories: vec![],
            country_codes: vec![],
            phone_numbers: vec![],
        };
        let has = |d: &str| self.dimensions.iter().any(|x| x == d);
        let keep = |filter: &[String], v: &str| filter.is_empty() || filter.iter().any(|f| f == v);
        let mut points: BTreeMap<Vec<(String, String)>, (i64, i64)> = BTreeMap::new();
        for c in convs {
            let number = phone_number.get(&c.phone_number_id).cloned().unwrap_or_default();
            let category = category_name(c.category);
            let direction = direction(c.category);
            if !keep(&self.conversation_categories, &category)
                || !keep(&self.conversation_types, c.kind.as_str())
                || !keep(&self.conversation_directions, direction)
                || !keep(&self.country_codes, &c.country)
                || !keep(&self.phone_numbers, &number)
            {
                continue;
            }
            let (s, e) = buckets.bucket(c.opened_at);
            let mut key = vec![("start".to_string(), s.to_string()), ("end".to_string(), e.to_string())];
            if has("PHONE") {
                key.push(("phone_number".into(), number));
            }
            if has("COUNTRY") {
                key.push(("country".into(), c.country.clone()));
            }
            if has("CONVERSATION_TYPE") {
                key.push(("conversation_type".into(), c.kind.as_str().to_string()));
            }
            if has("CONVERSATION_DIRECTION") {
                key.push(("conversation_direction".into(), direction.to_string()));
            }
            if has("CONVERSATION_CATEGORY") {
                key.push(("conversation_category".into(), category));
            }
            let p = points.entry(key).or_default();
            p.0 += 1;
            p.1 += c.amount_micros;
        }
        data_points(points, &self.metric_types, "CONVERSATION", "conversation")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConversationType;
    use serde_json::json;

    fn conv(category: Category, kind: ConversationType, country: &str, micros: i64, at: Millis) -> ConversationRecord {
        ConversationRecord {
            id: format!("{at}"),
            phone_number_id: "p".into(),
            country: country.into(),
            category,
            kind,
            opened_at: at,
            amount_micros: micros,
        }
    }

    #[test]
    fn groups_and_filters() {
        let phones = HashMap::from([("p".to_string(), "15550100001".to_string())]);
        let convs = [
            conv(Category::Marketing, ConversationType::Regular, "GB", 52_900, 1_000),
            conv(Category::Marketing, ConversationType::Regular, "GB", 52_900, 2_000),
            conv(Category::Service, ConversationType::FreeTier, "GB", 0, 3_000),
            conv(Category::ReferralConversion, ConversationType::FreeEntry, "US", 0, 86_400_000),
        ];
        let q = ConversationQuery::parse(
            ".start(0).end(172800).granularity(DAILY).dimensions([CONVERSATION_CATEGORY,CONVERSATION_DIRECTION])",
        )
        .unwrap();
        let v = q.answer(&convs, &phones);
        let points = v["data"][0]["data_points"].as_array().unwrap();
        assert_eq!(points.len(), 3, "{v}");
        assert_eq!(
            points[0],
            json!({"start": 0, "end": 86400, "conversation_direction": "BUSINESS_INITIATED",
                   "conversation_category": "MARKETING", "conversation": 2, "cost": 0.1058})
        );
        let q = ConversationQuery::parse(
            ".start(0).end(172800).granularity(MONTHLY).conversation_directions([USER_INITIATED]).metric_types([CONVERSATION]).dimensions([COUNTRY,CONVERSATION_TYPE,PHONE])",
        )
        .unwrap();
        let v = q.answer(&convs, &phones);
        assert_eq!(
            v["data"][0]["data_points"],
            json!([{"start": 0, "end": 2_678_400, "phone_number": "15550100001", "country": "GB", "conversation_type": "FREE_TIER", "conversation": 1},
                   {"start": 0, "end": 2_678_400, "phone_number": "15550100001", "country": "US", "conversation_type": "FREE_ENTRY", "conversation": 1}])
        );
        for bad in [
            ".start(0).end(10)",
            ".start(0).end(10).granularity(WEEKLY)",
            ".start(0).end(10).granularity(DAILY).conversation_types([PAID])",
            ".start(0).end(10).granularity(DAILY).dimensions([TIER])",
            ".start(0).end(10).granularity(DAILY).colour([RED])",
            ".start(10).end(0).granularity(DAILY)",
        ] {
            assert!(ConversationQuery::parse(bad).is_err(), "{bad}");
        }
    }
}
