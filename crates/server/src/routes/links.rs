//! The public side of QR codes and short links, outside Graph's `/{id}` space (the `wa`
//! prefix is no Graph id, so nothing collides):
//! - `GET /wa/message/{code}`: the short link. API clients (JSON) get the number and the
//!   prefilled text a customer's chat opens with; a browser gets a small page with both that
//!   goes on to the web chat (`/chat/?phone=…&text=…`), where the text waits in the composer.
//! - `GET /wa/qr/{code}/{signature}.png|svg`: the QR code image of the short link, at an
//!   unguessable address (an HMAC of the code under the server's URL key).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use risala_core::numbers::qr::{qr_not_found, QrFormat};
use risala_core::phone::WaId;
use risala_core::ApiError;
use serde_json::json;

use super::graph::objects::base_url;
use crate::error::{GraphError, GraphResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/wa/message/{code}", get(open)).route("/wa/qr/{code}/{file}", get(image))
}

/// The short link of `code`.
pub fn short_link(base: &str, code: &str) -> String {
    format!("{base}/wa/message/{code}")
}

fn signature(state: &AppState, code: &str) -> String {
    let mac = risala_core::ids::hmac_sha256(state.url_secret.as_bytes(), format!("qr-image:{code}").as_bytes());
    hex::encode(&mac[..16])
}

/// The web chat's address that opens the chat with `number` with `text` ready to send.
pub fn chat_link(number: &str, text: &str) -> String {
    let query = serde_urlencoded::to_string([("phone", number), ("text", text)]).unwrap_or_default();
    format!("/chat/?{query}")
}

/// Where the QR code image of `code` is served in format `f`.
pub fn image_url(state: &AppState, base: &str, code: &str, f: QrFormat) -> String {
    format!("{base}/wa/qr/{code}/{}.{}", signature(state, code), f.extension())
}

/// A browser asking for a page (HTML preferred over JSON).
fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    accept.contains("text/html") && !accept.contains("application/json")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// `GET /wa/message/{code}`: what opening the short link gives. A customer client starts the
/// chat by sending `prefilled_message` to `wa_id` (`POST /customer/v1/messages`).
pub async fn open(State(state): State<AppState>, Path(code): Path<String>, headers: HeaderMap) -> Response {
    let found = state.numbers.open_link(&code).await;
    let html = wants_html(&headers);
    let (qr, phone) = match found {
        Ok(f) => f,
        Err(e) if html => {
            let page = format!(
                "<!doctype html><meta charset=\"utf-8\"><title>Link not found</title><p>{}</p>",
                escape(&e.details)
            );
            return (StatusCode::NOT_FOUND, Html(page)).into_response();
        }
        Err(e) => return GraphError(e).into_response(),
    };
    let wa = WaId::from_trusted(phone.number.clone());
    let link = short_link(&base_url(&state, &headers), &qr.code);
    if html {
        // A browser goes on to the web chat, which opens the chat with the text in the composer.
        let chat = chat_link(&phone.number, &qr.prefilled_message);
        let page = format!(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
             <meta http-equiv=\"refresh\" content=\"0;url={chat}\">\
             <title>Chat with {name}</title><h1>{name}</h1><p>{display}</p><p>Your message: <q>{text}</q></p>\
             <p><a href=\"{chat}\">Open the chat</a></p></html>",
            chat = escape(&chat),
            name = escape(&phone.verified_name),
            display = escape(&wa.display()),
            text = escape(&qr.prefilled_message),
        );
        return Html(page).into_response();
    }
    Json(json!({
        "code": qr.code,
        "deep_link_url": link,
        "prefilled_message": qr.prefilled_message,
        "wa_id": phone.number,
        "display_phone_number": wa.display(),
        "verified_name": phone.verified_name,
    }))
    .into_response()
}

/// `GET /wa/qr/{code}/{signature}.png|svg`: the QR code image of the short link.
pub async fn image(
    State(state): State<AppState>,
    Path((code, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> GraphResult<Response> {
    let (sig, ext) = file.rsplit_once('.').unwrap_or((&file, ""));
    let format = match ext {
        "png" => QrFormat::Png,
        "svg" => QrFormat::Svg,
        _ => return Err(qr_not_found(&code).into()),
    };
    // Compared in constant time: the signature is what keeps the address unguessable.
    let expected = signature(&state, &code);
    if !crate::routes::admin::same(sig, &expected) || state.numbers.find_qr(&code).await?.is_none() {
        return Err(qr_not_found(&code).into());
    }
    let link = short_link(&base_url(&state, &headers), &code);
    let fail = |e: String| {
        GraphError(ApiError::internal().with_cause(std::io::Error::other(format!("drawing a QR code: {e}"))))
    };
    let (mime, body) = match format {
        QrFormat::Png => ("image/png", crate::qr::png(&link).map_err(fail)?),
        QrFormat::Svg => ("image/svg+xml", crate::qr::svg(&link).map_err(fail)?.into_bytes()),
    };
    Ok(([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "private, max-age=300")], body).into_response())
}
