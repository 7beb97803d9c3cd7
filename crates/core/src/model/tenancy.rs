//! Tenancy model: business → WABAs → phone numbers; apps; access tokens and their permissions.

use crate::clock::Millis;

/// What a token may do. Meta's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Send and receive messages, media, the `messages` webhook.
    Messaging,
    /// WABA, templates, phone numbers, other webhooks.
    Management,
}

impl Permission {
    pub const ALL: [Permission; 2] = [Permission::Messaging, Permission::Management];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Messaging => "whatsapp_business_messaging",
            Permission::Management => "whatsapp_business_management",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        match s.trim() {
            "whatsapp_business_messaging" | "messaging" => Some(Permission::Messaging),
            "whatsapp_business_management" | "management" => Some(Permission::Management),
            _ => None,
        }
    }

    /// Parse a comma-separated list; unknown names are an error naming them.
    pub fn parse_list(s: &str) -> Result<Vec<Permission>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let p = Permission::parse(part).ok_or_else(|| format!("unknown permission '{part}'"))?;
            if !out.contains(&p) {
                out.push(p);
            }
        }
        Ok(out)
    }

    pub fn join(perms: &[Permission]) -> String {
        perms.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// The caller of an API request, resolved from its access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub token_id: String,
    pub business_id: String,
    pub permissions: Vec<Permission>,
}

impl Principal {
    pub fn has(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Business {
    pub id: String,
    pub name: String,
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waba {
    pub id: String,
    pub business_id: String,
    pub name: String,
    pub currency: String,
    pub timezone_id: String,
    pub message_template_namespace: String,
    pub created_at: Millis,
}

/// The number statuses the quality rating sets (`status`); others are an operator's.
pub const NUMBER_CONNECTED: &str = "CONNECTED";
pub const NUMBER_FLAGGED: &str = "FLAGGED";
/// RED past the restriction threshold: business-initiated messages are refused (131048).
pub const NUMBER_RESTRICTED: &str = "RESTRICTED";

/// A business phone number and the fields Meta reports for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    pub id: String,
    pub waba_id: String,
    pub business_id: String,
    /// Digits with country code (`15550100001`): what webhooks call `display_phone_number`.
    pub number: String,
    pub verified_name: String,
    pub quality_rating: String,
    pub code_verification_status: String,
    pub name_status: String,
    pub status: String,
    pub throughput_level: String,
    pub messaging_limit_tier: String,
    pub account_mode: String,
    pub created_at: Millis,
    /// Registered for the Cloud API (`POST /{id}/register`): only a registered number sends.
    pub registered: bool,
    /// A two-step verification PIN is set (Meta's `is_pin_enabled`).
    pub pin_enabled: bool,
    /// Review of a requested display name (`new_name_status`): `NONE`, `PENDING_REVIEW`,
    /// `APPROVED`, `DECLINED`.
    pub new_name_status: String,
    /// The display name asked for with `new_display_name` while it is reviewed.
    pub requested_name: Option<String>,
    /// An official business account (the green badge): an approved `official_business_account`
    /// request. Locks the display name and the number's registration.
    pub official: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub id: String,
    pub business_id: String,
    pub name: String,
    pub app_secret: String,
    pub created_at: Millis,
}

/// A stored access token: never the token itself, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: String,
    pub business_id: String,
    pub name: String,
    pub token_hash: String,
    pub permissions: Vec<Permission>,
    pub created_at: Millis,
    pub revoked_at: Option<Millis>,
    /// From this time on the token fails with 190/463.
    pub expires_at: Option<Millis>,
}

/// The kinds of Graph object an id can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Business,
    Waba,
    PhoneNumber,
    App,
    Media,
    /// A message template (`GET /{template-id}`).
    Template,
    /// A WhatsApp Flow (`GET /{flow-id}`).
    Flow,
    /// A product catalog (`GET /{catalog-id}`).
    Catalog,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Business => "business",
            ObjectKind::Waba => "waba",
            ObjectKind::PhoneNumber => "phone_number",
            ObjectKind::App => "app",
            ObjectKind::Media => "media",
            ObjectKind::Template => "template",
            ObjectKind::Flow => "flow",
            ObjectKind::Catalog => "catalog",
        }
    }

    pub fn parse(s: &str) -> Option<ObjectKind> {
        Some(match s {
            "business" => ObjectKind::Business,
            "waba" => ObjectKind::Waba,
            "phone_number" => ObjectKind::PhoneNumber,
            "app" => ObjectKind::App,
            "media" => ObjectKind::Media,
            "template" => ObjectKind::Template,
            "flow" => ObjectKind::Flow,
            "catalog" => ObjectKind::Catalog,
            _ => return None,
        })
    }
}

/// An entry of the global object index: which kind an id is and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub id: String,
    pub kind: ObjectKind,
    pub business_id: String,
}

/// One page of a cursor-paged list, in id order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageRequest {
    /// Items after this id (exclusive).
    pub after: Option<String>,
    /// Items before this id (exclusive).
    pub before: Option<String>,
    pub limit: usize,
}

/// A page of results plus whether more exist in each direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more_after: bool,
    pub has_more_before: bool,
}
