//! Extractors that reject with the Graph envelope: the caller's token, query parameters, and
//! bodies that may be JSON or form-encoded (Graph accepts both), chunked or not.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use risala_core::model::{Permission, Principal};
use risala_core::outbound::PlainText;
use risala_core::{ApiError, ErrorCode};
use serde_json::{Map, Value};

use crate::error::GraphError;
use crate::state::AppState;

/// Largest JSON or form body accepted (media uploads have their own limit).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// Query parameters as a map (the last value wins for a repeated key), and the Graph version
/// the request named (`v23.0`, or the default), which paging links carry.
#[derive(Debug, Clone, Default)]
pub struct GraphQuery(pub HashMap<String, String>, pub String);

impl GraphQuery {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }
}

fn parse_query(q: Option<&str>) -> Result<HashMap<String, String>, ApiError> {
    let Some(q) = q else {
        return Ok(HashMap::new());
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q)
        .map_err(|e| ApiError::invalid(format!("The query string could not be parsed: {e}")))?;
    Ok(pairs.into_iter().collect())
}

impl<S: Send + Sync> FromRequestParts<S> for GraphQuery {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let version = parts.extensions.get::<crate::middleware::ApiVersion>().map(|v| v.0.clone());
        Ok(GraphQuery(
            parse_query(parts.uri.query())?,
            version.unwrap_or_else(|| crate::middleware::DEFAULT_VERSION.into()),
        ))
    }
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller(pub std::sync::Arc<Principal>);

impl Caller {
    /// Error 200 unless the token carries `p`.
    pub fn require(&self, p: Permission) -> Result<(), GraphError> {
        if self.0.has(p) {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::MissingPermission,
                format!("This call requires the {} permission.", p.as_str()),
            )
            .with_message(format!("Requires {} permission", p.as_str()))
            .into())
        }
    }
}

/// An `access_token` a POST or DELETE carried in its body (form, JSON or multipart), as Graph
/// takes it from any parameter: found by [`token_in_body`] before the handler runs.
#[derive(Debug, Clone)]
pub struct BodyToken(pub String);

/// The `appsecret_proof` (and `appsecret_time`) a body carried beside its token.
#[derive(Debug, Clone)]
pub struct BodyProof(pub String, pub Option<String>);

/// The bearer token from `Authorization: Bearer …` (or `OAuth …`), else `?access_token=`,
/// else the body's `access_token` ([`BodyToken`]).
pub fn bearer_token(parts: &Parts) -> Result<Option<String>, ApiError> {
    if let Some(h) = parts.headers.get(AUTHORIZATION) {
        let h = h.to_str().map_err(|_| ApiError::new(ErrorCode::TokenInvalid, "Malformed Authorization header."))?;
        let mut it = h.trim().splitn(2, ' ');
        let scheme = it.next().unwrap_or("");
        let value = it.next().unwrap_or("").trim();
        if (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth")) && !value.is_empty() {
            return Ok(Some(value.to_string()));
        }
        return Err(ApiError::new(
            ErrorCode::TokenInvalid,
            "The Authorization header must be 'Bearer <access token>'.",
        ));
    }
    let q = parse_query(parts.uri.query())?;
    if let Some(t) = q.get("access_token").filter(|t| !t.is_empty()) {
        return Ok(Some(t.clone()));
    }
    Ok(parts.extensions.get::<BodyToken>().map(|t| t.0.clone()))
}

/// A step of the Graph layers (`graph_layer` in `routes`): a POST or DELETE with no token
/// in its header or query string, whose body (up to [`MAX_BODY`]) names `access_token`, is
/// authenticated with it, as Graph does (`curl -d access_token=…`, `-F access_token=…`). Every
/// other request passes untouched.
pub async fn token_in_body(req: Request) -> Result<Request, Response> {
    if !may_carry_body_token(&req) {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return Err(GraphError(too_large()).into_response()),
    };
    let probe = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
    let body = read_body(probe).await.unwrap_or_default();
    let text = |k: &str| body.get(k).and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_owned);
    let mut req = Request::from_parts(parts, Body::from(bytes));
    if let Some(t) = text("access_token") {
        req.extensions_mut().insert(BodyToken(t));
    }
    if let Some(p) = text("appsecret_proof") {
        req.extensions_mut().insert(BodyProof(p, text("appsecret_time")));
    }
    Ok(req)
}

/// A write with neither an `Authorization` header nor `?access_token=`, and a body small enough
/// to read twice (a large multipart upload is left to stream: its token belongs in the header).
fn may_carry_body_token(req: &Request) -> bool {
    if !matches!(*req.method(), Method::POST | Method::DELETE) || req.headers().contains_key(AUTHORIZATION) {
        return false;
    }
    if parse_query(req.uri().query()).is_ok_and(|q| q.contains_key("access_token")) {
        return false;
    }
    let length = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    match length {
        Some(n) => n > 0 && n <= MAX_BODY,
        None => !content_type(req).starts_with("multipart/"),
    }
}

fn content_type(req: &Request) -> String {
    req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase()
}

pub(crate) fn too_large() -> ApiError {
    ApiError::invalid(format!("The request body is larger than {MAX_BODY} bytes."))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer_token(parts)? else {
            return Err(ApiError::new(
                ErrorCode::TokenMissing,
                "An access token is required to request this resource.",
            )
            .into());
        };
        let principal = state.auth.authenticate(&token).await?;
        check_appsecret_proof(parts, state, &principal.business_id, &token).await?;
        Ok(Caller(principal))
    }
}

/// Graph's `appsecret_proof`: when a request carries one (query string or body), it must be
/// the HMAC-SHA256 of the token (or of `token|appsecret_time`) keyed by an app secret of the
/// token's business, hex; else Meta's 100 "Invalid appsecret_proof provided in the API
/// argument". A request without one is not asked for it.
async fn check_appsecret_proof(
    parts: &Parts,
    state: &AppState,
    business_id: &str,
    token: &str,
) -> Result<(), GraphError> {
    let q = parse_query(parts.uri.query())?;
    let (proof, time) = match (q.get("appsecret_proof"), parts.extensions.get::<BodyProof>()) {
        (Some(p), _) => (p.clone(), q.get("appsecret_time").cloned()),
        (None, Some(BodyProof(p, t))) => (p.clone(), t.clone()),
        (None, None) => return Ok(()),
    };
    let message = match &time {
        Some(t) => format!("{token}|{t}"),
        None => token.to_string(),
    };
    let proof = proof.trim().to_ascii_lowercase();
    let apps = state.store.list_apps(Some(business_id)).await.map_err(ApiError::from)?;
    let valid = apps.iter().any(|a| {
        let expected = hex::encode(risala_core::ids::hmac_sha256(a.app_secret.as_bytes(), message.as_bytes()));
        crate::routes::admin::same(&expected, &proof)
    });
    if valid {
        return Ok(());
    }
    Err(ApiError::invalid(
        "appsecret_proof is not the HMAC-SHA256 of the access token with an app secret of its business",
    )
    .with_message("Invalid appsecret_proof provided in the API argument")
    .into())
}

/// A request body as a JSON object: from JSON, or from form fields (values that look like
/// JSON objects or arrays are parsed, as Graph does for `components=[…]`). An empty body is
/// an empty object. Parameters in the query string are merged in, as Graph merges them on
/// POST (`POST /{id}/messages?messaging_product=whatsapp`); the body wins on a conflict.
#[derive(Debug, Clone, Default)]
pub struct GraphBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for GraphBody {
    type Rejection = GraphError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let mut body = read_body(req).await?;
        body.retain(|k, _| !GRAPH_REQUEST_PARAMS.contains(&k.as_str()));
        Ok(GraphBody(body))
    }
}

/// A body that is not multipart, up to [`MAX_BODY`].
async fn body_bytes(req: Request) -> Result<Bytes, GraphError> {
    let bytes = Bytes::from_request(req, &())
        .await
        .map_err(|e| ApiError::invalid(format!("The request body could not be read: {}", e.body_text())))?;
    if bytes.len() > MAX_BODY {
        return Err(too_large().into());
    }
    Ok(bytes)
}

/// The body of `POST /{phone-number-id}/messages`: a plain text message read straight into
/// its fields ([`PlainText`]) when it is exactly one, with the body it came in, otherwise its
/// parameters as [`GraphBody`] reads them (and rejects them).
pub enum SendBody {
    Plain(PlainText, PlainBody),
    Params(Map<String, Value>),
}

/// The JSON body a [`PlainText`] was read from (no parameters came in the query string).
pub struct PlainBody(String, Bytes);

impl PlainBody {
    /// The body's parameters, as [`GraphBody`] reads them.
    pub fn params(&self) -> Result<Map<String, Value>, GraphError> {
        let mut body = parse_body(&self.0, &self.1)?;
        body.retain(|k, _| !GRAPH_REQUEST_PARAMS.contains(&k.as_str()));
        Ok(body)
    }
}

impl<S: Send + Sync> FromRequest<S> for SendBody {
    type Rejection = GraphError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ct = content_type(&req);
        if ct.starts_with("multipart/") || !body_params_in_query(req.uri().query())?.is_empty() {
            return GraphBody::from_request(req, state).await.map(|GraphBody(b)| SendBody::Params(b));
        }
        let raw = PlainBody(ct, body_bytes(req).await?);
        if read_as_json(&raw.0, &raw.1) {
            if let Ok(plain) = serde_json::from_slice::<PlainText>(&raw.1) {
                return Ok(SendBody::Plain(plain, raw));
            }
        }
        raw.params().map(SendBody::Params)
    }
}

/// The body's parameters (JSON, form or multipart text fields) with the query string's merged
/// in, request-level ones (`access_token`) still among them.
async fn read_body(req: Request) -> Result<Map<String, Value>, GraphError> {
    let ct = content_type(&req);
    let query = body_params_in_query(req.uri().query())?;
    let mut body = if ct.starts_with("multipart/") {
        crate::multipart::text_fields(req).await?
    } else {
        parse_body(&ct, &body_bytes(req).await?)?
    };
    for (k, v) in query {
        body.entry(k).or_insert_with(|| form_value(v));
    }
    Ok(body)
}

/// Query parameters that belong to the request, not to the object it writes: they authenticate
/// the call.
pub(crate) const GRAPH_REQUEST_PARAMS: &[&str] = &["access_token", "appsecret_proof", "appsecret_time"];

/// The query-string parameters Graph merges into a POST or DELETE body (a body's own value wins
/// over them): all but the request-level ones.
pub(crate) fn body_params_in_query(q: Option<&str>) -> Result<HashMap<String, String>, ApiError> {
    let mut params = parse_query(q)?;
    params.retain(|k, _| !GRAPH_REQUEST_PARAMS.contains(&k.as_str()));
    Ok(params)
}

/// A form or query value: JSON objects and arrays are parsed, anything else is a string.
pub(crate) fn form_value(v: String) -> Value {
    let t = v.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        serde_json::from_str(&v).unwrap_or(Value::String(v))
    } else {
        Value::String(v)
    }
}

/// Whether a body (not empty) is read as JSON rather than as a form: a JSON content type, or
/// none that says form and a body that starts as JSON does.
fn read_as_json(content_type: &str, bytes: &[u8]) -> bool {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    !content_type.starts_with("application/x-www-form-urlencoded")
        && (content_type.contains("json") || matches!(first, Some(b'{' | b'[')))
}

fn parse_body(content_type: &str, bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let trimmed = bytes.iter().position(|b| !b.is_ascii_whitespace()).map(|i| &bytes[i..]).unwrap_or(&[]);
    if trimmed.is_empty() {
        return Ok(Map::new());
    }
    if !read_as_json(content_type, trimmed) {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes)
            .map_err(|e| ApiError::invalid(format!("The form body could not be parsed: {e}")))?;
        let mut m = Map::new();
        for (k, v) in pairs {
            m.insert(k, form_value(v));
        }
        return Ok(m);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::invalid("The request body must be a JSON object.")),
        Err(e) => Err(ApiError::invalid(format!(
            "The request body is not valid JSON: {e} (line {}, column {}).",
            e.line(),
            e.column()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert_eq!(parse_body("application/json", b"").unwrap().len(), 0);
        let m = parse_body("application/json", br#"{"a":1}"#).unwrap();
        assert_eq!(m["a"], 1);
        let m =
            parse_body("application/x-www-form-urlencoded", b"name=x&components=%5B%7B%22type%22%3A%22BODY%22%7D%5D")
                .unwrap();
        assert_eq!(m["name"], "x");
        assert_eq!(m["components"][0]["type"], "BODY");
        let e = parse_body("application/json", b"{\"a\":").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameter);
        assert!(e.details.contains("not valid JSON"));
        assert!(parse_body("application/json", b"[1]").is_err());
    }
}
