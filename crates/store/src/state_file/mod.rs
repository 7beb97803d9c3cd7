//! The whole state as one file (`GET /sandbox/v1/export`, `risala sandbox export`): every
//! table's rows and the media bytes in a versioned JSON-lines file (see [`format`]), and its
//! import, which checks everything first ([`check`]) and then replaces the state in one
//! transaction. Secrets and bodies travel opened and are sealed again with the importing
//! server's keys, so a file moves between servers with different keys and between engines.

mod check;
mod format;
mod schema;
mod seal;

use async_trait::async_trait;
use risala_core::clock::iso_time;
use risala_core::store::{StateFileStore, StateImportError, StateSummary, StoreResult};
use risala_core::StoreError;

use crate::db::{Plan, Stmt};
use crate::secrets::KEY_CHECK_SETTING;
use crate::value::Value;
use crate::SqlStore;
use format::{to_json, Header, RowLine, TableHeader, FORMAT, FORMAT_VERSION};
use seal::{note_media, MediaHashes};

/// The settings of the server itself: `server_settings` and the key check.
fn local_settings<'a>(server_settings: &[&'a str]) -> Vec<&'a str> {
    let mut keep = server_settings.to_vec();
    keep.push(KEY_CHECK_SETTING);
    keep
}

fn is_local_setting(t: &schema::Table, row: &[Value], keep: &[&str]) -> bool {
    t.name == "settings"
        && t.column("key")
            .and_then(|i| row.get(i))
            .is_some_and(|k| matches!(k, Value::Text(k) if keep.contains(&k.as_str())))
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Database(format!("state file: {e}"))
}

#[async_trait]
impl StateFileStore for SqlStore {
    async fn export_state(&self, server_settings: &[&str]) -> StoreResult<Vec<u8>> {
        let keep = local_settings(server_settings);
        let tables = schema::tables(&self.db).await?;
        let version = schema::version(&self.db).await?;
        let mut media = MediaHashes::new();
        let mut body = Vec::new();
        let mut heads = Vec::with_capacity(tables.len());
        for t in &tables {
            let mut n = 0;
            for row in self.db.query(schema::select_all(t), vec![]).await? {
                if is_local_setting(t, &row.0, &keep) {
                    continue;
                }
                note_media(t, &row.0, &mut media)?;
                let row = self.open_state_row(t, row.0, &media)?;
                let line = RowLine { t: t.name.clone(), r: row.iter().map(to_json).collect() };
                serde_json::to_writer(&mut body, &line).map_err(json_err)?;
                body.push(b'\n');
                n += 1;
            }
            heads.push(TableHeader {
                name: t.name.clone(),
                columns: t.columns.iter().map(|c| c.name.clone()).collect(),
                rows: n,
            });
        }
        let now = risala_core::clock::system_now_ms();
        let header = Header {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            risala_version: env!("CARGO_PKG_VERSION").into(),
            schema_version: version,
            engine: self.db.engine().as_str().into(),
            created_at: iso_time(now),
            created_at_ms: now,
            tables: heads,
        };
        let mut out = serde_json::to_vec(&header).map_err(json_err)?;
        out.push(b'\n');
        out.extend_from_slice(&body);
        Ok(out)
    }

    async fn import_state(&self, file: &[u8], server_settings: &[&str]) -> Result<StateSummary, StateImportError> {
        let keep = local_settings(server_settings);
        let tables = schema::tables(&self.db).await?;
        let version = schema::version(&self.db).await?;
        let (_, rows) = check::parse(file, &tables, version)?;
        check::foreign_keys(&tables, &rows)?;
        let media_count = check::media(&tables, &rows)?;

        // One plan, so one transaction: children emptied first, parents filled first.
        let mut plan = Plan::new();
        for t in tables.iter().rev() {
            if t.name == "settings" {
                let kept: Vec<Value> = keep.iter().map(|k| Value::Text((*k).to_string())).collect();
                plan.push(schema::delete_except(t, "key", kept.len()), kept);
            } else {
                plan.push(schema::delete_all(t), vec![]);
            }
        }
        let mut media = MediaHashes::new();
        let mut total = 0;
        for (t, rows) in tables.iter().zip(rows) {
            let insert = schema::insert(t);
            for row in rows {
                if is_local_setting(t, &row, &keep) {
                    continue;
                }
                note_media(t, &row, &mut media)?;
                plan.push(insert, self.seal_state_row(t, row, &media)?);
                total += 1;
            }
        }
        if self.db.engine() == crate::db::Engine::Sqlite {
            // Not in the file (see `schema::DERIVED`): worked out from the rows.
            plan.push(crate::sql::messages::RELINK_MESSAGES, vec![]);
            plan.push(crate::sql::messages::RECOUNT_CONVERSATIONS, vec![]);
        }
        for t in &tables {
            if let Some(col) = &t.serial {
                plan.stmts.push(Stmt::returning(schema::reset_sequence(t, col), vec![]));
            }
        }
        match self.db.write(plan).await {
            Ok(_) => Ok(StateSummary { tables: tables.len(), rows: total, media: media_count }),
            Err(StoreError::Conflict(why)) => Err(StateImportError::Invalid(format!(
                "the file's rows do not fit together ({why}); nothing was changed"
            ))),
            Err(e) => Err(e.into()),
        }
    }
}
