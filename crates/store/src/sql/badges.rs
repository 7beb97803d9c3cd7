//! Official business account requests (the verified badge) and the number's badge.

macro_rules! oba_cols {
    () => {
        "id, phone_number_id, business_id, waba_id, status, evidence, criteria_checks, reasons, submitted_at, due_at, decided_at, decided_by"
    };
}

crate::sql::statements! {
    both INSERT_OBA_REQUEST = concat!("INSERT INTO oba_requests (", oba_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING");
    both LATEST_OBA_REQUEST = concat!("SELECT ", oba_cols!(), " FROM oba_requests WHERE phone_number_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT 1");
    both OBA_REQUEST = concat!("SELECT ", oba_cols!(), " FROM oba_requests WHERE id = $1");
    /// `$1`: the status or NULL; `$2`: the business or NULL; `$3`: how many.
    both OBA_REQUESTS = concat!("SELECT ", oba_cols!(), " FROM oba_requests WHERE (CAST($1 AS TEXT) IS NULL OR status = $1) AND (CAST($2 AS TEXT) IS NULL OR business_id = $2) ORDER BY submitted_at DESC, id DESC LIMIT $3");
    both DUE_OBA_REQUESTS = concat!("SELECT ", oba_cols!(), " FROM oba_requests WHERE status = 'PENDING' AND due_at <= $1 ORDER BY due_at, id LIMIT $2");
    both DECIDE_OBA_REQUEST = "UPDATE oba_requests SET status = $1, reasons = $2, decided_at = $3, decided_by = $4, decision_token = $5 WHERE id = $6 AND status = 'PENDING'";
    both SET_OFFICIAL_IF_DECIDED = "UPDATE phone_numbers SET official_business_account = $1 WHERE id = $2 AND EXISTS (SELECT 1 FROM oba_requests WHERE id = $3 AND decision_token = $4)";
    both OUTBOX_IF_OBA_DECIDED = super::webhooks::outbox_insert_where!(
        "SELECT 1 FROM oba_requests WHERE id = $8 AND decision_token = $9"
    );
}
