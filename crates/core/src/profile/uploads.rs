//! The Resumable Upload API: `POST /{app-id}/uploads` opens a session for a file of a declared
//! length and type, `POST /upload:<id>` (header `file_offset`) sends bytes from where the
//! session is, `GET /upload:<id>` tells where that is. Each request's bytes are stored as media
//! of their own (a part); the request that completes the file joins the parts into one media,
//! the file its handle names. A request cut off halfway keeps what arrived, so the offset a
//! client reads back is always the bytes the server holds.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::ProfileService;
use crate::error::{ApiError, ErrorCode};
use crate::messaging::MEDIA_RETENTION_MS;
use crate::model::{UploadPart, UploadSession, UPLOAD_PREFIX};
use crate::ports::MediaBody;
use crate::sniff::HEAD_LEN;
use crate::store::Store;

/// The file types the Resumable Upload API takes (`image/jpg` is `image/jpeg`).
pub const UPLOAD_TYPES: &[&str] = &["application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4"];

/// Longest `file_name`.
const MAX_FILE_NAME: usize = 255;

fn unknown_session(id: &str) -> ApiError {
    ApiError::object_not_found(id)
}

impl ProfileService {
    /// `POST /{app-id}/uploads`: a session for `file_length` bytes of `file_type` (one of
    /// [`UPLOAD_TYPES`], at most `max_length` bytes, the server's limit for the type).
    pub async fn start_upload(
        &self,
        business_id: &str,
        app_id: &str,
        file_name: &str,
        file_length: i64,
        file_type: &str,
        max_length: i64,
    ) -> Result<UploadSession, ApiError> {
        if file_name.trim().is_empty() || file_name.chars().count() > MAX_FILE_NAME || file_name.contains(['/', '\\']) {
            return Err(ApiError::invalid(format!(
                "Param file_name must be a file name of 1 to {MAX_FILE_NAME} characters, without a path"
            )));
        }
        if file_length <= 0 {
            return Err(ApiError::invalid("Param file_length must be a positive number of bytes"));
        }
        if file_length > max_length {
            return Err(ApiError::invalid(format!(
                "Param file_length: {file_length} bytes is over the {max_length}-byte limit for {file_type}"
            )));
        }
        let now = self.clock.now_ms();
        let s = UploadSession {
            id: format!("{}{}", crate::ids::new_secret(24), crate::ids::new_object_id()),
            business_id: business_id.to_string(),
            app_id: app_id.to_string(),
            file_name: file_name.to_string(),
            file_length,
            file_type: if file_type == "image/jpg" { "image/jpeg".into() } else { file_type.to_string() },
            file_offset: 0,
            media_id: None,
            handle: None,
            created_at: now,
            expires_at: now + MEDIA_RETENTION_MS,
        };
        self.store.insert_upload_session(&s).await?;
        Ok(s)
    }

    /// The session `upload:<id>` of this business while it lasts; any other is "not found",
    /// whoever's it is.
    pub async fn upload_session(&self, business_id: &str, wire_id: &str) -> Result<UploadSession, ApiError> {
        let id = wire_id.strip_prefix(UPLOAD_PREFIX).ok_or_else(|| unknown_session(wire_id))?;
        match self.store.upload_session(id).await? {
            Some(s) if s.business_id == business_id && s.expires_at > self.clock.now_ms() => Ok(s),
            _ => Err(unknown_session(wire_id)),
        }
    }

    /// `POST /upload:<id>` with `file_offset`: `body` holds the bytes from `offset` on (the
    /// caller stopped reading at the declared length). Returns the session after them: with
    /// its handle once the file is whole.
    pub async fn append_upload(
        &self,
        s: &UploadSession,
        offset: i64,
        body: &mut dyn MediaBody,
    ) -> Result<UploadSession, ApiError> {
        check_upload_offset(s, offset)?;
        let size = i64::try_from(body.size()).map_err(|_| ApiError::internal())?;
        if offset + size > s.file_length {
            return Err(ApiError::invalid(format!(
                "The upload is longer than its file_length: {} bytes from offset {offset}, {} declared",
                size, s.file_length
            )));
        }
        if size == 0 {
            return Ok(s.clone());
        }
        // The first bytes show what the file is: a PNG declared application/pdf stops here.
        if offset == 0 && (body.head().len() >= HEAD_LEN || size == s.file_length) {
            crate::sniff::check_content(&s.file_type, body.head())
                .map_err(|e| ApiError::new(ErrorCode::MediaUploadError, format!("file: {e}")))?;
        }
        let part = self.messaging.store_file(&s.business_id, None, None, None, body).await?;
        let recorded = self
            .store
            .add_upload_part(&UploadPart {
                session_id: s.id.clone(),
                file_offset: offset,
                size,
                media_id: part.id.clone(),
            })
            .await?;
        if !recorded {
            // Another request moved the offset first.
            self.messaging.delete_media(&part).await?;
            let now = self.store.upload_session(&s.id).await?.ok_or_else(|| unknown_session(&s.wire_id()))?;
            return Err(offset_error(&now));
        }
        let mut s = s.clone();
        s.file_offset = offset + size;
        if s.file_offset == s.file_length {
            self.complete(&mut s).await?;
        }
        Ok(s)
    }

    /// Join the parts into the file and issue its handle.
    async fn complete(&self, s: &mut UploadSession) -> Result<(), ApiError> {
        let parts = self.store.upload_parts(&s.id).await?;
        let mut body = PartsBody::read(self.store.clone(), &parts, &s.file_type).await?;
        let media = self.messaging.store_media(&s.business_id, None, None, Some(&s.file_name), &mut body).await?;
        let token = crate::ids::new_secret(48);
        let handle = format!("4::{}:AR{token}:e:{}:{}", STANDARD.encode(&s.file_type), s.expires_at / 1000, s.app_id);
        self.store.complete_upload(&s.id, &media.id, &handle).await?;
        s.media_id = Some(media.id);
        s.handle = Some(handle);
        Ok(())
    }

    /// The upload behind `handle` (see [`uploaded_file`]).
    pub async fn uploaded_file(&self, business_id: &str, handle: &str, field: &str) -> Result<UploadSession, ApiError> {
        uploaded_file(&*self.store, self.clock.now_ms(), business_id, handle, field).await
    }
}

pub use crate::templates::uploaded_file;

/// Bytes from `offset` may be sent to session `s`: it is not whole yet and holds exactly
/// `offset` bytes.
pub fn check_upload_offset(s: &UploadSession, offset: i64) -> Result<(), ApiError> {
    if s.handle.is_some() {
        return Err(ApiError::invalid(format!(
            "The upload session {} is complete: all {} bytes were received",
            s.wire_id(),
            s.file_length
        )));
    }
    if offset != s.file_offset {
        return Err(offset_error(s));
    }
    Ok(())
}

fn offset_error(s: &UploadSession) -> ApiError {
    ApiError::invalid(format!(
        "file_offset: the upload session {} holds {} bytes; send the bytes from offset {} (GET /{} tells the offset)",
        s.wire_id(),
        s.file_offset,
        s.file_offset,
        s.wire_id()
    ))
}

/// The parts of an upload read back in order as one file: its size, SHA-256 and first bytes
/// from a first pass over the stored chunks, then the bytes chunk by chunk.
pub struct PartsBody {
    store: Arc<dyn Store>,
    /// (media id, chunk count) of each part, in file order.
    parts: Vec<(String, i64)>,
    mime_type: String,
    size: u64,
    sha256: [u8; 32],
    head: Vec<u8>,
    /// The next chunk to read: (part, chunk).
    at: (usize, i64),
    buf: Vec<u8>,
}

impl PartsBody {
    /// The parts as one file of type `mime_type`.
    pub async fn read(store: Arc<dyn Store>, parts: &[UploadPart], mime_type: &str) -> Result<PartsBody, ApiError> {
        let mut list = Vec::with_capacity(parts.len());
        let (mut hasher, mut head, mut size) = (Sha256::new(), Vec::with_capacity(HEAD_LEN), 0u64);
        for p in parts {
            let media = store.media(&p.media_id).await?.ok_or_else(ApiError::internal)?;
            let count = media.chunk_count();
            for seq in 0..count {
                let chunk = store.media_chunk(&p.media_id, seq).await?.ok_or_else(ApiError::internal)?;
                if head.len() < HEAD_LEN {
                    let n = (HEAD_LEN - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..n]);
                }
                hasher.update(&chunk);
                size += chunk.len() as u64;
            }
            list.push((p.media_id.clone(), count));
        }
        Ok(PartsBody {
            store,
            parts: list,
            mime_type: mime_type.to_string(),
            size,
            sha256: hasher.finalize().into(),
            head,
            at: (0, 0),
            buf: Vec::new(),
        })
    }
}

#[async_trait::async_trait]
impl MediaBody for PartsBody {
    fn mime_type(&self) -> &str {
        &self.mime_type
    }

    fn size(&self) -> u64 {
        self.size
    }

    fn sha256(&self) -> [u8; 32] {
        self.sha256
    }

    fn head(&self) -> &[u8] {
        &self.head
    }

    async fn next_chunk(&mut self, max: usize) -> std::io::Result<Vec<u8>> {
        let max = max.max(1);
        while self.buf.len() < max {
            let Some((id, count)) = self.parts.get(self.at.0) else { break };
            if self.at.1 >= *count {
                self.at = (self.at.0 + 1, 0);
                continue;
            }
            let chunk = self
                .store
                .media_chunk(id, self.at.1)
                .await
                .map_err(std::io::Error::other)?
                .ok_or_else(|| std::io::Error::other(format!("a chunk of upload part {id} is missing")))?;
            self.buf.extend_from_slice(&chunk);
            self.at.1 += 1;
        }
        let n = max.min(self.buf.len());
        let rest = self.buf.split_off(n);
        Ok(std::mem::replace(&mut self.buf, rest))
    }
}
