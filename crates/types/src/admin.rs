//! Admin API and CLI `--json` shapes.

use serde::{Deserialize, Serialize};

/// `risala admin demo --json`: the demo tenant, never a token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DemoTenant {
    pub business_id: String,
    pub waba_id: String,
    pub app_id: String,
    pub phone_number_id: String,
    pub display_phone_number: String,
    pub app_secret: String,
}

/// A business as the admin API lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BusinessInfo {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// A WhatsApp Business Account as the admin API lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WabaInfo {
    pub id: String,
    pub business_id: String,
    pub name: String,
    pub currency: String,
    pub timezone_id: String,
    pub created_at: i64,
}

/// A business phone number as the admin API lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhoneNumberInfo {
    pub id: String,
    pub waba_id: String,
    pub business_id: String,
    /// Digits only, with the country code (`15550001234`).
    pub phone_number: String,
    pub verified_name: String,
    pub created_at: i64,
}

/// An app as the admin API lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AppInfo {
    pub id: String,
    pub business_id: String,
    pub name: String,
    pub app_secret: String,
    pub created_at: i64,
}

/// An access token as the admin API lists it. `token` is present only in the answer that created it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TokenInfo {
    pub id: String,
    pub business_id: String,
    pub name: String,
    pub permissions: Vec<String>,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
    /// When the token expires (then 190/463), in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}
