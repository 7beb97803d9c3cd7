//! The whole sandbox as one file (`/sandbox/v1/export`, `/sandbox/v1/import`).

use serde_json::{json, Value};

use super::{json_response, responses};

pub(super) fn paths() -> Value {
    let security = json!([{"adminToken": []}]);
    let who = "The admin token only (403, code 10, for a business token: the file holds every tenant). Sandbox \
        mode only.";
    let file = json!({"type": "string", "description": "JSON lines: a header line (`format` \"risala-state\", \
        `format_version`, `risala_version`, `schema_version`, `engine`, `created_at`, the tables with their columns \
        and row counts), then one `{\"t\": TABLE, \"r\": [values]}` line per row; bytes are `{\"base64\": …}`. \
        Secrets and bodies are written in the clear."});
    json!({
        "/sandbox/v1/export": {"get": {
            "tags": ["Sandbox"], "operationId": "sandboxExport", "summary": "Export the whole sandbox state",
            "description": format!("Every table and the media bytes as one file (an attachment), for a bug report \
                or to move a sandbox to another server. {who}"),
            "security": security,
            "responses": responses(&[("200", json!({"description": "The state file.",
                "content": {"application/x-ndjson": {"schema": file}}}))], &[400, 401, 403]),
        }},
        "/sandbox/v1/import": {"post": {
            "tags": ["Sandbox"], "operationId": "sandboxImport", "summary": "Replace the whole sandbox state",
            "description": format!("The body is a file from `GET /sandbox/v1/export` (at most 512 MiB; any content \
                type, e.g. `application/x-ndjson` or `application/octet-stream`) of a server \
                at the same schema version. Everything is checked first (format and schema version, every table \
                and column, row values, row counts, foreign keys, media sizes and SHA-256); a file that fails \
                answers 100 naming the table and row and changes nothing. Otherwise the state is replaced in one \
                transaction and the server's caches are dropped. {who}"),
            "security": security,
            // Any content type is read the same way (the CLI sends `application/x-ndjson`); the body
            // is described as bytes, which is what it is to a client that only forwards a file.
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {
                "type": "string", "format": "binary", "description": file["description"]}}}},
            "responses": responses(&[("200", json_response("What was imported.", json!({"type": "object",
                "properties": {"success": {"type": "boolean"}, "tables": {"type": "integer"},
                    "rows": {"type": "integer"}, "media": {"type": "integer"}}})))], &[400, 401, 403]),
        }},
    })
}
