//! Error injection: rules that make matching Graph requests fail the way Meta's do, so a
//! client's handling of a rate limit, an outage or an undeliverable message can be tried.
//!
//! A rule names the requests it applies to (a path pattern, optionally a method and a phone
//! number id), when it fires (`always`, the `next` N matching requests, `every` Nth), and what
//! it answers: a Graph error from the error-code table (synchronously, before the handler runs,
//! so the request has no effect), or — for sends — an accepted message whose status webhook is
//! `failed` with that error. Rules are stored, with their count of matching requests.

use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use crate::clock::{iso_time, system_now_ms, Clock, Millis};
use crate::error::{ApiError, ErrorCode};
use crate::store::{Store, StoredFault};

/// How long a node trusts its copy of the rules before reading them again (rules made on
/// another node of a PostgreSQL sandbox apply here within this time).
const RELOAD_MS: Millis = 1_000;

/// Retry-After, in seconds, of an injected throttling error whose rule names none.
pub const DEFAULT_RETRY_AFTER_S: u32 = 60;

/// When a rule fires among the requests it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultMode {
    /// Every matching request.
    Always,
    /// The next `count` matching requests, then never.
    Next(i64),
    /// Every `n`th matching request (the nth, 2nth, …).
    Every(i64),
}

/// Which usage header a throttling error carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// Code 4, the app's call limit: `X-App-Usage`.
    App,
    /// Business-use-case limits (17, 80007, 130429, 131056): `X-Business-Use-Case-Usage`.
    BusinessUseCase,
}

/// The error a rule answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedError {
    /// The row of the error-code table (type, title, transient flag, HTTP status).
    pub code: ErrorCode,
    /// `error_subcode`, when it differs from the row's.
    pub subcode: Option<i64>,
    /// Replaces the row's title in `message`.
    pub message: Option<String>,
    /// `error_data.details`.
    pub details: Option<String>,
    /// Replaces the row's HTTP status.
    pub http_status: Option<u16>,
    /// `Retry-After` in seconds (throttling codes default to [`DEFAULT_RETRY_AFTER_S`]).
    pub retry_after_s: Option<u32>,
}

impl InjectedError {
    /// The error as a service error (for the envelope and for a status webhook's `errors`).
    pub fn api_error(&self, rule_id: &str) -> ApiError {
        let details = self.details.clone().unwrap_or_else(|| format!("Injected by the sandbox fault rule {rule_id}."));
        let mut e = ApiError::new(self.code, details);
        if let Some(m) = &self.message {
            e = e.with_message(m.clone());
        }
        if let Some(s) = self.retry_after() {
            e = e.with_retry_after(i64::from(s) * 1000);
        }
        e
    }

    /// The `error_subcode` to send.
    pub fn subcode(&self) -> Option<i64> {
        self.subcode.or(self.code.row().subcode)
    }

    /// The HTTP status to answer with.
    pub fn http_status(&self) -> u16 {
        self.http_status.unwrap_or(self.code.row().http_status)
    }

    /// Which usage header this error carries, if it is a throttling error.
    pub fn throttle(&self) -> Option<Throttle> {
        match self.code.row().code {
            4 => Some(Throttle::App),
            17 | 80007 | 130429 | 131056 => Some(Throttle::BusinessUseCase),
            _ => None,
        }
    }

    /// Seconds before a retry succeeds: the rule's, else the default for throttling errors.
    pub fn retry_after(&self) -> Option<u32> {
        self.retry_after_s.or(self.throttle().map(|_| DEFAULT_RETRY_AFTER_S))
    }
}

/// What a fired rule does to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAnswer {
    /// Answer with this Graph error; the handler does not run.
    Error(InjectedError),
    /// Accept the send; its status webhook is `failed` with this error.
    StatusError(InjectedError),
}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// Upper-case method, or any.
    pub method: Option<String>,
    /// The pattern as given (without a version prefix): `/{phone-number-id}/messages`.
    pub path: String,
    segments: Vec<String>,
    pub phone_number_id: Option<String>,
    pub mode: FaultMode,
    pub answer: FaultAnswer,
}

fn field_i64(body: &Map<String, Value>, key: &str) -> Result<Option<i64>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            n.as_i64().map(Some).ok_or_else(|| ApiError::bad_value(format!("{key} must be an integer")))
        }
        Some(Value::String(s)) => {
            s.trim().parse().map(Some).map_err(|_| ApiError::bad_value(format!("{key} must be an integer")))
        }
        Some(_) => Err(ApiError::bad_value(format!("{key} must be an integer"))),
    }
}

fn field_str(body: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(_) => Err(ApiError::bad_value(format!("{key} must be a non-empty string"))),
    }
}

fn positive(body: &Map<String, Value>, key: &str, mode: &str) -> Result<i64, ApiError> {
    match field_i64(body, key)? {
        Some(v) if v >= 1 => Ok(v),
        Some(v) => Err(ApiError::bad_value(format!("{key}: {v} is not a positive integer"))),
        None => Err(ApiError::missing(&format!("{key} (with mode {mode})"))),
    }
}

/// The row of the error-code table for a Graph `code` (and `error_subcode` when one matches).
pub fn error_code(code: i64, subcode: Option<i64>) -> Option<ErrorCode> {
    let rows = ErrorCode::ALL.iter().copied();
    let exact = rows.clone().find(|c| c.row().code == code && c.row().subcode == subcode);
    exact
        .or_else(|| rows.clone().find(|c| c.row().code == code && c.row().subcode.is_none()))
        .or_else(|| rows.clone().find(|c| c.row().code == code))
}

fn injected(body: &Map<String, Value>, code_key: &str) -> Result<Option<InjectedError>, ApiError> {
    let Some(code) = field_i64(body, code_key)? else {
        return Ok(None);
    };
    let subcode = field_i64(body, "error_subcode")?;
    let Some(row) = error_code(code, subcode) else {
        let mut known: Vec<i64> = ErrorCode::ALL.iter().map(|c| c.row().code).collect();
        known.sort_unstable();
        known.dedup();
        let known: Vec<String> = known.iter().map(i64::to_string).collect();
        return Err(ApiError::bad_value(format!(
            "{code_key}: {code} is not in the server's error table; known codes: {}",
            known.join(", ")
        )));
    };
    let http_status = match field_i64(body, "http_status")? {
        None => None,
        Some(s @ 400..=599) => Some(s as u16),
        Some(s) => return Err(ApiError::bad_value(format!("http_status: {s} is not an error status (400-599)"))),
    };
    let retry_after_s = match field_i64(body, "retry_after")? {
        None => None,
        Some(s @ 1..=86_400) => Some(s as u32),
        Some(s) => return Err(ApiError::bad_value(format!("retry_after: {s} is not 1-86400 seconds"))),
    };
    Ok(Some(InjectedError {
        code: row,
        subcode: subcode.filter(|s| Some(*s) != row.row().subcode),
        message: field_str(body, "message")?,
        details: field_str(body, "details")?,
        http_status,
        retry_after_s,
    }))
}

fn split(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_version(seg: &str) -> bool {
    seg.strip_prefix('v')
        .and_then(|r| r.split_once('.'))
        .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && (a.to_owned() + b).bytes().all(|c| c.is_ascii_digit()))
}

const KEYS: &[&str] = &[
    "path",
    "method",
    "phone_number_id",
    "mode",
    "count",
    "n",
    "code",
    "status_error",
    "error_subcode",
    "message",
    "details",
    "http_status",
    "retry_after",
];

impl FaultRule {
    /// Parse and check a rule from its JSON form (the body of `POST /sandbox/v1/faults`).
    pub fn parse(body: &Map<String, Value>) -> Result<FaultRule, ApiError> {
        if let Some(k) = body.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(ApiError::invalid(format!("{k}: not a field of a fault rule ({})", KEYS[..13].join(", "))));
        }
        let raw = field_str(body, "path")?.ok_or_else(|| ApiError::missing("path"))?;
        // "POST /{phone-number-id}/messages" names the method in the path.
        let (inline_method, raw_path) = match raw.split_once(char::is_whitespace) {
            Some((m, p)) => (Some(m.to_string()), p.trim().to_string()),
            None => (None, raw.clone()),
        };
        let method = match (inline_method, field_str(body, "method")?) {
            (Some(a), Some(b)) if !a.eq_ignore_ascii_case(&b) => {
                return Err(ApiError::bad_value(format!("method: {b} differs from the method in path ({a})")))
            }
            (a, b) => a.or(b).map(|m| m.to_ascii_uppercase()),
        };
        if let Some(m) = &method {
            if !["GET", "POST", "DELETE", "PUT"].contains(&m.as_str()) {
                return Err(ApiError::bad_value(format!("method: {m} is not one of GET, POST, DELETE, PUT")));
            }
        }
        if !raw_path.starts_with('/') {
            return Err(ApiError::bad_value(format!("path: '{raw_path}' must start with /")));
        }
        let mut segments: Vec<String> = split(&raw_path).into_iter().map(str::to_string).collect();
        if segments.first().is_some_and(|s| is_version(s)) {
            segments.remove(0);
        }
        if segments.is_empty() {
            return Err(ApiError::bad_value(
                "path: give at least one segment, e.g. /{phone-number-id}/messages or /**",
            ));
        }
        if segments.iter().rev().skip(1).any(|s| s == "**") {
            return Err(ApiError::bad_value("path: ** may only be the last segment"));
        }
        let path = format!("/{}", segments.join("/"));
        let phone_number_id = field_str(body, "phone_number_id")?;
        if let Some(id) = &phone_number_id {
            if !crate::ids::is_object_id(id) {
                return Err(ApiError::bad_value(format!("phone_number_id: '{id}' is not an object id")));
            }
        }
        let mode = match field_str(body, "mode")?.as_deref().unwrap_or("always") {
            "always" => FaultMode::Always,
            "next" => FaultMode::Next(positive(body, "count", "next")?),
            "every" => FaultMode::Every(positive(body, "n", "every")?),
            other => return Err(ApiError::bad_value(format!("mode: '{other}' is not always, next or every"))),
        };
        let answer = match (injected(body, "code")?, body.contains_key("status_error")) {
            (Some(_), true) => return Err(ApiError::invalid("give either code or status_error, not both")),
            (Some(e), false) => FaultAnswer::Error(e),
            (None, true) => {
                let e = injected(body, "status_error")?.ok_or_else(|| ApiError::missing("status_error"))?;
                if e.http_status.is_some() || e.retry_after_s.is_some() {
                    return Err(ApiError::invalid(
                        "http_status and retry_after apply to code only: a status_error send is answered 200",
                    ));
                }
                FaultAnswer::StatusError(e)
            }
            (None, false) => return Err(ApiError::missing("code (or status_error)")),
        };
        let rule = FaultRule { method, path, segments, phone_number_id, mode, answer };
        if matches!(rule.answer, FaultAnswer::StatusError(_)) {
            let first = rule.phone_number_id.clone().unwrap_or_else(|| "1".into());
            if !rule.matches("POST", &format!("/{first}/messages")) {
                return Err(ApiError::bad_value(format!(
                    "status_error applies to sends: path '{}' does not match POST /{{phone-number-id}}/messages",
                    rule.path
                )));
            }
        }
        Ok(rule)
    }

    /// Does the rule apply to a request (`path` without the version prefix)?
    pub fn matches(&self, method: &str, path: &str) -> bool {
        if self.method.as_deref().is_some_and(|m| !m.eq_ignore_ascii_case(method)) {
            return false;
        }
        let parts = split(path);
        if let Some(id) = &self.phone_number_id {
            if parts.first() != Some(&id.as_str()) {
                return false;
            }
        }
        let mut i = 0;
        for seg in &self.segments {
            if seg == "**" {
                return true;
            }
            let Some(part) = parts.get(i) else {
                return false;
            };
            let wildcard = seg == "*" || (seg.starts_with('{') && seg.ends_with('}'));
            if !wildcard && seg != part {
                return false;
            }
            i += 1;
        }
        i == parts.len()
    }

    /// The wire form (what was given, normalised).
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("path".into(), json!(self.path));
        out.insert("method".into(), json!(self.method));
        out.insert("phone_number_id".into(), json!(self.phone_number_id));
        match self.mode {
            FaultMode::Always => out.insert("mode".into(), json!("always")),
            FaultMode::Next(c) => {
                out.insert("count".into(), json!(c));
                out.insert("mode".into(), json!("next"))
            }
            FaultMode::Every(n) => {
                out.insert("n".into(), json!(n));
                out.insert("mode".into(), json!("every"))
            }
        };
        let (key, e) = match &self.answer {
            FaultAnswer::Error(e) => ("code", e),
            FaultAnswer::StatusError(e) => ("status_error", e),
        };
        out.insert(key.into(), json!(e.code.row().code));
        let optional = [
            ("error_subcode", e.subcode.map(Value::from)),
            ("message", e.message.clone().map(Value::from)),
            ("details", e.details.clone().map(Value::from)),
            ("http_status", e.http_status.map(Value::from)),
            ("retry_after", e.retry_after_s.map(Value::from)),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                out.insert(k.into(), v);
            }
        }
        Value::Object(out)
    }
}

/// A rule with its identity and count.
#[derive(Debug, Clone)]
pub struct Fault {
    pub id: String,
    pub business_id: Option<String>,
    pub rule: FaultRule,
    pub hits: i64,
    pub created_at: Millis,
}

impl Fault {
    fn from_stored(s: StoredFault) -> Result<Fault, ApiError> {
        let body: Map<String, Value> = serde_json::from_str(&s.rule)
            .map_err(|e| ApiError::internal().with_cause(std::io::Error::other(format!("fault {}: {e}", s.id))))?;
        Ok(Fault {
            rule: FaultRule::parse(&body)?,
            id: s.id,
            business_id: s.business_id,
            hits: s.hits,
            created_at: s.created_at,
        })
    }

    /// Has a `next` rule used up its count?
    fn spent(&self) -> bool {
        matches!(self.rule.mode, FaultMode::Next(c) if self.hits >= c)
    }

    /// The listing form.
    pub fn to_json(&self) -> Value {
        let mut v = self.rule.to_json();
        v["id"] = json!(self.id);
        v["business_id"] = json!(self.business_id);
        v["hits"] = json!(self.hits);
        v["created_at"] = json!(iso_time(self.created_at));
        if let FaultMode::Next(c) = self.rule.mode {
            v["remaining"] = json!((c - self.hits).max(0));
        }
        v
    }
}

/// A rule that fired for a request.
#[derive(Debug, Clone)]
pub struct Fired {
    pub rule_id: String,
    pub answer: FaultAnswer,
}

struct Cache {
    faults: Arc<Vec<Fault>>,
    loaded_at: Millis,
}

/// The rules and their application.
#[derive(Clone)]
pub struct FaultService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    cache: Arc<Mutex<Cache>>,
}

impl FaultService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let cache = Cache { faults: Arc::new(Vec::new()), loaded_at: Millis::MIN };
        FaultService { store, clock, cache: Arc::new(Mutex::new(cache)) }
    }

    /// Read the rules from the store again at the next request (the state was replaced).
    pub fn forget_all(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.loaded_at = Millis::MIN;
        }
    }

    async fn reload(&self) -> Result<Arc<Vec<Fault>>, ApiError> {
        let mut faults = Vec::new();
        for s in self.store.faults().await? {
            faults.push(Fault::from_stored(s)?);
        }
        let faults = Arc::new(faults);
        if let Ok(mut c) = self.cache.lock() {
            c.faults = faults.clone();
            c.loaded_at = system_now_ms();
        }
        Ok(faults)
    }

    /// The rules, read again once they are `RELOAD_MS` old. One request reads them; the
    /// requests meanwhile go on with the ones read before (under load every concurrent request
    /// read the table at once, once a second). Rules never read, or forgotten, are read by
    /// whoever asks.
    async fn current(&self) -> Result<Arc<Vec<Fault>>, ApiError> {
        let now = system_now_ms();
        let cached = self.cache.lock().ok().and_then(|mut c| {
            if c.loaded_at == Millis::MIN {
                return None;
            }
            if now.saturating_sub(c.loaded_at) >= RELOAD_MS {
                c.loaded_at = now;
                return None;
            }
            Some(c.faults.clone())
        });
        match cached {
            Some(f) => Ok(f),
            None => self.reload().await,
        }
    }

    /// Make a rule (`business`: its owner; `None`: the operator's, for every business).
    pub async fn create(&self, business: Option<&str>, body: &Map<String, Value>) -> Result<Fault, ApiError> {
        let rule = FaultRule::parse(body)?;
        let fault = Fault {
            id: crate::ids::new_object_id(),
            business_id: business.map(str::to_string),
            rule,
            hits: 0,
            created_at: self.clock.now_ms(),
        };
        let stored = StoredFault {
            id: fault.id.clone(),
            business_id: fault.business_id.clone(),
            rule: fault.rule.to_json().to_string(),
            hits: 0,
            created_at: fault.created_at,
        };
        self.store.add_fault(&stored).await?;
        self.reload().await?;
        Ok(fault)
    }

    /// The rules `business` sees (its own; the operator: all), oldest first.
    pub async fn list(&self, business: Option<&str>) -> Result<Vec<Fault>, ApiError> {
        let all = self.reload().await?;
        Ok(all.iter().filter(|f| business.is_none() || f.business_id.as_deref() == business).cloned().collect())
    }

    /// Delete one rule; 100/33 when `business` has none with this id.
    pub async fn delete(&self, business: Option<&str>, id: &str) -> Result<(), ApiError> {
        if !self.store.delete_fault(id, business).await? {
            return Err(ApiError::object_not_found(id));
        }
        self.reload().await?;
        Ok(())
    }

    /// Delete every rule `business` sees; how many went.
    pub async fn clear(&self, business: Option<&str>) -> Result<u64, ApiError> {
        let n = self.store.clear_faults(business).await?;
        self.reload().await?;
        Ok(n)
    }

    /// Is there any rule at all (the cheap test before anything else is read)?
    pub async fn any(&self) -> Result<bool, ApiError> {
        Ok(!self.current().await?.is_empty())
    }

    /// The rule that fires for a request of `business`, if any: rules are tried oldest first,
    /// each matching rule counts the request, and the first that fires answers.
    pub async fn check(&self, business: &str, method: &str, path: &str) -> Result<Option<Fired>, ApiError> {
        let faults = self.current().await?;
        let mut counted = false;
        for f in faults.iter() {
            if f.business_id.as_deref().is_some_and(|b| b != business) || f.spent() || !f.rule.matches(method, path) {
                continue;
            }
            let Some(hits) = self.store.hit_fault(&f.id).await? else {
                continue;
            };
            counted = true;
            let fires = match f.rule.mode {
                FaultMode::Always => true,
                FaultMode::Next(c) => hits <= c,
                FaultMode::Every(n) => hits % n == 0,
            };
            if fires {
                self.reload().await?;
                return Ok(Some(Fired { rule_id: f.id.clone(), answer: f.rule.answer.clone() }));
            }
        }
        if counted {
            self.reload().await?;
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(v: Value) -> Result<FaultRule, ApiError> {
        FaultRule::parse(v.as_object().expect("object"))
    }

    #[test]
    fn patterns() {
        let r = rule(json!({"path": "/{phone-number-id}/messages", "code": 131056})).expect("rule");
        assert!(r.matches("POST", "/123/messages"));
        assert!(r.matches("GET", "/123/messages"));
        assert!(!r.matches("POST", "/123/media"));
        assert!(!r.matches("POST", "/123/messages/x"));
        let r = rule(json!({"path": "POST /v23.0/*/messages", "phone_number_id": "77", "code": 4})).expect("rule");
        assert_eq!(r.path, "/*/messages");
        assert!(r.matches("post", "/77/messages"));
        assert!(!r.matches("GET", "/77/messages"));
        assert!(!r.matches("POST", "/78/messages"));
        let r = rule(json!({"path": "/**", "code": 2})).expect("rule");
        assert!(r.matches("GET", "/1/message_templates"));
    }

    #[test]
    fn bad_rules() {
        for bad in [
            json!({"code": 4}),
            json!({"path": "x", "code": 4}),
            json!({"path": "/**/x", "code": 4}),
            json!({"path": "/x", "code": 999999}),
            json!({"path": "/x", "code": 4, "mode": "next"}),
            json!({"path": "/x", "code": 4, "mode": "every", "n": 0}),
            json!({"path": "/x", "code": 4, "status_error": 131026}),
            json!({"path": "/x/media", "status_error": 131026}),
            json!({"path": "/x", "code": 4, "http_status": 200}),
            json!({"path": "/x", "code": 4, "colour": "red"}),
        ] {
            assert!(rule(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trip() {
        let v = json!({"path": "/*/messages", "method": "POST", "mode": "next", "count": 2, "code": 80007,
                       "retry_after": 30});
        let r = rule(v).expect("rule");
        let back = rule(r.to_json()).expect("again");
        assert_eq!(r, back);
        let FaultAnswer::Error(e) = &r.answer else { panic!("error") };
        assert_eq!(e.throttle(), Some(Throttle::BusinessUseCase));
        assert_eq!(e.retry_after(), Some(30));
    }
}
