//! Tenancy and settings.

// Column lists as macros, because `concat!` needs literals.
macro_rules! waba_cols {
    () => {
        "id, business_id, name, currency, timezone_id, message_template_namespace, created_at"
    };
}
macro_rules! phone_cols { () => { "id, waba_id, business_id, number, verified_name, quality_rating, code_verification_status, name_status, status, throughput_level, messaging_limit_tier, account_mode, created_at, registered, pin_enabled, new_name_status, requested_name, official_business_account" } }
macro_rules! app_cols {
    () => {
        "id, business_id, name, app_secret, created_at"
    };
}
macro_rules! token_cols {
    () => {
        "id, business_id, name, token_hash, permissions, created_at, revoked_at, expires_at"
    };
}
macro_rules! business_cols {
    () => {
        "id, name, created_at"
    };
}

super::statements! {
    both INSERT_OBJECT = "INSERT INTO objects (id, kind, business_id) VALUES ($1, $2, $3)";
    both INSERT_BUSINESS = "INSERT INTO businesses (id, name, created_at) VALUES ($1, $2, $3)";
    both INSERT_WABA = concat!("INSERT INTO wabas (", waba_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7)");
    both INSERT_PHONE_NUMBER = concat!(
        "INSERT INTO phone_numbers (",
        phone_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    );
    both INSERT_APP = concat!("INSERT INTO apps (", app_cols!(), ") VALUES ($1, $2, $3, $4, $5)");
    both INSERT_TOKEN = concat!("INSERT INTO tokens (", token_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    both BUSINESSES = concat!("SELECT ", business_cols!(), " FROM businesses ORDER BY created_at, id");
    /// `$1`: the business, or NULL for every business (here and in the next three).
    both WABAS = concat!(
        "SELECT ",
        waba_cols!(),
        " FROM wabas WHERE (CAST($1 AS TEXT) IS NULL OR business_id = $1) ORDER BY created_at, id"
    );
    both APPS = concat!(
        "SELECT ",
        app_cols!(),
        " FROM apps WHERE (CAST($1 AS TEXT) IS NULL OR business_id = $1) ORDER BY created_at, id"
    );
    both TOKENS = concat!(
        "SELECT ",
        token_cols!(),
        " FROM tokens WHERE (CAST($1 AS TEXT) IS NULL OR business_id = $1) ORDER BY created_at, id"
    );
    both PHONE_NUMBERS = concat!(
        "SELECT ",
        phone_cols!(),
        " FROM phone_numbers WHERE (CAST($1 AS TEXT) IS NULL OR business_id = $1) ORDER BY created_at, id"
    );
    /// A page of a WABA's numbers before a cursor, newest first (the caller reverses it).
    both PHONE_NUMBERS_BEFORE = concat!(
        "SELECT ",
        phone_cols!(),
        " FROM phone_numbers WHERE waba_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    );
    /// A page of a WABA's numbers after a cursor (or from the start when `$2` is NULL).
    both PHONE_NUMBERS_AFTER = concat!(
        "SELECT ",
        phone_cols!(),
        " FROM phone_numbers WHERE waba_id = $1 AND (CAST($2 AS TEXT) IS NULL OR id > $2) ORDER BY id LIMIT $3"
    );
    both OBJECT = "SELECT id, kind, business_id FROM objects WHERE id = $1";
    both BUSINESS = concat!("SELECT ", business_cols!(), " FROM businesses WHERE id = $1");
    both WABA = concat!("SELECT ", waba_cols!(), " FROM wabas WHERE id = $1");
    both PHONE_NUMBER = concat!("SELECT ", phone_cols!(), " FROM phone_numbers WHERE id = $1");
    both PHONE_NUMBER_BY_NUMBER = concat!("SELECT ", phone_cols!(), " FROM phone_numbers WHERE number = $1");
    both APP = concat!("SELECT ", app_cols!(), " FROM apps WHERE id = $1");
    both TOKEN_BY_HASH = concat!("SELECT ", token_cols!(), " FROM tokens WHERE token_hash = $1");
    both REVOKE_TOKEN = "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
    both EXPIRE_TOKEN = "UPDATE tokens SET expires_at = $1 WHERE id = $2 AND revoked_at IS NULL";
    both SETTING = "SELECT value FROM settings WHERE key = $1";
    both SET_SETTING = "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
}
