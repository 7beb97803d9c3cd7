//! Webhook subscriptions and the outbox. The claim and the "rows by id list" statements differ
//! per engine: PostgreSQL claims with `FOR UPDATE SKIP LOCKED` under a transaction advisory
//! lock (so concurrent nodes never split one conversation); SQLite's one process keeps the
//! pending rows and its leases in memory and chooses there (`schedule`).

macro_rules! outbox_insert {
    () => {
        "INSERT INTO outbox (business_id, waba_id, phone_number_id, ordering_key, field, value, created_at, state, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $7)"
    };
}

/// An outbox insert that applies only if `$guard` (a query for `EXISTS`, whose parameters
/// start at `$8`) finds a row: the row takes `$1`–`$7`, as in the plain insert.
macro_rules! outbox_insert_where {
    ($guard:literal) => {
        concat!(
            "INSERT INTO outbox (business_id, waba_id, phone_number_id, ordering_key, field, value, created_at, state, attempts, next_attempt_at) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS BIGINT), 'pending', 0, CAST($7 AS BIGINT) WHERE EXISTS (",
            $guard,
            ")"
        )
    };
}
pub(crate) use outbox_insert_where;

macro_rules! delivery_cols {
    () => {
        "id, business_id, waba_id, phone_number_id, ordering_key, field, value, created_at, state, attempts, next_attempt_at, last_status, last_error, delivered_at, endpoint, updated_at, COALESCE(retry_from, created_at)"
    };
}

/// A statement over a JSON array of row ids bound as parameter `$p`, in each engine's dialect.
/// SQLite numbers `$N` parameters in order of first appearance, so every statement here uses
/// its parameters in ascending order.
macro_rules! by_ids {
    ($head:literal, $p:literal, $tail:literal) => {
        (
            concat!($head, " id IN (SELECT value FROM json_each(", $p, ")) ", $tail),
            concat!(
                $head,
                " id IN (SELECT CAST(jsonb_array_elements_text(CAST(CAST(",
                $p,
                " AS TEXT) AS jsonb)) AS BIGINT)) ",
                $tail
            ),
        )
    };
}

/// A statement that ends a lease: over a JSON array of row ids bound as `$ids`, and on
/// PostgreSQL only while the lease is still `$owner`'s. SQLite keeps leases in memory (one
/// process owns the database), so its statements take no owner parameter: the owner is always
/// the last parameter, and `SqlStore::lease_params` drops it there.
macro_rules! leased {
    ($head:literal, $ids:literal, $owner:literal) => {
        (
            concat!($head, " id IN (SELECT value FROM json_each(", $ids, "))"),
            concat!(
                $head,
                " id IN (SELECT CAST(jsonb_array_elements_text(CAST(CAST(",
                $ids,
                " AS TEXT) AS jsonb)) AS BIGINT)) AND lease_owner = ",
                $owner
            ),
        )
    };
}

super::statements! {
    both INSERT_OUTBOX = outbox_insert!();
    /// [`INSERT_OUTBOX`] for many rows at once (PostgreSQL), their ids in the arrays' order.
    postgres INSERT_OUTBOX_ROWS = "INSERT INTO outbox (business_id, waba_id, phone_number_id, ordering_key, field, value, created_at, state, attempts, next_attempt_at) SELECT t.b, t.w, t.p, t.k, t.f, t.v, t.at, 'pending', 0, t.at FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS TEXT[]), CAST($3 AS TEXT[]), CAST($4 AS TEXT[]), CAST($5 AS TEXT[]), CAST($6 AS TEXT[]), CAST($7 AS BIGINT[])) AS t(b, w, p, k, f, v, at)";
    both INSERT_OUTBOX_RETURNING = concat!(outbox_insert!(), " RETURNING id");
    both PUT_APP_SUBSCRIPTION = "INSERT INTO webhook_app_subscriptions (app_id, object, business_id, callback_url, verify_token, fields, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (app_id, object) DO UPDATE SET callback_url = excluded.callback_url, verify_token = excluded.verify_token, fields = excluded.fields, updated_at = excluded.updated_at";
    /// `$1` app, `$2` business, either NULL for any.
    both APP_SUBSCRIPTIONS = "SELECT app_id, object, business_id, callback_url, verify_token, fields, created_at, updated_at FROM webhook_app_subscriptions WHERE (CAST($1 AS TEXT) IS NULL OR app_id = $1) AND (CAST($2 AS TEXT) IS NULL OR business_id = $2) ORDER BY created_at, app_id";
    both DELETE_APP_SUBSCRIPTION = "DELETE FROM webhook_app_subscriptions WHERE app_id = $1 AND object = $2";
    both PUT_WABA_SUBSCRIPTION = "INSERT INTO webhook_waba_subscriptions (waba_id, app_id, business_id, override_callback_uri, verify_token, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (waba_id, app_id) DO UPDATE SET override_callback_uri = excluded.override_callback_uri, verify_token = excluded.verify_token";
    both WABA_SUBSCRIPTIONS = "SELECT waba_id, app_id, business_id, override_callback_uri, verify_token, created_at FROM webhook_waba_subscriptions WHERE waba_id = $1 ORDER BY created_at, app_id";
    both DELETE_WABA_SUBSCRIPTION = "DELETE FROM webhook_waba_subscriptions WHERE waba_id = $1 AND app_id = $2";
    both PUT_NUMBER_OVERRIDE = "INSERT INTO webhook_number_overrides (phone_number_id, waba_id, business_id, callback_url, verify_token, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (phone_number_id) DO UPDATE SET callback_url = excluded.callback_url, verify_token = excluded.verify_token";
    both NUMBER_OVERRIDE = "SELECT phone_number_id, waba_id, business_id, callback_url, verify_token, created_at FROM webhook_number_overrides WHERE phone_number_id = $1";
    both DELETE_NUMBER_OVERRIDE = "DELETE FROM webhook_number_overrides WHERE phone_number_id = $1";

    // An earlier pending row of the same key blocks while it waits for a retry or holds a
    // lease, even an expired one: an expired lease is first re-claimed (the earlier row is
    // itself due), and only its recorded outcome clears it. (On PostgreSQL a row being recorded
    // right now is skipped by SKIP LOCKED, and the statement's snapshot still shows its lease.)

    /// PostgreSQL: lease due rows in the rows themselves, so several nodes can share the
    /// outbox. Params: lease_until, owner, now, lease_now, limit, per_key (of the `limit` rows
    /// found, at most `per_key` of one ordering key are leased: the first ones).
    postgres CLAIM_PG = concat!(
        "UPDATE outbox SET lease_until = $1, lease_owner = $2 WHERE id IN (",
        "SELECT c.id FROM (SELECT f.id, ROW_NUMBER() OVER (PARTITION BY f.ordering_key ORDER BY f.id) AS n FROM (",
        "SELECT o.id, o.ordering_key FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= $3 ",
        "AND (o.lease_until IS NULL OR o.lease_until < $4) ",
        "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key AND p.state = 'pending' ",
        "AND p.id < o.id AND (p.next_attempt_at > $3 OR p.lease_owner IS NOT NULL)) ",
        "ORDER BY o.id LIMIT $5 FOR UPDATE SKIP LOCKED) f) c WHERE c.n <= $6) RETURNING ",
        delivery_cols!()
    );
    /// Serialises claims across nodes for the length of one claim transaction, so two nodes
    /// never lease two events of one conversation at once.
    postgres PG_CLAIM_LOCK = "SELECT pg_advisory_xact_lock(7436152)";
    /// SQLite asks the same question of the pending rows it keeps in memory (one process owns
    /// the database): these read the table only to learn of rows and to fetch the chosen ones.
    /// The highest row id so far.
    sqlite OUTBOX_LAST_ID = "SELECT COALESCE(MAX(id), 0) FROM outbox";
    /// The pending rows up to id `$1`, for the schedule: id, ordering key, next attempt.
    sqlite OUTBOX_PENDING_UPTO = "SELECT id, ordering_key, next_attempt_at FROM outbox WHERE state = 'pending' AND id <= $1 ORDER BY id";
    /// Up to `$2` rows made after id `$1` (a range of the row id), whole: under steady load
    /// they are the rows a claim takes, so it reads nothing more.
    sqlite OUTBOX_AFTER = concat!("SELECT ", delivery_cols!(), " FROM outbox WHERE id > $1 ORDER BY id LIMIT $2");
    /// The chosen rows (JSON array `$1`) that are still pending.
    sqlite OUTBOX_CLAIMED = concat!(
        "SELECT ",
        delivery_cols!(),
        " FROM outbox WHERE id IN (SELECT value FROM json_each($1)) AND state = 'pending'"
    );
    /// Params: at, status, endpoint, ids, owner.
    pair DELIVERED = leased!(
        "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = $1, updated_at = $1, last_status = $2, last_error = NULL, endpoint = $3, lease_until = NULL, lease_owner = NULL WHERE",
        "$4",
        "$5"
    );
    /// Params (here and the next two): next_attempt_at / counted, at, status, error, endpoint,
    /// ids, owner.
    pair RETRY = leased!(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, updated_at = $2, last_status = $3, last_error = $4, endpoint = $5, lease_until = NULL, lease_owner = NULL WHERE",
        "$6",
        "$7"
    );
    pair DEAD = leased!(
        "UPDATE outbox SET state = 'dead', attempts = attempts + $1, updated_at = $2, last_status = $3, last_error = $4, endpoint = $5, lease_until = NULL, lease_owner = NULL WHERE",
        "$6",
        "$7"
    );
    pair DEFER = leased!(
        "UPDATE outbox SET next_attempt_at = $1, updated_at = $2, last_status = $3, last_error = $4, endpoint = $5, lease_until = NULL, lease_owner = NULL WHERE",
        "$6",
        "$7"
    );
    /// Params: ids, owner.
    postgres RELEASE_PG = leased!("UPDATE outbox SET lease_until = NULL, lease_owner = NULL WHERE", "$1", "$2").1;
    /// Rows leased in the table: every lease on PostgreSQL, and on SQLite those left by
    /// versions that leased there.
    both RELEASE_ALL_LEASES = "UPDATE outbox SET lease_until = NULL, lease_owner = NULL WHERE state = 'pending' AND lease_owner IS NOT NULL";
    both NEXT_DUE_AT = "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'";
    /// The change feed: `$1` business, `$2` state, `$3` endpoint (each NULL for any), rows
    /// changed after (`$4` updated_at, `$5` id), oldest change first.
    both DELIVERIES_CHANGED_AFTER = concat!(
        "SELECT ",
        delivery_cols!(),
        " FROM outbox WHERE (CAST($1 AS TEXT) IS NULL OR business_id = $1) AND (CAST($2 AS TEXT) IS NULL OR state = $2) AND (CAST($3 AS TEXT) IS NULL OR endpoint = $3) AND updated_at IS NOT NULL AND (updated_at > $4 OR (updated_at = $4 AND id > $5)) ORDER BY updated_at, id LIMIT $6"
    );
    /// Newest first: the same filters, and ids below `$4` (NULL: from the newest).
    both DELIVERIES_BEFORE = concat!(
        "SELECT ",
        delivery_cols!(),
        " FROM outbox WHERE (CAST($1 AS TEXT) IS NULL OR business_id = $1) AND (CAST($2 AS TEXT) IS NULL OR state = $2) AND (CAST($3 AS TEXT) IS NULL OR endpoint = $3) AND (CAST($4 AS BIGINT) IS NULL OR id < $4) ORDER BY id DESC LIMIT $5"
    );
    both DELIVERY = concat!("SELECT ", delivery_cols!(), " FROM outbox WHERE id = $1");
    /// Every dead row (of business `$2`, NULL for all) pending again.
    both REPLAY_DEAD = "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, retry_from = $1, updated_at = $1, lease_until = NULL, lease_owner = NULL WHERE state = 'dead' AND (CAST($2 AS TEXT) IS NULL OR business_id = $2)";
    /// Params: now, ids, business (optional).
    pair REPLAY_IDS = by_ids!(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, retry_from = $1, updated_at = $1, delivered_at = NULL, lease_until = NULL, lease_owner = NULL WHERE",
        "$2",
        "AND state <> 'pending' AND (CAST($3 AS TEXT) IS NULL OR business_id = $3)"
    );
    both SET_ENDPOINT_PAUSED = "INSERT INTO webhook_endpoints (url, paused, updated_at) VALUES ($1, $2, $3) ON CONFLICT (url) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at";
    /// Rows deferred while the endpoint was paused are due again now.
    both UNDEFER_ENDPOINT = "UPDATE outbox SET next_attempt_at = $1 WHERE state = 'pending' AND endpoint = $2 AND next_attempt_at > $1";
    both ENDPOINTS = "SELECT url, paused, updated_at FROM webhook_endpoints ORDER BY url";
    both OUTBOX_STATS = "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'), (SELECT count(*) FROM outbox WHERE state = 'dead'), (SELECT MIN(created_at) FROM outbox WHERE state = 'pending')";
    both BUSINESS_OUTBOX_STATS = "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending' AND business_id = $1), (SELECT count(*) FROM outbox WHERE state = 'dead' AND business_id = $1), (SELECT MIN(created_at) FROM outbox WHERE state = 'pending' AND business_id = $1)";
    both PURGE_DELIVERED = "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state = 'delivered' AND delivered_at < $1 ORDER BY id LIMIT $2)";
}
