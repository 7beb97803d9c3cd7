//! Quick replies (issue #17).

super::statements! {
    both QUICK_REPLIES = "SELECT id, business_id, shortcut, body, media_kind, media_id, created_at, updated_at FROM quick_replies WHERE business_id = $1 ORDER BY shortcut";
    both QUICK_REPLY = "SELECT id, business_id, shortcut, body, media_kind, media_id, created_at, updated_at FROM quick_replies WHERE business_id = $1 AND id = $2";
    both INSERT_QUICK_REPLY = "INSERT INTO quick_replies (id, business_id, shortcut, body, media_kind, media_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (business_id, shortcut) DO NOTHING";
    both UPDATE_QUICK_REPLY = "UPDATE quick_replies SET shortcut = $1, body = $2, media_kind = $3, media_id = $4, updated_at = $5 WHERE id = $6 AND business_id = $7";
    both DELETE_QUICK_REPLY = "DELETE FROM quick_replies WHERE id = $1 AND business_id = $2";
}
