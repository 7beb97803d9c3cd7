//! The business's blocklist (`block_users`, Cloud API compatible) and the operator's view of a
//! business's messaging limit and its numbers' quality.

use serde_json::{json, Value};

use super::{json_response, responses, schema_ref};

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn change(operation: &str, summary: &str, description: &str) -> Value {
    let example_user = json!({"messaging_product": "whatsapp", "block_users": [{"user": "+16505551234"}]});
    json!({
        "tags": ["Graph: objects"],
        "operationId": operation,
        "summary": summary,
        "description": description,
        "security": [{"graphToken": []}, {"graphTokenQuery": []}],
        "requestBody": {"required": true, "content": {"application/json": {
            "schema": schema_ref("BlockUsersRequest"), "example": example_user}}},
        "responses": responses(&[
            ("200", json_response("Every user was handled.", schema_ref("BlockUsersResult"))),
        ], &[400, 401, 403, 404, 429]),
    })
}

pub fn paths() -> Value {
    json!({
        "/{Version}/{Phone-Number-ID}/block_users": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "get": {
                "tags": ["Graph: objects"],
                "operationId": "getBlockedUsers",
                "summary": "The users this number blocked, cursor-paged by wa_id",
                "security": [{"graphToken": []}, {"graphTokenQuery": []}],
                "parameters": [param("Limit"), param("After"), param("Before")],
                "responses": responses(&[("200", json_response("A page.", json!({
                    "type": "object", "required": ["data"], "properties": {
                        "data": {"type": "array", "items": {"type": "object", "properties": {
                            "messaging_product": {"const": "whatsapp"}, "wa_id": {"type": "string"}}}},
                        "paging": schema_ref("Paging"),
                    }})))], &[400, 401, 403, 404]),
            },
            "post": change("blockUsers", "Block users",
                "Needs `whatsapp_business_messaging`. A user can be blocked only if they messaged this number in \
                 the last 24 hours (131047), never the number itself (131021); at most 1,000 users a request \
                 (130429) and 64,000 on the list (139101). A blocked user's messages are refused (the customer \
                 API answers 131026) and sends to them fail with 100. When some users fail the answer is HTTP 400 \
                 with `added_users`, `failed_users` (each with `errors`) and an `error` 139100."),
            "delete": change("unblockUsers", "Unblock users",
                "The same body; unblocking a user who is not blocked succeeds. Invalid numbers fail with 100 \
                 per user."),
        },
        "/admin/v1/customers/{wa_id}/erase": {
            "parameters": [{"name": "wa_id", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "The customer's number (digits, `+` allowed)."}],
            "post": {
                "tags": ["Admin"],
                "operationId": "adminEraseCustomer",
                "summary": "Erase one customer's data across every business",
                "description": "Message bodies become tombstones; media, profile, sessions, sign-in codes, blocks, \
                    marketing preferences, entry points and webhook deliveries about the customer (pending ones \
                    are dropped) are deleted; billing, limit and quality rows keep a pseudonym for the number. \
                    Idempotent: a second call counts zeros. Writes an audit record (`customer.erase`, target the \
                    pseudonym). The admin token only.",
                "security": [{"adminToken": []}],
                "responses": responses(&[("200", json_response("What was erased.", schema_ref("Erasure")))],
                    &[400, 401, 403]),
            },
        },
        "/admin/v1/audit": {
            "get": {
                "tags": ["Admin"],
                "operationId": "adminAudit",
                "summary": "The audit log, newest first",
                "description": "Every state change through the admin API and the Graph API's configuration \
                    edges, the CLI's and erasures. The admin token only.",
                "security": [{"adminToken": []}],
                "parameters": [
                    {"name": "business_id", "in": "query", "schema": {"type": "string"}},
                    {"name": "actor", "in": "query", "schema": {"type": "string"},
                        "description": "`operator` or `token:<id>`."},
                    {"name": "action", "in": "query", "schema": {"type": "string"}},
                    {"name": "since", "in": "query", "schema": {"type": "integer"},
                        "description": "Entries at or after this time (ms)."},
                    {"name": "before", "in": "query", "schema": {"type": "integer"},
                        "description": "Entries with an id below this (`paging.before`)."},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                ],
                "responses": responses(&[("200", json_response("A page.", json!({"type": "object",
                    "required": ["data", "paging"], "properties": {
                        "data": {"type": "array", "items": schema_ref("AuditEntry")},
                        "paging": {"type": "object", "properties": {"before": {"type": "integer"}}}}})))],
                    &[400, 401, 403]),
            },
        },
        "/admin/v1/businesses/{id}/messaging_limit": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "The business id."}],
            "get": {
                "tags": ["Admin"],
                "operationId": "adminMessagingLimit",
                "summary": "A business's messaging limit and its numbers' quality",
                "description": "Applies a due automatic upgrade first.",
                "security": [{"adminToken": []}],
                "responses": responses(&[("200", json_response("The limit.", schema_ref("MessagingLimit")))],
                    &[400, 401, 403]),
            },
            "post": {
                "tags": ["Admin"],
                "operationId": "adminSetMessagingLimit",
                "summary": "Set a business's messaging limit tier",
                "description": "Sends `business_capability_update` per WABA and `phone_number_quality_update` \
                    (`UPGRADE` or `DOWNGRADE`) per number when the tier changes.",
                "security": [{"adminToken": []}],
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"type": "object", "required": ["tier"], "properties": {"tier": schema_ref("Tier")}},
                    "example": {"tier": "TIER_10K"}}}},
                "responses": responses(&[("200", json_response("The limit, with `previous_tier`.",
                    schema_ref("MessagingLimit")))], &[400, 401, 403]),
            },
        },
    })
}

pub fn schemas() -> Value {
    let op = json!({"type": "object", "properties": {"input": {"type": "string"}, "wa_id": {"type": "string"}}});
    json!({
        "Tier": {"enum": ["TIER_250", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"]},
        "BlockUsersRequest": {"type": "object", "required": ["messaging_product", "block_users"], "properties": {
            "messaging_product": {"const": "whatsapp"},
            "block_users": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"type": "object",
                "required": ["user"], "properties": {"user": {"type": "string",
                    "description": "A phone number or WhatsApp id."}}}},
        }},
        "BlockUsersResult": {"type": "object", "properties": {
            "messaging_product": {"const": "whatsapp"},
            "block_users": {"type": "object", "properties": {
                "added_users": {"type": "array", "items": op},
                "removed_users": {"type": "array", "items": op},
                "failed_users": {"type": "array", "items": {"type": "object", "properties": {
                    "input": {"type": "string"},
                    "wa_id": {"type": "string", "description": "Absent when the input is not a number."},
                    "errors": {"type": "array", "items": {"type": "object", "properties": {
                        "message": {"type": "string"}, "code": {"type": "integer"},
                        "error_data": {"type": "object", "properties": {"details": {"type": "string"}}}}}},
                }}},
            }},
            "error": {"type": "object", "description": "With failed users: the 139100 error."},
        }},
        "Erasure": {"type": "object", "required": ["pseudonym", "erased"], "properties": {
            "pseudonym": {"type": "string", "description": "What the rows that stay carry instead of the number."},
            "erased": {"type": "object", "properties": {
                "messages": {"type": "integer"}, "media": {"type": "integer"},
                "conversations": {"type": "integer"}, "profiles": {"type": "integer"},
                "sessions": {"type": "integer"}, "sign_in_codes": {"type": "integer"},
                "contacts": {"type": "integer"}, "webhook_deliveries": {"type": "integer"},
                "pseudonymized": {"type": "integer"}, "code_file_lines": {"type": "integer"}}},
        }},
        "AuditEntry": {"type": "object", "required": ["id", "at", "actor", "action", "target", "detail"],
            "properties": {
                "id": {"type": "integer"}, "at": {"type": "integer"},
                "business_id": {"type": ["string", "null"]}, "actor": {"type": "string"},
                "action": {"type": "string"}, "target": {"type": "string"}, "detail": {"type": "string"},
                "address": {"type": ["string", "null"]}}},
        "MessagingLimit": {"type": "object", "properties": {
            "business_id": {"type": "string"},
            "tier": schema_ref("Tier"),
            "previous_tier": schema_ref("Tier"),
            "limit": {"type": ["integer", "null"], "description": "Unique customers per 24 h; null: unlimited."},
            "max_daily_conversation_per_phone": {"type": "integer", "description": "Legacy number; -1 unlimited."},
            "unique_customers_24h": {"type": "integer"},
            "half_used_first_at": {"type": ["integer", "null"]},
            "half_used_last_at": {"type": ["integer", "null"]},
            "upgrade_due_at": {"type": ["integer", "null"], "description": "When the automatic upgrade applies."},
            "numbers": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "string"}, "display_phone_number": {"type": "string"},
                "quality_rating": {"enum": ["GREEN", "YELLOW", "RED"]},
                "status": {"type": "string"},
                "signals_per_1000": {"type": "number"},
                "blocks_7d": {"type": "integer"}, "reports_7d": {"type": "integer"},
                "messages_sent_7d": {"type": "integer", "description": "Counted up to what can change the rating."},
            }}},
        }},
    })
}
