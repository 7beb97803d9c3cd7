//! Bulk product changes: Meta's `POST /{catalog-id}/items_batch` (`item_type`, `requests`
//! of `{method: CREATE|UPDATE|DELETE, data}`) and Risala's CSV upload. Each request stands
//! alone: the good ones are written in one commit, the bad ones are reported by row with the
//! reason, so one typo does not hold up a catalog.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::products::{apply, blank};
use super::{CatalogService, Product};
use crate::error::ApiError;
use crate::store::Catalog;

/// Most requests in one batch (Meta's limit).
pub const MAX_REQUESTS: usize = 5000;

/// One request the batch did not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 0-based index of the request (`items_batch`) or 1-based line of the CSV (the header is 1).
    pub index: usize,
    pub retailer_id: String,
    pub reason: String,
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
    pub rejected: Vec<Rejected>,
}

impl Report {
    /// Meta's answer (`handles`, `validation_status` per item with errors) and Risala's counts.
    pub fn to_json(&self, handle: &str) -> Value {
        json!({
            "handles": [handle],
            "validation_status": self.rejected.iter().map(|r| json!({
                "retailer_id": r.retailer_id,
                "errors": [{"message": r.reason}],
                "warnings": [],
            })).collect::<Vec<_>>(),
            "report": {
                "created": self.created,
                "updated": self.updated,
                "deleted": self.deleted,
                "rejected": self.rejected.iter().map(|r| json!({
                    "index": r.index, "retailer_id": r.retailer_id, "reason": r.reason,
                })).collect::<Vec<_>>(),
            },
        })
    }
}

/// One change of a batch.
pub enum Change {
    Create(Map<String, Value>),
    Update(Map<String, Value>),
    Delete(String),
}

/// Changes by their index (or CSV line), in order.
pub type Changes = Vec<(usize, Change)>;

/// Meta's feed column names, and the field each means.
const FEED_NAMES: &[(&str, &str)] =
    &[("id", "retailer_id"), ("title", "name"), ("link", "url"), ("image_link", "image_url")];

fn field_name(k: &str) -> String {
    let k = k.trim().to_ascii_lowercase();
    FEED_NAMES.iter().find(|(feed, _)| *feed == k).map(|(_, f)| f.to_string()).unwrap_or(k)
}

/// The `data` of a batch request with feed names (`id`, `title`, …) renamed.
fn data_fields(data: &Map<String, Value>) -> Map<String, Value> {
    data.iter().map(|(k, v)| (field_name(k), v.clone())).collect()
}

/// Parse an `items_batch` body into changes (index order). A malformed envelope is an error
/// for the whole request; a malformed request is rejected alone.
pub fn parse_items_batch(body: &Map<String, Value>) -> Result<(Changes, Vec<Rejected>), ApiError> {
    if let Some(k) = body.keys().find(|k| !["item_type", "requests", "allow_upsert"].contains(&k.as_str())) {
        return Err(ApiError::invalid(format!("Unexpected key \"{k}\" (allowed: item_type, requests, allow_upsert)")));
    }
    match body.get("item_type").and_then(Value::as_str) {
        Some("PRODUCT_ITEM") => {}
        Some(other) => return Err(ApiError::invalid(format!("Param item_type must be PRODUCT_ITEM (got {other})"))),
        None => return Err(super::required("item_type")),
    }
    let reqs = match body.get("requests") {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(ApiError::invalid("Param requests must be an array")),
        None => return Err(super::required("requests")),
    };
    if reqs.is_empty() || reqs.len() > MAX_REQUESTS {
        return Err(ApiError::invalid(format!("Param requests must have 1 to {MAX_REQUESTS} requests")));
    }
    let mut changes = Vec::new();
    let mut rejected = Vec::new();
    for (i, r) in reqs.iter().enumerate() {
        let data = r.get("data").and_then(Value::as_object).map(data_fields).unwrap_or_default();
        let retailer_id = data.get("retailer_id").and_then(Value::as_str).unwrap_or_default().to_string();
        let reject = |reason: String| Rejected { index: i, retailer_id: retailer_id.clone(), reason };
        if r.get("data").and_then(Value::as_object).is_none() {
            rejected.push(reject(format!("requests[{i}].data must be an object")));
            continue;
        }
        if retailer_id.is_empty() {
            rejected.push(reject(format!("requests[{i}].data.id (the retailer id) is required")));
            continue;
        }
        match r.get("method").and_then(Value::as_str).map(str::to_ascii_uppercase).as_deref() {
            Some("CREATE") => changes.push((i, Change::Create(data))),
            Some("UPDATE") => changes.push((i, Change::Update(data))),
            Some("DELETE") => changes.push((i, Change::Delete(retailer_id))),
            _ => rejected.push(reject(format!("requests[{i}].method must be CREATE, UPDATE or DELETE"))),
        }
    }
    Ok((changes, rejected))
}

/// Parse a CSV upload: a header row of product fields (API names or Meta's feed names: `id`,
/// `title`, `link`, `image_link`), then one product per row, created or updated by retailer
/// id. Empty cells leave a field unset.
pub fn parse_csv(text: &str) -> Result<Changes, ApiError> {
    let rows = crate::tools::broadcasts::audience::csv_rows(text)?;
    let mut rows = rows.into_iter();
    let header: Vec<String> = rows.next().ok_or_else(|| ApiError::invalid("csv: no header row"))?;
    let header: Vec<String> = header.iter().map(|h| field_name(h)).collect();
    if !header.iter().any(|h| h == "retailer_id") {
        return Err(ApiError::invalid("csv: the header must name an id (or retailer_id) column"));
    }
    let mut out = Vec::new();
    for (n, row) in rows.enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut m = Map::new();
        for (h, cell) in header.iter().zip(row) {
            if !cell.trim().is_empty() {
                m.insert(h.clone(), Value::String(cell));
            }
        }
        // Line numbers as a spreadsheet shows them: the header is line 1.
        out.push((n + 2, Change::Update(m)));
    }
    if out.is_empty() {
        return Err(ApiError::invalid("csv: no product rows under the header"));
    }
    Ok(out)
}

impl CatalogService {
    /// Apply changes to a catalog: CREATE and UPDATE both create a missing product and change
    /// an existing one (Meta's `allow_upsert`, on by default), unless `upsert` is false, when
    /// CREATE of an existing and UPDATE of a missing product are rejected. DELETE of a missing
    /// product is rejected. The applied changes are written in one commit.
    pub async fn apply_batch(
        &self,
        c: &Catalog,
        changes: Changes,
        mut rejected: Vec<Rejected>,
        upsert: bool,
    ) -> Result<Report, ApiError> {
        let now = self.now();
        let mut current: HashMap<String, Product> =
            self.products(&c.id).await?.into_iter().map(|p| (p.retailer_id.clone(), p)).collect();
        let mut report = Report::default();
        let mut written: Vec<String> = Vec::new();
        let mut deletes = Vec::new();
        for (index, change) in changes {
            let (data, want_existing) = match change {
                Change::Delete(r) => {
                    if current.remove(&r).is_some() {
                        report.deleted += 1;
                        written.retain(|w| *w != r);
                        deletes.push(r);
                    } else {
                        rejected.push(Rejected {
                            index,
                            retailer_id: r.clone(),
                            reason: format!("no product '{r}' to delete"),
                        });
                    }
                    continue;
                }
                Change::Create(d) => (d, Some(false)),
                Change::Update(d) => (d, if upsert { None } else { Some(true) }),
            };
            let retailer_id = data.get("retailer_id").and_then(Value::as_str).unwrap_or_default().to_string();
            let existing = current.get(&retailer_id).cloned();
            let want_existing = if upsert { None } else { want_existing };
            match (want_existing, &existing) {
                (Some(false), Some(_)) => {
                    rejected.push(Rejected { index, retailer_id, reason: "a product with this id exists".into() });
                    continue;
                }
                (Some(true), None) => {
                    rejected.push(Rejected { index, retailer_id, reason: "no product with this id to update".into() });
                    continue;
                }
                _ => {}
            }
            let creating = existing.is_none();
            let base = existing.unwrap_or_else(|| blank(&c.id, now));
            match apply(&base, &data, creating, "") {
                Ok(mut p) => {
                    p.updated_at = now;
                    if creating {
                        report.created += 1;
                    } else {
                        report.updated += 1;
                    }
                    deletes.retain(|d| *d != p.retailer_id);
                    if !written.contains(&p.retailer_id) {
                        written.push(p.retailer_id.clone());
                    }
                    current.insert(p.retailer_id.clone(), p);
                }
                Err(e) => rejected.push(Rejected { index, retailer_id, reason: e.details }),
            }
        }
        let upserts: Vec<Product> = written.iter().filter_map(|r| current.get(r).cloned()).collect();
        self.store.write_products(&c.id, &upserts, &deletes).await?;
        rejected.sort_by_key(|r| r.index);
        report.rejected = rejected;
        Ok(report)
    }

    /// `POST /{catalog-id}/items_batch`.
    pub async fn items_batch(&self, c: &Catalog, body: &Map<String, Value>) -> Result<Report, ApiError> {
        let upsert = match body.get("allow_upsert") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
            Some(_) => return Err(ApiError::invalid("Param allow_upsert must be a boolean")),
        };
        let (changes, rejected) = parse_items_batch(body)?;
        self.apply_batch(c, changes, rejected, upsert).await
    }

    /// Risala's CSV upload (`POST /{catalog-id}/items_csv {csv}`).
    pub async fn import_csv(&self, c: &Catalog, text: &str) -> Result<Report, ApiError> {
        let changes = parse_csv(text)?;
        self.apply_batch(c, changes, Vec::new(), true).await
    }
}
