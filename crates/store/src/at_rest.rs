//! Message bodies and webhook payloads at rest: with `encrypt_at_rest` on, the columns that
//! hold what a customer or a business wrote (`messages.content`, `biz_opaque`, `error`, and the
//! team's notes, `conversation_notes.body`) and the payloads waiting in the outbox
//! (`outbox.value`) are encrypted with the newest key of the
//! store's [`Keyring`] just before binding, bound to their row, and opened just after reading,
//! whatever the switch (rows written before, or while it was off, read as they are).

use risala_core::StoreError;

use crate::db::Plan;
use crate::keyring::Keyring;
use crate::sql::at_rest::*;
use crate::value::{Row, Value};
use crate::SqlStore;

/// The encrypted body columns, named as their associated data (with the row's identity).
pub(crate) const MESSAGE_CONTENT: &str = "messages.content";
pub(crate) const MESSAGE_BIZ_OPAQUE: &str = "messages.biz_opaque";
pub(crate) const MESSAGE_ERROR: &str = "messages.error";
pub(crate) const OUTBOX_VALUE: &str = "outbox.value";
/// An internal note of the team inbox: what an agent wrote about a customer.
pub(crate) const NOTE_BODY: &str = "conversation_notes.body";

/// The identity an outbox payload is bound to. The row id is not known before the insert (it
/// is the engine's sequence), so the payload is bound to what the row is known by when it is
/// written: the business, the conversation (ordering key) and the time.
pub(crate) fn outbox_row(business_id: &str, ordering_key: &str, created_at: i64) -> String {
    format!("{business_id}\n{ordering_key}\n{created_at}")
}

/// The id of a message's or a note's row (the first column).
fn message_row(r: &Row) -> Result<String, StoreError> {
    r.text(0)
}

fn outbox_row_of(r: &Row) -> Result<String, StoreError> {
    Ok(outbox_row(&r.text(1)?, &r.text(2)?, r.i64(3)?))
}

/// One body column: the statements that read it in batches and rewrite one value (see
/// `sql::at_rest`), where its cursor starts, and the identity of a row read.
struct Column {
    name: &'static str,
    read: &'static str,
    reseal: &'static str,
    start: fn() -> Value,
    row: fn(&Row) -> Result<String, StoreError>,
}

fn text_start() -> Value {
    Value::Text(String::new())
}

fn id_start() -> Value {
    Value::I64(0)
}

const COLUMNS: &[Column] = &[
    Column { name: MESSAGE_CONTENT, read: BODY_CONTENT, reseal: RESEAL_CONTENT, start: text_start, row: message_row },
    Column {
        name: MESSAGE_BIZ_OPAQUE,
        read: BODY_BIZ_OPAQUE,
        reseal: RESEAL_BIZ_OPAQUE,
        start: text_start,
        row: message_row,
    },
    Column { name: MESSAGE_ERROR, read: BODY_ERROR, reseal: RESEAL_ERROR, start: text_start, row: message_row },
    Column { name: OUTBOX_VALUE, read: BODY_OUTBOX, reseal: RESEAL_OUTBOX, start: id_start, row: outbox_row_of },
    Column { name: NOTE_BODY, read: BODY_NOTE, reseal: RESEAL_NOTE, start: text_start, row: message_row },
];

impl SqlStore {
    /// Encrypt message bodies and webhook payloads at rest from now on (`encrypt_at_rest`);
    /// off, new rows are written in plain text. Either way encrypted rows read.
    pub fn encrypt_at_rest(mut self, on: bool) -> SqlStore {
        self.seal_bodies = on;
        self
    }

    /// Whether new bodies are encrypted.
    pub fn encrypts_at_rest(&self) -> bool {
        self.seal_bodies
    }

    /// `plain`, a body of `column` in the row `row`, as it is to be stored.
    pub(crate) fn seal_body(&self, column: &str, row: &str, plain: String) -> Result<String, StoreError> {
        self.seal_body_of(column, || row.to_owned(), plain)
    }

    /// [`Self::seal_body`] for a row whose identity is made only when the body is sealed (an
    /// outbox row's: its business, ordering key and time, written out).
    pub(crate) fn seal_body_of(
        &self,
        column: &str,
        row: impl FnOnce() -> String,
        plain: String,
    ) -> Result<String, StoreError> {
        // A plain value that reads like an encrypted one (a business's `biz_opaque_callback_data`
        // may be any string) is encrypted even with the switch off, so it reads back as itself.
        if self.seal_bodies || Keyring::is_sealed(&plain) {
            self.keys.seal_row(column, &row(), &plain)
        } else {
            Ok(plain)
        }
    }

    /// `seal_body` of an optional value.
    pub(crate) fn seal_body_opt(
        &self,
        column: &str,
        row: &str,
        plain: Option<String>,
    ) -> Result<Option<String>, StoreError> {
        plain.map(|p| self.seal_body(column, row, p)).transpose()
    }

    /// The plain value of a stored body of `column` in the row `row`.
    pub(crate) fn open_body(&self, column: &str, row: &str, stored: String) -> Result<String, StoreError> {
        self.keys.open_row(column, row, stored)
    }

    /// `open_body` of an optional value.
    pub(crate) fn open_body_opt(
        &self,
        column: &str,
        row: &str,
        stored: Option<String>,
    ) -> Result<Option<String>, StoreError> {
        stored.map(|s| self.open_body(column, row, s)).transpose()
    }

    /// Encrypt every stored body with the newest key, `batch` rows per read and per commit:
    /// values under an older key, and with `encrypt_at_rest` on also values stored in plain
    /// text. Returns how many values were rewritten.
    pub async fn reencrypt_bodies(&self, batch: usize) -> Result<usize, StoreError> {
        let batch = batch.max(1);
        let pattern = format!("{}%", self.keys.newest_prefix());
        let mut done = 0;
        for c in COLUMNS {
            let mut after = (c.start)();
            loop {
                let params = vec![after.clone(), Value::Text(pattern.clone()), Value::I64(batch as i64)];
                let rows = self.db.query(c.read, params).await?;
                let mut plan = Plan::new();
                for r in &rows {
                    let (Some(cursor), Some(Value::Text(stored))) = (r.0.first(), r.0.last()) else { continue };
                    after = cursor.clone();
                    if !self.seal_bodies && !Keyring::is_sealed(stored) {
                        continue;
                    }
                    let row = (c.row)(r)?;
                    let plain = self.keys.open_row(c.name, &row, stored.clone())?;
                    let sealed = self.keys.seal_row(c.name, &row, &plain)?;
                    plan.push(c.reseal, vec![Value::Text(sealed), cursor.clone(), Value::Text(stored.clone())]);
                }
                if !plan.stmts.is_empty() {
                    done += self.db.write(plan).await?.iter().map(|o| o.affected as usize).sum::<usize>();
                }
                if rows.len() < batch {
                    break;
                }
            }
        }
        Ok(done)
    }
}
