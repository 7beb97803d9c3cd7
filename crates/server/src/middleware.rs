//! Request plumbing: Graph version prefixes, request ids, access logs, metrics, panics.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use risala_core::ApiError;

use crate::error::{GraphError, REQUEST_VERB, TRACE_ID};
use crate::state::AppState;

/// Graph version used when a path has none (the oldest we claim to support, as Graph does).
pub const DEFAULT_VERSION: &str = "v23.0";

/// The Graph version a request named (`v23.0`), or the default.
#[derive(Debug, Clone)]
pub struct ApiVersion(pub String);

fn is_version(seg: &str) -> bool {
    let Some(rest) = seg.strip_prefix('v') else {
        return false;
    };
    let mut parts = rest.splitn(2, '.');
    let major = parts.next().unwrap_or("");
    let minor = parts.next().unwrap_or("");
    !major.is_empty()
        && major.len() <= 3
        && major.bytes().all(|b| b.is_ascii_digit())
        && !minor.is_empty()
        && minor.len() <= 3
        && minor.bytes().all(|b| b.is_ascii_digit())
}

/// Strip a leading `/vNN.N` so one route table serves versioned and unversioned paths, and
/// the trailing slashes of a versioned path, which Graph ignores (Meta's Business SDK asks
/// for `/v23.0/{id}/`, its Node SDK posts a PIN to `/v23.0/{phone-number-id}/`). Runs before
/// routing.
pub fn strip_version(mut req: Request) -> Request {
    let path = req.uri().path();
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let version = if is_version(first) {
        let rest = path[1 + first.len()..].trim_end_matches('/');
        let new_path = if rest.is_empty() { "/" } else { rest };
        let pq = match req.uri().query() {
            Some(q) => format!("{new_path}?{q}"),
            None => new_path.to_string(),
        };
        let version = first.to_string();
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = pq.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
        version
    } else {
        DEFAULT_VERSION.to_string()
    };
    req.extensions_mut().insert(ApiVersion(version));
    req
}

/// The headers Graph answers with (named once, not parsed from text on every request).
const TRACE_ID_HEADER: HeaderName = HeaderName::from_static("x-fb-trace-id");
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-fb-request-id");
const VERSION_HEADER: HeaderName = HeaderName::from_static("facebook-api-version");

/// Request id, panic guard, access log, metrics and Graph response headers.
pub async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let trace = risala_core::ids::new_trace_id();
    // The web app's error pages show it.
    req.extensions_mut().insert(risala_web::RequestId(trace.clone()));
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let operation = match req.extensions().get::<MatchedPath>() {
        Some(m) => format!("{} {}", method, m.as_str()),
        None => format!("{method} unmatched"),
    };
    let version = req.extensions().get::<ApiVersion>().map(|v| v.0.clone()).unwrap_or_else(|| DEFAULT_VERSION.into());
    // A path that does not decode to UTF-8 names nothing: Graph's error, not the router's
    // plain-text rejection of the path parameter.
    let answer = async {
        if !decodes_to_utf8(&path) {
            return Ok(GraphError(ApiError::invalid("The request path is not valid UTF-8 once percent-decoded."))
                .into_response());
        }
        AssertUnwindSafe(next.run(req)).catch_unwind().await
    };
    let fut = TRACE_ID.scope(trace.clone(), REQUEST_VERB.scope(crate::error::verb(&method), answer));
    let mut resp = match fut.await {
        Ok(r) => r,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            // Logged once, with the trace id, by the error response.
            let cause = std::io::Error::other(format!("handler panicked: {what}"));
            TRACE_ID.sync_scope(trace.clone(), || GraphError(ApiError::internal().with_cause(cause)).into_response())
        }
    };
    let status = resp.status().as_u16();
    let elapsed = started.elapsed();
    state.metrics.observe_request(&operation, status, elapsed.as_secs_f64());
    if let Ok(v) = HeaderValue::from_str(&trace) {
        resp.headers_mut().insert(TRACE_ID_HEADER, v.clone());
        resp.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    if let Ok(v) = HeaderValue::from_str(&version) {
        resp.headers_mut().insert(VERSION_HEADER, v);
    }
    // One line per request: at debug level for answers, warn for server errors, so a busy
    // server does not spend its time writing logs (`log_level = "risala_server=debug"` shows
    // them all).
    let latency_us = elapsed.as_micros() as u64;
    if status >= 500 {
        tracing::warn!(fbtrace_id = %trace, method = %method, path = %path, operation = %operation, status, latency_us, "request");
    } else {
        tracing::debug!(fbtrace_id = %trace, method = %method, path = %path, operation = %operation, status, latency_us, "request");
    }
    resp
}

/// Whether `path`, percent-decoded, is UTF-8 (a `%` not followed by two hex digits stays as
/// it is, as the router reads it).
fn decodes_to_utf8(path: &str) -> bool {
    if !path.contains('%') {
        return true;
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&out).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_decode_to_utf8() {
        for ok in ["/v23.0/123", "/a%20b", "/%D9%85", "/100%", "/%zz"] {
            assert!(decodes_to_utf8(ok), "{ok}");
        }
        for bad in ["/v23.0/%ff%fe", "/upload:%ff", "/%D9"] {
            assert!(!decodes_to_utf8(bad), "{bad}");
        }
    }

    #[test]
    fn versions() {
        for v in ["v23.0", "v15.0", "v25.0", "v1.0"] {
            assert!(is_version(v), "{v}");
        }
        for v in ["23.0", "v23", "vx.0", "v23.", "healthz", ""] {
            assert!(!is_version(v), "{v}");
        }
    }

    #[test]
    fn strips_prefix_and_keeps_query() {
        let req = Request::builder().uri("/v21.0/123/phone_numbers?limit=2").body(axum::body::Body::empty()).unwrap();
        let req = strip_version(req);
        assert_eq!(req.uri().path(), "/123/phone_numbers");
        assert_eq!(req.uri().query(), Some("limit=2"));
        assert_eq!(req.extensions().get::<ApiVersion>().unwrap().0, "v21.0");
        let req = Request::builder().uri("/123").body(axum::body::Body::empty()).unwrap();
        assert_eq!(strip_version(req).uri().path(), "/123");
        // A versioned path's trailing slashes go; the web app's own paths keep theirs.
        let req = Request::builder().uri("/v23.0/123/?fields=id").body(axum::body::Body::empty()).unwrap();
        let req = strip_version(req);
        assert_eq!((req.uri().path(), req.uri().query()), ("/123", Some("fields=id")));
        let req = Request::builder().uri("/v23.0//").body(axum::body::Body::empty()).unwrap();
        assert_eq!(strip_version(req).uri().path(), "/");
        let req = Request::builder().uri("/app/").body(axum::body::Body::empty()).unwrap();
        assert_eq!(strip_version(req).uri().path(), "/app/");
    }
}
