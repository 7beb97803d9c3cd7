//! The schema each engine holds after the store migrated an empty database.

use risala_store::Engine;

use super::{default_value, kind, Column, Index, Schema, Table};
use crate::harness::Scratch;

pub async fn sqlite() -> Schema {
    let scratch = Scratch::new(Engine::Sqlite).await;
    let _store = scratch.open().await;
    let conn = rusqlite::Connection::open(scratch.sqlite_path()).expect("open");
    let strings = |sql: &str| -> Vec<Vec<Option<String>>> {
        let mut stmt = conn.prepare(sql).expect(sql);
        let n = stmt.column_count();
        let rows = stmt.query_map([], |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => None,
                        rusqlite::types::ValueRef::Integer(v) => Some(v.to_string()),
                        v => Some(v.as_str()?.to_string()),
                    })
                })
                .collect::<Result<Vec<_>, rusqlite::Error>>()
        });
        rows.expect(sql).collect::<Result<_, _>>().expect(sql)
    };
    let s = |v: &Option<String>| v.clone().unwrap_or_default();

    let mut schema = Schema::default();
    let tables =
        strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
    for t in tables.iter().map(|r| s(&r[0])) {
        let mut table = Table::default();
        // cid, name, type, notnull, dflt_value, pk
        let info = strings(&format!("PRAGMA table_info({t})"));
        let mut pk: Vec<(i64, String)> = Vec::new();
        let key_columns = info.iter().filter(|c| s(&c[5]) != "0").count();
        for c in &info {
            let (name, declared, pk_pos) = (s(&c[1]), s(&c[2]), s(&c[5]).parse::<i64>().unwrap_or(0));
            if pk_pos > 0 {
                pk.push((pk_pos, name.clone()));
            }
            // A lone INTEGER primary key is the rowid: SQLite assigns it, as BIGSERIAL does.
            let rowid_alias = pk_pos > 0 && key_columns == 1 && declared.eq_ignore_ascii_case("INTEGER");
            let column = Column {
                kind: kind(Engine::Sqlite, &declared),
                // Primary key columns are NOT NULL on PostgreSQL; SQLite enforces it for its
                // rowid alias only, and the store never writes NULL into a key.
                not_null: s(&c[3]) == "1" || pk_pos > 0,
                default: match (&c[4], rowid_alias) {
                    (_, true) => Some("autoincrement".into()),
                    (Some(d), _) => Some(default_value(d)),
                    (None, _) => None,
                },
            };
            table.columns.insert(name, column);
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        // id, seq, table, from, to, …
        for fk in strings(&format!("PRAGMA foreign_key_list({t})")) {
            table.foreign_keys.insert((s(&fk[3]), s(&fk[2]), s(&fk[4])));
        }
        // seq, name, unique, origin, partial
        for ix in strings(&format!("PRAGMA index_list({t})")) {
            let name = s(&ix[1]);
            let columns: Vec<String> =
                strings(&format!("PRAGMA index_info({name})")).iter().map(|c| s(&c[2])).collect();
            match s(&ix[3]).as_str() {
                "u" => {
                    table.unique.insert(columns);
                }
                "c" => {
                    let index =
                        Index { table: t.clone(), columns, unique: s(&ix[2]) == "1", partial: s(&ix[4]) == "1" };
                    schema.indexes.insert(name, index);
                }
                _ => {} // the primary key's own index
            }
        }
        schema.tables.insert(t, table);
    }
    schema
}

pub async fn postgres() -> Schema {
    let scratch = Scratch::new(Engine::Postgres).await;
    let _store = scratch.open().await;
    let (client, conn) =
        tokio_postgres::connect(scratch.url.as_deref().expect("url"), tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    let query = |sql: &'static str| {
        let client = &client;
        async move { client.query(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e}")) }
    };

    let mut schema = Schema::default();
    for r in query(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, column_default::text \
         FROM information_schema.columns WHERE table_schema = current_schema()",
    )
    .await
    {
        let (table, name, data_type) = (r.get::<_, String>(0), r.get::<_, String>(1), r.get::<_, String>(2));
        let default: Option<String> = r.get(4);
        let column = Column {
            kind: kind(Engine::Postgres, &data_type),
            not_null: r.get::<_, String>(3) == "NO",
            default: default.as_deref().map(default_value),
        };
        schema.tables.entry(table).or_default().columns.insert(name, column);
    }

    // Constraints: primary keys, unique constraints, foreign keys (columns in key order).
    for r in query(
        "SELECT t.relname::text, c.contype::text, \
           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), \
           (SELECT relname::text FROM pg_class WHERE oid = c.confrelid), \
           ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace s ON s.oid = t.relnamespace \
         WHERE s.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')",
    )
    .await
    {
        let table = schema.tables.entry(r.get(0)).or_default();
        let columns: Vec<String> = r.get(2);
        match r.get::<_, String>(1).as_str() {
            "p" => table.primary_key = columns,
            "u" => {
                table.unique.insert(columns);
            }
            _ => {
                let (to_table, to): (Option<String>, Vec<String>) = (r.get(3), r.get(4));
                for (from, to) in columns.into_iter().zip(to) {
                    table.foreign_keys.insert((from, to_table.clone().unwrap_or_default(), to));
                }
            }
        }
    }

    // Named indexes: not those that back a constraint.
    for r in query(
        "SELECT i.relname::text, t.relname::text, x.indisunique, x.indpred IS NOT NULL, \
           ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, o) \
                 JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o) \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace s ON s.oid = t.relnamespace \
         WHERE s.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .await
    {
        let index = Index { table: r.get(1), columns: r.get(4), unique: r.get(2), partial: r.get(3) };
        schema.indexes.insert(r.get(0), index);
    }
    schema
}
