//! The business tools' broadcasts: `/tools/v1/{phone_number_id}/broadcasts…`.

use serde_json::{json, Value};

use super::{json_response, responses};

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}, "description": description})
}

fn op(operation: &str, summary: &str, description: &str, ok: Value) -> Value {
    json!({
        "tags": ["Tools: broadcasts"],
        "operationId": operation,
        "summary": summary,
        "description": description,
        "security": [{"graphToken": []}, {"graphTokenQuery": []}],
        "responses": responses(&[("200", ok)], &[400, 401, 403, 404]),
    })
}

fn broadcast() -> Value {
    json!({"type": "object", "required": ["id", "status", "total", "counts"], "properties": {
        "id": {"type": "string"}, "phone_number_id": {"type": "string"}, "name": {"type": "string"},
        "mode": {"enum": ["broadcast", "list"]},
        "status": {"enum": ["scheduled", "running", "paused", "cancelled", "completed"]},
        "pause_reason": {"type": ["string", "null"]},
        "send_at": {"type": "integer"}, "total": {"type": "integer"}, "processed": {"type": "integer"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "rejected": {"type": "array", "items": {"type": "object", "properties": {
            "row": {"type": "integer"}, "input": {"type": "string"}, "reason": {"type": "string"}}}},
    }})
}

pub fn paths() -> Value {
    let phone = path_param("phone_number_id", "The business number.");
    let id = path_param("id", "The broadcast.");
    let one = json_response("The broadcast with its counts.", broadcast());
    json!({
        "/tools/v1/{phone_number_id}/broadcasts": {
            "parameters": [phone],
            "get": op("listBroadcasts", "The number's broadcasts, newest first", "With their counts.",
                json_response("The list.", json!({"type": "object", "properties": {"data": {"type": "array", "items": broadcast()}}}))),
            "post": {
                "tags": ["Tools: broadcasts"],
                "operationId": "createBroadcast",
                "summary": "Create a broadcast",
                "description": "`name`; `template` `{name, language: {code}}` (an approved template of the number) or, \
                    with `mode: list`, a `text`; `params` for every recipient; `audience` `{labels, fields \
                    (contact field → value), csv, default_country, wa_ids}` (CSV: a header row with `phone`, optionally `country`, then one \
                    column per template parameter); `send_at` (UNIX seconds) or now. Rows that cannot be used are \
                    reported in `rejected`.",
                "security": [{"graphToken": []}, {"graphTokenQuery": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}, "example": {
                    "name": "Eid offer", "template": {"name": "offer", "language": {"code": "en_US"}},
                    "audience": {"csv": "phone,1\n+966501234567,Amal\n0501234568,Badr", "default_country": "SA"}}}}},
                "responses": responses(&[("200", one.clone())], &[400, 401, 403, 404]),
            },
        },
        "/tools/v1/{phone_number_id}/broadcasts/{id}": {
            "parameters": [phone, id],
            "get": op("getBroadcast", "A broadcast with its counts", "Another number's broadcast is not found.", one.clone()),
        },
        "/tools/v1/{phone_number_id}/broadcasts/{id}/cancel": {
            "parameters": [phone, id],
            "post": op("cancelBroadcast", "Stop sending", "Queued recipients stay queued for a resume.", one.clone()),
        },
        "/tools/v1/{phone_number_id}/broadcasts/{id}/resume": {
            "parameters": [phone, id],
            "post": op("resumeBroadcast", "Send the rest of a cancelled or paused broadcast", "Now.", one),
        },
        "/tools/v1/{phone_number_id}/broadcasts/{id}/recipients": {
            "parameters": [phone, id,
                {"name": "after", "in": "query", "schema": {"type": "integer"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 1000}},
                {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"]}}],
            "get": op("broadcastRecipients", "The per-recipient report",
                "Each recipient's status (queued, sent, delivered, read, failed with Meta's reason, skipped_opted_out, \
                 skipped_blocked) and whether they replied; `format=csv` gives the whole report as a CSV file.",
                json_response("A page.", json!({"type": "object", "properties": {"data": {"type": "array", "items": {"type": "object"}}}}))),
        },
    })
}
