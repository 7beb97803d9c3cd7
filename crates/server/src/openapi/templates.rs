//! Message templates: the Graph template endpoints (`/{WABA-ID}/message_templates`, and a
//! template by id on the object path) and the admin API's manual review.

use serde_json::{json, Value};

use super::{json_body, json_response, responses, schema_ref};

fn business() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn query(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "description": description, "schema": {"type": "string"}})
}

pub(super) fn paths() -> Value {
    json!({
        "/{Version}/{WABA-ID}/message_templates": {
            "parameters": [param("Version"), param("WabaId")],
            "get": {
                "tags": ["Graph: templates"],
                "operationId": "listTemplates",
                "summary": "A WABA's message templates, cursor-paged",
                "description": "Needs `whatsapp_business_management`. Reviews that have come due are applied first.",
                "security": business(),
                "parameters": [
                    param("Fields"), param("Limit"), param("After"), param("Before"),
                    query("name", "Only templates of this name."),
                    query("status", "Comma-separated statuses, e.g. `APPROVED,PENDING`."),
                    query("category", "`MARKETING`, `UTILITY` or `AUTHENTICATION`."),
                    query("language", "A language code, e.g. `en_US`."),
                    query("content", "A case-insensitive substring of the body text."),
                    query("name_or_content", "A case-insensitive substring of the name or the body text."),
                    query("quality_score", "Comma-separated scores: `GREEN`, `YELLOW`, `RED`, `UNKNOWN`."),
                    query("summary", "Comma-separated: `total_count`, `message_template_count`, \
                        `message_template_limit`, `are_translations_complete` (every name in every language \
                        the WABA uses)."),
                ],
                "responses": responses(&[("200", json_response("A page.", json!({
                    "type": "object",
                    "required": ["data"],
                    "properties": {
                        "data": {"type": "array", "items": schema_ref("Template")},
                        "paging": schema_ref("Paging"),
                    },
                })))], &[400, 401, 403, 404]),
            },
            "post": {
                "tags": ["Graph: templates"],
                "operationId": "createTemplate",
                "summary": "Create a message template",
                "description": "The template starts `PENDING` and is reviewed (automatically, or by an operator \
                    through `POST /admin/v1/templates/{id}/review`); status changes arrive as \
                    `message_template_status_update` webhooks. A rule violation is code 100 with `details` naming \
                    the rule; a name that already has content in this language is code 100, subcode 2388024. \
                    Needs `whatsapp_business_management`.",
                "security": business(),
                "requestBody": json_body(schema_ref("TemplateCreateRequest"), json!({
                    "name": "order_ready", "language": "en_US", "category": "UTILITY",
                    "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} is ready.",
                        "example": {"body_text": [["Alex", "#1234"]]}}],
                })),
                "responses": responses(&[("200", json_response("Created.", json!({
                    "type": "object",
                    "required": ["id", "status", "category"],
                    "properties": {
                        "id": {"type": "string"},
                        "status": {"type": "string", "examples": ["PENDING"]},
                        "category": {"type": "string"},
                    },
                })))], &[400, 401, 403, 404]),
            },
            "delete": {
                "tags": ["Graph: templates"],
                "operationId": "deleteTemplates",
                "summary": "Delete a template: every language of a name, or one template",
                "security": business(),
                "parameters": [
                    {"name": "name", "in": "query", "required": true, "schema": {"type": "string"},
                        "description": "The template name."},
                    query("hsm_id", "Only this template (one language) of the name."),
                ],
                "responses": responses(&[("200", json_response("Deleted.", schema_ref("Success")))],
                    &[400, 401, 403, 404]),
            },
        },
        "/{Version}/{WABA-ID}/message_templates/{TEMPLATE-ID}": {
            "parameters": [param("Version"), param("WabaId"),
                {"name": "TEMPLATE-ID", "in": "path", "required": true, "schema": {"type": "string"},
                    "description": "The template's id."}],
            "get": {
                "tags": ["Graph: templates"],
                "operationId": "getTemplateInWaba",
                "summary": "One template, read through its WABA",
                "description": "The same answer as `GET /{TEMPLATE-ID}` (as SDKs call it); `fields=` selects. A template \
                    of another WABA, or an id that is not a template, is code 100. Needs `whatsapp_business_management`.",
                "security": business(),
                "parameters": [param("Fields")],
                "responses": responses(&[("200", json_response("The template.", schema_ref("Template")))],
                    &[400, 401, 403, 404]),
            },
        },
        "/{Version}/{WABA-ID}/template_analytics": {
            "parameters": [param("Version"), param("WabaId")],
            "get": {
                "tags": ["Graph: templates"],
                "operationId": "templateAnalytics",
                "summary": "Per-day sent, delivered, read and quick-reply click counts of up to 10 templates",
                "description": "Computed from the templates' stored messages, per UTC day of sending. The WABA \
                    confirms analytics first with `POST /{WABA-ID}?is_enabled_for_insights=true`; before that, and \
                    for a missing `start`, `end` or `template_ids`, a range over 90 days, more than 10 templates or an \
                    unknown metric, the answer is code 100. Needs `whatsapp_business_management`.",
                "security": business(),
                "parameters": [
                    query("start", "Unix timestamp (seconds); taken back to its UTC day's start."),
                    query("end", "Unix timestamp (seconds); taken forward to the next UTC day's start."),
                    query("granularity", "`DAILY`."),
                    query("template_ids", "A list of 1 to 10 template ids, e.g. `[123,456]`."),
                    query("metric_types", "A list of `SENT`, `DELIVERED`, `READ`, `CLICKED`; all when absent."),
                ],
                "responses": responses(&[("200", json_response("The data points.", json!({
                    "type": "object",
                    "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {
                        "granularity": {"type": "string"}, "product_type": {"type": "string"},
                        "data_points": {"type": "array", "items": {"type": "object", "properties": {
                            "template_id": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"},
                            "sent": {"type": "integer"}, "delivered": {"type": "integer"}, "read": {"type": "integer"},
                            "clicked": {"type": "array", "items": {"type": "object"}}}}}}}}},
                })))], &[400, 401, 403, 404]),
            },
        },
        "/admin/v1/templates/{id}/review": {"post": {
            "tags": ["Admin"],
            "operationId": "reviewTemplate",
            "summary": "Approve or reject a pending template",
            "description": "The operator reviews any template; in sandbox mode without an admin token a business \
                token reviews its own. `reason` is required to reject. The decision sends the status webhook.",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "The template id."}],
            "requestBody": json_body(schema_ref("TemplateReviewRequest"),
                json!({"decision": "reject", "reason": "INVALID_FORMAT"})),
            "responses": responses(&[("200", json_response("The template after the decision.", template_summary()))], &[400, 401, 403]),
        }},
        "/admin/v1/templates/{id}/appeal": lifecycle("appealTemplate", "Appeal a REJECTED template",
            "The template goes IN_APPEAL and is reviewed again: by the rules after the review delay, or by an \
            operator (`…/review`). The decision sends the usual status webhook. Meta has no Graph call for appeals."),
        "/admin/v1/templates/{id}/archive": lifecycle("archiveTemplate", "Archive a template",
            "APPROVED, REJECTED, PAUSED or DISABLED → ARCHIVED (webhook event `ARCHIVED`): it cannot be sent \
            (132001) or edited."),
        "/admin/v1/templates/{id}/unarchive": lifecycle("unarchiveTemplate", "Unarchive a template",
            "Back to the status it was archived from (webhook event `UNARCHIVED`)."),
    })
}

/// What the admin template endpoints answer.
fn template_summary() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "language": {"type": "string"},
            "status": {"type": "string"}, "category": {"type": "string"},
            "rejected_reason": {"type": "string"},
        },
    })
}

/// An admin lifecycle action on one template, answering the template's summary.
fn lifecycle(id: &str, summary: &str, description: &str) -> Value {
    json!({"post": {
        "tags": ["Admin"],
        "operationId": id,
        "summary": summary,
        "description": format!("{description} The operator acts on any template; in sandbox mode without an \
            admin token a business token on its own."),
        "security": [{"adminToken": []}],
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
            "description": "The template id."}],
        "responses": responses(&[("200", json_response("The template afterwards.", template_summary()))], &[400, 401, 403]),
    }})
}

pub(super) fn schemas() -> Value {
    let text = |max: u32| json!({"type": "string", "maxLength": max});
    json!({
        "Template": {
            "type": "object",
            "title": "WhatsAppBusinessHSM",
            "description": "Default fields: `name`, `components`, `language`, `status`, `category`, \
                `previous_category` (and `id`).",
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "language": {"type": "string"},
                "status": {"enum": ["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED", "IN_APPEAL",
                    "PENDING_DELETION", "DELETED", "LIMIT_EXCEEDED", "ARCHIVED"]},
                "category": {"enum": ["MARKETING", "UTILITY", "AUTHENTICATION"]},
                "previous_category": {"type": "string"},
                "components": {"type": "array", "items": schema_ref("TemplateComponent")},
                "parameter_format": {"enum": ["POSITIONAL", "NAMED"]},
                "quality_score": {"type": "object", "properties": {
                    "score": {"enum": ["UNKNOWN", "GREEN", "YELLOW", "RED"]},
                    "date": {"type": "integer", "description": "Unix seconds."},
                }},
                "rejected_reason": {"type": "string", "examples": ["NONE", "INVALID_FORMAT"]},
                "message_send_ttl_seconds": {"type": "integer", "description": "Only when set."},
                "sub_category": {"enum": ["ORDER_DETAILS", "ORDER_STATUS"], "description": "Only when set."},
                "cta_url_link_tracking_opted_out": {"type": "boolean", "description": "Only when set."},
            },
        },
        "TemplateCreateRequest": {
            "type": "object",
            "required": ["name", "language", "category", "components"],
            "properties": {
                "name": {"type": "string", "maxLength": 512, "pattern": "^[a-z0-9_]+$"},
                "language": {"type": "string", "description": "One of Meta's template language codes, e.g. \
                    `en_US`, `pt_BR`."},
                "category": {"enum": ["MARKETING", "UTILITY", "AUTHENTICATION"]},
                "parameter_format": {"enum": ["positional", "named"], "default": "positional",
                    "description": "Variables as `{{1}}` or as `{{name}}`."},
                "allow_category_change": {"type": "boolean", "default": true},
                "message_send_ttl_seconds": {"type": "integer", "description": "Seconds an undelivered message \
                    from this template is retried before it fails with 131026: AUTHENTICATION 30–900, UTILITY \
                    30–43200 (both: -1 for 30 days), MARKETING 43200–2592000. Default 600 for AUTHENTICATION, \
                    30 days otherwise."},
                "sub_category": {"enum": ["ORDER_DETAILS", "ORDER_STATUS"], "description": "UTILITY only."},
                "cta_url_link_tracking_opted_out": {"type": "boolean"},
                "components": {"type": "array", "minItems": 1, "items": schema_ref("TemplateComponent"),
                    "description": "At most one of each type; `BODY` is required. `AUTHENTICATION` templates have \
                        no `HEADER` and need `BUTTONS` with one `OTP` button."},
            },
        },
        "TemplateComponent": {
            "type": "object",
            "description": "`HEADER`: `format` `TEXT` (with `text` ≤60, at most one variable), `IMAGE`, `VIDEO`, \
                `GIF` or `DOCUMENT` (with `example.header_handle`), or `LOCATION`. `BODY`: `text` ≤1024 with \
                variables and `example`. `FOOTER`: `text` ≤60, no variables. `BUTTONS`: `buttons`, at most 10: \
                up to 10 `QUICK_REPLY`, 2 `URL`, and one each of `PHONE_NUMBER`, `COPY_CODE`, `OTP`, `FLOW`, \
                `MPM`, `SPM`, `CATALOG`, `VOICE_CALL`; button `text` ≤25.",
            "required": ["type"],
            "properties": {
                "type": {"enum": ["HEADER", "BODY", "FOOTER", "BUTTONS"]},
                "format": {"enum": ["TEXT", "IMAGE", "VIDEO", "GIF", "DOCUMENT", "LOCATION"]},
                "text": text(1024),
                "example": {"type": "object"},
                "add_security_recommendation": {"type": "boolean", "description": "AUTHENTICATION `BODY` only."},
                "code_expiration_minutes": {"type": "integer", "description": "AUTHENTICATION `FOOTER` only."},
                "buttons": {"type": "array", "maxItems": 10, "items": {"type": "object", "required": ["type"],
                    "properties": {"type": {"type": "string"}, "text": text(25), "url": text(2000),
                        "phone_number": text(20)}}},
            },
        },
        "TemplateEditRequest": {
            "type": "object",
            "description": "Edit a template: `components` and/or `category` (at most once a day), and/or the \
                settings `message_send_ttl_seconds` and `cta_url_link_tracking_opted_out` (applied at once).",
            "properties": {
                "components": {"type": "array", "items": schema_ref("TemplateComponent")},
                "category": {"enum": ["MARKETING", "UTILITY", "AUTHENTICATION"]},
                "message_send_ttl_seconds": {"type": "integer"},
                "cta_url_link_tracking_opted_out": {"type": "boolean"},
            },
            "minProperties": 1,
        },
        "TemplateReviewRequest": {
            "type": "object",
            "required": ["decision"],
            "properties": {
                "decision": {"enum": ["approve", "reject"]},
                "reason": {"enum": ["ABUSIVE_CONTENT", "INCORRECT_CATEGORY", "INVALID_FORMAT", "PROMOTIONAL",
                    "SCAM", "TAG_CONTENT_MISMATCH", "NONE"], "description": "Required to reject."},
            },
        },
        "CustomerFeedbackResult": {
            "type": "object",
            "required": ["success", "blocked"],
            "properties": {
                "success": {"const": true},
                "blocked": {"type": "boolean"},
                "template_id": {"type": ["string", "null"], "description": "The business's latest template message \
                    to this customer, which the feedback counts against (null when there is none)."},
                "template_status": {"type": ["string", "null"]},
                "quality_score": {"type": ["string", "null"]},
            },
        },
        "CustomerReportRequest": {
            "type": "object",
            "properties": {"block": {"type": "boolean", "default": false, "description": "Block as well."}},
        },
    })
}
