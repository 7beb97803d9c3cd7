//! FAQ answers: a number's entries and settings.

crate::sql::statements! {
    both FAQ_ENTRIES = "SELECT id, business_id, phone_number_id, question, answer, keywords, phrasings, enabled, created_at, updated_at FROM faq_entries WHERE phone_number_id = $1 ORDER BY created_at, id";
    both FAQ_ENTRY = "SELECT id, business_id, phone_number_id, question, answer, keywords, phrasings, enabled, created_at, updated_at FROM faq_entries WHERE phone_number_id = $1 AND id = $2";
    both PUT_FAQ_ENTRY = "INSERT INTO faq_entries (id, business_id, phone_number_id, question, answer, keywords, phrasings, enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO UPDATE SET question = excluded.question, answer = excluded.answer, keywords = excluded.keywords, phrasings = excluded.phrasings, enabled = excluded.enabled, updated_at = excluded.updated_at";
    both DELETE_FAQ_ENTRY = "DELETE FROM faq_entries WHERE phone_number_id = $1 AND id = $2";
    both FAQ_SETTINGS = "SELECT phone_number_id, enabled, threshold, handoff_button, handoff_reply, updated_at FROM faq_settings WHERE phone_number_id = $1";
    both PUT_FAQ_SETTINGS = "INSERT INTO faq_settings (phone_number_id, enabled, threshold, handoff_button, handoff_reply, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (phone_number_id) DO UPDATE SET enabled = excluded.enabled, threshold = excluded.threshold, handoff_button = excluded.handoff_button, handoff_reply = excluded.handoff_reply, updated_at = excluded.updated_at";
}
