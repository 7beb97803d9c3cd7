//! The columns that hold secrets, read and rewritten by a key rotation. Each update applies
//! only while the row still holds the value read, so a concurrent change is never overwritten.

use crate::sql::statements;

statements! {
    both SECRET_APPS = "SELECT id, app_secret FROM apps";
    both RESEAL_APP = "UPDATE apps SET app_secret = $1 WHERE id = $2 AND app_secret = $3";
    both SECRET_APP_SUBSCRIPTIONS = "SELECT app_id, object, verify_token FROM webhook_app_subscriptions";
    both RESEAL_APP_SUBSCRIPTION = "UPDATE webhook_app_subscriptions SET verify_token = $1 WHERE app_id = $2 AND object = $3 AND verify_token = $4";
    both SECRET_WABA_SUBSCRIPTIONS = "SELECT waba_id, app_id, verify_token FROM webhook_waba_subscriptions WHERE verify_token IS NOT NULL";
    both RESEAL_WABA_SUBSCRIPTION = "UPDATE webhook_waba_subscriptions SET verify_token = $1 WHERE waba_id = $2 AND app_id = $3 AND verify_token = $4";
    both SECRET_NUMBER_OVERRIDES = "SELECT phone_number_id, verify_token FROM webhook_number_overrides";
    both RESEAL_NUMBER_OVERRIDE = "UPDATE webhook_number_overrides SET verify_token = $1 WHERE phone_number_id = $2 AND verify_token = $3";
    both SECRET_SETTINGS = "SELECT key, value FROM settings";
    both RESEAL_SETTING = "UPDATE settings SET value = $1 WHERE key = $2 AND value = $3";
}
