//! Media for messages: storing uploads and fetching `link` media once per URL.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use super::{MessagingService, LINK_CACHE_MS};
use crate::clock::Millis;
use crate::error::{ApiError, ErrorCode};
use crate::inbound;
use crate::model::{Media, PhoneNumber, MEDIA_CHUNK};
use crate::ports::{FetchError, MediaBody};
use crate::store::MediaCopy;

/// How long a media row being written stays before expiry removes it: the chunks are written
/// after the row, and a crash before the last one must not leave them behind for good.
const WRITING_MS: i64 = 60 * 60_000;

/// A file whose first bytes do not match its declared type (or that is a program) is 131053.
fn check_content(what: &str, body: &dyn MediaBody) -> Result<(), ApiError> {
    crate::sniff::check_content(body.mime_type(), body.head())
        .map_err(|e| ApiError::new(ErrorCode::MediaUploadError, format!("{what}: {e}")))
}

impl MessagingService {
    /// Fetch `link` media once per URL and business (cached ten minutes) and store it as the
    /// business's media. `Ok(Ok(None))` when no fetcher is configured; a fetch failure is
    /// `Ok(Err(131053))` (the message fails); `Err` refuses the request itself (too many
    /// fetches in flight, or storage failed).
    pub(super) async fn fetch_link(
        &self,
        phone: &PhoneNumber,
        kind: &str,
        url: &str,
    ) -> Result<Result<Option<String>, ApiError>, ApiError> {
        let Some(fetcher) = &self.config.fetcher else { return Ok(Ok(None)) };
        let now = self.now();
        let key = (phone.business_id.clone(), url.to_string());
        let fail = |why: String| ApiError::new(ErrorCode::MediaUploadError, format!("{kind}.link: {why}"));
        // A link's media must suit the message's type whether it was fetched now or before
        // (the same link may be sent as an image, then as a video): either way the message is
        // accepted and fails in its status, as a fresh fetch's would.
        let unsuitable = |mime: &str| {
            inbound::InboundKind::parse(kind)
                .is_some_and(|k| !k.accepts_mime(mime))
                .then(|| fail(format!("the link serves {mime}, which cannot be sent as {kind}")))
        };
        let cached = self.link_cache.lock().ok().and_then(|cache| {
            cache
                .get(&key)
                .filter(|(_, _, at)| now - at < LINK_CACHE_MS)
                .map(|(id, mime, _)| (id.clone(), mime.clone()))
        });
        if let Some((id, mime)) = cached {
            return Ok(unsuitable(&mime).map_or(Ok(Some(id)), Err));
        }
        let mut body = match fetcher.fetch(url).await {
            Ok(body) => body,
            Err(FetchError::Failed(why)) => return Ok(Err(fail(why))),
            Err(FetchError::Refused(e)) => return Err(e),
        };
        let mime = body.mime_type().to_string();
        if let Some(e) = unsuitable(&mime) {
            return Ok(Err(e));
        }
        if let Err(e) = check_content(&format!("{kind}.link"), &*body) {
            return Ok(Err(e));
        }
        let name = url.rsplit('/').next().filter(|n| !n.is_empty() && kind == "document");
        let m = self.store_media(&phone.business_id, Some(&phone.id), None, name, &mut *body).await?;
        if let Ok(mut cache) = self.link_cache.lock() {
            cache.retain(|_, (_, _, at)| now - *at < LINK_CACHE_MS);
            cache.insert(key, (m.id.clone(), m.mime_type.clone(), now));
        }
        Ok(Ok(Some(m.id)))
    }

    /// Store a received file, chunk by chunk. `owner` is the business number or the customer
    /// that uploads. Content that does not match its declared type is 131053.
    pub async fn store_media(
        &self,
        business_id: &str,
        phone_number_id: Option<&str>,
        owner_wa_id: Option<&str>,
        filename: Option<&str>,
        body: &mut dyn MediaBody,
    ) -> Result<Media, ApiError> {
        check_content("file", body)?;
        self.store_file(business_id, phone_number_id, owner_wa_id, filename, body).await
    }

    /// Store a received file, chunk by chunk, without looking at its content: a part of a
    /// resumable upload, whose type only the whole file shows.
    pub(crate) async fn store_file(
        &self,
        business_id: &str,
        phone_number_id: Option<&str>,
        owner_wa_id: Option<&str>,
        filename: Option<&str>,
        body: &mut dyn MediaBody,
    ) -> Result<Media, ApiError> {
        let now = self.now();
        let mut m = Media {
            id: crate::ids::new_object_id(),
            business_id: business_id.to_string(),
            phone_number_id: phone_number_id.map(str::to_string),
            owner_wa_id: owner_wa_id.map(str::to_string),
            mime_type: body.mime_type().to_string(),
            sha256: STANDARD.encode(body.sha256()),
            file_size: i64::try_from(body.size()).map_err(|_| ApiError::internal())?,
            filename: filename.map(str::to_string),
            created_at: now,
            expires_at: now + WRITING_MS,
        };
        self.store.insert_media(&m).await?;
        if let Err(e) = self.write_chunks(&m, body).await {
            // The row is still short-lived: should this delete fail too, expiry removes it.
            let _ = self.store.delete_media(&m.id).await;
            return Err(e);
        }
        m.expires_at = now + self.config.media_retention_ms;
        self.store.set_media_expiry(&m.id, m.expires_at).await?;
        Ok(m)
    }

    async fn write_chunks(&self, m: &Media, body: &mut dyn MediaBody) -> Result<(), ApiError> {
        let read_failed = |e: std::io::Error| ApiError::internal().with_cause(e);
        let (mut seq, mut written) = (0i64, 0u64);
        loop {
            let chunk = body.next_chunk(MEDIA_CHUNK).await.map_err(read_failed)?;
            if chunk.is_empty() {
                break;
            }
            written += chunk.len() as u64;
            self.store.insert_media_chunk(&m.id, seq, chunk).await?;
            seq += 1;
        }
        if written != body.size() || seq != m.chunk_count() {
            let e = std::io::Error::other(format!("read {written} bytes back of {}", body.size()));
            return Err(read_failed(e));
        }
        Ok(())
    }
}

impl MessagingService {
    /// Media a business uploaded (or received as a copy), while it is kept.
    /// Media `media_id` sent as `kind` (`image`, `document`…; `at` names it in errors): the
    /// business's own, unexpired (else 131009), and of a type `kind` takes (else 131053).
    pub(super) async fn business_media_of_kind(
        &self,
        phone: &PhoneNumber,
        media_id: &str,
        kind: &str,
        at: &str,
        now: Millis,
    ) -> Result<Media, ApiError> {
        let media = match self.store.media(media_id).await? {
            Some(m) if m.sendable_by(&phone.business_id, now) => m,
            _ => {
                return Err(ApiError::bad_value(format!(
                    "{at}.id: no media with id {media_id} was uploaded by this business"
                )))
            }
        };
        if let Some(k) = crate::inbound::InboundKind::parse(kind) {
            if !k.accepts_mime(&media.mime_type) {
                return Err(ApiError::new(
                    ErrorCode::MediaUploadError,
                    format!("{at}.id: media of type {} cannot be sent as {kind}", media.mime_type),
                ));
            }
        }
        Ok(media)
    }

    /// The customer's own copy of `media`, under a new id they may download: `obj` (the media
    /// object of the message) points at it, with its type and hash (and a document's name).
    pub(super) fn copy_for_customer(
        &self,
        media: &Media,
        wa_id: &str,
        obj: &mut Value,
        kind: &str,
        now: Millis,
    ) -> MediaCopy {
        let copy = MediaCopy::for_customer(media, wa_id, now, now + self.config.media_retention_ms);
        if let Some(obj) = obj.as_object_mut() {
            obj.insert("id".into(), Value::String(copy.new_id.clone()));
            obj.insert("mime_type".into(), Value::String(media.mime_type.clone()));
            obj.insert("sha256".into(), Value::String(media.sha256.clone()));
            if kind == "document" && !obj.contains_key("filename") {
                if let Some(f) = &media.filename {
                    obj.insert("filename".into(), Value::String(f.clone()));
                }
            }
        }
        copy
    }

    pub async fn business_media(&self, id: &str) -> Result<Media, ApiError> {
        match self.store.media(id).await? {
            Some(m) if m.expires_at > self.now() && m.owner_wa_id.is_none() => Ok(m),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    /// Chunk `seq` of stored media (see [`Media::chunk_count`]); a chunk that is missing (the
    /// media was deleted while being read) is "not found".
    pub async fn media_chunk(&self, m: &Media, seq: i64) -> Result<Vec<u8>, ApiError> {
        self.store.media_chunk(&m.id, seq).await?.ok_or_else(|| ApiError::object_not_found(&m.id))
    }

    pub async fn delete_media(&self, m: &Media) -> Result<(), ApiError> {
        self.store.delete_media(&m.id).await?;
        Ok(())
    }
}
