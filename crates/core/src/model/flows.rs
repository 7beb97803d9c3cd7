//! WhatsApp Flows: a WABA's forms, their Flow JSON, status and data endpoint.

use crate::clock::Millis;

wire_enum! {
    /// A flow's status, Meta's names. DRAFT → PUBLISHED → DEPRECATED; only a DRAFT is
    /// edited or deleted.
    FlowStatus {
        Draft => "DRAFT",
        Published => "PUBLISHED",
        Deprecated => "DEPRECATED",
    }
}

wire_enum! {
    /// What a flow is for (`categories`).
    FlowCategory {
        SignUp => "SIGN_UP",
        SignIn => "SIGN_IN",
        AppointmentBooking => "APPOINTMENT_BOOKING",
        LeadGeneration => "LEAD_GENERATION",
        Shopping => "SHOPPING",
        ContactUs => "CONTACT_US",
        CustomerSupport => "CUSTOMER_SUPPORT",
        Survey => "SURVEY",
        Other => "OTHER",
    }
}

/// One flow of a WABA.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub id: String,
    pub business_id: String,
    pub waba_id: String,
    /// Unique within the WABA.
    pub name: String,
    pub categories: Vec<FlowCategory>,
    pub status: FlowStatus,
    /// The uploaded Flow JSON, byte for byte as the business sent it (line and column numbers
    /// of validation errors point into it); `None` until one is uploaded.
    pub flow_json: Option<String>,
    /// `validation_errors` of the current Flow JSON, Meta's shape (a JSON array).
    pub validation_errors: serde_json::Value,
    /// The Flow JSON's `version`.
    pub json_version: Option<String>,
    /// The Flow JSON's `data_api_version` (a flow with a data endpoint).
    pub data_api_version: Option<String>,
    /// Where the data exchange requests of this flow go.
    pub endpoint_uri: Option<String>,
    /// The secret in this flow's preview URL; a new one each time the preview is invalidated.
    pub preview_token: String,
    /// When the current preview URL stops working.
    pub preview_expires_at: Millis,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Flow {
    /// Whether the Flow JSON validates (and there is one).
    pub fn is_valid(&self) -> bool {
        self.flow_json.is_some() && self.validation_errors.as_array().is_none_or(|a| a.is_empty())
    }
}
