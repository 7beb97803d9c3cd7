//! Everything an import checks before it changes anything: the header (format, version, the
//! schema version), every table known and present with the same columns, every row's shape and
//! types, row counts, foreign keys, and each media file's bytes against its size and SHA-256.

use std::collections::{HashMap, HashSet};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use risala_core::store::StateImportError;

use super::format::{from_json, Header, RowLine, FORMAT, FORMAT_VERSION};
use super::schema::Table;
use crate::value::Value;

fn invalid(why: impl Into<String>) -> StateImportError {
    StateImportError::Invalid(why.into())
}

/// The rows of a file, per table of the server's schema (same order), columns in the
/// server's order.
pub(crate) type Rows = Vec<Vec<Vec<Value>>>;

/// Parse and check `file` against `tables` (the server's schema at `version`).
pub(crate) fn parse(file: &[u8], tables: &[Table], version: i64) -> Result<(Header, Rows), StateImportError> {
    let mut lines = file.split(|b| *b == b'\n').enumerate().filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace));
    let (_, first) = lines.next().ok_or_else(|| invalid("the file is empty"))?;
    let head: serde_json::Value = serde_json::from_slice(first)
        .map_err(|_| invalid("the file is not a Risala state file (no JSON header line)"))?;
    if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(invalid(format!("the file is not a Risala state file (its header has no format \"{FORMAT}\")")));
    }
    let header: Header = serde_json::from_value(head).map_err(|e| invalid(format!("the header is not valid: {e}")))?;
    if header.format_version != FORMAT_VERSION {
        return Err(invalid(format!(
            "format version {} is not one this server reads (it reads version {FORMAT_VERSION})",
            header.format_version
        )));
    }
    if header.schema_version != version {
        return Err(invalid(format!(
            "the file was made at schema version {} and this server is at version {version}: import it into a server of the version that made it (Risala {})",
            header.schema_version, header.risala_version
        )));
    }
    // The file's tables against the schema: each known, none missing, the same columns.
    let mut mapping: HashMap<&str, (usize, Vec<usize>)> = HashMap::new();
    for th in &header.tables {
        let (ti, t) = tables
            .iter()
            .enumerate()
            .find(|(_, t)| t.name == th.name)
            .ok_or_else(|| invalid(format!("the file has a table '{}' that this server does not have", th.name)))?;
        let mut order = Vec::with_capacity(th.columns.len());
        for c in &th.columns {
            order.push(t.column(c).ok_or_else(|| invalid(format!("table {}: unknown column '{c}'", t.name)))?);
        }
        let distinct: HashSet<_> = order.iter().collect();
        if distinct.len() != t.columns.len() || order.len() != t.columns.len() {
            return Err(invalid(format!("table {}: the file's columns are not this server's columns", t.name)));
        }
        if mapping.insert(th.name.as_str(), (ti, order)).is_some() {
            return Err(invalid(format!("the header names table '{}' twice", th.name)));
        }
    }
    if let Some(t) = tables.iter().find(|t| !mapping.contains_key(t.name.as_str())) {
        return Err(invalid(format!("the file has no table '{}'", t.name)));
    }
    let mut rows: Rows = tables.iter().map(|_| Vec::new()).collect();
    for (n, line) in lines {
        let line_no = n + 1;
        let row: RowLine =
            serde_json::from_slice(line).map_err(|e| invalid(format!("line {line_no} is not a row: {e}")))?;
        let (ti, order) = mapping.get(row.t.as_str()).ok_or_else(|| {
            invalid(format!("line {line_no}: a row of table '{}', which the header does not name", row.t))
        })?;
        let t = &tables[*ti];
        let at = format!("table {}, row {} (line {line_no})", t.name, rows[*ti].len() + 1);
        if row.r.len() != order.len() {
            return Err(invalid(format!("{at}: {} values for {} columns", row.r.len(), order.len())));
        }
        let mut values = vec![Value::Null; order.len()];
        for (v, &ci) in row.r.iter().zip(order) {
            let c = &t.columns[ci];
            values[ci] = from_json(v, c.kind, c.not_null).map_err(|why| invalid(format!("{at}: {} {why}", c.name)))?;
        }
        rows[*ti].push(values);
    }
    for th in &header.tables {
        let (ti, _) = &mapping[th.name.as_str()];
        if rows[*ti].len() != th.rows {
            return Err(invalid(format!(
                "table {}: the header says {} rows and the file holds {} (is it cut short?)",
                th.name,
                th.rows,
                rows[*ti].len()
            )));
        }
    }
    Ok((header, rows))
}

fn key(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::I64(n) => Some(n.to_string()),
        Value::F64(f) => Some(f.to_string()),
        Value::Text(s) => Some(s.clone()),
        Value::Blob(b) => Some(STANDARD.encode(b)),
    }
}

/// Every foreign key of every row names a row of the file.
pub(crate) fn foreign_keys(tables: &[Table], rows: &Rows) -> Result<(), StateImportError> {
    for (ti, t) in tables.iter().enumerate() {
        for fk in &t.parents {
            let Some(pi) = tables.iter().position(|p| p.name == fk.parent) else { continue };
            let Some(pc) = tables[pi].column(&fk.parent_column) else { continue };
            let known: HashSet<String> = rows[pi].iter().filter_map(|r| key(&r[pc])).collect();
            for (n, r) in rows[ti].iter().enumerate() {
                if let Some(k) = key(&r[fk.column]).filter(|k| !known.contains(k)) {
                    return Err(invalid(format!(
                        "table {}, row {}: {} '{k}' names no row of {} ({})",
                        t.name,
                        n + 1,
                        t.columns[fk.column].name,
                        fk.parent,
                        fk.parent_column
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Each media file's chunks, in order, are as long as its `file_size` and hash to its `sha256`.
/// Returns how many media files the file holds.
pub(crate) fn media(tables: &[Table], rows: &Rows) -> Result<usize, StateImportError> {
    let (Some(mi), Some(ci)) =
        (tables.iter().position(|t| t.name == "media"), tables.iter().position(|t| t.name == "media_chunks"))
    else {
        return Ok(0);
    };
    let (m, c) = (&tables[mi], &tables[ci]);
    let col = |t: &Table, name: &str| t.column(name).ok_or_else(|| invalid(format!("table {} has no {name}", t.name)));
    let (id, sha, size) = (col(m, "id")?, col(m, "sha256")?, col(m, "file_size")?);
    let (of, seq, data) = (col(c, "media_id")?, col(c, "seq")?, col(c, "data")?);
    let mut chunks: HashMap<String, Vec<(i64, &[u8])>> = HashMap::new();
    for r in &rows[ci] {
        if let (Some(k), Value::I64(s), Value::Blob(b)) = (key(&r[of]), &r[seq], &r[data]) {
            chunks.entry(k).or_default().push((*s, b.as_slice()));
        }
    }
    for r in &rows[mi] {
        let media_id = key(&r[id]).unwrap_or_default();
        let mut parts = chunks.remove(&media_id).unwrap_or_default();
        parts.sort_by_key(|p| p.0);
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        let mut len = 0i64;
        for (_, b) in &parts {
            ctx.update(b);
            len += b.len() as i64;
        }
        if r[size] != Value::I64(len) {
            let said = key(&r[size]).unwrap_or_default();
            return Err(invalid(format!("media {media_id}: {len} bytes where its file_size says {said}")));
        }
        if r[sha] != Value::Text(STANDARD.encode(ctx.finish().as_ref())) {
            return Err(invalid(format!("media {media_id}: its bytes do not match its sha256")));
        }
    }
    Ok(rows[mi].len())
}
