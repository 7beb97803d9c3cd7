//! The business tools' API (`/tools/v1/{phone-number-id}/…`): chatbots with hand-off.

use serde_json::{json, Value};

use super::{json_body, json_response, responses};

fn number_param() -> Value {
    json!({"name": "phone_number_id", "in": "path", "required": true, "schema": {"type": "string"},
        "description": "A phone number of the token's business."})
}

fn bot_param() -> Value {
    json!({"name": "bot_id", "in": "path", "required": true, "schema": {"type": "string"}})
}

/// A bot's definition: the JSON a business uploads and exports.
fn definition() -> Value {
    json!({
        "type": "object",
        "required": ["name", "trigger", "start", "steps"],
        "properties": {
            "name": {"type": "string", "maxLength": 100},
            "trigger": {"type": "object", "required": ["on"], "properties": {
                "on": {"type": "string", "enum": ["new_conversation", "keywords"]},
                "keywords": {"type": "array", "items": {"type": "string"},
                    "description": "With on: keywords, the words or phrases that start the bot."}}},
            "start": {"type": "string", "description": "The first step's id."},
            "steps": {"type": "object", "maxProperties": 100, "additionalProperties": {"type": "object",
                "required": ["type"], "properties": {"type": {"type": "string",
                    "enum": risala_core::tools::bots::definition::STEP_KINDS.iter().map(|(k, _)| *k).collect::<Vec<_>>()}}},
                "description": "Steps by id; see the Bots chapter of the book for each kind's fields."},
            "handoff_keywords": {"type": "array", "items": {"type": "string"},
                "description": "What a customer writes to ask for a person; default agent and موظف."},
            "enabled": {"type": "boolean", "default": true},
        },
    })
}

fn bot() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string"}, "version": {"type": "integer"}, "name": {"type": "string"},
        "enabled": {"type": "boolean"}, "created_at": {"type": "integer", "description": "Unix seconds."},
        "definition": definition()}})
}

fn example() -> Value {
    json!({"name": "Front desk", "trigger": {"on": "new_conversation"}, "start": "ask1", "steps": {
        "ask1": {"type": "ask", "text": "What can we do for you?", "variable": "topic", "options": [
            {"id": "sales", "title": "Buy something", "next": "email"},
            {"id": "support", "title": "Get help", "next": "email"}]},
        "email": {"type": "collect", "kind": "email", "text": "Your email, please?", "variable": "email",
            "next": "human", "retry": 1},
        "human": {"type": "handoff", "label": "Sales", "assign": "round_robin"}}})
}

pub(super) fn paths() -> Value {
    let security = json!([{"graphToken": []}, {"graphTokenQuery": []}]);
    let who = "A token of the number's business with whatsapp_business_management; another business's number is \
        answered as an unknown id (100, subcode 33).";
    let errors: &[u16] = &[400, 401, 403];
    let checks = "A definition with errors is refused with 131009, its details naming each place \
        (steps.ask1.options[2].next: no such step).";
    let one = json_response("The bot's latest version.", bot());
    json!({
        "/tools/v1/{phone_number_id}/bots": {
            "get": {
                "tags": ["Business tools"], "operationId": "botsList", "summary": "List a number's bots",
                "description": format!("The latest version of each. {who}"), "security": security,
                "parameters": [number_param()],
                "responses": responses(&[("200", json_response("The bots.", json!({"type": "object",
                    "properties": {"data": {"type": "array", "items": bot()}}})))], errors),
            },
            "post": {
                "tags": ["Business tools"], "operationId": "botsCreate", "summary": "Create a bot (version 1)",
                "description": format!("{checks} {who}"), "security": security, "parameters": [number_param()],
                "requestBody": json_body(definition(), example()),
                "responses": responses(&[("200", one.clone())], errors),
            },
        },
        "/tools/v1/{phone_number_id}/bots/validate": {"post": {
            "tags": ["Business tools"], "operationId": "botsValidate", "summary": "Check a bot definition",
            "description": format!("Nothing is stored. {who}"), "security": security, "parameters": [number_param()],
            "requestBody": json_body(definition(), example()),
            "responses": responses(&[("200", json_response("The errors.", json!({"type": "object", "properties": {
                "valid": {"type": "boolean"}, "errors": {"type": "array", "items": {"type": "string"}}}})))], errors),
        }},
        "/tools/v1/{phone_number_id}/bots/{bot_id}": {
            "get": {
                "tags": ["Business tools"], "operationId": "botsShow", "summary": "Read a bot",
                "description": who, "security": security, "parameters": [number_param(), bot_param()],
                "responses": responses(&[("200", one.clone())], errors),
            },
            "post": {
                "tags": ["Business tools"], "operationId": "botsNewVersion", "summary": "Upload a new version of a bot",
                "description": format!("The new version runs for conversations that start from now; runs under \
                    way finish on their version. {checks} {who}"),
                "security": security, "parameters": [number_param(), bot_param()],
                "requestBody": json_body(definition(), example()),
                "responses": responses(&[("200", one)], errors),
            },
            "delete": {
                "tags": ["Business tools"], "operationId": "botsDelete", "summary": "Delete a bot, every version",
                "description": who, "security": security, "parameters": [number_param(), bot_param()],
                "responses": responses(&[("200", json_response("Deleted.", json!({"type": "object",
                    "properties": {"success": {"type": "boolean"}}})))], errors),
            },
        },
        "/tools/v1/{phone_number_id}/bots/{bot_id}/export": {"get": {
            "tags": ["Business tools"], "operationId": "botsExport", "summary": "Export a bot's definition",
            "description": format!("The latest version's JSON with enabled, ready to create elsewhere. {who}"),
            "security": security, "parameters": [number_param(), bot_param()],
            "responses": responses(&[("200", json_response("The definition.", definition()))], errors),
        }},
    })
}
