//! Customers, conversations, messages, media and customer sessions.

macro_rules! message_cols {
    () => {
        "id, seq, phone_number_id, business_id, wa_id, direction, type, content, context_id, biz_opaque, status, error, created_at, updated_at, expires_at"
    };
}
/// A message's price columns in inserts, `$16`–`$21` (NULL when it carries no price), and the
/// number's WABA when it does (computed, not a parameter).
macro_rules! price_cols {
    () => {
        "price_country, price_category, price_type, price_micros, price_tier, price_conversation_id, price_waba_id"
    };
}
/// The values of a message's [`message_cols!`] and [`price_cols!`]: `$1`–`$21`, then the WABA
/// of the message's number (`$3`) when it carries a price (`$17`, its category).
macro_rules! message_values {
    () => {
        "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, CASE WHEN CAST($17 AS TEXT) IS NULL THEN NULL ELSE (SELECT waba_id FROM phone_numbers WHERE id = $3) END"
    };
}
macro_rules! media_cols {
    () => {
        "id, business_id, phone_number_id, owner_wa_id, mime_type, sha256, file_size, filename, created_at, expires_at"
    };
}
/// A conversation's columns, read from `conversations c`. Every message writes the row (the
/// times of the last message and of the last outbound one, since migration 0028).
macro_rules! conversation_cols {
    () => {
        "c.phone_number_id, c.wa_id, c.business_id, c.last_inbound_at, c.last_outbound_at, c.last_message_at, c.created_at"
    };
}
pub(crate) use message_cols;
/// What an inbound message changes in its conversation's existing row.
macro_rules! touch_inbound {
    () => {
        " ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET last_inbound_at = excluded.last_inbound_at, last_message_at = excluded.last_message_at, last_message_id = excluded.last_message_id, unread = conversations.unread + 1, closed_at = NULL"
    };
}
/// What an outbound message changes in its conversation's existing row (SQLite): the message
/// becomes the chat's last, and `undelivered_from` (a rowid) is lowered to it when it waits.
macro_rules! touch_sent {
    () => {
        concat!(
            " ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET last_outbound_at = excluded.last_outbound_at, last_message_at = excluded.last_message_at, last_message_id = excluded.last_message_id, last_rowid = excluded.last_rowid,",
            " undelivered_from = COALESCE(min(conversations.undelivered_from, excluded.undelivered_from), conversations.undelivered_from, excluded.undelivered_from)"
        )
    };
}

super::statements! {
    /// Template analytics: per UTC day of sending, a template's messages in `[$2, $3)`: sent
    /// (not failed), delivered (or read) and read.
    both TEMPLATE_DAY_COUNTS = "SELECT created_at / 86400000, COUNT(*), SUM(CASE WHEN status IN ('delivered', 'read') THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'read' THEN 1 ELSE 0 END) FROM messages WHERE template_id = $1 AND direction = 'out' AND status <> 'failed' AND created_at >= $2 AND created_at < $3 GROUP BY created_at / 86400000 ORDER BY created_at / 86400000";
    /// Template analytics: the quick-reply button replies to a template's messages received in
    /// `[$2, $3)`.
    both TEMPLATE_BUTTON_REPLIES = concat!("SELECT ", message_cols!(), " FROM messages WHERE context_id IN (SELECT id FROM messages WHERE template_id = $1) AND direction = 'in' AND type = 'button' AND created_at >= $2 AND created_at < $3 ORDER BY seq");
    both CUSTOMER = "SELECT wa_id, profile_name, created_at FROM customers WHERE wa_id = $1";
    both INSERT_CUSTOMER = "INSERT INTO customers (wa_id, profile_name, created_at) VALUES ($1, $2, $3) ON CONFLICT (wa_id) DO NOTHING";
    /// Create the customer, or rename an existing one.
    both UPSERT_CUSTOMER = "INSERT INTO customers (wa_id, profile_name, created_at) VALUES ($1, $2, $3) ON CONFLICT (wa_id) DO UPDATE SET profile_name = excluded.profile_name";
    both CONVERSATION = concat!(
        "SELECT ",
        conversation_cols!(),
        " FROM conversations c WHERE c.phone_number_id = $1 AND c.wa_id = $2"
    );
    both CUSTOMER_CONVERSATIONS = concat!(
        "SELECT * FROM (SELECT ",
        conversation_cols!(),
        " FROM conversations c WHERE c.wa_id = $1) t ORDER BY last_message_at DESC"
    );
    /// A message with its price (`$16`–`$21`: country, category, type, amount in micros, tier,
    /// CBP conversation; NULL for none).
    both INSERT_MESSAGE = concat!(
        "INSERT INTO messages (",
        message_cols!(),
        ", ",
        price_cols!(),
        ") VALUES (",
        message_values!(),
        ")"
    );
    /// [`INSERT_MESSAGE`] on SQLite, linked to its chat's last message (`prev`: the rowid its
    /// conversation names, NULL for a chat's first). The conversation's touch, the plan's next
    /// statement, makes the new row the chat's last.
    sqlite INSERT_CHAT_MESSAGE = concat!(
        "INSERT INTO messages (",
        message_cols!(),
        ", ",
        price_cols!(),
        ", prev) VALUES (",
        message_values!(),
        ", (SELECT last_rowid FROM conversations WHERE phone_number_id = $3 AND wa_id = $5))"
    );
    /// [`INSERT_MESSAGE`] for many rows at once, a column's values per array (PostgreSQL).
    postgres INSERT_MESSAGES = concat!(
        "INSERT INTO messages (",
        message_cols!(),
        ", ",
        price_cols!(),
        ") SELECT t.*, CASE WHEN t.c17 IS NULL THEN NULL ELSE n.waba_id END FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS BIGINT[]), CAST($3 AS TEXT[]), CAST($4 AS TEXT[]), CAST($5 AS TEXT[]), CAST($6 AS TEXT[]), CAST($7 AS TEXT[]), CAST($8 AS TEXT[]), CAST($9 AS TEXT[]), CAST($10 AS TEXT[]), CAST($11 AS TEXT[]), CAST($12 AS TEXT[]), CAST($13 AS BIGINT[]), CAST($14 AS BIGINT[]), CAST($15 AS BIGINT[]), CAST($16 AS TEXT[]), CAST($17 AS TEXT[]), CAST($18 AS TEXT[]), CAST($19 AS BIGINT[]), CAST($20 AS TEXT[]), CAST($21 AS TEXT[])) AS t(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21) LEFT JOIN phone_numbers n ON n.id = t.c3"
    );
    /// A copy of stored media under a new id (`$7` is the source); its chunks follow.
    both COPY_MEDIA = concat!(
        "INSERT INTO media (",
        media_cols!(),
        ") SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT), mime_type, sha256, file_size, filename, CAST($5 AS BIGINT), CAST($6 AS BIGINT) FROM media WHERE id = $7"
    );
    /// The chunks of media `$2` copied under id `$1`, inside the database.
    both COPY_MEDIA_CHUNKS = "INSERT INTO media_chunks (media_id, seq, data) SELECT CAST($1 AS TEXT), seq, data FROM media_chunks WHERE media_id = $2";
    /// An inbound message moves the window and the inbox: the conversation's last message, one
    /// more unread, and a closed conversation opens again (as in Chatwoot). On PostgreSQL; a
    /// number that is not a customer gets no conversation.
    postgres TOUCH_CONVERSATION_INBOUND = concat!(
        "INSERT INTO conversations (phone_number_id, wa_id, business_id, last_inbound_at, last_outbound_at, last_message_at, created_at, last_message_id, unread) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS BIGINT), CAST(NULL AS BIGINT), CAST($4 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS TEXT), 1 WHERE EXISTS (SELECT 1 FROM customers WHERE wa_id = $2)",
        touch_inbound!()
    );
    /// [`TOUCH_CONVERSATION_INBOUND`] on SQLite, where the sender is a customer (the foreign
    /// key refuses anything else): one row of `VALUES`, since an `INSERT … SELECT` would copy
    /// every page it changes into a statement journal first. The message just inserted (the
    /// plan's statement before this one: `last_insert_rowid()`) becomes the chat's last.
    sqlite TOUCH_CONVERSATION_RECEIVED = concat!(
        "INSERT INTO conversations (phone_number_id, wa_id, business_id, last_inbound_at, last_outbound_at, last_message_at, created_at, last_message_id, unread, last_rowid) VALUES ($1, $2, $3, $4, NULL, $4, $4, $5, 1, last_insert_rowid())",
        touch_inbound!(),
        ", last_rowid = excluded.last_rowid"
    );
    /// An outbound message creates the row or moves the inbox's last message (the list reads
    /// the row, never the messages), on SQLite: the message just inserted becomes the chat's
    /// last (as in [`TOUCH_CONVERSATION_RECEIVED`]), and when `$6` is not NULL (the message waits
    /// for the customer's device: `sent`) the conversation's `undelivered_from` is lowered to
    /// its rowid. For a message that was not refused, whose customer exists (the foreign key
    /// refuses anything else): one row of `VALUES`, as for [`TOUCH_CONVERSATION_RECEIVED`].
    sqlite TOUCH_CONVERSATION_SENT = concat!(
        "INSERT INTO conversations (phone_number_id, wa_id, business_id, last_inbound_at, last_outbound_at, last_message_at, created_at, last_message_id, unread, undelivered_from, last_rowid) VALUES ($1, $2, $3, NULL, $4, $4, $4, $5, 0, IIF($6 IS NULL, NULL, last_insert_rowid()), last_insert_rowid())",
        touch_sent!()
    );
    /// [`TOUCH_CONVERSATION_SENT`] for a failed send, which may be to a number that is no
    /// customer: then no conversation.
    sqlite TOUCH_CONVERSATION_FAILED = concat!(
        "INSERT INTO conversations (phone_number_id, wa_id, business_id, last_inbound_at, last_outbound_at, last_message_at, created_at, last_message_id, unread, undelivered_from, last_rowid) SELECT $1, $2, $3, NULL, $4, $4, $4, $5, 0, IIF($6 IS NULL, NULL, last_insert_rowid()), last_insert_rowid() WHERE EXISTS (SELECT 1 FROM customers WHERE wa_id = $2)",
        touch_sent!()
    );
    /// [`TOUCH_CONVERSATION_SENT`] on PostgreSQL, which does not keep `undelivered_from`.
    postgres TOUCH_CONVERSATION_OUTBOUND = concat!(
        "INSERT INTO conversations (phone_number_id, wa_id, business_id, last_inbound_at, last_outbound_at, last_message_at, created_at, last_message_id, unread) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST(NULL AS BIGINT), CAST($4 AS BIGINT), CAST($4 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS TEXT), 0 WHERE EXISTS (SELECT 1 FROM customers WHERE wa_id = $2)",
        " ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET last_outbound_at = excluded.last_outbound_at, last_message_at = excluded.last_message_at, last_message_id = excluded.last_message_id"
    );
    /// [`TOUCH_CONVERSATION_INBOUND`] for many conversations at once (PostgreSQL; each
    /// conversation at most once), written in the arrays' order: a batch takes its row locks
    /// in the order of its lanes on every node, whatever plan joins the customers (a generic
    /// plan would yield them in the table's order, and two nodes' batches then deadlock).
    postgres TOUCH_CONVERSATIONS_INBOUND = concat!(
        "INSERT INTO conversations (phone_number_id, wa_id, business_id, last_inbound_at, last_outbound_at, last_message_at, created_at, last_message_id, unread) SELECT t.p, t.w, t.b, t.at, CAST(NULL AS BIGINT), t.at, t.at, t.m, 1 FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS TEXT[]), CAST($3 AS TEXT[]), CAST($4 AS BIGINT[]), CAST($5 AS TEXT[])) WITH ORDINALITY AS t(p, w, b, at, m, n) WHERE EXISTS (SELECT 1 FROM customers WHERE wa_id = t.w) ORDER BY t.n",
        " ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET last_inbound_at = excluded.last_inbound_at, last_message_at = excluded.last_message_at, last_message_id = excluded.last_message_id, unread = conversations.unread + 1, closed_at = NULL"
    );
    /// [`TOUCH_CONVERSATION_OUTBOUND`] for many conversations at once (PostgreSQL; each
    /// conversation at most once), in the arrays' order (as [`TOUCH_CONVERSATIONS_INBOUND`]).
    postgres TOUCH_CONVERSATIONS_OUTBOUND = concat!(
        "INSERT INTO conversations (phone_number_id, wa_id, business_id, last_inbound_at, last_outbound_at, last_message_at, created_at, last_message_id, unread) SELECT t.p, t.w, t.b, CAST(NULL AS BIGINT), t.at, t.at, t.at, t.m, 0 FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS TEXT[]), CAST($3 AS TEXT[]), CAST($4 AS BIGINT[]), CAST($5 AS TEXT[])) WITH ORDINALITY AS t(p, w, b, at, m, n) WHERE EXISTS (SELECT 1 FROM customers WHERE wa_id = t.w) ORDER BY t.n",
        " ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET last_outbound_at = excluded.last_outbound_at, last_message_at = excluded.last_message_at, last_message_id = excluded.last_message_id"
    );
    both MESSAGE = concat!("SELECT ", message_cols!(), " FROM messages WHERE id = $1");
    /// The allowed previous statuses are spelled out as up to three parameters (`$5`–`$7`).
    both CHANGE_STATUS = "UPDATE messages SET status = $1, error = COALESCE($2, error), updated_at = $3 WHERE id = $4 AND status IN ($5, $6, $7)";
    /// A status change's webhook row, queued only if the change applied.
    both OUTBOX_IF_STATUS = super::webhooks::outbox_insert_where!(
        "SELECT 1 FROM messages WHERE id = $8 AND status = $9 AND updated_at = CAST($10 AS BIGINT)"
    );
    /// A customer's messages waiting for their device, oldest first. SQLite walks each of the
    /// customer's conversations back from its last message down to its `undelivered_from` (a
    /// rowid: the links go back in rowid order, so nothing that waits lies beyond it);
    /// PostgreSQL, which does not keep that column, reads its index by customer.
    pair UNDELIVERED = (
        concat!(
            "WITH RECURSIVE w(r, floor) AS (SELECT last_rowid, undelivered_from FROM conversations WHERE wa_id = $1 AND last_rowid >= undelivered_from",
            " UNION ALL SELECT m.prev, w.floor FROM w JOIN messages m ON m.rowid = w.r WHERE m.prev >= w.floor)",
            " SELECT ",
            message_cols!(),
            " FROM messages WHERE rowid IN (SELECT r FROM w)",
            " AND direction = 'out' AND status = 'sent' AND (expires_at IS NULL OR expires_at > $2) ORDER BY seq LIMIT $3"
        ),
        concat!(
            "SELECT ",
            message_cols!(),
            " FROM messages WHERE wa_id = $1 AND direction = 'out' AND status = 'sent' AND (expires_at IS NULL OR expires_at > $2) ORDER BY seq LIMIT $3"
        )
    );
    /// SQLite: after message `$1` left `sent`, a conversation whose `undelivered_from` is that
    /// message's rowid moves it to the oldest message after it that still waits (NULL when
    /// none does), found by walking back from the chat's last message, at most 64 steps: when
    /// the walk does not reach the message, the bound stays where it is (still a lower bound,
    /// and any lower bound is correct; this keeps the reads short and each step cheap).
    sqlite ADVANCE_UNDELIVERED = concat!(
        "WITH RECURSIVE a(r, pn, wa) AS (SELECT rowid, phone_number_id, wa_id FROM messages WHERE id = $1 AND status <> 'sent'),",
        " w(r, n) AS (SELECT c.last_rowid, 1 FROM conversations c JOIN a ON c.phone_number_id = a.pn AND c.wa_id = a.wa AND c.undelivered_from = a.r WHERE c.last_rowid > a.r",
        " UNION ALL SELECT m.prev, w.n + 1 FROM w JOIN messages m ON m.rowid = w.r JOIN a WHERE m.prev > a.r AND w.n < 64)",
        " UPDATE conversations SET undelivered_from = (SELECT MIN(m.rowid) FROM w JOIN messages m ON m.rowid = w.r WHERE m.direction = 'out' AND m.status = 'sent')",
        " WHERE (phone_number_id, wa_id, undelivered_from) IN (SELECT pn, wa, r FROM a)",
        " AND COALESCE((SELECT m.prev FROM messages m WHERE m.rowid = (SELECT MIN(r) FROM w)), 0) <= (SELECT r FROM a)"
    );
    /// SQLite, after a state file's rows (which do not carry the links) replaced the store's:
    /// each message linked to the one before it in its chat, in the order of the rows.
    sqlite RELINK_MESSAGES = "UPDATE messages SET prev = l.p FROM (SELECT rowid AS r, LAG(rowid) OVER (PARTITION BY phone_number_id, wa_id ORDER BY rowid) AS p FROM messages) AS l WHERE messages.rowid = l.r AND l.p IS NOT NULL";
    /// SQLite, after [`RELINK_MESSAGES`]: what each conversation's row keeps of its messages,
    /// worked out in one pass over them: its last message (`last_rowid`), the lowest rowid at
    /// which one may wait for the customer's device (`undelivered_from`) and its last template
    /// (`last_template_id`, for a block or report to count against).
    sqlite RECOUNT_CONVERSATIONS = "UPDATE conversations SET last_rowid = d.last, undelivered_from = d.waiting, last_template_id = (SELECT template_id FROM messages WHERE rowid = d.templated) FROM (SELECT phone_number_id AS pn, wa_id AS wa, MAX(rowid) AS last, MIN(CASE WHEN direction = 'out' AND status = 'sent' THEN rowid END) AS waiting, MAX(CASE WHEN direction = 'out' AND template_id IS NOT NULL THEN rowid END) AS templated FROM messages GROUP BY phone_number_id, wa_id) AS d WHERE conversations.phone_number_id = d.pn AND conversations.wa_id = d.wa";
    /// Outbound messages still waiting for a device whose time-to-live ended at `$1`.
    both EXPIRED_UNDELIVERED = concat!(
        "SELECT ",
        message_cols!(),
        " FROM messages WHERE status = 'sent' AND expires_at <= $1 ORDER BY expires_at LIMIT $2"
    );
    /// A chat's latest `$4` messages before seq `$3`, newest first. SQLite walks back from the
    /// chat's last message until it has passed `$4` of them and 64 more: the links are in the
    /// order of the commits, which may differ from seq's where sends to one customer raced.
    pair CHAT_HISTORY = (
        concat!(
            "WITH RECURSIVE chat(r, n) AS (SELECT last_rowid, 0 FROM conversations WHERE phone_number_id = $1 AND wa_id = $2",
            " UNION ALL SELECT m.prev, chat.n + (m.seq < $3) FROM chat JOIN messages m ON m.rowid = chat.r WHERE m.prev IS NOT NULL AND chat.n + (m.seq < $3) < $4 + 64)",
            " SELECT ",
            message_cols!(),
            " FROM messages WHERE rowid IN (SELECT r FROM chat) AND seq < $3 ORDER BY seq DESC LIMIT $4"
        ),
        concat!(
            "SELECT ",
            message_cols!(),
            " FROM messages WHERE phone_number_id = $1 AND wa_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4"
        )
    );
    both INSERT_MEDIA = concat!(
        "INSERT INTO media (",
        media_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    );
    both INSERT_MEDIA_CHUNK = "INSERT INTO media_chunks (media_id, seq, data) VALUES ($1, $2, $3)";
    both SET_MEDIA_EXPIRY = "UPDATE media SET expires_at = $1 WHERE id = $2";
    both MEDIA = concat!("SELECT ", media_cols!(), " FROM media WHERE id = $1");
    both MEDIA_CHUNK_DATA = "SELECT c.data, m.sha256 FROM media_chunks c JOIN media m ON m.id = c.media_id WHERE c.media_id = $1 AND c.seq = $2";
    both DELETE_MEDIA_CHUNKS = "DELETE FROM media_chunks WHERE media_id = $1";
    both DELETE_MEDIA = "DELETE FROM media WHERE id = $1";
    both DELETE_MEDIA_OBJECT = "DELETE FROM objects WHERE id = $1 AND kind = 'media'";
    both EXPIRE_MEDIA_OBJECTS = "DELETE FROM objects WHERE kind = 'media' AND id IN (SELECT id FROM media WHERE expires_at <= $1)";
    both EXPIRE_MEDIA_CHUNKS = "DELETE FROM media_chunks WHERE media_id IN (SELECT id FROM media WHERE expires_at <= $1)";
    both EXPIRE_MEDIA = "DELETE FROM media WHERE expires_at <= $1";
    both INSERT_CUSTOMER_SESSION = "INSERT INTO customer_sessions (token_hash, wa_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
    both CUSTOMER_SESSION = "SELECT wa_id FROM customer_sessions WHERE token_hash = $1 AND expires_at > $2";
    /// A new code replaces the old one; the failed attempts and the lock stay.
    both SET_CUSTOMER_CODE = "INSERT INTO customer_codes (wa_id, code_hash, expires_at, attempts, locked_until) VALUES ($1, $2, $3, 0, 0) ON CONFLICT (wa_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at";
    /// A right code, still valid, the number not locked: consumed (with its failed attempts).
    both CONSUME_CUSTOMER_CODE = "DELETE FROM customer_codes WHERE wa_id = $1 AND code_hash = $2 AND expires_at > $3 AND locked_until <= $3";
    /// Otherwise a failed attempt, unless locked; the one that reaches $1 locks until $2.
    both COUNT_CUSTOMER_CODE_ATTEMPT = "UPDATE customer_codes SET attempts = attempts + 1, locked_until = CASE WHEN attempts + 1 >= $1 THEN $2 ELSE locked_until END WHERE wa_id = $3 AND locked_until <= $4";
    both CUSTOMER_CODE_STATE = "SELECT attempts, locked_until FROM customer_codes WHERE wa_id = $1";
}
