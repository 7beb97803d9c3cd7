//! A number's business profile (`whatsapp_business_profile`), its conversational components
//! (`conversational_automation`), and the Resumable Upload API whose handles set the profile
//! picture and template header samples.

pub mod fields;
mod uploads;

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::clock::Clock;
use crate::error::ApiError;
use crate::messaging::MessagingService;
use crate::model::{BusinessProfile, ConversationalAutomation, Media, PhoneNumber};
use crate::store::{PictureCopy, Store};

pub use uploads::{check_upload_offset, uploaded_file, PartsBody, UPLOAD_TYPES};

/// Profile picture types Meta takes.
const PICTURE_TYPES: &[&str] = &["image/jpeg", "image/png"];

/// Business profiles, conversational components and upload sessions.
#[derive(Clone)]
pub struct ProfileService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Upload bytes are stored as media.
    messaging: MessagingService,
}

impl ProfileService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, messaging: MessagingService) -> Self {
        ProfileService { store, clock, messaging }
    }

    /// A number's profile; a number that never set one has an empty profile.
    pub async fn business_profile(&self, phone_number_id: &str) -> Result<BusinessProfile, ApiError> {
        Ok(self
            .store
            .business_profile(phone_number_id)
            .await?
            .unwrap_or_else(|| BusinessProfile { phone_number_id: phone_number_id.to_string(), ..Default::default() }))
    }

    /// `POST /{phone-number-id}/whatsapp_business_profile`: the fields given change, the others
    /// stay. `profile_picture_handle` (a handle of this business's Resumable Upload API, of a
    /// JPEG or PNG) sets the picture; `""` removes it.
    pub async fn update_business_profile(
        &self,
        phone: &PhoneNumber,
        body: &Map<String, Value>,
    ) -> Result<BusinessProfile, ApiError> {
        fields::check_messaging_product(body)?;
        let mut p = self.business_profile(&phone.id).await?;
        fields::apply_profile(&mut p, body)?;
        let now = self.clock.now_ms();
        let (mut copy, mut old_picture) = (None, None);
        match body.get("profile_picture_handle") {
            None => {}
            Some(Value::Null) => old_picture = p.picture_media_id.take(),
            Some(Value::String(h)) if h.is_empty() => old_picture = p.picture_media_id.take(),
            Some(Value::String(h)) => {
                let upload = self.uploaded_file(&phone.business_id, h, "profile_picture_handle").await?;
                if !PICTURE_TYPES.contains(&upload.file_type.as_str()) {
                    return Err(ApiError::invalid(format!(
                        "Param profile_picture_handle: the uploaded file is {}; a profile picture is image/jpeg or image/png",
                        upload.file_type
                    )));
                }
                let source_id = upload.media_id.ok_or_else(ApiError::internal)?;
                let new_id = crate::ids::new_object_id();
                old_picture = p.picture_media_id.replace(new_id.clone());
                copy = Some(PictureCopy { new_id, source_id, business_id: phone.business_id.clone(), created_at: now });
            }
            Some(_) => return Err(ApiError::invalid("Param profile_picture_handle must be a string")),
        }
        p.updated_at = now;
        self.store.save_business_profile(&p, copy.as_ref(), old_picture.as_deref()).await?;
        Ok(p)
    }

    /// The current profile picture of a number, when `media_id` is it (its public URL names
    /// both): anything else is "not found".
    pub async fn profile_picture(&self, phone_number_id: &str, media_id: &str) -> Result<Media, ApiError> {
        let p = self.business_profile(phone_number_id).await?;
        if p.picture_media_id.as_deref() != Some(media_id) {
            return Err(ApiError::object_not_found(media_id));
        }
        self.store.media(media_id).await?.ok_or_else(|| ApiError::object_not_found(media_id))
    }

    /// What a customer sees of a number before writing: its profile and its conversational
    /// components (ice breakers, commands).
    pub async fn chat_profile(
        &self,
        phone_number_id: &str,
    ) -> Result<(BusinessProfile, ConversationalAutomation), ApiError> {
        Ok((self.business_profile(phone_number_id).await?, self.conversational_automation(phone_number_id).await?))
    }

    /// A number's conversational components; none set is all off and empty.
    pub async fn conversational_automation(&self, phone_number_id: &str) -> Result<ConversationalAutomation, ApiError> {
        Ok(self.store.conversational_automation(phone_number_id).await?.unwrap_or_else(|| ConversationalAutomation {
            phone_number_id: phone_number_id.to_string(),
            ..Default::default()
        }))
    }

    /// `POST /{phone-number-id}/conversational_automation`: `enable_welcome_message`,
    /// `prompts`, `commands`; the fields given change, the others stay.
    pub async fn update_conversational_automation(
        &self,
        phone: &PhoneNumber,
        body: &Map<String, Value>,
    ) -> Result<ConversationalAutomation, ApiError> {
        let mut a = self.conversational_automation(&phone.id).await?;
        fields::apply_automation(&mut a, body)?;
        a.updated_at = self.clock.now_ms();
        self.store.save_conversational_automation(&a).await?;
        Ok(a)
    }
}
