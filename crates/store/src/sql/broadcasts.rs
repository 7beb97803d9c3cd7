//! Broadcasts and their recipients; the lease a runner holds while it sends one.

macro_rules! cols {
    () => {
        "id, business_id, phone_number_id, name, mode, message, audience, state, pause_reason, start_at, next_run_at, rejected, total, created_by, created_at, updated_at, started_at, finished_at"
    };
}

macro_rules! recipient_cols {
    () => {
        "r.seq, r.wa_id, r.params, r.state, r.reason, r.message_id, r.sent_at"
    };
}

super::statements! {
    both INSERT_BROADCAST = concat!(
        "INSERT INTO broadcasts (",
        cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    );
    both INSERT_RECIPIENT = "INSERT INTO broadcast_recipients (broadcast_id, seq, wa_id, params, state, reason, message_id, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    both BROADCAST = concat!("SELECT ", cols!(), " FROM broadcasts WHERE id = $1");
    /// The business's broadcasts, of one number when `$2` is not NULL, newest first.
    both BROADCASTS = concat!(
        "SELECT ",
        cols!(),
        " FROM broadcasts WHERE business_id = $1 AND (CAST($2 AS TEXT) IS NULL OR phone_number_id = $2) ORDER BY created_at DESC, id DESC LIMIT 500"
    );
    /// `$1` the new state, `$2` the pause reason, `$3` the next run, `$4` now, `$5` the id,
    /// `$6`–`$8` the states it may be in. Starting stamps `started_at` once; ending stamps
    /// `finished_at`, and anything else clears it (a resumed broadcast is not finished).
    both SET_BROADCAST_STATE = "UPDATE broadcasts SET state = $1, pause_reason = $2, next_run_at = $3, updated_at = $4, started_at = COALESCE(started_at, CASE WHEN $1 = 'running' THEN CAST($4 AS BIGINT) END), finished_at = CASE WHEN $1 IN ('completed', 'cancelled') THEN CAST($4 AS BIGINT) END WHERE id = $5 AND state IN ($6, $7, $8)";
    /// Due at `$1`, not leased by another runner than `$2`, at most `$3`.
    both DUE_BROADCASTS = "SELECT id FROM broadcasts WHERE state IN ('scheduled', 'running', 'paused') AND next_run_at <= $1 AND (lease_until IS NULL OR lease_until < $1 OR lease_owner = $2) ORDER BY next_run_at, id LIMIT $3";
    /// `$1` the owner takes the lease until `$2` of broadcast `$3` if it is free at `$4` or
    /// already theirs: on PostgreSQL the row lock makes two claims of one row take turns, and
    /// the second sees the first's lease.
    both LEASE_BROADCAST = "UPDATE broadcasts SET lease_owner = $1, lease_until = $2 WHERE id = $3 AND (lease_until IS NULL OR lease_until < $4 OR lease_owner = $1)";
    both RELEASE_BROADCAST = "UPDATE broadcasts SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2";
    both QUEUED_RECIPIENTS = concat!(
        "SELECT ",
        recipient_cols!(),
        " FROM broadcast_recipients r WHERE r.broadcast_id = $1 AND r.state = 'queued' ORDER BY r.seq LIMIT $2"
    );
    both RECORD_RECIPIENT = "UPDATE broadcast_recipients SET state = $1, reason = $2, message_id = $3, sent_at = $4 WHERE broadcast_id = $5 AND seq = $6 AND state = 'queued'";
    /// Counts by what happened: a recipient with a message counts by the message's status.
    both RECIPIENT_COUNTS = concat!(
        "SELECT COALESCE(SUM(CASE WHEN r.state = 'queued' THEN 1 ELSE 0 END), 0),",
        " COALESCE(SUM(CASE WHEN r.state = 'sent' AND m.status NOT IN ('delivered', 'read', 'failed') THEN 1 ELSE 0 END), 0),",
        " COALESCE(SUM(CASE WHEN r.state = 'sent' AND m.status = 'delivered' THEN 1 ELSE 0 END), 0),",
        " COALESCE(SUM(CASE WHEN r.state = 'sent' AND m.status = 'read' THEN 1 ELSE 0 END), 0),",
        " COALESCE(SUM(CASE WHEN r.state = 'failed' OR (r.state = 'sent' AND m.status = 'failed') THEN 1 ELSE 0 END), 0),",
        " COALESCE(SUM(CASE WHEN r.state = 'skipped_opted_out' THEN 1 ELSE 0 END), 0),",
        " COALESCE(SUM(CASE WHEN r.state = 'skipped_blocked' THEN 1 ELSE 0 END), 0),",
        " COALESCE(SUM(CASE WHEN r.state = 'sent' AND c.last_inbound_at > r.sent_at THEN 1 ELSE 0 END), 0)",
        " FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id",
        " LEFT JOIN messages m ON m.id = r.message_id",
        " LEFT JOIN conversations c ON c.phone_number_id = b.phone_number_id AND c.wa_id = r.wa_id",
        " WHERE r.broadcast_id = $1"
    );
    both REPORT = concat!(
        "SELECT ",
        recipient_cols!(),
        ", m.status, m.error, CASE WHEN r.state = 'sent' AND c.last_inbound_at > r.sent_at THEN 1 ELSE 0 END",
        " FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id",
        " LEFT JOIN messages m ON m.id = r.message_id",
        " LEFT JOIN conversations c ON c.phone_number_id = b.phone_number_id AND c.wa_id = r.wa_id",
        " WHERE r.broadcast_id = $1 AND r.seq > $2 ORDER BY r.seq LIMIT $3"
    );
    both LABELLED_CUSTOMERS = "SELECT wa_id FROM conversation_labels WHERE phone_number_id = $1 AND label_id = $2 ORDER BY wa_id";
    /// The customer has written to the number at least once.
    both WROTE_TO = "SELECT wa_id FROM conversations WHERE phone_number_id = $1 AND wa_id = $2 AND last_inbound_at IS NOT NULL";
    /// Erasure of a customer (`$1`): their rows in broadcasts' reports.
    both ERASE_BROADCAST_RECIPIENTS = "DELETE FROM broadcast_recipients WHERE wa_id = $1";
}
