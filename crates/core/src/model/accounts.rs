//! The people of a business who use the web app: users with a role, their invitations.

use crate::clock::Millis;

wire_enum! {
    /// What a person may do in the web app. Owners and admins manage people; agents answer.
    Role {
        Owner => "owner",
        Admin => "admin",
        Agent => "agent",
    }
}

impl Role {
    /// Owners and admins invite people, change roles and disable people.
    pub fn manages_people(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// A person of a business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub business_id: String,
    /// Lower case; unique across the server (a person signs in with it alone).
    pub email: String,
    pub name: String,
    /// Argon2id, in the PHC string format.
    pub password_hash: String,
    pub role: Role,
    pub created_at: Millis,
    pub disabled_at: Option<Millis>,
}

/// An invitation to join a business, by email; accepted once, before it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// SHA-256 of the token in the link; the token itself is never stored.
    pub token_hash: String,
    pub business_id: String,
    pub email: String,
    pub role: Role,
    /// The user who invited.
    pub invited_by: String,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub accepted_at: Option<Millis>,
}
