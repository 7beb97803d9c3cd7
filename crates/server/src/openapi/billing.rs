//! Conversation windows (customer service and free entry point), as the Graph-style read and the
//! admin API answer them. Pricing analytics are a `fields=` value of the WABA read ([`super::graph`]).

use serde_json::{json, Value};

use super::{json_response, responses};

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn windows_list() -> Value {
    let window = json!({"type": "object", "properties": {
        "open": {"type": "boolean"},
        "expires_at": {"type": ["integer", "null"], "description": "Milliseconds since the epoch."},
    }});
    json!({
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "wa_id": {"type": "string"},
                "phone_number_id": {"type": "string"},
                "last_message_at": {"type": "integer"},
                "customer_service_window": window,
                "free_entry_point_window": {"type": "object", "properties": {
                    "open": {"type": "boolean"},
                    "opened_at": {"type": ["integer", "null"]},
                    "expires_at": {"type": ["integer", "null"]},
                    "pending_until": {"type": ["integer", "null"], "description":
                        "While the business may still open the window by answering (24 h from the ad referral)."},
                }},
            },
        }}},
    })
}

fn query() -> Value {
    json!([
        {"name": "wa_id", "in": "query", "description": "Only this customer's conversation.", "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "description": "At most this many (1–1000, default 100), most recent first.",
            "schema": {"type": "integer"}},
    ])
}

/// `GET|POST /admin/v1/wabas/{id}/settings`.
fn settings(id: &str, summary: &str, example: Option<Value>) -> Value {
    let mut op = json!({
        "tags": ["Admin"],
        "operationId": id,
        "summary": summary,
        "description": "`pricing_model` PMP (default) or CBP (conversation-based, for messages sent from then \
            on); `verified` (default false) sets the template limit, 6,000 or 250: templates beyond it become \
            LIMIT_EXCEEDED, and return when there is room. A change answers `templates_changed`.",
        "security": [{"adminToken": []}],
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
            "description": "The WABA id."}],
        "responses": responses(&[("200", json_response("The settings.", json!({"type": "object", "properties": {
            "waba_id": {"type": "string"},
            "pricing_model": {"type": "string", "enum": ["PMP", "CBP"]},
            "verified": {"type": "boolean"},
            "template_limit": {"type": "integer"},
            "templates_changed": {"type": "integer"},
        }})))], &[400, 401, 403]),
    });
    if let Some(ex) = example {
        op["requestBody"] = json!({"required": true, "content": {"application/json": {"example": ex, "schema": {
            "type": "object", "properties": {
                "pricing_model": {"type": "string", "enum": ["PMP", "CBP"]}, "verified": {"type": "boolean"}}}}}});
    }
    op
}

pub(super) fn paths() -> Value {
    json!({
        "/{Version}/{Phone-Number-ID}/conversations": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "get": {
                "tags": ["Graph: messages"],
                "operationId": "listConversationWindows",
                "summary": "A business number's conversations with their service and free entry point windows",
                "description": "Risala's own read (Meta reports windows only through status webhooks).",
                "security": [{"graphToken": []}, {"graphTokenQuery": []}],
                "parameters": query(),
                "responses": responses(&[("200", json_response("The conversations.", windows_list()))], &[400, 401, 403]),
            },
        },
        "/customer/v1/chats/{business_number}/marketing": {"post": {
            "tags": ["Customer"],
            "operationId": "customerMarketingPreference",
            "summary": "Stop or resume marketing messages from a business",
            "description": "The business receives a `user_preferences` webhook; marketing templates sent while \
                stopped fail with 131050 and are not charged.",
            "security": [{"customerSession": []}, {"customerSessionQuery": []}],
            "parameters": [{"name": "business_number", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "The business phone number."}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["value"],
                "properties": {"value": {"type": "string", "enum": ["stop", "resume"]}}}}}},
            "responses": responses(&[("200", json_response("Recorded.", json!({"type": "object", "properties": {
                "success": {"type": "boolean"}, "marketing_messages": {"type": "string"}}})))], &[400, 401]),
        }},
        "/admin/v1/wabas/{id}/settings": {
            "get": settings("getWabaSettings", "A WABA's pricing model and template limit", None),
            "post": settings("setWabaSettings", "Change a WABA's pricing model or verified portfolio",
                Some(json!({"pricing_model": "CBP", "verified": true}))),
        },
        "/admin/v1/phone_numbers/{id}/conversations": {"get": {
            "tags": ["Admin"],
            "operationId": "adminConversationWindows",
            "summary": "A business number's conversations with their windows (operator)",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "The phone number id."}, query()[0].clone(), query()[1].clone()],
            "responses": responses(&[("200", json_response("The conversations.", windows_list()))], &[400, 401, 403]),
        }},
    })
}
