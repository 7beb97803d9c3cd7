//! Business hours, the away message and the greeting (issue #17).

super::statements! {
    both HOURS = "SELECT phone_number_id, business_id, settings, updated_at FROM tool_hours WHERE phone_number_id = $1";
    both SAVE_HOURS = "INSERT INTO tool_hours (phone_number_id, business_id, settings, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (phone_number_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at";
    both AUTO_REPLY_STATE = "SELECT last_inbound_at, greeted_at, away_at FROM tool_auto_replies WHERE phone_number_id = $1 AND wa_id = $2";
    both SAVE_AUTO_REPLY_STATE = "INSERT INTO tool_auto_replies (phone_number_id, wa_id, last_inbound_at, greeted_at, away_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET last_inbound_at = excluded.last_inbound_at, greeted_at = excluded.greeted_at, away_at = excluded.away_at";
    /// Erasure of a customer (`$1`).
    both ERASE_AUTO_REPLIES = "DELETE FROM tool_auto_replies WHERE wa_id = $1";
}
