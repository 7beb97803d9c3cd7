//! Several nodes on one PostgreSQL (`crate::cluster`): the event bus's channel and
//! notifications, the leases' advisory locks, the fleet's token buckets. PostgreSQL only: a
//! SQLite database serves one node.

super::statements! {
    /// The schema whose fleet a node belongs to: it names the notification channel.
    postgres CURRENT_SCHEMA = "SELECT current_schema()";
    /// Tell the channel's listeners.
    postgres NOTIFY = "SELECT pg_notify($1, $2)";
    /// Take the lease of a task, if no other node's connection holds it.
    postgres TRY_LEASE = "SELECT pg_try_advisory_lock($1, hashtext(current_schema() || ':' || $2))";
    /// Take tokens from a fleet bucket in one statement, as a generic cell rate: the bucket
    /// holds what refilled between its `tat` and now, up to the capacity; whole tokens up to
    /// what was asked are granted, and the grant is reported in `granted`. ($1 key, $2 now in
    /// µs, $3 tokens wanted, $4 capacity, $5 µs a token takes to refill.)
    postgres TAKE_TOKENS = "INSERT INTO fleet_buckets (key, tat, granted) VALUES ($1, CAST($2 AS BIGINT) + LEAST(CAST($3 AS BIGINT), CAST($4 AS BIGINT)) * CAST($5 AS BIGINT), LEAST($3, $4)) ON CONFLICT (key) DO UPDATE SET granted = LEAST($3, GREATEST(0, ($2 + $4 * $5 - GREATEST(fleet_buckets.tat, $2)) / $5)), tat = GREATEST(fleet_buckets.tat, $2) + LEAST($3, GREATEST(0, ($2 + $4 * $5 - GREATEST(fleet_buckets.tat, $2)) / $5)) * $5 RETURNING granted";
}
