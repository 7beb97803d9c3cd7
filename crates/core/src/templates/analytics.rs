//! Template analytics: `GET /{waba-id}/template_analytics?start=&end=&granularity=DAILY
//! &metric_types=[…]&template_ids=[…]`, computed from the template's stored messages: per UTC
//! day of sending, how many were sent (not failed), delivered (or read) and read, and the
//! quick-reply button taps among the customers' replies to them (a URL button opens the
//! customer's browser without passing through this server, so it reports no URL clicks). A
//! WABA confirms analytics first (`POST /{waba-id}` with `is_enabled_for_insights=true`,
//! one way, as on Meta's platform); before that the read is refused.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::service::TemplateService;
use crate::clock::Millis;
use crate::error::ApiError;
use crate::model::Waba;
// `[1,"2", 3]` or `1,2,3` → `["1","2","3"]`, as the analytics fields of a WABA read lists.
use crate::pricing::analytics::list;

const DAY_MS: Millis = 86_400_000;
/// The longest range one request may cover.
pub const MAX_DAYS: i64 = 90;
/// The most templates one request may name.
pub const MAX_TEMPLATES: usize = 10;
/// The metrics this server reports.
pub const METRICS: &[&str] = &["SENT", "DELIVERED", "READ", "CLICKED"];

/// A parsed `template_analytics` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyticsQuery {
    /// `[from, to)` in milliseconds, whole UTC days.
    pub from: Millis,
    pub to: Millis,
    pub metrics: Vec<String>,
    pub template_ids: Vec<String>,
}

fn required<'a>(q: &'a HashMap<String, String>, k: &str) -> Result<&'a str, ApiError> {
    q.get(k)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid(format!("The parameter {k} is required.")))
}

fn timestamp(q: &HashMap<String, String>, k: &str) -> Result<i64, ApiError> {
    let s = required(q, k)?;
    s.parse::<i64>()
        .ok()
        .filter(|t| *t >= 0)
        .ok_or_else(|| ApiError::invalid(format!("Param {k} must be a Unix timestamp in seconds - got '{s}'.")))
}

/// Parse the query string of a `template_analytics` request. `start` is taken back to its
/// UTC day's start and `end` forward to the next day's, as Meta does.
pub fn parse_query(q: &HashMap<String, String>) -> Result<AnalyticsQuery, ApiError> {
    let start = timestamp(q, "start")?;
    let end = timestamp(q, "end")?;
    let granularity = required(q, "granularity")?;
    if !granularity.eq_ignore_ascii_case("DAILY") {
        return Err(ApiError::invalid(format!("Param granularity must be DAILY - got '{granularity}'.")));
    }
    if end <= start {
        return Err(ApiError::invalid("Param end must be later than start."));
    }
    let from = start * 1000 / DAY_MS * DAY_MS;
    let to = (end * 1000 + DAY_MS - 1) / DAY_MS * DAY_MS;
    if (to - from) / DAY_MS > MAX_DAYS {
        return Err(ApiError::invalid(format!(
            "The time range from start to end covers {} days; at most {MAX_DAYS} days may be requested at once.",
            (to - from) / DAY_MS
        )));
    }
    let template_ids = list(required(q, "template_ids")?);
    if template_ids.is_empty() || template_ids.len() > MAX_TEMPLATES {
        return Err(ApiError::invalid(format!(
            "Param template_ids must name 1 to {MAX_TEMPLATES} templates - got {}.",
            template_ids.len()
        )));
    }
    let mut metrics = Vec::new();
    for m in list(q.get("metric_types").map(String::as_str).unwrap_or_default()) {
        if !METRICS.contains(&m.as_str()) {
            let more = if m == "COST" {
                " (this server does not report template costs here; see pricing_analytics)"
            } else {
                ""
            };
            return Err(ApiError::invalid(format!(
                "Param metric_types: '{m}' is not one of {}{more}.",
                METRICS.join(", ")
            )));
        }
        if !metrics.contains(&m) {
            metrics.push(m);
        }
    }
    if metrics.is_empty() {
        metrics = METRICS.iter().map(|m| m.to_string()).collect();
    }
    Ok(AnalyticsQuery { from, to, metrics, template_ids })
}

impl TemplateService {
    /// `POST /{waba-id}` with `is_enabled_for_insights=true`: confirm template analytics.
    /// `false` is refused: once confirmed they stay on, as on Meta's platform.
    pub async fn enable_insights(&self, waba: &Waba, value: &Value) -> Result<(), ApiError> {
        let on = match value {
            Value::Bool(b) => *b,
            Value::String(s) if s == "true" || s == "false" => s == "true",
            other => {
                return Err(ApiError::invalid(format!(
                    "Param is_enabled_for_insights must be a boolean - got {other}."
                )))
            }
        };
        if !on {
            return Err(ApiError::invalid(
                "Param is_enabled_for_insights: template analytics cannot be turned off once confirmed; only true is accepted.",
            ));
        }
        Ok(self.store().enable_insights(&waba.id, self.now()).await?)
    }

    /// Whether the WABA confirmed template analytics.
    pub async fn insights_enabled(&self, waba_id: &str) -> Result<bool, ApiError> {
        Ok(self.store().insights_enabled_at(waba_id).await?.is_some())
    }

    /// `GET /{waba-id}/template_analytics`: one data point per template and UTC day.
    pub async fn analytics(&self, waba: &Waba, q: &AnalyticsQuery) -> Result<Value, ApiError> {
        if !self.insights_enabled(&waba.id).await? {
            return Err(ApiError::invalid(
                "Template analytics are not enabled for this WhatsApp Business Account: confirm them first with POST /{waba-id}?is_enabled_for_insights=true.",
            )
            .with_message("Template analytics not enabled"));
        }
        let want = |m: &str| q.metrics.iter().any(|x| x == m);
        let mut points = Vec::new();
        for id in &q.template_ids {
            let t = self.store().template(id).await?.filter(|t| t.waba_id == waba.id);
            if t.is_none() {
                return Err(ApiError::invalid(format!(
                    "Param template_ids: {id} is not a template of this WhatsApp Business Account."
                )));
            }
            let counts: BTreeMap<i64, _> =
                self.store().template_day_counts(id, q.from, q.to).await?.into_iter().map(|c| (c.day, c)).collect();
            // (day, button text) → taps.
            let mut clicks: BTreeMap<(i64, String), i64> = BTreeMap::new();
            if want("CLICKED") {
                for r in self.store().template_button_replies(id, q.from, q.to).await? {
                    // The stored webhook element: `{"type": "button", "button": {"payload", "text"}}`.
                    let text = r.content["button"]["text"].as_str().unwrap_or_default().to_string();
                    *clicks.entry((r.created_at / DAY_MS, text)).or_default() += 1;
                }
            }
            let mut day = q.from / DAY_MS;
            while day < q.to / DAY_MS {
                let c = counts.get(&day);
                let mut p = Map::new();
                p.insert("template_id".into(), json!(id));
                p.insert("start".into(), json!(day * DAY_MS / 1000));
                p.insert("end".into(), json!((day + 1) * DAY_MS / 1000));
                for (metric, key, n) in [
                    ("SENT", "sent", c.map(|c| c.sent)),
                    ("DELIVERED", "delivered", c.map(|c| c.delivered)),
                    ("READ", "read", c.map(|c| c.read)),
                ] {
                    if want(metric) {
                        p.insert(key.into(), json!(n.unwrap_or(0)));
                    }
                }
                if want("CLICKED") {
                    let clicked: Vec<Value> = clicks
                        .range((day, String::new())..(day + 1, String::new()))
                        .map(|((_, text), n)| json!({"type": "quick_reply_button", "button_content": text, "count": n}))
                        .collect();
                    p.insert("clicked".into(), Value::Array(clicked));
                }
                points.push(Value::Object(p));
                day += 1;
            }
        }
        Ok(json!({"data": [{"granularity": "DAILY", "product_type": "cloud_api", "data_points": points}]}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn parses_and_rounds_to_days() {
        let a = parse_query(&q(&[
            ("start", "1689379300"),
            ("end", "1689465700"),
            ("granularity", "DAILY"),
            ("template_ids", "[1924084211297547,\"954638012257287\"]"),
            ("metric_types", "[\"SENT\",\"read\"]"),
        ]))
        .unwrap();
        assert_eq!((a.from, a.to), (1_689_379_200_000, 1_689_552_000_000));
        assert_eq!(a.template_ids, ["1924084211297547", "954638012257287"]);
        assert_eq!(a.metrics, ["SENT", "READ"]);
        let all = parse_query(&q(&[("start", "0"), ("end", "1"), ("granularity", "daily"), ("template_ids", "7")]));
        assert_eq!(all.unwrap().metrics.len(), 4);
    }

    #[test]
    fn refuses_bad_parameters() {
        let base = [("start", "0"), ("end", "86400"), ("granularity", "DAILY"), ("template_ids", "[1]")];
        let with = |k: &str, v: &str| {
            let mut m = q(&base);
            if v.is_empty() {
                m.remove(k);
            } else {
                m.insert(k.into(), v.into());
            }
            parse_query(&m).unwrap_err().details
        };
        assert!(with("start", "").contains("start is required"));
        assert!(with("start", "yesterday").contains("Unix timestamp"));
        assert!(with("end", "7862400").contains("at most 90 days"));
        assert!(with("granularity", "MONTHLY").contains("DAILY"));
        assert!(with("template_ids", "[1,2,3,4,5,6,7,8,9,10,11]").contains("1 to 10"));
        assert!(with("metric_types", "[SENT,OPENED]").contains("OPENED"));
        assert!(with("end", "0").contains("later than start"));
    }
}
