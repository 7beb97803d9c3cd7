//! The sealed columns of a state file's rows: opened on export (the file holds plain values, so
//! a server with other keys imports it) and sealed again on import with the importing store's
//! keys, the way its own writes seal them.

use std::collections::HashMap;

use risala_core::StoreError;

use super::schema::Table;
use crate::at_rest::{outbox_row, MESSAGE_BIZ_OPAQUE, MESSAGE_CONTENT, MESSAGE_ERROR, OUTBOX_VALUE};
use crate::secrets::{
    APP_SECRET, APP_SUBSCRIPTION_TOKEN, NUMBER_OVERRIDE_TOKEN, SETTING_VALUE, WABA_SUBSCRIPTION_TOKEN,
};
use crate::value::Value;
use crate::SqlStore;

/// Secrets: always encrypted, bound to their column.
const SECRETS: &[&str] =
    &[APP_SECRET, APP_SUBSCRIPTION_TOKEN, WABA_SUBSCRIPTION_TOKEN, NUMBER_OVERRIDE_TOKEN, SETTING_VALUE];
/// Bodies: encrypted with `encrypt_at_rest`, bound to their column and row.
const BODIES: &[&str] = &[MESSAGE_CONTENT, MESSAGE_BIZ_OPAQUE, MESSAGE_ERROR, OUTBOX_VALUE];
const MEDIA_CHUNK: &str = "media_chunks.data";

/// Media id → the file's SHA-256, which its chunks are bound to.
pub(crate) type MediaHashes = HashMap<String, String>;

fn col(t: &Table, row: &[Value], name: &str) -> Result<Value, StoreError> {
    t.column(name)
        .and_then(|i| row.get(i).cloned())
        .ok_or_else(|| StoreError::Database(format!("{}: no column {name}", t.name)))
}

fn text(v: Value) -> Result<String, StoreError> {
    match v {
        Value::Text(s) => Ok(s),
        Value::I64(n) => Ok(n.to_string()),
        other => Err(StoreError::Database(format!("expected text, found {other:?}"))),
    }
}

/// The identity a body of `t` is bound to.
fn body_row(t: &Table, row: &[Value]) -> Result<String, StoreError> {
    if t.name == "outbox" {
        let at = match col(t, row, "created_at")? {
            Value::I64(n) => n,
            other => return Err(StoreError::Database(format!("outbox.created_at: {other:?}"))),
        };
        return Ok(outbox_row(&text(col(t, row, "business_id")?)?, &text(col(t, row, "ordering_key")?)?, at));
    }
    text(col(t, row, "id")?)
}

fn chunk_place(t: &Table, row: &[Value], media: &MediaHashes) -> Result<(String, i64), StoreError> {
    let id = text(col(t, row, "media_id")?)?;
    let sha =
        media.get(&id).cloned().ok_or_else(|| StoreError::Database(format!("media chunk of unknown media {id}")))?;
    match col(t, row, "seq")? {
        Value::I64(seq) => Ok((sha, seq)),
        other => Err(StoreError::Database(format!("media_chunks.seq: {other:?}"))),
    }
}

/// Record the SHA-256 of each media row (media come before their chunks).
pub(crate) fn note_media(t: &Table, row: &[Value], media: &mut MediaHashes) -> Result<(), StoreError> {
    if t.name == "media" {
        media.insert(text(col(t, row, "id")?)?, text(col(t, row, "sha256")?)?);
    }
    Ok(())
}

impl SqlStore {
    /// `row` of `t` as stored, with its sealed values opened.
    pub(crate) fn open_state_row(
        &self,
        t: &Table,
        mut row: Vec<Value>,
        media: &MediaHashes,
    ) -> Result<Vec<Value>, StoreError> {
        for i in 0..row.len() {
            let name = format!("{}.{}", t.name, t.columns[i].name);
            let value = std::mem::replace(&mut row[i], Value::Null);
            row[i] = match value {
                Value::Text(s) if SECRETS.contains(&name.as_str()) => Value::Text(self.keys.open(&name, &s)?),
                Value::Text(s) if BODIES.contains(&name.as_str()) => {
                    Value::Text(self.keys.open_row(&name, &body_row(t, &row)?, s)?)
                }
                Value::Blob(b) if name == MEDIA_CHUNK => {
                    let (sha, seq) = chunk_place(t, &row, media)?;
                    Value::Blob(self.chunk_from_store(&sha, seq, b)?)
                }
                other => other,
            };
        }
        Ok(row)
    }

    /// `row` of `t` from a file, with the values this store seals sealed.
    pub(crate) fn seal_state_row(
        &self,
        t: &Table,
        mut row: Vec<Value>,
        media: &MediaHashes,
    ) -> Result<Vec<Value>, StoreError> {
        for i in 0..row.len() {
            let name = format!("{}.{}", t.name, t.columns[i].name);
            let value = std::mem::replace(&mut row[i], Value::Null);
            row[i] = match value {
                Value::Text(s) if SECRETS.contains(&name.as_str()) => Value::Text(self.keys.seal(&name, &s)?),
                Value::Text(s) if BODIES.contains(&name.as_str()) => {
                    Value::Text(self.seal_body(&name, &body_row(t, &row)?, s)?)
                }
                Value::Blob(b) if name == MEDIA_CHUNK => {
                    let (sha, seq) = chunk_place(t, &row, media)?;
                    Value::Blob(self.chunk_to_store(&sha, seq, b)?)
                }
                other => other,
            };
        }
        Ok(row)
    }
}
