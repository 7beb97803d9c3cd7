//! The team inbox: the list of a business's conversations (read from the conversation rows,
//! which every message keeps up to date), their labels, notes, assignment and state.

/// A message's columns from `messages m`, in `message_cols!`'s order.
macro_rules! m_cols {
    () => {
        "m.id, m.seq, m.phone_number_id, m.business_id, m.wa_id, m.direction, m.type, m.content, m.context_id, m.biz_opaque, m.status, m.error, m.created_at, m.updated_at, m.expires_at"
    };
}

/// The columns of a chat row, from `conversations c`, `customers cu`, `phone_numbers p`, the
/// last message `m` (NULLs when it is gone), the customer's username `un` and their BSUID at
/// the business `ui` (NULLs when none); `$agg` aggregates the conversation's label ids into one
/// comma-separated text (`group_concat` on SQLite, `string_agg` on PostgreSQL).
macro_rules! chat_cols {
    ($agg:literal) => {
        concat!(
            "SELECT ",
            m_cols!(),
            ", ",
            "c.phone_number_id, c.wa_id, c.business_id, c.last_inbound_at, c.last_outbound_at, c.last_message_at, c.created_at, ",
            "cu.profile_name, p.number, c.unread, c.assignee_id, c.closed_at, ",
            "(SELECT ",
            $agg,
            " FROM conversation_labels cl WHERE cl.phone_number_id = c.phone_number_id AND cl.wa_id = c.wa_id) AS labels, ",
            "un.username, un.hide_number, ui.user_id, ui.number_shared_at"
        )
    };
}

/// What a chat row joins, by primary key.
macro_rules! chat_joins {
    () => {
        concat!(
            " JOIN customers cu ON cu.wa_id = c.wa_id JOIN phone_numbers p ON p.id = c.phone_number_id",
            " LEFT JOIN messages m ON m.id = c.last_message_id",
            " LEFT JOIN customer_usernames un ON un.wa_id = c.wa_id",
            " LEFT JOIN user_ids ui ON ui.business_id = c.business_id AND ui.wa_id = c.wa_id"
        )
    };
}

/// The list's filters, each parameter NULL (or `'all'`) for any: `$1` the business, `$2`
/// `'mine'` (assigned to the agent `$3`), `'unassigned'` or `'all'`, `$4` `'open'`, `'closed'`
/// or `'all'`, `$5` a business number, `$6` a label, `$7` a `LIKE` pattern (lower case) on the
/// name, the username, the BSUID and the number (the number only when the customer shows it:
/// they do not hide it, or the business sent to it after `$9`), `$8` the conversations whose
/// messages' text matched (a JSON array of `phone_number_id:wa_id`, found by the service, which
/// reads the text whether or not it is encrypted at rest; `$keys` lists its elements,
/// `json_each` on SQLite, `jsonb_array_elements_text` on PostgreSQL), `$10`–`$12` the cursor
/// (the last row of the page before), `$13` how many. The page's conversations are taken
/// first, newest first along the index `conversations_inbox` (every key descending, so it is
/// read backwards and stops at the page's end), and only they are joined: the time does not
/// grow with the business's conversations, whatever the planner's statistics say.
macro_rules! chat_list {
    ($agg:literal, $keys:literal) => {
        concat!(
            chat_cols!($agg),
            " FROM (SELECT c.* FROM conversations c WHERE c.business_id = $1",
            " AND ($2 = 'all' OR ($2 = 'mine' AND c.assignee_id = $3) OR ($2 = 'unassigned' AND c.assignee_id IS NULL))",
            " AND ($4 = 'all' OR ($4 = 'open' AND c.closed_at IS NULL) OR ($4 = 'closed' AND c.closed_at IS NOT NULL))",
            " AND (CAST($5 AS TEXT) IS NULL OR c.phone_number_id = $5)",
            " AND (CAST($6 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM conversation_labels f WHERE f.phone_number_id = c.phone_number_id AND f.wa_id = c.wa_id AND f.label_id = $6))",
            " AND (CAST($7 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM customers n WHERE n.wa_id = c.wa_id AND lower(n.profile_name) LIKE $7 ESCAPE '\\')",
            " OR EXISTS (SELECT 1 FROM customer_usernames u WHERE u.wa_id = c.wa_id AND u.username LIKE $7 ESCAPE '\\')",
            " OR EXISTS (SELECT 1 FROM user_ids i WHERE i.business_id = c.business_id AND i.wa_id = c.wa_id AND lower(i.user_id) LIKE $7 ESCAPE '\\')",
            " OR (c.phone_number_id || ':' || c.wa_id) IN (",
            $keys,
            ")",
            " OR (c.wa_id LIKE $7 ESCAPE '\\' AND NOT EXISTS (SELECT 1 FROM customer_usernames h WHERE h.wa_id = c.wa_id AND h.hide_number <> 0",
            " AND NOT EXISTS (SELECT 1 FROM user_ids sh WHERE sh.business_id = c.business_id AND sh.wa_id = c.wa_id AND sh.number_shared_at > $9))))",
            " AND (CAST($10 AS BIGINT) IS NULL OR c.last_message_at < $10 OR (c.last_message_at = $10 AND (c.phone_number_id < $11 OR (c.phone_number_id = $11 AND c.wa_id < $12))))",
            " ORDER BY c.last_message_at DESC, c.phone_number_id DESC, c.wa_id DESC LIMIT $13) c",
            chat_joins!(),
            " ORDER BY c.last_message_at DESC, c.phone_number_id DESC, c.wa_id DESC"
        )
    };
}

/// One chat: `$1` the number, `$2` the customer.
macro_rules! chat_one {
    ($agg:literal) => {
        concat!(
            chat_cols!($agg),
            " FROM conversations c",
            chat_joins!(),
            " WHERE c.phone_number_id = $1 AND c.wa_id = $2"
        )
    };
}

super::statements! {
    pair BUSINESS_CHATS = (
        chat_list!("group_concat(cl.label_id, ',')", "SELECT value FROM json_each($8)"),
        chat_list!("string_agg(cl.label_id, ',')", "SELECT jsonb_array_elements_text(CAST(CAST($8 AS TEXT) AS jsonb))")
    );
    pair CHAT_ROW = (chat_one!("group_concat(cl.label_id, ',')"), chat_one!("string_agg(cl.label_id, ',')"));
    /// An agent of the business read the conversation.
    both MARK_CHAT_READ = "UPDATE conversations SET unread = 0 WHERE phone_number_id = $1 AND wa_id = $2 AND unread <> 0";
    both ASSIGN_CHAT = "UPDATE conversations SET assignee_id = $1 WHERE business_id = $2 AND phone_number_id = $3 AND wa_id = $4";
    both CLOSE_CHAT = "UPDATE conversations SET closed_at = $1 WHERE business_id = $2 AND phone_number_id = $3 AND wa_id = $4";
    both LABELS = "SELECT id, business_id, name, colour, created_at FROM inbox_labels WHERE business_id = $1 ORDER BY name";
    both INSERT_LABEL = "INSERT INTO inbox_labels (id, business_id, name, name_key, colour, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
    both UNLABEL_ALL = "DELETE FROM conversation_labels WHERE label_id IN (SELECT id FROM inbox_labels WHERE id = $1 AND business_id = $2)";
    both DELETE_LABEL = "DELETE FROM inbox_labels WHERE id = $1 AND business_id = $2";
    both ADD_CHAT_LABEL = "INSERT INTO conversation_labels (phone_number_id, wa_id, label_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
    both REMOVE_CHAT_LABEL = "DELETE FROM conversation_labels WHERE phone_number_id = $1 AND wa_id = $2 AND label_id = $3";
    /// The messages of the business's latest conversations (`$1` the business, `$2` how many
    /// conversations), the latest `$3`: what a search reads the text of. The conversations
    /// drive, along their index; never a scan of every business's messages. SQLite walks each
    /// chat back from its last message (at most `$3` of each, the most any can give);
    /// PostgreSQL reads its chat index.
    pair RECENT_MESSAGES = (
        concat!(
            "WITH RECURSIVE chat(r, n) AS (SELECT last_rowid, 1 FROM (SELECT last_rowid FROM conversations WHERE business_id = $1 ORDER BY last_message_at DESC LIMIT $2)",
            " UNION ALL SELECT m.prev, chat.n + 1 FROM chat JOIN messages m ON m.rowid = chat.r WHERE m.prev IS NOT NULL AND chat.n < $3)",
            " SELECT ",
            m_cols!(),
            " FROM messages m WHERE m.rowid IN (SELECT r FROM chat) AND m.erased_at IS NULL ORDER BY m.created_at DESC LIMIT $3"
        ),
        concat!("SELECT ", m_cols!(), " FROM (SELECT phone_number_id, wa_id FROM conversations WHERE business_id = $1 ORDER BY last_message_at DESC LIMIT $2) r JOIN messages m ON m.phone_number_id = r.phone_number_id AND m.wa_id = r.wa_id WHERE m.erased_at IS NULL ORDER BY m.created_at DESC LIMIT $3")
    );
    both INSERT_NOTE = "INSERT INTO conversation_notes (id, business_id, phone_number_id, wa_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    both CHAT_NOTES = "SELECT n.id, n.business_id, n.phone_number_id, n.wa_id, n.author_id, u.name, n.body, n.created_at FROM conversation_notes n JOIN users u ON u.id = n.author_id WHERE n.phone_number_id = $1 AND n.wa_id = $2 ORDER BY n.created_at, n.id";
    /// Erasure of a customer (`$1`): their notes and their conversations' labels.
    both ERASE_NOTES = "DELETE FROM conversation_notes WHERE wa_id = $1";
    both ERASE_CHAT_LABELS = "DELETE FROM conversation_labels WHERE wa_id = $1";
}
