//! The business tools' API (issue #17): `/tools/v1/{phone-number-id}/…`, with the business's
//! Graph access token. Business hours with the away and greeting messages, and quick replies.

use serde_json::{json, Value};

use super::{json_response, responses};

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn graph_token() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

fn reply_id() -> Value {
    json!({"name": "Quick-Reply-ID", "in": "path", "required": true, "schema": {"type": "string"}})
}

fn auto_message(number: &str, description: &str) -> Value {
    json!({"type": "object", "properties": {
        "enabled": {"type": "boolean"},
        "message": {"type": ["object", "null"], "description": "A message of type text, image, video, audio, \
            document or sticker as in a send request (`{\"type\":\"text\",\"text\":{\"body\":\"…\"}}`, media by \
            `id`). `{{customer_name}}` and `{{business_name}}` in a body or caption are filled in."},
        number: {"type": "integer", "description": description}}})
}

fn settings() -> Value {
    let range = json!({"type": "object", "required": ["open", "close"], "properties": {
        "open": {"type": "string", "pattern": "^\\d\\d:\\d\\d$"}, "close": {"type": "string", "pattern": "^\\d\\d:\\d\\d$"}}});
    json!({"type": "object", "properties": {
        "hours": {"type": ["object", "null"], "properties": {
            "time_zone": {"type": "string", "description": "An IANA time zone, e.g. Europe/London."},
            "weekly": {"type": "object", "description": "monday … sunday: lists of ranges; a day left out is closed.",
                "additionalProperties": {"type": "array", "maxItems": 6, "items": range}},
            "closures": {"type": "array", "items": {"type": "object", "required": ["from"], "properties": {
                "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                "name": {"type": "string", "maxLength": 100}}}}}},
        "away_message": auto_message("resend_after_hours", "0–720: send again after this many hours of one closed period (0: once per closed period)."),
        "greeting_message": auto_message("inactive_days", "1–365: greet again after this many days of silence (default 14)."),
        "open_now": {"type": "boolean", "readOnly": true}}})
}

fn quick_reply() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string"},
        "shortcut": {"type": "string", "description": "`/` and 1–32 letters, digits, `_` or `-`; unique in the business."},
        "text": {"type": "string", "description": "With {{customer_name}}, {{agent_name}}, {{business_name}}."},
        "media": {"type": ["object", "null"], "properties": {"type": {"enum": ["image", "video", "audio", "document"]},
            "id": {"type": "string"}}},
        "created_time": {"type": "integer"}, "updated_time": {"type": "integer"}}})
}

pub fn paths() -> Value {
    let ok = |d: &str, s: Value| json_response(d, s);
    let body = |s: Value| json!({"required": true, "content": {"application/json": {"schema": s}}});
    let errors = [400, 401, 403];
    json!({
        "/tools/v1/{Phone-Number-ID}/business_hours": {
            "parameters": [param("PhoneNumberId")],
            "get": {"tags": ["Business tools"], "operationId": "getBusinessHours", "summary": "A number's business hours, away and greeting messages",
                "security": graph_token(), "responses": responses(&[("200", ok("The settings.", settings()))], &errors)},
            "post": {"tags": ["Business tools"], "operationId": "updateBusinessHours", "summary": "Change them",
                "description": "Each part given replaces that part; 131009 names a broken field.",
                "security": graph_token(), "requestBody": body(settings()),
                "responses": responses(&[("200", ok("The settings.", settings()))], &errors)},
        },
        "/tools/v1/{Phone-Number-ID}/quick_replies": {
            "parameters": [param("PhoneNumberId")],
            "get": {"tags": ["Business tools"], "operationId": "listQuickReplies", "summary": "The business's quick replies",
                "security": graph_token(), "responses": responses(&[("200", ok("By shortcut.", json!({"type": "object",
                    "properties": {"data": {"type": "array", "items": quick_reply()}}})))], &errors)},
            "post": {"tags": ["Business tools"], "operationId": "createQuickReply", "summary": "Save a quick reply",
                "security": graph_token(), "requestBody": body(quick_reply()),
                "responses": responses(&[("200", ok("The quick reply.", quick_reply()))], &errors)},
        },
        "/tools/v1/{Phone-Number-ID}/quick_replies/{Quick-Reply-ID}": {
            "parameters": [param("PhoneNumberId"), reply_id()],
            "get": {"tags": ["Business tools"], "operationId": "getQuickReply", "summary": "One quick reply",
                "security": graph_token(), "responses": responses(&[("200", ok("The quick reply.", quick_reply()))], &errors)},
            "post": {"tags": ["Business tools"], "operationId": "updateQuickReply", "summary": "Change a quick reply (fields given)",
                "security": graph_token(), "requestBody": body(quick_reply()),
                "responses": responses(&[("200", ok("The quick reply.", quick_reply()))], &errors)},
            "delete": {"tags": ["Business tools"], "operationId": "deleteQuickReply", "summary": "Delete a quick reply",
                "security": graph_token(), "responses": responses(&[("200", ok("Deleted.", json!({"type": "object",
                    "properties": {"success": {"const": true}}})))], &errors)},
        },
        "/tools/v1/{Phone-Number-ID}/quick_replies/{Quick-Reply-ID}/render": {
            "parameters": [param("PhoneNumberId"), reply_id()],
            "post": {"tags": ["Business tools"], "operationId": "renderQuickReply",
                "summary": "A quick reply's text for one customer of the number",
                "security": graph_token(), "requestBody": body(json!({"type": "object", "required": ["to"], "properties": {
                    "to": {"type": "string", "description": "The customer's number."},
                    "agent_name": {"type": "string", "description": "Default: the number's display name."}}})),
                "responses": responses(&[("200", ok("Rendered.", quick_reply()))], &errors)},
        },
    })
}
