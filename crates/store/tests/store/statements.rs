//! The store's SQL, checked the way a compiler would check it if the store used compile-time
//! checked queries: every statement of `risala_store::sql::all()` is prepared (never run) on
//! each engine that runs it, against a freshly migrated database, and its `$N` parameters are
//! numbered in order. A source scan keeps SQL from bypassing that list.
//!
//! No SQL is assembled at run time (`Db::query` and `Plan` take `&'static str`), so the list
//! is every statement there is: each shape a method can take (paging forwards or backwards,
//! replay by ids or of every dead row, ...) is a statement of its own.

use std::collections::BTreeSet;

use risala_store::sql::{self, Statement};
use risala_store::Engine;

use crate::harness::{available, Scratch};

/// The statements `engine` runs, with a name for messages.
fn statements(engine: Engine) -> Vec<(String, &'static str)> {
    sql::all().filter_map(|(area, s): (_, &Statement)| Some((format!("{area}::{}", s.name), s.on(engine)?))).collect()
}

/// The numbers of the `$N` placeholders of `sql` outside quoted strings, in order of
/// appearance; an error for a `?` placeholder (PostgreSQL has none).
fn placeholders(sql: &str) -> Result<Vec<usize>, String> {
    let b = sql.as_bytes();
    let (mut out, mut i, mut quoted) = (Vec::new(), 0, false);
    while i < b.len() {
        match b[i] {
            b'\'' => quoted = !quoted,
            b'?' if !quoted => return Err(format!("a '?' placeholder at byte {i}")),
            b'$' if !quoted => {
                let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 {
                    return Err(format!("a '$' without a number at byte {i}"));
                }
                out.push(sql[i + 1..i + 1 + digits].parse().map_err(|e| format!("{e}"))?);
                i += digits;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(out)
}

/// How many parameters `sql` takes, if they first appear as `$1`, `$2`, … `$n` in that order
/// (each used, none skipped). SQLite numbers `$N` parameters by first appearance, not by N:
/// a statement that used `$2` before `$1` would bind its values to the wrong places there.
fn parameter_count(sql: &str) -> Result<usize, String> {
    let mut seen = 0;
    for n in placeholders(sql)? {
        if n > seen + 1 {
            return Err(format!("${n} appears before ${}", seen + 1));
        }
        seen = seen.max(n);
    }
    Ok(seen)
}

#[test]
fn parameter_numbering_is_checked() {
    assert_eq!(parameter_count("SELECT 1"), Ok(0));
    assert_eq!(parameter_count("UPDATE t SET a = $1, b = $2 WHERE c = $1 AND d = '$9'"), Ok(2));
    assert!(parameter_count("SELECT $2, $1").is_err(), "out of order");
    assert!(parameter_count("SELECT $1, $3").is_err(), "$2 skipped");
    assert!(parameter_count("SELECT ?1").is_err(), "not PostgreSQL's");
}

#[test]
fn placeholders_are_numbered_in_order() {
    let mut bad = Vec::new();
    for engine in Engine::ALL {
        for (name, sql) in statements(engine) {
            if let Err(e) = parameter_count(sql) {
                bad.push(format!("{engine} {name}: {e}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn statements_are_listed_once() {
    let all: Vec<_> = sql::all().collect();
    assert!(all.len() > 100, "the list looks truncated: {} statements", all.len());
    let names: BTreeSet<_> = all.iter().map(|(_, s)| s.name).collect();
    assert_eq!(names.len(), all.len(), "two statements share a name");
    for engine in Engine::ALL {
        let list = statements(engine);
        let texts: BTreeSet<_> = list.iter().map(|(_, sql)| *sql).collect();
        assert_eq!(texts.len(), list.len(), "{engine}: the same text is listed under two names");
    }
    for (area, s) in all {
        if let sql::Sql::Pair { sqlite, postgres } = s.sql {
            assert_ne!(sqlite, postgres, "{area}::{} is a pair of one text: list it for both", s.name);
        }
    }
}

/// A statement PostgreSQL may run for many plans' rows at once has a listed form over arrays
/// that takes one array per parameter of the statement.
#[test]
fn merged_forms_match_their_statements() {
    let postgres: BTreeSet<_> = statements(Engine::Postgres).into_iter().map(|(_, sql)| sql).collect();
    assert!(!sql::merged().is_empty());
    for (one, many) in sql::merged() {
        assert!(postgres.contains(one) && postgres.contains(many), "not listed: {one} / {many}");
        assert_eq!(parameter_count(one), parameter_count(many), "{many}");
        assert!(many.contains("unnest("), "{many}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_statement_prepares_on_sqlite() {
    let scratch = Scratch::new(Engine::Sqlite).await;
    let _store = scratch.open().await;
    let conn = rusqlite::Connection::open(scratch.sqlite_path()).expect("open");
    let mut bad = Vec::new();
    let list = statements(Engine::Sqlite);
    for (name, sql) in &list {
        let n = parameter_count(sql).unwrap_or(0);
        match conn.prepare(sql) {
            Err(e) => bad.push(format!("{name}: {e}")),
            // SQLite's own view of the parameters: `$1` at index 1, and so on.
            Ok(stmt) => {
                let names: Vec<_> = (1..=stmt.parameter_count()).map(|i| stmt.parameter_name(i)).collect();
                let want: Vec<_> = (1..=n).map(|i| format!("${i}")).collect();
                if names != want.iter().map(|s| Some(s.as_str())).collect::<Vec<_>>() {
                    bad.push(format!("{name}: SQLite numbers its parameters {names:?}, not {want:?}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{} of {} statements:\n{}", bad.len(), list.len(), bad.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_statement_prepares_on_postgres() {
    if !available(Engine::Postgres) {
        return;
    }
    let scratch = Scratch::new(Engine::Postgres).await;
    let _store = scratch.open().await;
    let url = scratch.url.as_deref().expect("url");
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    let mut bad = Vec::new();
    let list = statements(Engine::Postgres);
    for (name, sql) in &list {
        let n = parameter_count(sql).unwrap_or(0);
        match client.prepare(sql).await {
            Err(e) => bad
                .push(format!("{name}: {}", e.as_db_error().map(|d| d.message().to_string()).unwrap_or(e.to_string()))),
            Ok(stmt) if stmt.params().len() != n => {
                bad.push(format!("{name}: PostgreSQL sees {} parameters, not {n}", stmt.params().len()))
            }
            Ok(_) => {}
        }
    }
    assert!(bad.is_empty(), "{} of {} statements:\n{}", bad.len(), list.len(), bad.join("\n"));
}

/// Store code takes its SQL from `sql/`: a statement written anywhere else would escape the
/// checks above. Scans the string literals of `src/` outside `src/sql/` for SQL.
#[test]
fn no_sql_outside_the_list() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut bad = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&src).expect("src") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            files += 1;
            let text = std::fs::read_to_string(&path).expect("read");
            for lit in string_literals(&text) {
                if looks_like_sql(&lit) {
                    bad.push(format!("{}: {lit}", path.strip_prefix(&src).unwrap_or(&path).display()));
                }
            }
            if text.contains("concat!(") {
                bad.push(format!(
                    "{}: builds text with concat!: SQL belongs in src/sql/",
                    path.strip_prefix(&src).unwrap_or(&path).display()
                ));
            }
        }
    }
    assert!(files >= 10, "scanned only {files} files in {}", src.display());
    assert!(bad.is_empty(), "SQL outside src/sql/:\n{}", bad.join("\n"));
}

#[test]
fn the_source_scan_finds_sql() {
    let code = r##"let a = 'x'; let q = '"'; fn f<'a>() {} // "SELECT 1"
        db.query("SELECT id FROM t WHERE \"x\" = $1", params![]); let r = r#"delete from t"#;"##;
    let lits = string_literals(code);
    assert_eq!(lits, ["SELECT id FROM t WHERE \\\"x\\\" = $1", "delete from t"]);
    assert!(lits.iter().all(|l| looks_like_sql(l)));
    assert!(!looks_like_sql("PRAGMA journal_mode=WAL") && !looks_like_sql("selected"));
}

fn looks_like_sql(lit: &str) -> bool {
    let head = lit.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "ALTER", "DROP"].contains(&head.as_str())
}

/// The string literals of Rust source (escapes left as written), skipping comments and
/// character literals.
fn string_literals(code: &str) -> Vec<String> {
    let b = code.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => i = code[i..].find('\n').map_or(b.len(), |n| i + n),
            b'/' if b.get(i + 1) == Some(&b'*') => i = code[i + 2..].find("*/").map_or(b.len(), |n| i + n + 4),
            // A character literal: '\…' or one character then a quote; otherwise a lifetime.
            b'\'' if b.get(i + 1) == Some(&b'\\') => i += 1 + code[i + 1..].find('\'').unwrap_or(0) + 1,
            b'\'' if code[i + 1..].chars().nth(1) == Some('\'') => {
                i += 1 + code[i + 1..].chars().next().map_or(0, char::len_utf8) + 1
            }
            b'r' if raw_string_at(b, i) => {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                let start = i + 1 + hashes + 1;
                let end = format!("\"{}", "#".repeat(hashes));
                let len = code[start..].find(&end).unwrap_or(code.len() - start);
                out.push(code[start..start + len].to_string());
                i = start + len + end.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                out.push(code[i + 1..j.min(b.len())].to_string());
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// `r"`, `r#"`, … at `i`, not inside an identifier (and not a raw identifier `r#name`).
fn raw_string_at(b: &[u8], i: usize) -> bool {
    let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
    b.get(i + 1 + hashes) == Some(&b'"') && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
}
