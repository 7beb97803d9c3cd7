//! What the state file reads of the schema itself: the tables, their columns, their foreign
//! keys and (PostgreSQL) the columns a sequence fills, as the database reports them, and the
//! schema version. Every name comes back as text.

super::statements! {
    pair STATE_TABLES = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
    );
    /// A table's columns in order: name, declared type, whether NOT NULL (1/0).
    pair STATE_COLUMNS = (
        "SELECT name, type, \"notnull\" FROM pragma_table_info($1) ORDER BY cid",
        "SELECT column_name::text, data_type::text, CASE WHEN is_nullable::text = 'NO' THEN 1 ELSE 0 END FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
    );
    /// A table's foreign keys: column, parent table, parent column.
    pair STATE_FOREIGN_KEYS = (
        "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list($1)",
        "SELECT kcu.column_name::text, ccu.table_name::text, ccu.column_name::text FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1"
    );
    /// Columns filled by a sequence (`BIGSERIAL`): table, column.
    postgres STATE_SERIALS = "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'";
    both STATE_SCHEMA_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
}
