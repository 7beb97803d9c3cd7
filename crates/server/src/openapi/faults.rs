//! The sandbox's error-injection rules (`/sandbox/v1/faults`).

use serde_json::{json, Value};

use super::{json_body, json_response, responses};

fn rule_schema() -> Value {
    let int = json!({"type": "integer"});
    json!({
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "Graph path pattern without the version: `{name}` or `*` \
                match one segment, a final `**` the rest; may start with the method (`POST /*/messages`)."},
            "method": {"type": ["string", "null"], "enum": ["GET", "POST", "DELETE", "PUT", null]},
            "phone_number_id": {"type": ["string", "null"], "description": "Only paths starting with this id."},
            "mode": {"type": "string", "enum": ["always", "next", "every"], "default": "always"},
            "count": {"type": "integer", "minimum": 1, "description": "With `next`: how many requests fail."},
            "n": {"type": "integer", "minimum": 1, "description": "With `every`: every nth request fails."},
            "code": {"type": "integer", "description": "The Graph error code to answer (a row of the error table)."},
            "status_error": {"type": "integer", "description": "Instead of `code`: accept the send and fail it \
                in a `failed` status webhook with this code."},
            "error_subcode": int, "message": {"type": "string"}, "details": {"type": "string"},
            "http_status": {"type": "integer", "minimum": 400, "maximum": 599},
            "retry_after": {"type": "integer", "minimum": 1, "description": "Seconds (Retry-After); throttling codes \
                default to 60."},
        },
    })
}

fn stored_schema() -> Value {
    let mut s = rule_schema();
    for (k, v) in [
        ("id", json!({"type": "string"})),
        ("business_id", json!({"type": ["string", "null"], "description": "null: the operator's rule."})),
        ("hits", json!({"type": "integer", "description": "Matching requests counted."})),
        ("remaining", json!({"type": "integer", "description": "With `next`: failures left."})),
        ("created_at", json!({"type": "string"})),
    ] {
        s["properties"][k] = v;
    }
    s
}

pub(super) fn paths() -> Value {
    let security = json!([{"graphToken": []}, {"graphTokenQuery": []}, {"adminToken": []}]);
    let who = "A business's token with whatsapp_business_management (its rules apply to, list and delete its own) \
        or the admin token (every business). Sandbox mode only (403, code 10, otherwise).";
    let rule = json_response("The rule.", stored_schema());
    json!({
        "/sandbox/v1/faults": {
            "get": {
                "tags": ["Sandbox"], "operationId": "sandboxFaults", "summary": "List error-injection rules",
                "description": format!("Oldest first, with their counts. {who}"),
                "security": security,
                "responses": responses(&[("200", json_response("The rules.", json!({"type": "object",
                    "properties": {"data": {"type": "array", "items": stored_schema()}}})))], &[400, 401, 403]),
            },
            "post": {
                "tags": ["Sandbox"], "operationId": "sandboxFaultCreate", "summary": "Add an error-injection rule",
                "description": format!("Matching Graph requests (with a valid token) answer the error before the \
                    handler runs, with Meta's envelope and, for throttling codes, `Retry-After` and `X-App-Usage` \
                    (4) or `X-Business-Use-Case-Usage` (17, 80007, 130429, 131056). Errors: 131008 for a missing \
                    `path`, `code`, `count` or `n`; 131009 for a bad pattern, a code not in the error table or a bad \
                    number; 100 for an unknown field or both `code` and `status_error`. {who}"),
                "security": security,
                "requestBody": json_body(rule_schema(), json!({"path": "POST /{phone-number-id}/messages",
                    "mode": "next", "count": 2, "code": 131056})),
                "responses": responses(&[("200", rule)], &[400, 401, 403]),
            },
            "delete": {
                "tags": ["Sandbox"], "operationId": "sandboxFaultsClear", "summary": "Delete every error-injection rule",
                "description": format!("The caller's rules (the operator: all). {who}"),
                "security": security,
                "responses": responses(&[("200", json_response("How many went.", json!({"type": "object",
                    "properties": {"success": {"type": "boolean"}, "deleted": {"type": "integer"}}})))], &[400, 401, 403]),
            },
        },
        "/sandbox/v1/faults/{id}": {"delete": {
            "tags": ["Sandbox"], "operationId": "sandboxFaultDelete", "summary": "Delete an error-injection rule",
            "description": format!("100 (subcode 33) for an unknown id or another business's rule. {who}"),
            "security": security,
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": responses(&[("200", json_response("Deleted.", json!({"type": "object",
                "properties": {"success": {"type": "boolean"}}})))], &[400, 401, 403]),
        }},
    })
}
