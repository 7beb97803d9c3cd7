//! Quick replies (issue #17).

super::statements! {
    both QUICK_REPLIES = "SELECT id, business_id, shortcut, body, media_kind, media_id, created_at, updated_at FROM quick_replies WHERE business_id = $1 ORDER BY shortcut";
    both QUICK_REPLY = "SELECT id, business_id, shortcut, body, media_kind, media_id, created_at, updated_at FROM quick_replies WHERE business_id = $1 AND id = $2";
    /// Only while the business has fewer than `$9`: the count and the row in one statement
    /// (on PostgreSQL after [`QUICK_REPLIES_LOCK`]), so creates at the same moment cannot pass it.
    both INSERT_QUICK_REPLY = "INSERT INTO quick_replies (id, business_id, shortcut, body, media_kind, media_id, created_at, updated_at) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS BIGINT), CAST($8 AS BIGINT) WHERE (SELECT COUNT(*) FROM quick_replies WHERE business_id = $2) < $9 ON CONFLICT (business_id, shortcut) DO NOTHING";
    /// One create of the business's quick replies at a time, until its transaction ends.
    postgres QUICK_REPLIES_LOCK = "SELECT pg_advisory_xact_lock(7436153, hashtext(CAST($1 AS TEXT)))";
    both UPDATE_QUICK_REPLY = "UPDATE quick_replies SET shortcut = $1, body = $2, media_kind = $3, media_id = $4, updated_at = $5 WHERE id = $6 AND business_id = $7";
    both DELETE_QUICK_REPLY = "DELETE FROM quick_replies WHERE id = $1 AND business_id = $2";
}
