//! The columns of message bodies and webhook payloads that are encrypted at rest, read in
//! batches by a key rotation: rows after the cursor `$1` whose value is not under the newest
//! key (`$2`, a `LIKE` pattern of its prefix), `$3` at a time, the cursor first and the value
//! last. Each update (new value, cursor, old value) applies only while the row still holds the
//! value read, so a concurrent change is never overwritten.

use crate::sql::statements;

statements! {
    both BODY_CONTENT = "SELECT id, content FROM messages WHERE id > $1 AND content NOT LIKE $2 ORDER BY id LIMIT $3";
    both RESEAL_CONTENT = "UPDATE messages SET content = $1 WHERE id = $2 AND content = $3";
    both BODY_BIZ_OPAQUE = "SELECT id, biz_opaque FROM messages WHERE id > $1 AND biz_opaque IS NOT NULL AND biz_opaque NOT LIKE $2 ORDER BY id LIMIT $3";
    both RESEAL_BIZ_OPAQUE = "UPDATE messages SET biz_opaque = $1 WHERE id = $2 AND biz_opaque = $3";
    both BODY_ERROR = "SELECT id, error FROM messages WHERE id > $1 AND error IS NOT NULL AND error NOT LIKE $2 ORDER BY id LIMIT $3";
    both RESEAL_ERROR = "UPDATE messages SET error = $1 WHERE id = $2 AND error = $3";
    both BODY_OUTBOX = "SELECT id, business_id, ordering_key, created_at, value FROM outbox WHERE id > $1 AND value NOT LIKE $2 ORDER BY id LIMIT $3";
    both RESEAL_OUTBOX = "UPDATE outbox SET value = $1 WHERE id = $2 AND value = $3";
    both BODY_NOTE = "SELECT id, body FROM conversation_notes WHERE id > $1 AND body NOT LIKE $2 ORDER BY id LIMIT $3";
    both RESEAL_NOTE = "UPDATE conversation_notes SET body = $1 WHERE id = $2 AND body = $3";
}
