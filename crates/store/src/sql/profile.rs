//! Business profiles, conversational components, and Resumable Upload API sessions.

macro_rules! upload_cols {
    () => {
        "id, business_id, app_id, file_name, file_length, file_type, file_offset, media_id, handle, created_at, expires_at"
    };
}

super::statements! {
    both BUSINESS_PROFILE = "SELECT phone_number_id, about, address, description, email, websites, vertical, picture_media_id, updated_at FROM business_profiles WHERE phone_number_id = $1";
    both SAVE_BUSINESS_PROFILE = "INSERT INTO business_profiles (phone_number_id, about, address, description, email, websites, vertical, picture_media_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (phone_number_id) DO UPDATE SET about = excluded.about, address = excluded.address, description = excluded.description, email = excluded.email, websites = excluded.websites, vertical = excluded.vertical, picture_media_id = excluded.picture_media_id, updated_at = excluded.updated_at";

    both CONVERSATIONAL_AUTOMATION = "SELECT phone_number_id, enable_welcome_message, prompts, commands, updated_at FROM conversational_automation WHERE phone_number_id = $1";
    both SAVE_CONVERSATIONAL_AUTOMATION = "INSERT INTO conversational_automation (phone_number_id, enable_welcome_message, prompts, commands, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (phone_number_id) DO UPDATE SET enable_welcome_message = excluded.enable_welcome_message, prompts = excluded.prompts, commands = excluded.commands, updated_at = excluded.updated_at";

    both INSERT_UPLOAD_SESSION = concat!("INSERT INTO upload_sessions (", upload_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
    both UPLOAD_SESSION = concat!("SELECT ", upload_cols!(), " FROM upload_sessions WHERE id = $1");
    both UPLOAD_BY_HANDLE = concat!("SELECT ", upload_cols!(), " FROM upload_sessions WHERE handle = $1");
    both UPLOAD_PARTS = "SELECT session_id, file_offset, size, media_id FROM upload_parts WHERE session_id = $1 ORDER BY file_offset";
    /// Moves the offset to `$1` only from where the part starts (`$3`) and only before the file is whole.
    both ADVANCE_UPLOAD = "UPDATE upload_sessions SET file_offset = $1 WHERE id = $2 AND file_offset = $3 AND media_id IS NULL";
    /// Recorded only when [`ADVANCE_UPLOAD`] moved the offset to the part's end (`$5`).
    both INSERT_UPLOAD_PART = "INSERT INTO upload_parts (session_id, file_offset, size, media_id) SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS TEXT) WHERE EXISTS (SELECT 1 FROM upload_sessions WHERE id = $1 AND file_offset = $5) ON CONFLICT (session_id, file_offset) DO NOTHING";
    both COMPLETE_UPLOAD = "UPDATE upload_sessions SET media_id = $1, handle = $2 WHERE id = $3";
    both DELETE_UPLOAD_PARTS = "DELETE FROM upload_parts WHERE session_id = $1";
}
