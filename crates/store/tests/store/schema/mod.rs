//! The SQLite and PostgreSQL migrations describe one schema. Each engine's schema is read back
//! after migrating an empty database (`pragma table_info` and friends; PostgreSQL's catalogs),
//! and also read from the migration files themselves, so the check runs without PostgreSQL
//! too; column types are compared after normalising them to what the store relies on:
//!
//! | kind      | SQLite (by affinity)       | PostgreSQL                                      |
//! |-----------|----------------------------|-------------------------------------------------|
//! | `integer` | INTEGER, BIGINT, …         | BIGINT, BIGSERIAL (64 bits, like SQLite's)       |
//! | `text`    | TEXT, VARCHAR, …           | TEXT, VARCHAR, CHAR                              |
//! | `bytes`   | BLOB                       | BYTEA                                            |
//! | `float`   | REAL, DOUBLE, …            | DOUBLE PRECISION                                 |
//!
//! Anything else is its own kind and matches nothing on the other engine, on purpose: JSON is
//! TEXT on both (the store binds JSON as text, which a `jsonb` column would refuse); booleans
//! are BIGINT 0/1 on both (SQLite has no boolean type); PostgreSQL's INTEGER and SMALLINT are
//! narrower than SQLite's 64-bit INTEGER, and REAL narrower than SQLite's REAL.
//!
//! Compared per table: columns (kind, NOT NULL, default), primary key, unique constraints and
//! foreign keys; and every named index (table, columns, unique, partial or not), except the
//! few in [`ONE_ENGINE_INDEXES`], which serve a query only one engine asks.

mod engines;
mod files;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use risala_store::Engine;

use crate::harness::available;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub kind: String,
    pub not_null: bool,
    /// As written, without PostgreSQL's `::type` casts; `autoincrement` for a generated id.
    pub default: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: BTreeMap<String, Column>,
    pub primary_key: Vec<String>,
    pub unique: BTreeSet<Vec<String>>,
    /// (column, referenced table, referenced column)
    pub foreign_keys: BTreeSet<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub partial: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
    pub indexes: BTreeMap<String, Index>,
}

/// A declared column type as the store relies on it (see the module's table).
pub fn kind(engine: Engine, declared: &str) -> String {
    let t = declared.trim().to_ascii_uppercase();
    match engine {
        // SQLite's type affinity rules, in SQLite's order.
        Engine::Sqlite => match () {
            _ if t.contains("INT") => "integer",
            _ if ["CHAR", "CLOB", "TEXT"].iter().any(|s| t.contains(s)) => "text",
            _ if t.contains("BLOB") || t.is_empty() => "bytes",
            _ if ["REAL", "FLOA", "DOUB"].iter().any(|s| t.contains(s)) => "float",
            _ => return format!("sqlite numeric ({t})"),
        }
        .into(),
        Engine::Postgres => match t.as_str() {
            "BIGINT" | "INT8" | "BIGSERIAL" | "SERIAL8" => "integer",
            "TEXT" | "CHARACTER VARYING" | "VARCHAR" | "CHARACTER" | "CHAR" => "text",
            "BYTEA" => "bytes",
            "DOUBLE PRECISION" | "FLOAT8" => "float",
            _ => return format!("postgres {}", t.to_ascii_lowercase()),
        }
        .into(),
    }
}

/// A default as written, without PostgreSQL's casts (`'[]'::text` is `'[]'`).
pub fn default_value(written: &str) -> String {
    let w = written.trim();
    if w.to_ascii_lowercase().starts_with("nextval(") {
        return "autoincrement".into();
    }
    match w.strip_prefix('\'').and_then(|rest| rest.find('\'').map(|end| &w[..end + 2])) {
        Some(quoted) => quoted.to_string(),
        None => w.split("::").next().unwrap_or(w).to_string(),
    }
}

/// Indexes that exist on one engine only, each because only that engine asks their question.
pub const ONE_ENGINE_INDEXES: &[(&str, Engine)] = &[
    // The outbox claim's "is an earlier row of this conversation pending?": PostgreSQL asks it
    // in SQL (several nodes share the outbox); SQLite's one process keeps the pending rows in
    // memory and asks nothing.
    ("outbox_pending_order", Engine::Postgres),
    // When the next pending row is due: PostgreSQL asks it in SQL; SQLite's worker asks the
    // schedule it keeps in memory.
    ("outbox_due", Engine::Postgres),
    // A customer's undelivered messages: SQLite finds them from the customer's conversations
    // (`conversations.undelivered_from`, kept by its one writer); PostgreSQL's nodes keep this
    // index by customer.
    ("messages_undelivered", Engine::Postgres),
    // A chat's messages: SQLite walks them back from the conversation (`messages.prev`,
    // `conversations.last_rowid`, kept by its one writer) and reads a number's messages by
    // time; PostgreSQL's nodes, which write a chat concurrently, keep the chat index.
    ("messages_chat", Engine::Postgres),
    // A chat's last template: SQLite keeps it on the conversation's row.
    ("messages_template", Engine::Postgres),
    ("messages_number_time", Engine::Sqlite),
];

/// Every difference between two schemas, one per line.
pub fn differences(a_name: &str, a: &Schema, b_name: &str, b: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<_> = a.tables.keys().chain(b.tables.keys()).collect();
    for name in names {
        let (ta, tb) = match (a.tables.get(name), b.tables.get(name)) {
            (Some(ta), Some(tb)) => (ta, tb),
            (Some(_), None) => {
                out.push(format!("table {name}: only in {a_name}"));
                continue;
            }
            _ => {
                out.push(format!("table {name}: only in {b_name}"));
                continue;
            }
        };
        let cols: BTreeSet<_> = ta.columns.keys().chain(tb.columns.keys()).collect();
        for c in cols {
            match (ta.columns.get(c), tb.columns.get(c)) {
                (Some(x), Some(y)) if x == y => {}
                (Some(x), Some(y)) => out.push(format!("{name}.{c}: {a_name} {x:?}, {b_name} {y:?}")),
                (Some(_), None) => out.push(format!("{name}.{c}: only in {a_name}")),
                _ => out.push(format!("{name}.{c}: only in {b_name}")),
            }
        }
        let mut field = |what: &str, x: String, y: String| {
            if x != y {
                out.push(format!("{name} {what}: {a_name} {x}, {b_name} {y}"));
            }
        };
        field("primary key", format!("{:?}", ta.primary_key), format!("{:?}", tb.primary_key));
        field("unique", format!("{:?}", ta.unique), format!("{:?}", tb.unique));
        field("foreign keys", format!("{:?}", ta.foreign_keys), format!("{:?}", tb.foreign_keys));
    }
    let names: BTreeSet<_> = a.indexes.keys().chain(b.indexes.keys()).collect();
    for name in names {
        if ONE_ENGINE_INDEXES.iter().any(|(n, _)| n == name) {
            continue;
        }
        match (a.indexes.get(name), b.indexes.get(name)) {
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => out.push(format!("index {name}: {a_name} {x:?}, {b_name} {y:?}")),
            (Some(_), None) => out.push(format!("index {name}: only in {a_name}")),
            _ => out.push(format!("index {name}: only in {b_name}")),
        }
    }
    out
}

fn assert_same(a_name: &str, a: &Schema, b_name: &str, b: &Schema) {
    assert!(a.tables.len() > 20 && b.tables.len() > 20, "a schema looks empty: {a:?} {b:?}");
    let diffs = differences(a_name, a, b_name, b);
    let mut msg = String::new();
    for d in &diffs {
        let _ = writeln!(msg, "  {d}");
    }
    assert!(diffs.is_empty(), "{a_name} and {b_name} disagree:\n{msg}");
}

/// The migration files as written, per engine: always available.
#[test]
fn migration_files_agree() {
    let sqlite = files::schema(Engine::Sqlite);
    let postgres = files::schema(Engine::Postgres);
    assert_same("sqlite files", &sqlite, "postgres files", &postgres);
    for (name, engine) in ONE_ENGINE_INDEXES {
        let (on, off) = match engine {
            Engine::Sqlite => (&sqlite, &postgres),
            Engine::Postgres => (&postgres, &sqlite),
        };
        assert!(on.indexes.contains_key(*name), "index {name} is missing on {engine}");
        assert!(!off.indexes.contains_key(*name), "index {name} is meant for {engine} only");
    }
}

/// The file reading above is only as good as its parser: it must read the SQLite files as
/// SQLite itself applies them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_files_read_as_sqlite_applies_them() {
    let applied = engines::sqlite().await;
    assert_same("sqlite files", &files::schema(Engine::Sqlite), "sqlite applied", &applied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_files_read_as_postgres_applies_them() {
    if !available(Engine::Postgres) {
        return;
    }
    let applied = engines::postgres().await;
    assert_same("postgres files", &files::schema(Engine::Postgres), "postgres applied", &applied);
}

/// The schemas the two engines hold after migrating an empty database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engines_agree_after_migrating() {
    if !available(Engine::Postgres) {
        return;
    }
    let (sqlite, postgres) = (engines::sqlite().await, engines::postgres().await);
    assert_same("sqlite", &sqlite, "postgres", &postgres);
}

#[test]
fn a_column_on_one_engine_only_is_a_difference() {
    let mut one = files::schema(Engine::Sqlite);
    let other = one.clone();
    let table = one.tables.get_mut("messages").expect("messages");
    table.columns.insert("extra".into(), Column { kind: "text".into(), not_null: false, default: None });
    assert_eq!(differences("one", &one, "other", &other), ["messages.extra: only in one"]);
    let col = one.tables.get_mut("messages").unwrap().columns.get_mut("seq").unwrap();
    col.kind = kind(Engine::Postgres, "INTEGER");
    assert_eq!(differences("one", &one, "other", &other).len(), 2, "INTEGER on PostgreSQL is 32 bits");
}

#[test]
fn types_normalise() {
    use Engine::*;
    for (engine, declared, want) in [
        (Sqlite, "INTEGER", "integer"),
        (Sqlite, "BIGINT", "integer"),
        (Sqlite, "TEXT", "text"),
        (Sqlite, "BLOB", "bytes"),
        (Sqlite, "REAL", "float"),
        (Postgres, "BIGINT", "integer"),
        (Postgres, "bigint", "integer"),
        (Postgres, "character varying", "text"),
        (Postgres, "bytea", "bytes"),
        (Postgres, "double precision", "float"),
    ] {
        assert_eq!(kind(engine, declared), want, "{engine} {declared}");
    }
    assert_ne!(kind(Sqlite, "BOOLEAN"), kind(Postgres, "BOOLEAN"));
    assert_ne!(kind(Sqlite, "TEXT"), kind(Postgres, "JSONB"));
    assert_ne!(kind(Sqlite, "INTEGER"), kind(Postgres, "INTEGER"));
    assert_eq!(default_value("'[]'::text"), "'[]'");
    assert_eq!(default_value("'0:MAX'"), "'0:MAX'");
    assert_eq!(default_value("nextval('outbox_id_seq'::regclass)"), "autoincrement");
    assert_eq!(default_value("0"), "0");
}
