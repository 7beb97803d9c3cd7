//! Business profiles, conversational components and upload sessions, written once for both
//! engines.

use async_trait::async_trait;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::Plan;
use crate::params;
use crate::sql::messages::{COPY_MEDIA, COPY_MEDIA_CHUNKS, DELETE_MEDIA, DELETE_MEDIA_CHUNKS, DELETE_MEDIA_OBJECT};
use crate::sql::profile::*;
use crate::sql::tenancy::INSERT_OBJECT;
use crate::value::Row;
use crate::SqlStore;

/// A profile picture is kept while it is the picture: it never expires on its own.
const KEPT: i64 = i64::MAX;

fn not_json(e: serde_json::Error) -> StoreError {
    StoreError::Database(format!("a stored list is not JSON: {e}"))
}

/// A JSON list of strings.
fn strings(r: &Row, i: usize) -> StoreResult<Vec<String>> {
    serde_json::from_str(&r.text(i)?).map_err(not_json)
}

/// A JSON list of string pairs.
fn pairs(r: &Row, i: usize) -> StoreResult<Vec<(String, String)>> {
    serde_json::from_str(&r.text(i)?).map_err(not_json)
}

fn upload(r: &Row) -> StoreResult<UploadSession> {
    Ok(UploadSession {
        id: r.text(0)?,
        business_id: r.text(1)?,
        app_id: r.text(2)?,
        file_name: r.text(3)?,
        file_length: r.i64(4)?,
        file_type: r.text(5)?,
        file_offset: r.i64(6)?,
        media_id: r.opt_text(7)?,
        handle: r.opt_text(8)?,
        created_at: r.i64(9)?,
        expires_at: r.i64(10)?,
    })
}

/// Delete media `id` with its chunks and its entry in the object index.
fn delete_media(plan: &mut Plan, id: &str) {
    plan.push(DELETE_MEDIA_CHUNKS, params![id]);
    plan.push(DELETE_MEDIA_OBJECT, params![id]);
    plan.push(DELETE_MEDIA, params![id]);
}

#[async_trait]
impl ProfileStore for SqlStore {
    async fn business_profile(&self, phone_number_id: &str) -> StoreResult<Option<BusinessProfile>> {
        let Some(r) = self.db.query_opt(BUSINESS_PROFILE, params![phone_number_id]).await? else {
            return Ok(None);
        };
        Ok(Some(BusinessProfile {
            phone_number_id: r.text(0)?,
            about: r.opt_text(1)?,
            address: r.opt_text(2)?,
            description: r.opt_text(3)?,
            email: r.opt_text(4)?,
            websites: strings(&r, 5)?,
            vertical: r.opt_text(6)?,
            picture_media_id: r.opt_text(7)?,
            updated_at: r.i64(8)?,
        }))
    }

    async fn save_business_profile(
        &self,
        p: &BusinessProfile,
        picture: Option<&PictureCopy>,
        old_picture: Option<&str>,
    ) -> StoreResult<()> {
        let mut plan = Plan::new();
        if let Some(c) = picture {
            plan.push(INSERT_OBJECT, params![&c.new_id, ObjectKind::Media.as_str(), &c.business_id]);
            plan.push(
                COPY_MEDIA,
                params![
                    &c.new_id,
                    &c.business_id,
                    p.phone_number_id.as_str(),
                    None::<&str>,
                    c.created_at,
                    KEPT,
                    &c.source_id
                ],
            );
            plan.push(COPY_MEDIA_CHUNKS, params![&c.new_id, &c.source_id]);
        }
        let websites = serde_json::Value::from(p.websites.clone()).to_string();
        plan.push(
            SAVE_BUSINESS_PROFILE,
            params![
                &p.phone_number_id,
                p.about.as_deref(),
                p.address.as_deref(),
                p.description.as_deref(),
                p.email.as_deref(),
                websites,
                p.vertical.as_deref(),
                p.picture_media_id.as_deref(),
                p.updated_at
            ],
        );
        if let Some(old) = old_picture {
            delete_media(&mut plan, old);
        }
        self.db.write(plan).await.map(|_| ())
    }

    async fn conversational_automation(&self, phone_number_id: &str) -> StoreResult<Option<ConversationalAutomation>> {
        let Some(r) = self.db.query_opt(CONVERSATIONAL_AUTOMATION, params![phone_number_id]).await? else {
            return Ok(None);
        };
        let commands = pairs(&r, 3)?;
        Ok(Some(ConversationalAutomation {
            phone_number_id: r.text(0)?,
            enable_welcome_message: r.bool(1)?,
            prompts: strings(&r, 2)?,
            commands: commands
                .into_iter()
                .map(|(command_name, command_description)| Command { command_name, command_description })
                .collect(),
            updated_at: r.i64(4)?,
        }))
    }

    async fn save_conversational_automation(&self, a: &ConversationalAutomation) -> StoreResult<()> {
        let prompts = serde_json::Value::from(a.prompts.clone()).to_string();
        let commands: Vec<(&str, &str)> =
            a.commands.iter().map(|c| (c.command_name.as_str(), c.command_description.as_str())).collect();
        let commands = serde_json::to_string(&commands).map_err(|e| StoreError::Database(e.to_string()))?;
        let plan = Plan::one(
            SAVE_CONVERSATIONAL_AUTOMATION,
            params![&a.phone_number_id, a.enable_welcome_message, prompts, commands, a.updated_at],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn insert_upload_session(&self, s: &UploadSession) -> StoreResult<()> {
        let plan = Plan::one(
            INSERT_UPLOAD_SESSION,
            params![
                &s.id,
                &s.business_id,
                &s.app_id,
                &s.file_name,
                s.file_length,
                &s.file_type,
                s.file_offset,
                s.media_id.as_deref(),
                s.handle.as_deref(),
                s.created_at,
                s.expires_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn upload_session(&self, id: &str) -> StoreResult<Option<UploadSession>> {
        self.db.query_opt(UPLOAD_SESSION, params![id]).await?.as_ref().map(upload).transpose()
    }

    async fn upload_by_handle(&self, handle: &str) -> StoreResult<Option<UploadSession>> {
        self.db.query_opt(UPLOAD_BY_HANDLE, params![handle]).await?.as_ref().map(upload).transpose()
    }

    async fn upload_parts(&self, session_id: &str) -> StoreResult<Vec<UploadPart>> {
        let rows = self.db.query(UPLOAD_PARTS, params![session_id]).await?;
        rows.iter()
            .map(|r| {
                Ok(UploadPart { session_id: r.text(0)?, file_offset: r.i64(1)?, size: r.i64(2)?, media_id: r.text(3)? })
            })
            .collect()
    }

    async fn add_upload_part(&self, part: &UploadPart) -> StoreResult<bool> {
        let end = part.file_offset + part.size;
        let mut plan = Plan::one(ADVANCE_UPLOAD, params![end, &part.session_id, part.file_offset]);
        plan.push(INSERT_UPLOAD_PART, params![&part.session_id, part.file_offset, part.size, &part.media_id, end]);
        let out = self.db.write(plan).await?;
        Ok(out.first().map(|o| o.affected).unwrap_or(0) == 1)
    }

    async fn complete_upload(&self, session_id: &str, media_id: &str, handle: &str) -> StoreResult<()> {
        let parts = self.upload_parts(session_id).await?;
        let mut plan = Plan::one(COMPLETE_UPLOAD, params![media_id, handle, session_id]);
        plan.push(DELETE_UPLOAD_PARTS, params![session_id]);
        for p in &parts {
            delete_media(&mut plan, &p.media_id);
        }
        self.db.write(plan).await.map(|_| ())
    }
}
