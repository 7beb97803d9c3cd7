//! Paths that are no page, and the language switch.

use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::{Lang, LANG_COOKIE};
use crate::routes;

pub async fn not_found() -> WebError {
    WebError::NotFound
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// `GET /app/lang/{code}`: keep the language in a cookie for a year and go back to the page
/// (`Referer`, or `?back=`), only ever to a path of the app.
pub async fn switch_language(
    Path(code): Path<String>,
    Query(q): Query<Back>,
    headers: axum::http::HeaderMap,
) -> Result<Response, WebError> {
    let lang = Lang::parse(&code).ok_or(WebError::NotFound)?;
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(|r| {
        let after_scheme = r.split_once("://")?.1;
        after_scheme.find('/').map(|i| after_scheme[i..].to_string())
    });
    let back = q
        .back
        .or(referer)
        // A path of the app that can stand in a `Location` header as it is.
        .filter(|b| {
            b.starts_with("/app/")
                && !b.starts_with("/app/lang/")
                && !b.contains("//")
                && !b.contains('\\')
                && b.bytes().all(|c| c.is_ascii_graphic())
        })
        .unwrap_or_else(|| routes::HOME.to_string());
    let cookie = format!("{LANG_COOKIE}={}; Path=/app; SameSite=Lax; Max-Age=31536000", lang.code());
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response())
}
