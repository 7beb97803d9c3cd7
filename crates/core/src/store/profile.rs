//! Business profiles, conversational components, and Resumable Upload API sessions.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::*;

/// A new profile picture: a copy of an uploaded file, made the number's own.
#[derive(Debug, Clone)]
pub struct PictureCopy {
    /// The copy's id.
    pub new_id: String,
    /// The uploaded file it copies.
    pub source_id: String,
    pub business_id: String,
    pub created_at: Millis,
}

/// Storage of business profiles, conversational components and upload sessions.
#[async_trait]
pub trait ProfileStore: Send + Sync {
    async fn business_profile(&self, phone_number_id: &str) -> StoreResult<Option<BusinessProfile>>;
    /// Write the profile, in one commit with its new picture (copied first, kept for good) and
    /// the removal of the picture it replaces (`old_picture`), when given.
    async fn save_business_profile(
        &self,
        p: &BusinessProfile,
        picture: Option<&PictureCopy>,
        old_picture: Option<&str>,
    ) -> StoreResult<()>;

    async fn conversational_automation(&self, phone_number_id: &str) -> StoreResult<Option<ConversationalAutomation>>;
    async fn save_conversational_automation(&self, a: &ConversationalAutomation) -> StoreResult<()>;

    async fn insert_upload_session(&self, s: &UploadSession) -> StoreResult<()>;
    /// A session by its id (without `upload:`).
    async fn upload_session(&self, id: &str) -> StoreResult<Option<UploadSession>>;
    /// The session that issued `handle`.
    async fn upload_by_handle(&self, handle: &str) -> StoreResult<Option<UploadSession>>;
    /// A session's parts, in file order.
    async fn upload_parts(&self, session_id: &str) -> StoreResult<Vec<UploadPart>>;
    /// Record `part` and move its session's offset from `part.file_offset` to its end, in one
    /// commit; false (nothing written) when the session's offset was not `part.file_offset`.
    async fn add_upload_part(&self, part: &UploadPart) -> StoreResult<bool>;
    /// The file is whole as media `media_id`: record it and `handle` on the session and remove
    /// the parts (rows and their media), in one commit.
    async fn complete_upload(&self, session_id: &str, media_id: &str, handle: &str) -> StoreResult<()>;
}
