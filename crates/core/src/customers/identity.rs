//! Who the customer is to businesses: their username, whether they hide their number, and
//! moving to a new number (with a one-time code sent to it in platform mode, as signing in).

use std::net::IpAddr;

use super::{parse_number, CustomerService, MAX_PROFILE_NAME};
use crate::error::ApiError;
use crate::model::Customer;

/// A customer's profile with their username and number setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub customer: Customer,
    pub username: Option<String>,
    pub hide_number: bool,
}

impl CustomerService {
    /// The customer's profile, username and number setting.
    pub async fn identity(&self, wa_id: &str) -> Result<Identity, ApiError> {
        let customer = self.profile(wa_id).await?;
        // No business is named: only the customer's own columns are read.
        let row = self.store.contact("", wa_id).await?;
        Ok(Identity {
            customer,
            username: row.as_ref().and_then(|r| r.username.clone()),
            hide_number: row.is_some_and(|r| r.hide_number),
        })
    }

    /// Rename the customer (their profile name, 1–[`MAX_PROFILE_NAME`] characters).
    pub async fn rename(&self, wa_id: &str, name: &str) -> Result<(), ApiError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_PROFILE_NAME {
            return Err(ApiError::bad_value(format!("name: 1 to {MAX_PROFILE_NAME} characters")));
        }
        let mut customer = self.profile(wa_id).await?;
        customer.profile_name = name.to_string();
        self.store.upsert_customer(&customer, true).await?;
        self.messaging.forget_customer(wa_id);
        Ok(())
    }

    /// Change the username (`Some(None)` removes it) and whether the number is hidden; what is
    /// not given stays as it is. Hiding the number needs a username (131009).
    pub async fn set_identity(
        &self,
        wa_id: &str,
        username: Option<Option<&str>>,
        hide_number: Option<bool>,
    ) -> Result<Identity, ApiError> {
        let current = self.identity(wa_id).await?;
        let username = match username {
            Some(u) => u.map(str::to_string),
            None => current.username,
        };
        // Removing the username shows the number again unless hiding is asked for (refused).
        let hide = hide_number.unwrap_or(current.hide_number && username.is_some());
        self.messaging.set_username(wa_id, username.as_deref(), hide).await?;
        self.identity(wa_id).await
    }

    /// Move the customer to number `phone`. In platform mode `code` must be the one-time code
    /// sent to the new number (`POST /customer/v1/session/code`), checked as at sign-in. The
    /// new number must not be a customer's or a business number already (131009).
    pub async fn change_number(
        &self,
        wa_id: &str,
        phone: &str,
        code: Option<&str>,
        client: IpAddr,
    ) -> Result<Identity, ApiError> {
        let new = parse_number(phone, "phone")?;
        if new.as_str() == wa_id {
            return Err(ApiError::bad_value("phone: this is already your number"));
        }
        let now = self.clock.now_ms();
        self.verify_code(&new, code, client, now).await?;
        if self.store.customer(new.as_str()).await?.is_some() {
            return Err(ApiError::bad_value(format!("phone: {new} is already the number of a WhatsApp account")));
        }
        if self.store.phone_number_by_number(new.as_str()).await?.is_some() {
            return Err(ApiError::bad_value(format!("phone: {new} is a business number")));
        }
        self.messaging.change_number(wa_id, new.as_str()).await?;
        self.identity(new.as_str()).await
    }
}
