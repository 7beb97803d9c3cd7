//! Media for messages: storing uploads and fetching `link` media once per URL.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::{MessagingService, LINK_CACHE_MS};
use crate::error::{ApiError, ErrorCode};
use crate::inbound;
use crate::model::Media;
use crate::model::PhoneNumber;

impl MessagingService {
    /// Fetch `link` media once per URL and business (cached ten minutes) and store it as the
    /// business's media. `Ok(None)` when no fetcher is configured; a fetch failure is 131053.
    pub(super) async fn fetch_link(
        &self,
        phone: &PhoneNumber,
        kind: &str,
        url: &str,
    ) -> Result<Option<String>, ApiError> {
        let Some(fetcher) = &self.config.fetcher else { return Ok(None) };
        let now = self.now();
        let key = (phone.business_id.clone(), url.to_string());
        if let Ok(cache) = self.link_cache.lock() {
            if let Some((id, at)) = cache.get(&key) {
                if now - at < LINK_CACHE_MS {
                    return Ok(Some(id.clone()));
                }
            }
        }
        let fail = |why: String| ApiError::new(ErrorCode::MediaUploadError, format!("{kind}.link: {why}"));
        let (mime, data) = fetcher.fetch(url).await.map_err(fail)?;
        let k = inbound::InboundKind::parse(kind);
        if k.is_some_and(|k| !k.accepts_mime(&mime)) {
            return Err(fail(format!("the link serves {mime}, which cannot be sent as {kind}")));
        }
        let name = url.rsplit('/').next().filter(|n| !n.is_empty() && kind == "document");
        let m = self.store_media(&phone.business_id, Some(&phone.id), None, &mime, name, &data).await?;
        if let Ok(mut cache) = self.link_cache.lock() {
            cache.retain(|_, (_, at)| now - *at < LINK_CACHE_MS);
            cache.insert(key, (m.id.clone(), now));
        }
        Ok(Some(m.id))
    }

    /// Store uploaded bytes. `owner` is the business number or the customer that uploads.
    pub async fn store_media(
        &self,
        business_id: &str,
        phone_number_id: Option<&str>,
        owner_wa_id: Option<&str>,
        mime_type: &str,
        filename: Option<&str>,
        data: &[u8],
    ) -> Result<Media, ApiError> {
        let now = self.now();
        let m = Media {
            id: crate::ids::new_object_id(),
            business_id: business_id.to_string(),
            phone_number_id: phone_number_id.map(str::to_string),
            owner_wa_id: owner_wa_id.map(str::to_string),
            mime_type: mime_type.to_string(),
            sha256: STANDARD.encode(Sha256::digest(data)),
            file_size: data.len() as i64,
            filename: filename.map(str::to_string),
            created_at: now,
            expires_at: now + self.config.media_retention_ms,
        };
        self.store.insert_media(&m, data).await?;
        Ok(m)
    }
}

impl MessagingService {
    /// Media a business uploaded (or received as a copy), while it is kept.
    pub async fn business_media(&self, id: &str) -> Result<Media, ApiError> {
        match self.store.media(id).await? {
            Some(m) if m.expires_at > self.now() && m.owner_wa_id.is_none() => Ok(m),
            _ => Err(ApiError::object_not_found(id)),
        }
    }

    /// The bytes of stored media.
    pub async fn media_bytes(&self, m: &Media) -> Result<Vec<u8>, ApiError> {
        self.store.media_data(&m.id).await?.ok_or_else(|| ApiError::object_not_found(&m.id))
    }

    pub async fn delete_media(&self, m: &Media) -> Result<(), ApiError> {
        self.store.delete_media(&m.id).await?;
        Ok(())
    }
}
