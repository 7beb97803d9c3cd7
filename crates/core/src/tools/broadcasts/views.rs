//! How a broadcast and its report are shown: JSON for the API, CSV for the export.

use serde_json::{json, Value};

use crate::store::{BroadcastRow, RecipientCounts, ReportRow};

/// A broadcast with its recipients' counts.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastView {
    pub row: BroadcastRow,
    pub counts: RecipientCounts,
}

impl BroadcastView {
    /// Recipients no longer queued.
    pub fn processed(&self) -> i64 {
        self.row.total - self.counts.queued
    }

    pub fn to_json(&self) -> Value {
        let (b, c) = (&self.row, &self.counts);
        json!({
            "id": b.id,
            "phone_number_id": b.phone_number_id,
            "name": b.name,
            "mode": b.mode,
            "message": b.message,
            "audience": b.audience,
            "status": b.state,
            "pause_reason": b.pause_reason,
            "send_at": b.start_at / 1000,
            "created_time": b.created_at / 1000,
            "started_time": b.started_at.map(|t| t / 1000),
            "finished_time": b.finished_at.map(|t| t / 1000),
            "total": b.total,
            "processed": self.processed(),
            "counts": {
                "queued": c.queued,
                "sent": c.sent,
                "delivered": c.delivered,
                "read": c.read,
                "failed": c.failed,
                "skipped_opted_out": c.skipped_opted_out,
                "skipped_blocked": c.skipped_blocked,
                "replied": c.replied,
            },
            "rejected": b.rejected,
        })
    }
}

/// What happened to a recipient: its own state before a message existed, else the message's.
pub fn recipient_status(r: &ReportRow) -> &str {
    match (r.recipient.state.as_str(), r.message_status.as_deref()) {
        ("sent", Some(s @ ("delivered" | "read" | "failed"))) => s,
        ("sent", _) => "sent",
        (s, _) => s,
    }
}

/// Meta's reason for a failure: `(code, title, details)` from the message's error, or the
/// reason the send was refused with.
pub fn failure(r: &ReportRow) -> Option<(Option<i64>, String)> {
    if let Some(e) = r.message_error.as_deref().and_then(|e| serde_json::from_str::<Value>(e).ok()) {
        let details = e["error_data"]["details"].as_str().or(e["message"].as_str()).unwrap_or_default();
        let title = e["title"].as_str().unwrap_or_default();
        return Some((e["code"].as_i64(), format!("{title}: {details}").trim_matches([' ', ':']).to_string()));
    }
    let reason = r.recipient.reason.clone()?;
    // Refusals are stored as `(#code) details`.
    let code = reason.strip_prefix("(#").and_then(|s| s.split(')').next()).and_then(|c| c.parse().ok());
    Some((code, reason))
}

/// One recipient of the report as JSON.
pub fn report_json(r: &ReportRow) -> Value {
    let mut v = json!({
        "wa_id": r.recipient.wa_id,
        "status": recipient_status(r),
        "message_id": r.recipient.message_id,
        "sent_time": r.recipient.sent_at.map(|t| t / 1000),
        "replied": r.replied,
    });
    if let Some((code, reason)) = failure(r) {
        v["error"] = json!({"code": code, "reason": reason});
    }
    v
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report as CSV: a header, then one line per recipient.
pub fn report_csv(rows: &[ReportRow]) -> String {
    let mut out = String::from("phone,status,error_code,reason,message_id,sent_time,replied\n");
    for r in rows {
        let (code, reason) = failure(r).unwrap_or((None, String::new()));
        let line = [
            format!("+{}", r.recipient.wa_id),
            recipient_status(r).to_string(),
            code.map(|c| c.to_string()).unwrap_or_default(),
            reason,
            r.recipient.message_id.clone().unwrap_or_default(),
            r.recipient.sent_at.map(|t| (t / 1000).to_string()).unwrap_or_default(),
            r.replied.to_string(),
        ];
        out.push_str(&line.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}
