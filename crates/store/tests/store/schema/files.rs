//! The schema the migration files describe, read from the files themselves: the subset of
//! DDL the migrations use (CREATE/DROP TABLE, ALTER TABLE ADD/DROP COLUMN, CREATE/DROP
//! INDEX), and the data statements some migrations use to move rows (INSERT, UPDATE, DELETE),
//! which change no schema. A statement outside it fails the test rather than being skipped, so the reading
//! never silently misses a change; `sqlite_files_read_as_sqlite_applies_them` checks it
//! against what SQLite makes of the same files.

use std::path::Path;

use risala_store::Engine;

use super::{default_value, kind, Column, Index, Schema, Table};

/// The schema after every migration of `engine`'s folder, in file name order, preceded by the
/// runner's own bookkeeping table.
pub fn schema(engine: Engine) -> Schema {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(engine.as_str());
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    names.sort();
    assert!(names.len() >= 13, "{}: {} files", dir.display(), names.len());
    let runner = risala_store::sql::all()
        .find(|(_, s)| s.name == "CREATE_MIGRATIONS_TABLE")
        .and_then(|(_, s)| s.on(engine))
        .expect("the migrations table");
    let mut schema = Schema::default();
    apply(&mut schema, engine, runner);
    for path in names {
        let text = std::fs::read_to_string(&path).expect("read");
        for stmt in statements(&text) {
            apply(&mut schema, engine, &stmt);
        }
    }
    schema
}

#[test]
fn both_folders_hold_the_same_files() {
    let list = |engine: Engine| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(engine.as_str());
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(list(Engine::Sqlite), list(Engine::Postgres));
}

/// The statements of a file: `--` comments dropped, split at `;` outside quotes.
fn statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        let mut quoted = false;
        for (i, ch) in line.char_indices() {
            match ch {
                '\'' => quoted = !quoted,
                '-' if !quoted && line[i..].starts_with("--") => break,
                ';' if !quoted => {
                    out.push(std::mem::take(&mut cur));
                    continue;
                }
                _ => {}
            }
            cur.push(ch);
        }
        cur.push(' ');
    }
    out.push(cur);
    out.into_iter().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty()).collect()
}

/// Split at commas outside parentheses and quotes.
fn top_level(list: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth, mut quoted) = (Vec::new(), String::new(), 0, false);
    for ch in list.chars() {
        match ch {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    out.push(cur.trim().to_string());
    out
}

/// `name (inner) rest` → (`name`, `inner`, `rest`), for `t(a, b)` and `(a, b)`.
fn parens(s: &str) -> (&str, &str, &str) {
    let open = s.find('(').unwrap_or_else(|| panic!("no '(' in {s}"));
    let mut depth = 0;
    for (i, ch) in s.char_indices().skip(open) {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return (s[..open].trim(), &s[open + 1..i], s[i + 1..].trim());
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses in {s}")
}

fn names(list: &str) -> Vec<String> {
    top_level(list).iter().map(|c| c.split_whitespace().next().unwrap_or("").to_string()).collect()
}

/// Strip a leading keyword phrase (case-insensitive), as in `strip("IF NOT EXISTS", …)`.
fn strip<'a>(phrase: &str, s: &'a str) -> Option<&'a str> {
    let n = phrase.len();
    (s.len() >= n && s[..n].eq_ignore_ascii_case(phrase) && s[n..].starts_with([' ', '('])).then(|| s[n..].trim_start())
}

fn apply(schema: &mut Schema, engine: Engine, stmt: &str) {
    let fail = || -> ! { panic!("the migration reader does not know this statement ({engine}): {stmt}") };
    if let Some(rest) = strip("CREATE TABLE", stmt) {
        let rest = strip("IF NOT EXISTS", rest).unwrap_or(rest);
        let (name, body, _) = parens(rest);
        let mut table = Table::default();
        for item in top_level(body) {
            let upper = item.to_ascii_uppercase();
            if let Some(cols) = strip("PRIMARY KEY", &item) {
                table.primary_key = names(parens(cols).1);
            } else if let Some(cols) = strip("UNIQUE", &item) {
                table.unique.insert(names(parens(cols).1));
            } else if upper.starts_with("FOREIGN KEY") || upper.starts_with("CONSTRAINT") || upper.starts_with("CHECK")
            {
                fail();
            } else {
                column(&mut table, engine, &item);
            }
        }
        schema.tables.insert(name.to_string(), table);
    } else if let Some(rest) = strip("ALTER TABLE", stmt) {
        let (table_name, action) = rest.split_once(' ').unwrap_or_else(|| fail());
        let table = schema.tables.get_mut(table_name).unwrap_or_else(|| fail());
        if let Some(col) = strip("ADD COLUMN", action) {
            column(table, engine, col);
        } else if let Some(col) = strip("DROP COLUMN", action) {
            table.columns.remove(col.trim()).unwrap_or_else(|| fail());
        } else {
            fail();
        }
    } else if let Some(rest) = strip("DROP TABLE", stmt) {
        let rest = strip("IF EXISTS", rest).unwrap_or(rest);
        schema.tables.remove(rest.trim());
    } else if let Some(rest) =
        strip("CREATE UNIQUE INDEX", stmt).map(|r| (r, true)).or(strip("CREATE INDEX", stmt).map(|r| (r, false)))
    {
        let (rest, unique) = rest;
        let rest = strip("IF NOT EXISTS", rest).unwrap_or(rest);
        let (name, on) = rest.split_once(' ').unwrap_or_else(|| fail());
        let on = strip("ON", on).unwrap_or_else(|| fail());
        let (table, cols, tail) = parens(on);
        let partial = strip("WHERE", tail).is_some();
        if !partial && !tail.is_empty() {
            fail();
        }
        let index = Index { table: table.to_string(), columns: names(cols), unique, partial };
        schema.indexes.insert(name.to_string(), index);
    } else if let Some(rest) = strip("DROP INDEX", stmt) {
        let rest = strip("IF EXISTS", rest).unwrap_or(rest);
        schema.indexes.remove(rest.trim()).unwrap_or_else(|| fail());
    } else if ["INSERT INTO", "UPDATE", "DELETE FROM"].iter().any(|p| strip(p, stmt).is_some()) {
        // Data moved by a migration: the schema stays as it is.
    } else if engine == Engine::Postgres
        && ["CREATE OR REPLACE FUNCTION", "CREATE TRIGGER"].iter().any(|p| strip(p, stmt).is_some())
    {
        // PostgreSQL's notifications of changed tables (the fleet's caches): no tables or
        // indexes of their own.
    } else {
        fail();
    }
}

/// Words that end a column's type and start its constraints.
const CONSTRAINTS: &[&str] =
    &["NOT", "NULL", "PRIMARY", "REFERENCES", "DEFAULT", "UNIQUE", "CHECK", "COLLATE", "GENERATED", "CONSTRAINT"];

/// A column definition: `name TYPE [NOT NULL] [PRIMARY KEY [AUTOINCREMENT]] [UNIQUE]
/// [REFERENCES t(c)] [DEFAULT v]`.
fn column(table: &mut Table, engine: Engine, def: &str) {
    let words: Vec<&str> = def.split_whitespace().collect();
    let name = words[0].to_string();
    let type_len = words[1..].iter().take_while(|w| !CONSTRAINTS.contains(&w.to_ascii_uppercase().as_str())).count();
    let declared = words[1..1 + type_len].join(" ");
    let rest = words[1 + type_len..].join(" ");
    let upper = rest.to_ascii_uppercase();
    let primary = upper.contains("PRIMARY KEY");
    let generated = match engine {
        Engine::Sqlite => primary && declared.eq_ignore_ascii_case("INTEGER"),
        Engine::Postgres => declared.to_ascii_uppercase().ends_with("SERIAL"),
    };
    let default = match upper.find("DEFAULT ") {
        _ if generated => Some("autoincrement".into()),
        Some(i) => Some(default_value(rest[i + 8..].split_whitespace().next().unwrap_or(""))),
        None => None,
    };
    if primary {
        table.primary_key = vec![name.clone()];
    }
    if upper.contains("UNIQUE") {
        table.unique.insert(vec![name.clone()]);
    }
    if let Some(i) = upper.find("REFERENCES ") {
        let (to_table, to_cols, _) = parens(&rest[i + 11..]);
        table.foreign_keys.insert((name.clone(), to_table.to_string(), names(to_cols).join(",")));
    }
    let column = Column { kind: kind(engine, &declared), not_null: upper.contains("NOT NULL") || primary, default };
    table.columns.insert(name, column);
}

#[test]
fn the_reader_reads_the_ddl_the_migrations_use() {
    let mut s = Schema::default();
    let text = "-- a comment; with a semicolon\nCREATE TABLE t (id BIGSERIAL PRIMARY KEY, a TEXT NOT NULL UNIQUE, \
                b DOUBLE PRECISION DEFAULT 0, c TEXT REFERENCES u(id), PRIMARY KEY (id));\n\
                ALTER TABLE t ADD COLUMN d TEXT NOT NULL DEFAULT '[]';\n\
                CREATE UNIQUE INDEX t_a ON t(a, b) WHERE a <> 'x;y';\nDROP INDEX t_a;\nCREATE INDEX t_b ON t(b);\n\
                INSERT INTO t (id, a) SELECT id, a FROM v;";
    for stmt in statements(text) {
        apply(&mut s, Engine::Postgres, &stmt);
    }
    let t = &s.tables["t"];
    assert_eq!(t.columns.keys().collect::<Vec<_>>(), ["a", "b", "c", "d", "id"]);
    assert_eq!(
        t.columns["id"],
        Column { kind: "integer".into(), not_null: true, default: Some("autoincrement".into()) }
    );
    assert_eq!(t.columns["b"].kind, "float");
    assert_eq!(t.columns["d"].default.as_deref(), Some("'[]'"));
    assert!(t.unique.contains(&vec!["a".to_string()]));
    assert!(t.foreign_keys.contains(&("c".into(), "u".into(), "id".into())));
    assert_eq!(s.indexes.keys().collect::<Vec<_>>(), ["t_b"]);
}
