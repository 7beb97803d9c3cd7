//! Business-scoped user ids (BSUIDs), usernames and number changes, as sending and webhooks
//! use them.
//!
//! Every customer has one BSUID per business, given the first time the business and the
//! customer meet and kept; a business may send to it with `recipient` instead of `to`. A
//! customer may set a username and hide their number: that business's webhooks then carry
//! the username and the BSUID but no number, unless the business sent a message `to` the
//! number in the last 30 days ([`NUMBER_SHARED_MS`]). A customer who changes number keeps
//! their history (messages, windows, blocks, marketing preferences) and gets new BSUIDs, as
//! Meta regenerates them; each business that had a conversation with them is told in a
//! `user_changed_number` system message (`user_changed_user_id` when the number is hidden from
//! it) carrying the new and the previous BSUID. The old number is left: messages to it fail
//! with 131026.

use serde_json::json;

use super::*;
use crate::error::StoreError;
use crate::inbound::WebhookContact;
use crate::model::{ContactRow, NumberChange, UsernameSetting, NUMBER_SHARED_MS};

/// Shortest and longest username.
pub const USERNAME_LEN: (usize, usize) = (3, 35);

/// How often a business's sends `to` a hidden number renew its right to see it: at most once
/// an hour, so that a busy chat does not write on every message.
const SHARE_RENEW_MS: Millis = 3_600_000;

/// A username as WhatsApp allows them, lowercased: 3–35 characters of `a-z`, `0-9`, `.` and
/// `_`, at least one letter, no leading or trailing dot, no two dots in a row, not starting
/// with `www`.
pub fn normalize_username(raw: &str) -> Result<String, ApiError> {
    let u = raw.trim().to_ascii_lowercase();
    let bad = |why: &str| ApiError::bad_value(format!("username: {why}"));
    let n = u.chars().count();
    if n < USERNAME_LEN.0 || n > USERNAME_LEN.1 {
        return Err(bad(&format!("must be {} to {} characters long", USERNAME_LEN.0, USERNAME_LEN.1)));
    }
    if !u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_') {
        return Err(bad("may only contain the letters a-z, digits, '.' and '_'"));
    }
    if !u.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(bad("must contain a letter"));
    }
    if u.starts_with('.') || u.ends_with('.') || u.contains("..") {
        return Err(bad("may not start or end with '.' or have two '.' in a row"));
    }
    if u.starts_with("www") {
        return Err(bad("may not start with 'www'"));
    }
    Ok(u)
}

/// The number of the customer `customer` names at `business_id`: a number names itself, else
/// a BSUID the business was given, else a username; `None` when nobody. The inbox names a
/// customer who hides their number by their BSUID.
pub async fn customer_number(
    store: &dyn crate::store::Store,
    business_id: &str,
    customer: &str,
) -> Result<Option<String>, StoreError> {
    if !customer.is_empty() && customer.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Some(customer.to_string()));
    }
    if let Some(wa_id) = store.user_id_owner(business_id, customer).await? {
        return Ok(Some(wa_id));
    }
    store.username_owner(&customer.to_ascii_lowercase()).await
}

impl MessagingService {
    /// What the store holds about customer `wa_id` at business `business_id` (cached a few
    /// seconds), their BSUID given when they had none; `None` when no such customer.
    async fn contact_row(&self, business_id: &str, wa_id: &str) -> Result<Option<Arc<ContactRow>>, ApiError> {
        let key = crate::cache::Pair(business_id, wa_id);
        if let Some(r) = self.contacts.get(&key) {
            return Ok(Some(r));
        }
        let mark = self.contacts.mark();
        let Some(mut row) = self.store.contact(business_id, wa_id).await? else { return Ok(None) };
        if row.user_id.is_none() {
            row.user_id = Some(self.user_id_of(business_id, wa_id).await?);
        }
        let row = Arc::new(row);
        self.contacts.insert_since(mark, key.to_key(), row.clone());
        Ok(Some(row))
    }

    /// The BSUID of number `wa_id` at the business, given now if it had none.
    async fn user_id_of(&self, business_id: &str, wa_id: &str) -> Result<String, ApiError> {
        let fresh = inbound::new_business_scoped_user_id(wa_id);
        Ok(self.store.ensure_user_id(business_id, wa_id, &fresh, self.now()).await?)
    }

    /// The customer as the business's webhooks show them now; a number that is no customer
    /// (a failed send) shows as itself, with a BSUID of its own.
    pub async fn webhook_contact(&self, business_id: &str, wa_id: &str) -> Result<WebhookContact, ApiError> {
        match self.contact_row(business_id, wa_id).await? {
            Some(row) => Ok(shown(&row, self.now())),
            None => Ok(WebhookContact {
                wa_id: wa_id.to_string(),
                user_id: self.user_id_of(business_id, wa_id).await?,
                name: format!("+{wa_id}"),
                username: None,
                show_number: true,
            }),
        }
    }

    /// The customer a send reaches, as its webhooks show them, or `None` when `wa_id` is no
    /// customer. A send `to` the number of a customer who hides it shows the business the
    /// number for [`NUMBER_SHARED_MS`].
    pub(super) async fn recipient_contact(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        by_number: bool,
        now: Millis,
    ) -> Result<Option<WebhookContact>, ApiError> {
        let mark = self.contacts.mark();
        let Some(mut row) = self.contact_row(&phone.business_id, wa_id).await? else { return Ok(None) };
        if by_number && row.hide_number && row.number_shared_at.is_none_or(|t| now - t >= SHARE_RENEW_MS) {
            self.store.share_number(&phone.business_id, wa_id, now).await?;
            Arc::make_mut(&mut row).number_shared_at = Some(now);
            self.contacts.insert_since(mark, (phone.business_id.clone(), wa_id.to_string()), row.clone());
        }
        Ok(Some(shown(&row, now)))
    }

    /// The number a `recipient` names at this business. A BSUID the business was never given
    /// (another business's, or one a number change replaced) is 131009.
    pub(super) async fn resolve_recipient(&self, phone: &PhoneNumber, recipient: &str) -> Result<String, ApiError> {
        if !inbound::is_business_scoped_user_id(recipient) {
            return Err(ApiError::bad_value(format!(
                "recipient: {recipient} is not a business-scoped user ID (a country code, a dot and up to 128 letters and digits, e.g. US.13491208655302741918)"
            )));
        }
        self.store.user_id_owner(&phone.business_id, recipient).await?.ok_or_else(|| {
            ApiError::bad_value(format!(
                "recipient: {recipient} is not the business-scoped user ID of a WhatsApp user of this business"
            ))
        })
    }

    /// Drop every cached view of customers after one changed (username, number).
    fn forget_contacts(&self) {
        self.contacts.clear();
    }

    /// Set (or with `None` remove) a customer's username, and whether they hide their number.
    /// A username another customer has is 131009.
    pub async fn set_username(&self, wa_id: &str, username: Option<&str>, hide_number: bool) -> Result<(), ApiError> {
        let username = username.map(normalize_username).transpose()?;
        if hide_number && username.is_none() {
            return Err(ApiError::bad_value("hide_number: only a customer with a username can hide their number"));
        }
        if let Some(u) = &username {
            if self.store.username_owner(u).await?.is_some_and(|owner| owner != wa_id) {
                return Err(ApiError::bad_value(format!("username: {u} is taken")));
            }
        }
        let setting = UsernameSetting { wa_id: wa_id.to_string(), username, hide_number, at: self.now() };
        self.store.set_username(&setting).await.map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::bad_value("username: it is taken"),
            e => e.into(),
        })?;
        self.forget_contacts();
        Ok(())
    }

    /// The number customer `old` moved to, if they did (messages to `old` then fail).
    pub async fn moved_to(&self, old: &str) -> Result<Option<String>, ApiError> {
        Ok(self.store.moved_to(old).await?)
    }

    /// Move customer `old` to number `new` (checked by the caller: a valid number, no customer
    /// yet): everything follows them, they get new BSUIDs, and every business number that had
    /// a conversation with them receives a system message.
    pub async fn change_number(&self, old: &str, new: &str) -> Result<(), ApiError> {
        let now = self.now();
        let conversations = self.store.customer_conversations(old).await?;
        let mut businesses = self.store.user_id_businesses(old).await?;
        for c in &conversations {
            if !businesses.contains(&c.business_id) {
                businesses.push(c.business_id.clone());
            }
        }
        let new_user_ids: Vec<(String, String)> =
            businesses.iter().map(|b| (b.clone(), inbound::new_business_scoped_user_id(new))).collect();
        let mut outbox = Vec::new();
        for c in &conversations {
            let Some(phone) = self.phone(&c.phone_number_id).await? else { continue };
            let before = self.webhook_contact(&phone.business_id, old).await?;
            let Some((_, user_id)) = new_user_ids.iter().find(|(b, _)| *b == phone.business_id) else { continue };
            let message = system_message(&before, new, user_id, now);
            let value = inbound::system_value(&phone.id, &phone.number, message);
            outbox.push(self.outbox(&phone, new, "messages", value, now));
        }
        let change =
            NumberChange { old_wa_id: old.to_string(), new_wa_id: new.to_string(), new_user_ids, outbox, at: now };
        self.store.change_number(&change).await.map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::bad_value(format!("phone: +{new} is already in use")),
            e => e.into(),
        })?;
        self.forget_contacts();
        self.forget_customer(old);
        for c in &conversations {
            self.windows.remove(&(c.phone_number_id.clone(), old.to_string()));
            self.entry_points.remove(&(c.phone_number_id.clone(), old.to_string()));
        }
        self.notifier.outbox_written();
        Ok(())
    }
}

/// How a business sees the customer of `row` at `now`.
fn shown(row: &ContactRow, now: Millis) -> WebhookContact {
    WebhookContact {
        wa_id: row.wa_id.clone(),
        user_id: row.user_id.clone().unwrap_or_default(),
        name: row.profile_name.clone(),
        username: row.username.clone(),
        show_number: !row.hide_number || row.number_shared_at.is_some_and(|t| now - t < NUMBER_SHARED_MS),
    }
}

/// The system message telling a business that the customer it knew as `before` changed number
/// to `new` and is now `user_id` to it: `user_changed_number` with the new number, or
/// `user_changed_user_id` without it when the customer hides their number from the business.
/// Both carry `user_id` and `previous_user_id`.
fn system_message(before: &WebhookContact, new: &str, user_id: &str, now: Millis) -> Value {
    let mut system = serde_json::Map::new();
    if before.show_number {
        let body = format!("User {} changed from {} to {}", before.name, before.wa_id, new);
        system.insert("body".into(), Value::from(body));
        system.insert("wa_id".into(), Value::from(new));
        system.insert("type".into(), Value::from("user_changed_number"));
    } else {
        let body = format!("User {} changed their business-scoped user ID", before.name);
        system.insert("body".into(), Value::from(body));
        system.insert("type".into(), Value::from("user_changed_user_id"));
    }
    system.insert("user_id".into(), Value::from(user_id));
    system.insert("previous_user_id".into(), Value::from(before.user_id.as_str()));
    let mut m = json!({
        "id": new_wamid(),
        "timestamp": (now.div_euclid(1000)).to_string(),
        "type": "system",
        "system": Value::Object(system),
    });
    inbound::address_sender(&mut m, before);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_whatsapp_rules() {
        assert_eq!(normalize_username(" Jane.Doe_1 ").unwrap(), "jane.doe_1");
        for bad in ["ab", "a".repeat(36).as_str(), "jane doe", "1234", ".jane", "jane.", "ja..ne", "wwwjane", "jané"] {
            assert_eq!(normalize_username(bad).unwrap_err().code, ErrorCode::ParameterValueInvalid, "{bad}");
        }
    }
}
