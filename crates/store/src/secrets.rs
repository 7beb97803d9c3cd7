//! Secrets at rest: the columns encrypted with the store's [`Keyring`](crate::Keyring) just
//! before binding and decrypted just after reading (core's model keeps plain values), the check
//! at open that the keys are the database's, and the re-encryption of a key rotation.

use risala_core::store::SettingsStore;
use risala_core::StoreError;

use crate::db::Plan;
use crate::params;
use crate::sql::secrets::*;
use crate::value::Value;
use crate::SqlStore;

/// The encrypted columns, named as their associated data.
pub(crate) const APP_SECRET: &str = "apps.app_secret";
pub(crate) const APP_SUBSCRIPTION_TOKEN: &str = "webhook_app_subscriptions.verify_token";
pub(crate) const WABA_SUBSCRIPTION_TOKEN: &str = "webhook_waba_subscriptions.verify_token";
pub(crate) const NUMBER_OVERRIDE_TOKEN: &str = "webhook_number_overrides.verify_token";
/// Every setting is encrypted: the store does not know which hold secrets (the media URL key
/// does).
pub(crate) const SETTING_VALUE: &str = "settings.value";

/// The setting whose value proves, at open, that the keys are the ones the database's secrets
/// were encrypted with.
pub(crate) const KEY_CHECK_SETTING: &str = "keyring_check";
const KEY_CHECK_VALUE: &str = "risala";

/// One encrypted column: the statement that reads its rows (key columns, then the value) and
/// the one that rewrites a value (new value, key columns, old value).
struct Column {
    name: &'static str,
    read: &'static str,
    reseal: &'static str,
}

const COLUMNS: &[Column] = &[
    Column { name: APP_SECRET, read: SECRET_APPS, reseal: RESEAL_APP },
    Column { name: APP_SUBSCRIPTION_TOKEN, read: SECRET_APP_SUBSCRIPTIONS, reseal: RESEAL_APP_SUBSCRIPTION },
    Column { name: WABA_SUBSCRIPTION_TOKEN, read: SECRET_WABA_SUBSCRIPTIONS, reseal: RESEAL_WABA_SUBSCRIPTION },
    Column { name: NUMBER_OVERRIDE_TOKEN, read: SECRET_NUMBER_OVERRIDES, reseal: RESEAL_NUMBER_OVERRIDE },
    Column { name: SETTING_VALUE, read: SECRET_SETTINGS, reseal: RESEAL_SETTING },
];

impl SqlStore {
    /// `plain` encrypted for `column`.
    pub(crate) fn seal(&self, column: &str, plain: &str) -> Result<String, StoreError> {
        self.keys.seal(column, plain)
    }

    /// `seal` of an optional value.
    pub(crate) fn seal_opt(&self, column: &str, plain: Option<&str>) -> Result<Option<String>, StoreError> {
        plain.map(|p| self.seal(column, p)).transpose()
    }

    /// The plain value of a stored value of `column`.
    pub(crate) fn reveal(&self, column: &str, stored: String) -> Result<String, StoreError> {
        self.keys.open(column, &stored)
    }

    /// `reveal` of an optional value.
    pub(crate) fn reveal_opt(&self, column: &str, stored: Option<String>) -> Result<Option<String>, StoreError> {
        stored.map(|s| self.reveal(column, s)).transpose()
    }

    /// Fail at open, with a message naming the keys, when they cannot read this database's
    /// secrets; a database without the check value gets one.
    pub(crate) async fn check_keys(&self) -> Result<(), StoreError> {
        match self.setting(KEY_CHECK_SETTING).await? {
            Some(v) if v == KEY_CHECK_VALUE => Ok(()),
            Some(_) => Err(StoreError::Database(format!("the key check of {} failed", self.keys.source()))),
            None => self.set_setting(KEY_CHECK_SETTING, KEY_CHECK_VALUE).await,
        }
    }

    /// Every stored secret as it is in its row (encrypted, or plain if written before
    /// encryption), with its column: what a rotation goes through, and what tests check.
    pub async fn stored_secrets(&self) -> Result<Vec<(&'static str, String)>, StoreError> {
        let mut out = Vec::new();
        for c in COLUMNS {
            for row in self.db.query(c.read, vec![]).await? {
                if let Some(Value::Text(stored)) = row.0.last() {
                    out.push((c.name, stored.clone()));
                }
            }
        }
        Ok(out)
    }

    /// Encrypt every stored secret with the newest key: values under an older key and values
    /// written before encryption. Returns how many were rewritten.
    pub async fn reencrypt_secrets(&self) -> Result<usize, StoreError> {
        let mut done = 0;
        for c in COLUMNS {
            for row in self.db.query(c.read, vec![]).await? {
                let n = row.0.len();
                let Some(Value::Text(stored)) = row.0.last().cloned() else { continue };
                if self.keys.is_current(&stored) {
                    continue;
                }
                let plain = self.keys.open(c.name, &stored)?;
                let mut params = params![self.keys.seal(c.name, &plain)?];
                params.extend(row.0.into_iter().take(n - 1));
                params.push(Value::Text(stored));
                let out = self.db.write(Plan::one(c.reseal, params)).await?;
                done += out.iter().map(|o| o.affected as usize).sum::<usize>();
            }
        }
        Ok(done)
    }
}
