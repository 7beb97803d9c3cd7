//! CBP conversations and WABA settings.

super::statements! {
    /// The conversation a sent message opens, unless one of the same category is already open
    /// for that number and customer (another node opened it first).
    both OPEN_CONVERSATION = "INSERT INTO cbp_conversations (id, business_id, waba_id, phone_number_id, wa_id, country, category, conversation_type, opened_at, expires_at, amount_micros, delivered_at) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), waba_id, CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS TEXT), CAST($8 AS BIGINT), CAST($9 AS BIGINT), CAST($10 AS BIGINT), NULL FROM phone_numbers WHERE id = $3 AND NOT EXISTS (SELECT 1 FROM cbp_conversations c WHERE c.phone_number_id = $3 AND c.wa_id = $4 AND c.category = $6 AND c.expires_at > $8)";
    /// The conversation of a message this change (`$1` at, `$2` message, `$3` status)
    /// delivers is charged, if it was not yet and the change applied.
    both MARK_DELIVERED = "UPDATE cbp_conversations SET delivered_at = $1 WHERE delivered_at IS NULL AND id = (SELECT m.price_conversation_id FROM messages m WHERE m.id = $2 AND m.status = $3 AND m.updated_at = $1)";
    both OPEN_CONVERSATIONS = "SELECT id, category, conversation_type, opened_at, expires_at FROM cbp_conversations WHERE phone_number_id = $1 AND wa_id = $2 AND expires_at > $3";
    both CONVERSATIONS = "SELECT id, phone_number_id, country, category, conversation_type, opened_at, amount_micros FROM cbp_conversations WHERE waba_id = $1 AND opened_at >= $2 AND opened_at < $3 AND delivered_at IS NOT NULL ORDER BY opened_at, id";
    both WABA_SETTINGS = "SELECT pricing_model, verified FROM waba_settings WHERE waba_id = $1";
    both SET_WABA_SETTINGS = "INSERT INTO waba_settings (waba_id, pricing_model, verified, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (waba_id) DO UPDATE SET pricing_model = excluded.pricing_model, verified = excluded.verified, updated_at = excluded.updated_at";
}
