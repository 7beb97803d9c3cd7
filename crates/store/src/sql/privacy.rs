//! Retention of message bodies, customer erasure, and the audit log.

use super::messages::message_cols;

/// The two statements that make room before rows kept one per customer and key (`$keys`)
/// of `$table` move from the number `$2` to `$1` (its pseudonym at an erasure, which a
/// customer erased before already has; the new number at a number change): where both have a
/// row for the same key, the earlier (by `$at`) goes, so the move breaks no key. First `$1`'s
/// rows no later than `$2`'s, then `$2`'s rows that `$1` still has.
macro_rules! merge_kept {
    ($table:literal, $at:literal, $($key:literal),+) => {
        (
            concat!(
                "DELETE FROM ", $table, " WHERE wa_id = $1 AND EXISTS (SELECT 1 FROM ", $table, " o WHERE o.wa_id = $2",
                $(" AND o.", $key, " = ", $table, ".", $key,)+
                " AND o.", $at, " >= ", $table, ".", $at, ")"
            ),
            concat!(
                "DELETE FROM ", $table, " WHERE EXISTS (SELECT 1 FROM ", $table, " n WHERE n.wa_id = $1",
                $(" AND n.", $key, " = ", $table, ".", $key,)+
                ") AND wa_id = $2"
            ),
        )
    };
}
pub(crate) use merge_kept;

super::statements! {
    /// Bodies still kept, created before `$1`, oldest first (the partial index of 0017).
    both BODIES_BEFORE = concat!(
        "SELECT ",
        message_cols!(),
        " FROM messages WHERE erased_at IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2"
    );
    both CUSTOMER_BODIES = concat!("SELECT ", message_cols!(), " FROM messages WHERE wa_id = $1 AND erased_at IS NULL");
    /// Retention keeps `biz_opaque`: later status webhooks still carry the business's own data.
    both TOMBSTONE_MESSAGE = "UPDATE messages SET content = $1, erased_at = $2 WHERE id = $3 AND erased_at IS NULL";

    // Erasure of one customer: `$1` is the number unless said otherwise. Webhook deliveries
    // about them (delivered or not) are found by their ordering key `<phone_number_id>:<wa_id>`.
    both ERASE_OUTBOX = "DELETE FROM outbox WHERE ordering_key LIKE '%:' || CAST($1 AS TEXT)";
    both ERASE_OWNED_MEDIA_OBJECTS = "DELETE FROM objects WHERE kind = 'media' AND id IN (SELECT id FROM media WHERE owner_wa_id = $1)";
    both ERASE_OWNED_MEDIA_CHUNKS = "DELETE FROM media_chunks WHERE media_id IN (SELECT id FROM media WHERE owner_wa_id = $1)";
    both ERASE_OWNED_MEDIA = "DELETE FROM media WHERE owner_wa_id = $1";
    /// Every body becomes the tombstone (`$1`), expired ones too; the number becomes the
    /// pseudonym (`$3`).
    both ERASE_MESSAGES = "UPDATE messages SET content = $1, biz_opaque = NULL, erased_at = COALESCE(erased_at, $2), wa_id = $3 WHERE wa_id = $4 RETURNING price_category";
    both ERASE_SESSIONS = "DELETE FROM customer_sessions WHERE wa_id = $1";
    both ERASE_CODES = "DELETE FROM customer_codes WHERE wa_id = $1";
    both ERASE_BLOCKS = "DELETE FROM chat_blocks WHERE wa_id = $1";
    both ERASE_PREFERENCES = "DELETE FROM marketing_preferences WHERE wa_id = $1";
    both ERASE_ENTRY_POINTS = "DELETE FROM entry_points WHERE wa_id = $1";
    both ERASE_CONVERSATIONS = "DELETE FROM conversations WHERE wa_id = $1";
    both ERASE_CUSTOMER = "DELETE FROM customers WHERE wa_id = $1";
    // Rows a business keeps (billing, limits, quality): the pseudonym (`$1`) for the number.
    both PSEUDONYMIZE_LEDGER = "UPDATE ledger SET wa_id = $1 WHERE wa_id = $2";
    both PSEUDONYMIZE_CBP = "UPDATE cbp_conversations SET wa_id = $1 WHERE wa_id = $2";
    both PSEUDONYMIZE_REACH = "UPDATE limit_reach SET wa_id = $1 WHERE wa_id = $2";
    // Before rows kept one per customer move from the number `$2` to `$1` (see `merge_kept!`).
    both MERGE_REACH_TO = merge_kept!("limit_reach", "reached_at", "business_id").0;
    both MERGE_REACH_FROM = merge_kept!("limit_reach", "reached_at", "business_id").1;
    both MERGE_SIGNALS_TO = merge_kept!("quality_signals", "at", "phone_number_id", "kind").0;
    both MERGE_SIGNALS_FROM = merge_kept!("quality_signals", "at", "phone_number_id", "kind").1;
    both PSEUDONYMIZE_SIGNALS = "UPDATE quality_signals SET wa_id = $1 WHERE wa_id = $2";

    both INSERT_AUDIT = "INSERT INTO audit_log (at, business_id, actor, action, target, detail, address) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    /// Newest first; each of `$1`–`$5` NULL for any.
    both AUDIT_ENTRIES = "SELECT id, at, business_id, actor, action, target, detail, address FROM audit_log WHERE (CAST($1 AS TEXT) IS NULL OR business_id = $1) AND (CAST($2 AS TEXT) IS NULL OR actor = $2) AND (CAST($3 AS TEXT) IS NULL OR action = $3) AND (CAST($4 AS BIGINT) IS NULL OR at >= $4) AND (CAST($5 AS BIGINT) IS NULL OR id < $5) ORDER BY id DESC LIMIT $6";
}
