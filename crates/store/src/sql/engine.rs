//! Statements of the engines themselves: the readiness ping and the migrations' bookkeeping.

super::statements! {
    /// A cheap round trip, for `/readyz`.
    both PING = "SELECT 1";
    both CREATE_MIGRATIONS_TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
    both MIGRATION_APPLIED = "SELECT count(*) FROM schema_migrations WHERE version = $1";
    both RECORD_MIGRATION = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";
    /// Several nodes may start at once: one migrates, the others wait and then find it done.
    postgres MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(7436151)";
    /// Plan the statements that follow at each execution (a prepared statement's generic plan
    /// is not reused), until [`DEFAULT_PLANS`]; both end with the transaction.
    postgres CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan";
    postgres DEFAULT_PLANS = "SET LOCAL plan_cache_mode TO DEFAULT";
    /// A consistent copy of the whole database (one read transaction) into an empty file.
    sqlite BACKUP_INTO = "VACUUM INTO $1";
    /// Whether a file is a sound SQLite database, before it replaces the live one.
    sqlite QUICK_CHECK = "PRAGMA quick_check";
}
