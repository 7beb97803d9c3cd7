//! The stylesheet and script, embedded in the binary and served under a name that carries a
//! hash of their content (`app.<hash>.css`), so browsers may keep them for a year: a new build
//! with other content has another URL.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

struct Asset {
    /// `app.css`
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: [Asset; 14] = [
    Asset { name: "app.css", content_type: "text/css; charset=utf-8", body: include_str!("assets/app.css") },
    Asset { name: "app.js", content_type: "text/javascript; charset=utf-8", body: include_str!("assets/app.js") },
    Asset {
        name: "composer.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/composer.js"),
    },
    Asset { name: "webchat.css", content_type: "text/css; charset=utf-8", body: include_str!("assets/webchat.css") },
    Asset {
        name: "webchat.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/webchat.js"),
    },
    Asset {
        name: "webchat-view.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/webchat-view.js"),
    },
    Asset {
        name: "webchat-flow.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/webchat-flow.js"),
    },
    Asset {
        name: "webchat-updates.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/webchat-updates.js"),
    },
    Asset {
        name: "webchat-updates.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("assets/webchat-updates.css"),
    },
    Asset {
        name: "webchat-badge.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/webchat-badge.js"),
    },
    Asset {
        name: "webchat-pay.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/webchat-pay.js"),
    },
    Asset {
        name: "broadcasts.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/broadcasts.js"),
    },
    Asset {
        name: "bot-editor.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/bot-editor.js"),
    },
    Asset {
        name: "webchat-shop.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/webchat-shop.js"),
    },
];

/// Each asset's URL path, with the first 12 hex digits of its SHA-256 in the name.
static HASHED: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let hash = risala_core::ids::hash_token(a.body);
            let (stem, ext) = a.name.split_once('.').unwrap_or((a.name, ""));
            format!("{stem}.{}.{ext}", &hash[..12])
        })
        .collect()
});

/// The URL of asset `name` (`app.css`, `app.js`, `composer.js`).
pub fn url(name: &str) -> String {
    let i = ASSETS.iter().position(|a| a.name == name).unwrap_or(0);
    format!("/app/assets/{}", HASHED[i])
}

/// `GET /app/assets/{file}`: only the current hashed names.
pub async fn serve(Path(file): Path<String>) -> Result<Response, WebError> {
    let i = HASHED.iter().position(|h| *h == file).ok_or(WebError::NotFound)?;
    let a = &ASSETS[i];
    Ok((
        [(header::CONTENT_TYPE, a.content_type), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")],
        a.body,
    )
        .into_response())
}
