//! Number lifecycles and QR codes.

macro_rules! state_cols {
    () => {
        "phone_number_id, pin_hash, code_hash, code_expires_at, code_failures, pin_failures, register_calls, change_token"
    };
}
macro_rules! qr_cols {
    () => {
        "code, phone_number_id, prefilled_message, created_at, updated_at"
    };
}

super::statements! {
    both NUMBER_STATE = concat!("SELECT ", state_cols!(), " FROM number_lifecycle WHERE phone_number_id = $1");
    /// The first state of a number; nothing when another request stored one meanwhile.
    both INSERT_NUMBER_STATE = concat!(
        "INSERT INTO number_lifecycle (",
        state_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (phone_number_id) DO NOTHING"
    );
    both UPDATE_NUMBER_STATE = "UPDATE number_lifecycle SET pin_hash = $1, code_hash = $2, code_expires_at = $3, code_failures = $4, pin_failures = $5, register_calls = $6, change_token = $7 WHERE phone_number_id = $8 AND change_token = $9";
    /// The number's lifecycle fields, if the state just written carries token `$10`.
    both UPDATE_NUMBER_FIELDS = "UPDATE phone_numbers SET verified_name = $1, code_verification_status = $2, name_status = $3, status = $4, registered = $5, pin_enabled = $6, new_name_status = $7, requested_name = $8 WHERE id = $9 AND EXISTS (SELECT 1 FROM number_lifecycle WHERE phone_number_id = $9 AND change_token = $10)";
    both OUTBOX_IF_NUMBER_CHANGED = super::webhooks::outbox_insert_where!(
        "SELECT 1 FROM number_lifecycle WHERE phone_number_id = $8 AND change_token = $9"
    );
    both INSERT_QR = concat!("INSERT INTO message_qrdls (", qr_cols!(), ") VALUES ($1, $2, $3, $4, $5)");
    both QR = concat!("SELECT ", qr_cols!(), " FROM message_qrdls WHERE code = $1");
    both QRS = concat!(
        "SELECT ",
        qr_cols!(),
        " FROM message_qrdls WHERE phone_number_id = $1 ORDER BY created_at DESC, code DESC"
    );
    both COUNT_QRS = "SELECT COUNT(*) FROM message_qrdls WHERE phone_number_id = $1";
    both UPDATE_QR = "UPDATE message_qrdls SET prefilled_message = $1, updated_at = $2 WHERE phone_number_id = $3 AND code = $4";
    both DELETE_QR = "DELETE FROM message_qrdls WHERE phone_number_id = $1 AND code = $2";
}
