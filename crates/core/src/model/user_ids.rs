//! Business-scoped user ids (BSUIDs), usernames and number changes: how a business sees a
//! customer.

use crate::clock::Millis;

/// How long a business that sent a message `to` a customer's number keeps seeing that number
/// when the customer hides it: 30 days (Meta shows the number of a user with a username to a
/// business that messaged that number in the last 30 days).
pub const NUMBER_SHARED_MS: Millis = 30 * 86_400_000;

/// What the store holds about one customer as one business sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub wa_id: String,
    pub profile_name: String,
    /// The customer's username, if they set one.
    pub username: Option<String>,
    /// The customer hides their number from businesses.
    pub hide_number: bool,
    /// The BSUID of this customer at this business, once one was given.
    pub user_id: Option<String>,
    /// When the business last sent a message `to` the number.
    pub number_shared_at: Option<Millis>,
}

/// A customer's username and number setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsernameSetting {
    pub wa_id: String,
    /// `None` removes the username.
    pub username: Option<String>,
    pub hide_number: bool,
    pub at: Millis,
}

/// A customer moving from one number to another, committed at once: the customer row, their
/// sessions, conversations, messages, media, blocks, marketing preferences, entry points,
/// messaging-limit and quality rows and username move to `new_wa_id`; their BSUIDs are
/// replaced by `new_user_ids`; `old_wa_id` is recorded as left; `outbox` holds the
/// notifications to the businesses.
#[derive(Debug, Clone)]
pub struct NumberChange {
    pub old_wa_id: String,
    pub new_wa_id: String,
    /// (business id, new BSUID) for each business that had one for the old number.
    pub new_user_ids: Vec<(String, String)>,
    pub outbox: Vec<super::OutboxRow>,
    pub at: Millis,
}
