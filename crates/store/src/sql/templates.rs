//! Message templates.

macro_rules! cols {
    () => {
        "id, business_id, waba_id, name, language, category, previous_category, parameter_format, components, status, rejected_reason, quality_score, negative_feedback, pause_count, paused_until, review_due_at, allow_category_change, last_edited_at, version, created_at, updated_at, approved_edits, status_before, message_send_ttl_seconds, sub_category, cta_url_link_tracking_opted_out, library_template_name"
    };
}

/// The filters of a page of templates: `$2` name, `$3` category, `$4` language, `$5`
/// comma-separated statuses, each NULL for any.
macro_rules! filters {
    () => {
        " FROM templates WHERE waba_id = $1 AND status <> 'DELETED' AND (CAST($2 AS TEXT) IS NULL OR name = $2) AND (CAST($3 AS TEXT) IS NULL OR ',' || $3 || ',' LIKE '%,' || category || ',%') AND (CAST($4 AS TEXT) IS NULL OR ',' || $4 || ',' LIKE '%,' || language || ',%') AND (CAST($5 AS TEXT) IS NULL OR ',' || $5 || ',' LIKE '%,' || status || ',%')"
    };
}

super::statements! {
    both INSERT_TEMPLATE = concat!(
        "INSERT INTO templates (",
        cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)"
    );
    /// Applied only over the version the change was made from (`$20`); `$13` marks the change.
    both UPDATE_TEMPLATE = "UPDATE templates SET category = $1, previous_category = $2, components = $3, status = $4, rejected_reason = $5, quality_score = $6, negative_feedback = $7, pause_count = $8, paused_until = $9, review_due_at = $10, last_edited_at = $11, version = $12, change_token = $13, updated_at = $14, approved_edits = $15, status_before = $16, message_send_ttl_seconds = $17, cta_url_link_tracking_opted_out = $18 WHERE id = $19 AND version = $20";
    /// A template change's webhook row, queued only if the template carries the change's token.
    both OUTBOX_IF_TEMPLATE_CHANGED = super::webhooks::outbox_insert_where!(
        "SELECT 1 FROM templates WHERE id = $8 AND change_token = $9"
    );
    both DELETE_TEMPLATE_OBJECT = "DELETE FROM objects WHERE id = $1 AND EXISTS (SELECT 1 FROM templates WHERE id = $1 AND change_token = $2)";
    both TEMPLATE = concat!("SELECT ", cols!(), " FROM templates WHERE id = $1");
    both TEMPLATE_BY_NAME = concat!(
        "SELECT ",
        cols!(),
        " FROM templates WHERE waba_id = $1 AND name = $2 AND language = $3 AND status <> 'DELETED'"
    );
    both TEMPLATES_NAMED = concat!(
        "SELECT ",
        cols!(),
        " FROM templates WHERE waba_id = $1 AND name = $2 AND status <> 'DELETED' ORDER BY id"
    );
    /// A page before the cursor `$6`, newest first (the caller reverses it); `$7` limit.
    both TEMPLATES_BEFORE = concat!("SELECT ", cols!(), filters!(), " AND id < $6 ORDER BY id DESC LIMIT $7");
    /// A page after the cursor `$6` (NULL: from the start); `$7` limit.
    both TEMPLATES_AFTER = concat!(
        "SELECT ",
        cols!(),
        filters!(),
        " AND (CAST($6 AS TEXT) IS NULL OR id > $6) ORDER BY id LIMIT $7"
    );
    both COUNT_TEMPLATES = "SELECT count(*) FROM templates WHERE waba_id = $1 AND status <> 'DELETED'";
    both COUNT_CREATED_SINCE = "SELECT count(*) FROM templates WHERE waba_id = $1 AND created_at > $2";
    both DUE_TEMPLATES = concat!(
        "SELECT ",
        cols!(),
        " FROM templates WHERE (status IN ('PENDING', 'IN_APPEAL') AND review_due_at <= $1) OR (status = 'PAUSED' AND paused_until <= $1) ORDER BY id LIMIT $2"
    );
    /// The last template sent in a chat: SQLite keeps it on the conversation's row
    /// ([`SET_CHAT_TEMPLATE`]); PostgreSQL reads its index of templated messages by chat.
    pair LAST_TEMPLATE_SENT = (
        "SELECT last_template_id FROM conversations WHERE phone_number_id = $1 AND wa_id = $2 AND last_template_id IS NOT NULL",
        "SELECT template_id FROM messages WHERE phone_number_id = $1 AND wa_id = $2 AND template_id IS NOT NULL AND direction = 'out' ORDER BY seq DESC LIMIT 1"
    );
    both SET_MESSAGE_TEMPLATE = "UPDATE messages SET template_id = $1 WHERE id = $2";
    /// SQLite: template `$1` is the last sent in the chat of number `$2` and customer `$3`.
    sqlite SET_CHAT_TEMPLATE = "UPDATE conversations SET last_template_id = $1 WHERE phone_number_id = $2 AND wa_id = $3";
}
