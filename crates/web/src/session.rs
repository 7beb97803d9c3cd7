//! Who is asking: the session cookie (`HttpOnly; SameSite=Lax; Path=/app`, `Secure` over
//! HTTPS), and the checks every state-changing request passes: the same origin (`Origin`, else
//! `Referer`, must name the host the request was sent to) and, once signed in, the session's
//! CSRF token (a form field `csrf`, or the `X-CSRF-Token` header for `fetch`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use risala_core::model::User;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{cookie, Lang};
use crate::WebState;

pub const SESSION_COOKIE: &str = "risala_session";
/// The header a script sends the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest form body.
const MAX_FORM: usize = 64 * 1024;

/// The signed-in person of a request, with the language to answer in.
pub struct Viewer {
    pub user: User,
    /// The session token (from the cookie).
    pub token: String,
    pub lang: Lang,
}

impl Viewer {
    /// The session's CSRF token: derived from the session token (HMAC-SHA256), so it is never
    /// stored and ends with the session.
    pub fn csrf(&self) -> String {
        csrf_for(&self.token)
    }
}

fn csrf_for(token: &str) -> String {
    hex::encode(risala_core::ids::hmac_sha256(token.as_bytes(), b"risala web csrf"))
}

/// Equal without an early exit, so that the time taken says nothing about the token.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<WebState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let refuse = || {
            if matches!(parts.method, Method::GET | Method::HEAD) {
                WebError::SignIn
            } else {
                WebError::Unauthorized
            }
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty()) else {
            return Err(refuse());
        };
        match state.accounts.authenticate(&token).await? {
            Some(user) => Ok(Viewer { user, token, lang: Lang::of(&parts.headers) }),
            None => Err(refuse()),
        }
    }
}

impl FromRequestParts<WebState> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &WebState) -> Result<Self, Self::Rejection> {
        Ok(Lang::of(&parts.headers))
    }
}

/// The client's address (the connection's peer), for rate limits.
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr(ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

/// The authority (`host[:port]`) of an `Origin` or `Referer` value.
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// The request comes from a page of this server: its `Origin` (else `Referer`) names the host
/// it was sent to. Browsers send `Origin` with every form POST and `fetch`.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
    let named = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(authority);
    named.is_some_and(|a| a.eq_ignore_ascii_case(host))
}

async fn form_body(req: Request) -> Result<(Parts, axum::body::Bytes), WebError> {
    let (parts, body) = req.into_parts();
    let bytes =
        axum::body::to_bytes(body, MAX_FORM).await.map_err(|_| WebError::Refused(StatusCode::PAYLOAD_TOO_LARGE))?;
    Ok((parts, bytes))
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    serde_urlencoded::from_bytes(bytes).map_err(|_| WebError::Refused(StatusCode::BAD_REQUEST))
}

/// A form posted before there is a session (sign in, reset, accept an invitation): from this
/// server's own pages only.
pub struct PublicForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<WebState> for PublicForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, _: &WebState) -> Result<Self, WebError> {
        if !same_origin(req.headers()) {
            return Err(WebError::Refused(StatusCode::FORBIDDEN));
        }
        let (_, bytes) = form_body(req).await?;
        Ok(PublicForm(parse(&bytes)?))
    }
}

/// The form of an action that takes nothing but its CSRF token (sign out, disable).
#[derive(Deserialize)]
pub struct NoFields {}

#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

/// A state-changing request of a signed-in person: same origin, a session, and the session's
/// CSRF token in the form or the `X-CSRF-Token` header.
pub struct Action<T> {
    pub viewer: Viewer,
    pub form: T,
    /// Sent by a script (`X-CSRF-Token`) rather than a form: answer with a status, not a page.
    pub fetch: bool,
}

impl<T: DeserializeOwned> FromRequest<WebState> for Action<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        if !same_origin(&parts.headers) {
            return Err(WebError::Refused(StatusCode::FORBIDDEN));
        }
        let header = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (_, bytes) = form_body(Request::from_parts(parts, body)).await?;
        let fetch = header.is_some();
        let sent = match header {
            Some(h) => Some(h),
            None => parse::<CsrfField>(&bytes)?.csrf,
        };
        if !sent.is_some_and(|s| same_secret(&s, &viewer.csrf())) {
            return Err(WebError::Refused(StatusCode::FORBIDDEN));
        }
        Ok(Action { viewer, form: parse(&bytes)?, fetch })
    }
}

/// `Set-Cookie` for a new session (`max_age_s` seconds) or, with `None`, one that ends it.
pub fn session_cookie(token: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; HttpOnly; SameSite=Lax; Path=/app; Max-Age={}{secure}",
            risala_core::accounts::SESSION_TTL_MS / 1000
        ),
        None => format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/app; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("risala_session=; Path=/app; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_must_name_the_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "risala.example:8080".parse().unwrap());
        assert!(!same_origin(&h), "neither Origin nor Referer");
        h.insert(header::REFERER, "https://risala.example:8080/app/people".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&h), "Origin wins over Referer");
        h.insert(header::ORIGIN, "http://RISALA.example:8080".parse().unwrap());
        assert!(same_origin(&h));
    }

    #[test]
    fn csrf_tokens_belong_to_their_session() {
        assert_eq!(csrf_for("a"), csrf_for("a"));
        assert_ne!(csrf_for("a"), csrf_for("b"));
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("abc", "ab"));
    }
}
