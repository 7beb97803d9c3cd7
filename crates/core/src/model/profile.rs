//! A number's business profile, its conversational components, and sessions of the Resumable
//! Upload API.

use crate::clock::Millis;

/// What a number's customers see of the business (Meta's `whatsapp_business_profile`). Unset
/// fields are `None` (an empty list for `websites`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BusinessProfile {
    pub phone_number_id: String,
    /// 1–139 characters.
    pub about: Option<String>,
    pub address: Option<String>,
    pub description: Option<String>,
    pub email: Option<String>,
    /// At most two `http(s)://` URLs.
    pub websites: Vec<String>,
    /// One of [`VERTICALS`].
    pub vertical: Option<String>,
    /// The profile picture: the number's own copy of an uploaded file, kept while it is the
    /// picture.
    pub picture_media_id: Option<String>,
    pub updated_at: Millis,
}

/// The industries Meta accepts as a profile's `vertical`.
pub const VERTICALS: &[&str] = &[
    "OTHER",
    "AUTO",
    "BEAUTY",
    "APPAREL",
    "EDU",
    "ENTERTAIN",
    "EVENT_PLAN",
    "FINANCE",
    "GROCERY",
    "GOVT",
    "HOTEL",
    "HEALTH",
    "NONPROFIT",
    "PROF_SERVICES",
    "RETAIL",
    "TRAVEL",
    "RESTAURANT",
    "NOT_A_BIZ",
    "ALCOHOL",
    "ONLINE_GAMBLING",
    "PHYSICAL_GAMBLING",
    "OTC_DRUGS",
];

/// What Meta reports as the `vertical` of a profile that has none.
pub const VERTICAL_UNDEFINED: &str = "UNDEFINED";

/// A command of a number's conversational components: `/command_name` in the chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// At most 32 characters, without the slash.
    pub command_name: String,
    /// At most 256 characters.
    pub command_description: String,
}

/// A number's conversational components (Meta's `conversational_automation`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversationalAutomation {
    pub phone_number_id: String,
    /// Whether a customer who opens a chat for the first time makes the business receive a
    /// `request_welcome` message.
    pub enable_welcome_message: bool,
    /// Ice breakers: at most 4, of at most 80 characters each.
    pub prompts: Vec<String>,
    /// At most 30.
    pub commands: Vec<Command>,
    pub updated_at: Millis,
}

/// A session of the Resumable Upload API (`POST /{app-id}/uploads`): the file it declared and
/// how much of it arrived. Its wire id is `upload:<id>`.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadSession {
    /// Without the `upload:` prefix.
    pub id: String,
    pub business_id: String,
    pub app_id: String,
    pub file_name: String,
    pub file_length: i64,
    /// The declared MIME type, normalised (`image/jpg` is `image/jpeg`).
    pub file_type: String,
    /// Bytes received so far: where the next POST must start.
    pub file_offset: i64,
    /// The whole file, once every byte arrived.
    pub media_id: Option<String>,
    /// The handle issued for the whole file.
    pub handle: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// The prefix of an upload session's wire id.
pub const UPLOAD_PREFIX: &str = "upload:";

impl UploadSession {
    /// `upload:<id>`, as the API names the session.
    pub fn wire_id(&self) -> String {
        format!("{UPLOAD_PREFIX}{}", self.id)
    }
}

/// Bytes of an upload session that one request carried, stored as media of their own until
/// the file is whole.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadPart {
    pub session_id: String,
    /// Where the part starts in the file.
    pub file_offset: i64,
    pub size: i64,
    pub media_id: String,
}
