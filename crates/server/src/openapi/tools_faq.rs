//! The business tools' API (`/tools/v1/{phone-number-id}/…`): FAQ answers.

use serde_json::{json, Value};

use super::{json_body, json_response, responses};

fn number_param() -> Value {
    json!({"name": "phone_number_id", "in": "path", "required": true, "schema": {"type": "string"},
        "description": "A phone number of the token's business."})
}

fn entry_param() -> Value {
    json!({"name": "entry_id", "in": "path", "required": true, "schema": {"type": "string"}})
}

fn faq_input() -> Value {
    let list = |d: &str| json!({"type": "array", "items": {"type": "string"}, "maxItems": 50, "description": d});
    json!({
        "type": "object",
        "required": ["question", "answer"],
        "properties": {
            "question": {"type": "string", "maxLength": 500},
            "answer": {"type": "string", "maxLength": 1024, "description": "Sent as the body of a message with a \
                \"talk to a person\" reply button."},
            "keywords": list("Words or short phrases (≤ 100 characters) whose presence points at this entry."),
            "phrasings": list("Other ways customers ask the same question, in any language."),
            "enabled": {"type": "boolean", "default": true},
        },
    })
}

fn faq_entry() -> Value {
    let mut s = faq_input();
    for (k, v) in [
        ("id", json!({"type": "string"})),
        ("created_at", json!({"type": "integer", "description": "Unix seconds."})),
        ("updated_at", json!({"type": "integer", "description": "Unix seconds."})),
    ] {
        s["properties"][k] = v;
    }
    s
}

fn faq_settings() -> Value {
    json!({
        "type": "object",
        "properties": {
            "enabled": {"type": "boolean", "default": true, "description": "Answer automatically at all."},
            "threshold": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50,
                "description": "The lowest match score (percent) answered automatically."},
            "handoff_button": {"type": "string", "maxLength": 20, "description": "The reply button's title; empty: \
                \"Talk to a person\", or «التحدث مع موظف» under an Arabic answer (under an answer without \
                letters, in the question's language)."},
            "handoff_reply": {"type": "string", "maxLength": 1024, "description": "Sent when the button is \
                pressed; empty: nothing."},
        },
    })
}

pub(super) fn paths() -> Value {
    let security = json!([{"graphToken": []}, {"graphTokenQuery": []}]);
    let who = "A token of the number's business with whatsapp_business_management; another business's number is \
        answered as an unknown id (100, subcode 33).";
    let errors: &[u16] = &[400, 401, 403];
    let entry = json_response("The entry.", faq_entry());
    let example = json!({"question": "What are your opening hours?", "answer": "Every day, 7 am to 10 pm.",
        "keywords": ["hours", "open"], "phrasings": ["When do you open?", "متى تفتحون؟"]});
    json!({
        "/tools/v1/{phone_number_id}/faq": {
            "get": {
                "tags": ["Business tools"], "operationId": "faqList", "summary": "List a number's FAQ entries",
                "description": format!("Oldest first. {who}"), "security": security,
                "parameters": [number_param()],
                "responses": responses(&[("200", json_response("The entries.", json!({"type": "object",
                    "properties": {"data": {"type": "array", "items": faq_entry()}}})))], errors),
            },
            "post": {
                "tags": ["Business tools"], "operationId": "faqCreate", "summary": "Add a FAQ entry",
                "description": format!("131008 for a missing question or answer, 131009 for a value too long or a \
                    question with no word to match, 100 for an unknown field or a wrong type. {who}"),
                "security": security, "parameters": [number_param()],
                "requestBody": json_body(faq_input(), example.clone()),
                "responses": responses(&[("200", entry.clone())], errors),
            },
        },
        "/tools/v1/{phone_number_id}/faq/{entry_id}": {
            "get": {
                "tags": ["Business tools"], "operationId": "faqShow", "summary": "Read a FAQ entry",
                "description": who, "security": security, "parameters": [number_param(), entry_param()],
                "responses": responses(&[("200", entry.clone())], errors),
            },
            "post": {
                "tags": ["Business tools"], "operationId": "faqUpdate", "summary": "Replace a FAQ entry's content",
                "description": format!("The same body and checks as creating one. {who}"),
                "security": security, "parameters": [number_param(), entry_param()],
                "requestBody": json_body(faq_input(), example),
                "responses": responses(&[("200", entry)], errors),
            },
            "delete": {
                "tags": ["Business tools"], "operationId": "faqDelete", "summary": "Delete a FAQ entry",
                "description": who, "security": security, "parameters": [number_param(), entry_param()],
                "responses": responses(&[("200", json_response("Deleted.", json!({"type": "object",
                    "properties": {"success": {"type": "boolean"}}})))], errors),
            },
        },
        "/tools/v1/{phone_number_id}/faq/settings": {
            "get": {
                "tags": ["Business tools"], "operationId": "faqSettings", "summary": "Read a number's FAQ settings",
                "description": who, "security": security, "parameters": [number_param()],
                "responses": responses(&[("200", json_response("The settings.", faq_settings()))], errors),
            },
            "post": {
                "tags": ["Business tools"], "operationId": "faqSettingsSave", "summary": "Change a number's FAQ settings",
                "description": format!("Fields left out keep their value. 131009 for a threshold outside 1–100 or \
                    a button title over 20 characters. {who}"),
                "security": security, "parameters": [number_param()],
                "requestBody": json_body(faq_settings(), json!({"threshold": 60, "handoff_button": "Agent please"})),
                "responses": responses(&[("200", json_response("The settings.", faq_settings()))], errors),
            },
        },
        "/tools/v1/{phone_number_id}/faq/try": {"post": {
            "tags": ["Business tools"], "operationId": "faqTry", "summary": "Score a question against a number's entries",
            "description": format!("The five best entries with their score (percent) and whether it reaches the \
                threshold; nothing is sent. {who}"),
            "security": security, "parameters": [number_param()],
            "requestBody": json_body(json!({"type": "object", "required": ["question"],
                "properties": {"question": {"type": "string"}}}), json!({"question": "متى تفتحون؟"})),
            "responses": responses(&[("200", json_response("The scores.", json!({"type": "object", "properties": {
                "data": {"type": "array", "items": {"type": "object", "properties": {
                    "entry_id": {"type": "string"}, "question": {"type": "string"},
                    "score": {"type": "integer"}, "answers": {"type": "boolean"}}}}}})))], errors),
        }},
    })
}
