//! The schema as the database reports it, and the statements the state file runs on each table.
//!
//! The one place the store builds SQL at run time (see [`crate::sql`]): the state file covers
//! every table whatever later migrations add, so its per-table statements are made from the
//! names the database itself reports, quoted, never from a file's content (a file's table and
//! column names are only compared with these). Each text is made once per process and kept.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use risala_core::StoreError;

use crate::db::{Db, Engine};
use crate::sql::state_file::*;
use crate::value::Value;

/// How a column's values are written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Integer,
    Real,
    Text,
    Blob,
}

impl Kind {
    fn of(declared: &str) -> Kind {
        let t = declared.to_ascii_lowercase();
        if t.contains("int") || t.contains("bool") {
            Kind::Integer
        } else if t.contains("blob") || t.contains("bytea") {
            Kind::Blob
        } else if t.contains("real") || t.contains("double") || t.contains("float") || t.contains("numeric") {
            Kind::Real
        } else {
            Kind::Text
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub name: String,
    pub kind: Kind,
    pub not_null: bool,
}

/// `column` holds a value of `parent`'s `parent_column`.
#[derive(Debug, Clone)]
pub(crate) struct ForeignKey {
    pub column: usize,
    pub parent: String,
    pub parent_column: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub parents: Vec<ForeignKey>,
    /// The column a PostgreSQL sequence fills, whose sequence an import moves past the rows.
    pub serial: Option<String>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// Tables that are not the state: the record of applied migrations (the file's header names
/// the version instead).
const NOT_STATE: &[&str] = &["schema_migrations"];

/// Columns worked out from other rows, like an index, so not in the file: SQLite's links of a
/// chat's messages (each message's previous one and each conversation's last, by rowid), each
/// conversation's last template, and the lowest rowid at which a conversation's undelivered
/// messages may start (an import works them out again; PostgreSQL does not keep them).
const DERIVED: &[(&str, &str)] = &[
    ("conversations", "undelivered_from"),
    ("conversations", "last_rowid"),
    ("conversations", "last_template_id"),
    ("messages", "prev"),
];

fn text(v: &Value) -> Result<String, StoreError> {
    match v {
        Value::Text(s) => Ok(s.clone()),
        other => Err(StoreError::Database(format!("schema: expected a name, found {other:?}"))),
    }
}

/// The migration version the database is at.
pub(crate) async fn version(db: &Db) -> Result<i64, StoreError> {
    let row = db.query_opt(STATE_SCHEMA_VERSION, vec![]).await?;
    row.map(|r| r.i64(0)).transpose().map(|v| v.unwrap_or(0))
}

/// Every table of the state, parents before the tables that refer to them.
pub(crate) async fn tables(db: &Db) -> Result<Vec<Table>, StoreError> {
    let mut serials: HashMap<String, String> = HashMap::new();
    if db.engine() == Engine::Postgres {
        for r in db.query(STATE_SERIALS, vec![]).await? {
            serials.insert(text(r.get(0))?, text(r.get(1))?);
        }
    }
    let mut by_name = BTreeMap::new();
    for r in db.query(db.pick(STATE_TABLES), vec![]).await? {
        let name = text(r.get(0))?;
        if NOT_STATE.contains(&name.as_str()) {
            continue;
        }
        let mut columns = Vec::new();
        for c in db.query(db.pick(STATE_COLUMNS), vec![Value::Text(name.clone())]).await? {
            if DERIVED.contains(&(name.as_str(), text(c.get(0))?.as_str())) {
                continue;
            }
            columns.push(Column { name: text(c.get(0))?, kind: Kind::of(&text(c.get(1))?), not_null: c.i64(2)? != 0 });
        }
        let mut parents = Vec::new();
        for f in db.query(db.pick(STATE_FOREIGN_KEYS), vec![Value::Text(name.clone())]).await? {
            let col = text(f.get(0))?;
            let column = columns
                .iter()
                .position(|c| c.name == col)
                .ok_or_else(|| StoreError::Database(format!("schema: {name} has no column {col}")))?;
            parents.push(ForeignKey { column, parent: text(f.get(1))?, parent_column: text(f.get(2))? });
        }
        let serial = serials.get(&name).cloned();
        by_name.insert(name.clone(), Table { name, columns, parents, serial });
    }
    Ok(parents_first(by_name))
}

/// Order tables so that every table comes after those it refers to (a table referring to
/// itself, or a cycle, keeps the name order for what is left).
fn parents_first(mut left: BTreeMap<String, Table>) -> Vec<Table> {
    let mut out: Vec<Table> = Vec::with_capacity(left.len());
    let mut placed: HashSet<String> = HashSet::new();
    while !left.is_empty() {
        let ready: Vec<String> = left
            .values()
            .filter(|t| {
                t.parents
                    .iter()
                    .all(|p| p.parent == t.name || placed.contains(&p.parent) || !left.contains_key(&p.parent))
            })
            .map(|t| t.name.clone())
            .collect();
        let ready = if ready.is_empty() { left.keys().take(1).cloned().collect() } else { ready };
        for name in ready {
            if let Some(t) = left.remove(&name) {
                placed.insert(name);
                out.push(t);
            }
        }
    }
    out
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A statement text kept for the life of the process (at most a few per table).
fn interned(text: String) -> &'static str {
    static TEXTS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut texts = TEXTS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(t) = texts.get(text.as_str()) {
        return t;
    }
    let t: &'static str = Box::leak(text.into_boxed_str());
    texts.insert(t);
    t
}

fn column_list(t: &Table) -> String {
    t.columns.iter().map(|c| quote(&c.name)).collect::<Vec<_>>().join(", ")
}

/// Every row of `t`, columns in order, in a stable order.
pub(crate) fn select_all(t: &Table) -> &'static str {
    let order = (1..=t.columns.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    interned(format!("SELECT {} FROM {} ORDER BY {order}", column_list(t), quote(&t.name)))
}

pub(crate) fn insert(t: &Table) -> &'static str {
    let marks = (1..=t.columns.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    interned(format!("INSERT INTO {} ({}) VALUES ({marks})", quote(&t.name), column_list(t)))
}

pub(crate) fn delete_all(t: &Table) -> &'static str {
    interned(format!("DELETE FROM {}", quote(&t.name)))
}

/// Delete every row of `t` whose `column` is not one of `n` kept values (`$1`..`$n`).
pub(crate) fn delete_except(t: &Table, column: &str, n: usize) -> &'static str {
    if n == 0 {
        return delete_all(t);
    }
    let marks = (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    interned(format!("DELETE FROM {} WHERE {} NOT IN ({marks})", quote(&t.name), quote(column)))
}

/// PostgreSQL: move `t`'s sequence past its highest value, so new rows do not collide with
/// the imported ones.
pub(crate) fn reset_sequence(t: &Table, column: &str) -> &'static str {
    let (table, col) = (quote(&t.name), quote(column));
    interned(format!(
        "SELECT setval(pg_get_serial_sequence('{}', '{}'), COALESCE((SELECT MAX({col}) FROM {table}), 0) + 1, false)",
        t.name.replace('\'', "''"),
        column.replace('\'', "''")
    ))
}
