//! A number's life (add, verify, register, PIN, display name), its QR codes and short links,
//! and the operator's display-name review.

use serde_json::{json, Value};

use super::{json_body, json_response, responses, schema_ref, string};

fn business() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn code_param() -> Value {
    json!({"name": "QR-Code", "in": "path", "required": true, "description": "The code: 14 characters of A-Z and 2-7.",
        "schema": {"type": "string", "pattern": "^[A-Z2-7]{14}$"}})
}

/// A step of a number's life: POST, `{"success":true}`.
fn step(id: &str, summary: &str, description: &str, body: Option<(Value, Value)>) -> Value {
    let mut op = json!({
        "tags": ["Graph: phone numbers"],
        "operationId": id,
        "summary": summary,
        "description": format!("{description} Needs `whatsapp_business_management`."),
        "security": business(),
        "responses": responses(&[("200", json_response("Done.", schema_ref("Success")))], &[400, 401, 403, 429]),
    });
    if let Some((schema, example)) = body {
        op["requestBody"] = json_body(schema, example);
    }
    json!({"parameters": [param("Version"), param("PhoneNumberId")], "post": op})
}

/// `POST /{WABA-ID}/phone_numbers`, for the path `graph.rs` describes.
pub(super) fn add_number() -> Value {
    json!({
        "tags": ["Graph: phone numbers"],
        "operationId": "addPhoneNumber",
        "summary": "Add a phone number to a WABA",
        "description": "The number starts unverified (`code_verification_status` NOT_VERIFIED) and unregistered \
            (`status` PENDING, `platform_type` NOT_APPLICABLE); its `verified_name` is reviewed at once \
            (`phone_number_name_update` webhook). `cc` is the calling code and `phone_number` the national number \
            (or the whole number). A number already on this server is code 100. Needs \
            `whatsapp_business_management`.",
        "security": business(),
        "requestBody": json_body(json!({
            "type": "object",
            "required": ["phone_number", "verified_name"],
            "properties": {
                "cc": string("Country calling code, 1 to 3 digits."),
                "phone_number": string("The national number, or the whole number with its calling code."),
                "verified_name": {"type": "string", "minLength": 2, "maxLength": 75},
            },
        }), json!({"cc": "1", "phone_number": "6315551000", "verified_name": "Lucky Shrub"})),
        "responses": responses(&[("200", json_response("Added.", json!({
            "type": "object", "required": ["id"], "properties": {"id": {"type": "string"}},
        })))], &[400, 401, 403, 404]),
    })
}

fn qr_schema() -> Value {
    json!({
        "type": "object",
        "required": ["code", "prefilled_message", "deep_link_url"],
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Z2-7]{14}$"},
            "prefilled_message": {"type": "string", "maxLength": 140},
            "deep_link_url": string("This server's short link, `/wa/message/{code}`."),
            "qr_image_url": string("An image of the short link this server draws (PNG or SVG); public, unguessable."),
            "creation_time": {"type": "integer", "description": "Unix seconds; only with `fields=`."},
        },
    })
}

pub(super) fn paths() -> Value {
    let data = json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "array", "items": qr_schema()}}});
    json!({
        "/{Version}/{Phone-Number-ID}/request_code": step("requestCode", "Ask for a verification code",
            "A six-digit code, good for 10 minutes, goes to the operator's code channel (the log in sandbox mode, \
            `sign_in_code_file` otherwise) as `<ms> <number> <code> number-verification <method>`.",
            Some((json!({"type": "object", "required": ["code_method", "language"], "properties": {
                "code_method": {"type": "string", "enum": ["SMS", "VOICE"]}, "language": {"type": "string"}}}),
                json!({"code_method": "SMS", "language": "en_US"})))),
        "/{Version}/{Phone-Number-ID}/verify_code": step("verifyCode", "Verify the number with its code",
            "The number becomes `code_verification_status` VERIFIED. A wrong, expired or used code, or none \
            requested: 136025.",
            Some((json!({"type": "object", "required": ["code"], "properties": {"code": {"type": "string", "pattern": "^[0-9]{6}$"}}}),
                json!({"code": "123456"})))),
        "/{Version}/{Phone-Number-ID}/register": step("registerNumber", "Register the number on the Cloud API",
            "The first registration sets the two-step PIN; later ones must give it (133005; 133009 within 10 s of a \
            wrong PIN; 133008 after 5 wrong in an hour). Not verified: 133006. More than 10 register and \
            deregister calls in 72 hours: 133016. `data_localization_region` is not supported (100).",
            Some((json!({"type": "object", "required": ["messaging_product", "pin"], "properties": {
                "messaging_product": {"type": "string", "enum": ["whatsapp"]},
                "pin": {"type": "string", "pattern": "^[0-9]{6}$"}}}),
                json!({"messaging_product": "whatsapp", "pin": "135790"})))),
        "/{Version}/{Phone-Number-ID}/deregister": step("deregisterNumber", "Deregister the number",
            "It stops sending (133010) and receiving. Not registered: 133010; the 72-hour limit: 133016.", None),
        "/{Version}/{Phone-Number-ID}/message_qrdls": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "get": {
                "tags": ["Graph: phone numbers"],
                "operationId": "listQrCodes",
                "summary": "A number's QR codes and short links, newest first",
                "description": "`fields=qr_image_url.format(PNG|SVG)` adds image URLs; `code=` keeps one code. Needs \
                    `whatsapp_business_management`.",
                "security": business(),
                "parameters": [param("Fields"), {"name": "code", "in": "query", "schema": {"type": "string"}}],
                "responses": responses(&[("200", json_response("The codes.", data.clone()))], &[400, 401, 403]),
            },
            "post": {
                "tags": ["Graph: phone numbers"],
                "operationId": "saveQrCode",
                "summary": "Create a QR code, or change one's message (with `code`)",
                "description": "`prefilled_message` (at most 140 characters) is required; `generate_qr_image` (PNG or \
                    SVG) adds `qr_image_url`. At most 2,000 codes per number. Needs `whatsapp_business_management`.",
                "security": business(),
                "requestBody": json_body(json!({"type": "object", "required": ["prefilled_message"], "properties": {
                    "prefilled_message": {"type": "string", "maxLength": 140},
                    "generate_qr_image": {"type": "string", "enum": ["PNG", "SVG"]},
                    "code": {"type": "string", "pattern": "^[A-Z2-7]{14}$"}}}),
                    json!({"prefilled_message": "Show me Cyber Monday deals!", "generate_qr_image": "PNG"})),
                "responses": responses(&[("200", json_response("The code.", qr_schema()))], &[400, 401, 403, 404]),
            },
        },
        "/{Version}/{Phone-Number-ID}/message_qrdls/{QR-Code}": {
            "parameters": [param("Version"), param("PhoneNumberId"), code_param()],
            "get": {
                "tags": ["Graph: phone numbers"],
                "operationId": "getQrCode",
                "summary": "One QR code (in a `data` array, as Meta answers)",
                "description": "An unknown code: 404, code 803. Needs `whatsapp_business_management`.",
                "security": business(),
                "parameters": [param("Fields")],
                "responses": responses(&[("200", json_response("The code.", data))], &[400, 401, 403, 404]),
            },
            "delete": {
                "tags": ["Graph: phone numbers"],
                "operationId": "deleteQrCode",
                "summary": "Delete a QR code: its short link and images stop working",
                "description": "Needs `whatsapp_business_management`.",
                "security": business(),
                "responses": responses(&[("200", json_response("Deleted.", schema_ref("Success")))], &[400, 401, 403, 404]),
            },
        },
        "/wa/message/{QR-Code}": {
            "parameters": [code_param()],
            "get": {
                "tags": ["Graph: phone numbers"],
                "operationId": "openShortLink",
                "summary": "Open a short link (public)",
                "description": "JSON for API clients; a small page for browsers (`Accept: text/html`). A customer client \
                    starts the chat by sending `prefilled_message` to `wa_id` (`POST /customer/v1/messages`). A \
                    deleted code, or a number not registered: 404, code 803.",
                "security": [],
                "responses": responses(&[("200", json!({
                    "description": "What the link opens.",
                    "content": {
                        "application/json": {"schema": {"type": "object", "properties": {
                            "code": {"type": "string"}, "deep_link_url": {"type": "string"},
                            "prefilled_message": {"type": "string"}, "wa_id": {"type": "string"},
                            "display_phone_number": {"type": "string"}, "verified_name": {"type": "string"}}}},
                        "text/html": {"schema": {"type": "string"}},
                    },
                }))], &[404]),
            },
        },
        "/wa/qr/{QR-Code}/{File}": {
            "parameters": [code_param(), {"name": "File", "in": "path", "required": true,
                "description": "`<signature>.png` or `<signature>.svg`, as `qr_image_url` gives it.",
                "schema": {"type": "string"}}],
            "get": {
                "tags": ["Graph: phone numbers"],
                "operationId": "qrCodeImage",
                "summary": "The QR code image of a short link (public, at an unguessable address)",
                "security": [],
                "responses": responses(&[("200", json!({
                    "description": "The image.",
                    "content": {"image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
                        "image/svg+xml": {"schema": {"type": "string"}}},
                }))], &[404]),
            },
        },
        "/admin/v1/phone_numbers/{id}/display_name/review": {"post": {
            "tags": ["Admin"],
            "operationId": "reviewDisplayName",
            "summary": "Decide the display name under review",
            "description": "APPROVED, REJECTED (with one of Meta's `rejection_reason`s; UNKNOWN when none) or DEFERRED, \
                for a number's name while it is PENDING_REVIEW or a requested `new_display_name`; sends \
                `phone_number_name_update`. Nothing under review: 100.",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "The phone number id."}],
            "requestBody": json_body(json!({"type": "object", "required": ["decision"], "properties": {
                "decision": {"type": "string", "enum": ["APPROVED", "REJECTED", "DEFERRED"]},
                "rejection_reason": {"type": "string"}}}),
                json!({"decision": "REJECTED", "rejection_reason": "NAME_NOT_CONSISTENT"})),
            "responses": responses(&[("200", json_response("The number's names after the decision.", json!({
                "type": "object", "properties": {"id": {"type": "string"}, "verified_name": {"type": "string"},
                    "name_status": {"type": "string"}, "new_name_status": {"type": "string"}}})))], &[400, 401, 403]),
        }},
    })
}
