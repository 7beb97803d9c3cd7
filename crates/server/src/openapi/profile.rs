//! A number's business profile and conversational components, the Resumable Upload API, and
//! what a customer's app reads of them (Cloud API compatible; see the book's "Business profile"
//! chapter).

use serde_json::{json, Value};

use super::{json_response, responses};

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn graph_token() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

fn success() -> Value {
    json_response("Done.", json!({"type": "object", "properties": {"success": {"const": true}}}))
}

fn profile_fields() -> Value {
    json!({
        "about": {"type": "string", "minLength": 1, "maxLength": 139},
        "address": {"type": "string", "maxLength": 256},
        "description": {"type": "string", "maxLength": 512},
        "email": {"type": "string", "maxLength": 128},
        "websites": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 256}},
        "vertical": {"type": "string", "description": "An industry, e.g. RETAIL; `UNDEFINED` until set."},
    })
}

fn text_path(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

fn customer_session() -> Value {
    json!([{"customerSession": []}, {"customerSessionQuery": []}])
}

pub fn paths() -> Value {
    let mut profile_out = profile_fields();
    profile_out["profile_picture_url"] = json!({"type": "string", "format": "uri"});
    profile_out["messaging_product"] = json!({"const": "whatsapp"});
    let mut profile_in = profile_fields();
    profile_in["messaging_product"] = json!({"const": "whatsapp"});
    profile_in["profile_picture_handle"] = json!({"type": "string",
        "description": "A Resumable Upload API handle of a JPEG or PNG; `\"\"` removes the picture."});
    let command = json!({"type": "object", "required": ["command_name", "command_description"], "properties": {
        "command_name": {"type": "string", "maxLength": 32},
        "command_description": {"type": "string", "maxLength": 256}}});
    json!({
        "/{Version}/{Phone-Number-ID}/whatsapp_business_profile": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "get": {
                "tags": ["Graph: objects"],
                "operationId": "getBusinessProfile",
                "summary": "A number's business profile",
                "security": graph_token(),
                "parameters": [param("Fields")],
                "responses": responses(&[("200", json_response("The profile.", json!({"type": "object",
                    "properties": {"data": {"type": "array", "items": {"type": "object", "properties": profile_out}}}})))],
                    &[400, 401]),
            },
            "post": {
                "tags": ["Graph: objects"],
                "operationId": "updateBusinessProfile",
                "summary": "Change a number's business profile",
                "description": "The fields given change, the others stay; `\"\"` clears one. Each broken rule is 100 \
                    naming the field; a handle this business's upload did not issue is 131009/2494102. Needs \
                    `whatsapp_business_management`.",
                "security": graph_token(),
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["messaging_product"], "properties": profile_in}}}},
                "responses": responses(&[("200", success())], &[400, 401, 403]),
            },
        },
        "/{Version}/{Phone-Number-ID}/conversational_automation": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "post": {
                "tags": ["Graph: objects"],
                "operationId": "updateConversationalAutomation",
                "summary": "Welcome message, ice breakers and commands of a number",
                "description": "Read back with `GET /{Phone-Number-ID}?fields=conversational_automation`. `prompts` \
                    and `commands` may be JSON strings. Needs `whatsapp_business_management`.",
                "security": graph_token(),
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "properties": {
                        "enable_welcome_message": {"type": "boolean"},
                        "prompts": {"type": "array", "maxItems": 4, "items": {"type": "string", "maxLength": 80}},
                        "commands": {"type": "array", "maxItems": 30, "items": command},
                    }}}}},
                "responses": responses(&[("200", success())], &[400, 401, 403]),
            },
        },
        "/{Version}/{App-ID}/uploads": {
            "parameters": [param("Version"), param("AppId")],
            "post": {
                "tags": ["Graph: media"],
                "operationId": "startUpload",
                "summary": "Open a Resumable Upload API session",
                "description": "Then `POST /upload:<id>` with header `file_offset` and the bytes (→ `{\"h\": handle}` \
                    once whole), and `GET /upload:<id>` (→ `{id, file_offset}`) to resume after an interruption. \
                    Needs `whatsapp_business_management`.",
                "security": graph_token(),
                "parameters": [
                    {"name": "file_name", "in": "query", "required": true, "schema": {"type": "string"}},
                    {"name": "file_length", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 1}},
                    {"name": "file_type", "in": "query", "required": true, "schema": {"type": "string",
                        "enum": ["application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4"]}},
                ],
                "responses": responses(&[("200", json_response("The session.", json!({"type": "object",
                    "properties": {"id": {"type": "string", "pattern": "^upload:"}}})))], &[400, 401, 403]),
            },
        },
        "/profile-picture/{phone_number_id}/{media_id}": {
            "parameters": [text_path("phone_number_id"), text_path("media_id")],
            "get": {
                "tags": ["Graph: media"],
                "operationId": "profilePicture",
                "summary": "A number's profile picture (its `profile_picture_url`), without a token",
                "responses": responses(&[("200", {
                    let mut r = json_response("The picture.", json!({"type": "string"}));
                    r["content"] = json!({"image/jpeg": {}, "image/png": {}});
                    r
                })], &[400]),
            },
        },
        "/customer/v1/chats/{number}/profile": {"get": {
            "tags": ["Customer"],
            "operationId": "customerChatProfile",
            "summary": "A business number's profile, ice breakers and commands",
            "security": customer_session(),
            "parameters": [text_path("number")],
            "responses": responses(&[("200", json_response("What the chat shows.", json!({"type": "object",
                "properties": {
                    "business_number": {"type": "string"},
                    "verified_name": {"type": "string"},
                    "is_official_business_account": {"type": "boolean"},
                    "profile": {"type": "object", "properties": profile_fields()},
                    "ice_breakers": {"type": "array", "items": {"type": "string"}},
                    "commands": {"type": "array", "items": command},
                }})))], &[400, 401]),
        }},
        "/customer/v1/chats/{number}/open": {"post": {
            "tags": ["Customer"],
            "operationId": "customerOpenChat",
            "summary": "The customer opened the chat",
            "description": "The first time (no message yet), while the number's welcome message is on, the business \
                receives a `request_welcome` message.",
            "security": customer_session(),
            "parameters": [text_path("number")],
            "responses": responses(&[("200", json_response("Whether a request_welcome was sent.", json!({
                "type": "object", "properties": {"request_welcome": {"type": "boolean"}}})))], &[400, 401]),
        }},
    })
}
