//! WhatsApp Flows and business encryption keys.

macro_rules! cols {
    () => {
        "id, business_id, waba_id, name, categories, status, flow_json, validation_errors, json_version, data_api_version, endpoint_uri, preview_token, preview_expires_at, created_at, updated_at"
    };
}

super::statements! {
    both INSERT_FLOW = concat!(
        "INSERT INTO flows (",
        cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    );
    both UPDATE_FLOW = "UPDATE flows SET name = $1, categories = $2, status = $3, flow_json = $4, validation_errors = $5, json_version = $6, data_api_version = $7, endpoint_uri = $8, preview_token = $9, preview_expires_at = $10, updated_at = $11 WHERE id = $12";
    both DELETE_FLOW = "DELETE FROM flows WHERE id = $1";
    both DELETE_FLOW_OBJECT = "DELETE FROM objects WHERE id = $1";
    both FLOW = concat!("SELECT ", cols!(), " FROM flows WHERE id = $1");
    both FLOW_BY_NAME = concat!("SELECT ", cols!(), " FROM flows WHERE waba_id = $1 AND name = $2");
    /// A page after the cursor `$2` (NULL: from the start); `$3` limit.
    both FLOWS_AFTER = concat!(
        "SELECT ",
        cols!(),
        " FROM flows WHERE waba_id = $1 AND (CAST($2 AS TEXT) IS NULL OR id > $2) ORDER BY id LIMIT $3"
    );
    /// A page before the cursor `$2`, newest first (the caller reverses it); `$3` limit.
    both FLOWS_BEFORE = concat!("SELECT ", cols!(), " FROM flows WHERE waba_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3");
    both SET_PUBLIC_KEY = "INSERT INTO business_encryption (phone_number_id, public_key, updated_at) VALUES ($1, $2, $3) ON CONFLICT (phone_number_id) DO UPDATE SET public_key = excluded.public_key, updated_at = excluded.updated_at";
    both PUBLIC_KEY = "SELECT public_key FROM business_encryption WHERE phone_number_id = $1";
}
