//! Media rules that need server state: upload limits per type (CLOUD_API.md §3) and signed,
//! short-lived download URLs.

use risala_core::clock::Clock;
use risala_core::{ApiError, ErrorCode};

use crate::state::AppState;

/// Download URLs are valid this long, as Meta's.
pub const URL_TTL_MS: i64 = 5 * 60_000;

const MB: usize = 1024 * 1024;

/// The largest upload accepted at all (documents).
pub const MAX_UPLOAD: usize = 100 * MB;

/// A MIME type's essence: lowercase, without parameters.
pub fn essence(mime: &str) -> String {
    mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// The types a business may upload, with Meta's size limit of each, in the order Meta's
/// error lists them.
const UPLOAD_TYPES: [(&str, usize); 19] = [
    ("audio/aac", 16 * MB),
    ("audio/mp4", 16 * MB),
    ("audio/mpeg", 16 * MB),
    ("audio/amr", 16 * MB),
    ("audio/ogg", 16 * MB),
    ("audio/opus", 16 * MB),
    ("application/vnd.ms-powerpoint", 100 * MB),
    ("application/msword", 100 * MB),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", 100 * MB),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", 100 * MB),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 100 * MB),
    ("application/pdf", 100 * MB),
    ("text/plain", 100 * MB),
    ("application/vnd.ms-excel", 100 * MB),
    ("image/jpeg", 5 * MB),
    ("image/png", 5 * MB),
    ("image/webp", 500 * 1024),
    ("video/mp4", 16 * MB),
    ("video/3gpp", 16 * MB),
];

/// Meta's size limit for a business upload of this type (its essence), when the type is one
/// Meta accepts.
pub fn upload_limit(essence: &str) -> Option<usize> {
    UPLOAD_TYPES.iter().find(|(t, _)| *t == essence).map(|(_, limit)| *limit)
}

/// Meta's answer to a type it does not take (code 100, naming the types it does).
fn unsupported_type(essence: &str) -> ApiError {
    let types: Vec<&str> = UPLOAD_TYPES.iter().map(|(t, _)| *t).collect();
    ApiError::invalid(format!(
        "Param file must be a file with one of the following types: {}. Received file of type '{essence}'.",
        types.join(", ")
    ))
}

/// 131053 for a file over `limit` bytes of type `essence`.
pub fn over_limit(essence: &str, limit: usize) -> ApiError {
    ApiError::new(ErrorCode::MediaUploadError, format!("file: the file is over the {limit}-byte limit for {essence}"))
}

/// Check a business upload against Meta's per-type MIME list and size limits; returns the
/// normalised MIME type, 100 for a type Meta does not take, or 131053.
pub fn check_upload(mime: &str, size: u64) -> Result<String, ApiError> {
    let essence = essence(mime);
    let Some(limit) = upload_limit(&essence) else {
        return Err(unsupported_type(&essence));
    };
    if size == 0 {
        return Err(ApiError::new(ErrorCode::MediaUploadError, "file: the file is empty"));
    }
    if size > limit as u64 {
        return Err(over_limit(&essence, limit));
    }
    Ok(essence)
}

fn signature(secret: &str, id: &str, exp: i64) -> String {
    let mac = risala_delivery::signature::hmac_sha256(secret.as_bytes(), format!("{id}:{exp}").as_bytes());
    hex::encode(mac)
}

fn signed_url(secret: &str, base: &str, id: &str, exp: i64) -> String {
    format!("{base}/media-download/{id}?exp={exp}&sig={}", signature(secret, id, exp))
}

/// A signed download URL valid for five minutes.
pub fn download_url(state: &AppState, base: &str, id: &str) -> String {
    signed_url(&state.url_secret, base, id, state.clock.now_ms() + URL_TTL_MS)
}

/// The download URLs inbound media's webhooks carry: valid as long as the media is kept, on
/// the server's public URL (a webhook answers no request whose host it could use).
pub struct WebhookMediaLinks {
    pub secret: String,
    pub base: String,
}

impl risala_core::ports::MediaLinks for WebhookMediaLinks {
    fn download_url(&self, media_id: &str, until: risala_core::clock::Millis) -> String {
        signed_url(&self.secret, &self.base, media_id, until)
    }
}

/// Check a download URL's expiry and signature.
pub fn verify_download(state: &AppState, id: &str, exp: Option<&str>, sig: Option<&str>) -> Result<(), ApiError> {
    let bad = || crate::routes::graph::media::expired_link(id);
    let exp: i64 = exp.and_then(|e| e.parse().ok()).ok_or_else(bad)?;
    let sig = sig.ok_or_else(bad)?;
    if exp < state.clock.now_ms() || signature(&state.url_secret, id, exp) != sig {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_limits() {
        assert_eq!(check_upload("image/jpeg", 10).unwrap(), "image/jpeg");
        assert_eq!(check_upload("audio/ogg; codecs=opus", 10).unwrap(), "audio/ogg");
        assert_eq!(check_upload("audio/opus", 10).unwrap(), "audio/opus");
        let e = check_upload("image/gif", 10).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameter);
        assert!(e.details.ends_with("video/3gpp. Received file of type 'image/gif'."), "{}", e.details);
        assert!(check_upload("image/png", 5 * MB as u64 + 1).is_err());
        assert!(check_upload("application/pdf", 0).is_err());
    }
}
