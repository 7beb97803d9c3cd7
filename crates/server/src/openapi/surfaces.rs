//! The smaller Graph surfaces SDKs call: the Marketing Messages Lite endpoint, the Template
//! Library, a number's commerce settings and its feature settings.

use serde_json::{json, Value};

use super::{json_response, responses, schema_ref};

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn security() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

pub fn paths() -> Value {
    json!({
        "/{Version}/{Phone-Number-ID}/marketing_messages": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "post": {
                "tags": ["Graph: messages"],
                "operationId": "sendMarketingMessage",
                "summary": "Send a marketing template (Marketing Messages Lite API)",
                "description": "The body of `/messages`, for MARKETING templates only. A body that is not a \
                    template message is 100 (`Message must be a template message.`); a UTILITY or AUTHENTICATION \
                    template is 131055. The message is priced in the `marketing_lite` category (at the \
                    rate card's `marketing_lite` rate, else its marketing rate); status webhooks are those of \
                    `/messages`. Needs `whatsapp_business_messaging`.",
                "security": security(),
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": schema_ref("GraphSendRequest"), "example":
                        {"messaging_product": "whatsapp", "to": "15550001111", "type": "template",
                         "template": {"name": "spring_sale", "language": {"code": "en_US"}}}},
                }},
                "responses": responses(&[("200", json_response("Accepted.", schema_ref("GraphSendResult")))],
                    &[400, 401, 403, 404]),
            },
        },
        "/{Version}/message_template_library": {
            "parameters": [param("Version")],
            "get": {
                "tags": ["Graph: templates"],
                "operationId": "listTemplateLibrary",
                "summary": "The Template Library",
                "description": "Pre-written UTILITY and AUTHENTICATION templates (en_US) to create templates from: \
                    `POST /{WABA-ID}/message_templates` with `name`, `language`, `category`, \
                    `library_template_name` and, for URL and phone buttons, `library_template_button_inputs` \
                    (`{\"type\":\"URL\",\"url\":{\"base_url\":…,\"url_suffix_example\":…}}`, \
                    `{\"type\":\"PHONE_NUMBER\",\"phone_number\":…}`); authentication templates take \
                    `library_template_body_inputs` (`add_security_recommendation`, `code_expiration_minutes`). \
                    Such a template is APPROVED at once and keeps `library_template_name`. Filters: `search` \
                    (name, header or body text), `topic`, `usecase`, `industry`, `language`, `name`. Needs \
                    `whatsapp_business_management`.",
                "security": security(),
                "parameters": [
                    {"name": "search", "in": "query", "schema": {"type": "string"}},
                    {"name": "topic", "in": "query", "schema": {"type": "string"}},
                    {"name": "usecase", "in": "query", "schema": {"type": "string"}},
                    {"name": "industry", "in": "query", "schema": {"type": "string"}},
                    {"name": "language", "in": "query", "schema": {"type": "string"}},
                    {"name": "name", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": responses(&[("200", json_response("The matching library templates.", json!({
                    "type": "object", "required": ["data"], "properties": {"data": {"type": "array",
                        "items": schema_ref("LibraryTemplate")}}})))], &[400, 401, 403]),
            },
        },
        "/{Version}/{Phone-Number-ID}/whatsapp_commerce_settings": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "get": {
                "tags": ["Graph: objects"],
                "operationId": "getCommerceSettings",
                "summary": "A number's commerce settings",
                "description": "Whether customers can use a cart (`is_cart_enabled`) and see the catalog storefront \
                    (`is_catalog_visible`); both are true until changed. Either permission.",
                "security": security(),
                "parameters": [param("Fields")],
                "responses": responses(&[("200", json_response("The settings.", json!({
                    "type": "object", "required": ["data"], "properties": {"data": {"type": "array",
                        "items": schema_ref("CommerceSettings")}}})))], &[400, 401, 403]),
            },
            "post": {
                "tags": ["Graph: objects"],
                "operationId": "updateCommerceSettings",
                "summary": "Change a number's commerce settings",
                "description": "Either or both of `is_cart_enabled` and `is_catalog_visible`, as query parameters \
                    (`?is_cart_enabled=false`) or in the body; anything else is 100. With the cart off, a \
                    customer's `order` message to the number is refused (131009); the customer API's chat list \
                    shows both settings. Needs `whatsapp_business_management`.",
                "security": security(),
                "parameters": [
                    {"name": "is_cart_enabled", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "is_catalog_visible", "in": "query", "schema": {"type": "boolean"}},
                ],
                "requestBody": {"required": false, "content": {"application/json": {
                    "schema": schema_ref("CommerceSettings"), "example": {"is_cart_enabled": false}}}},
                "responses": responses(&[("200", json_response("Changed.", json!({"type": "object",
                    "properties": {"success": {"const": true}}})))], &[400, 401, 403]),
            },
        },
        "/{Version}/{Phone-Number-ID}/settings": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "get": {
                "tags": ["Graph: objects"],
                "operationId": "getPhoneNumberSettings",
                "summary": "A number's feature settings: calling, payload encryption, data storage",
                "description": "Risala places no calls, does not encrypt webhook payloads with a client key and \
                    stores data where its operator runs it: every number reports calling `disabled`, payload \
                    encryption `disabled` and storage `default`. Either permission.",
                "security": security(),
                "parameters": [{"name": "include_sip_credentials", "in": "query", "schema": {"type": "boolean"}}],
                "responses": responses(&[("200", json_response("The settings.", json!({"type": "object",
                    "required": ["calling", "storage_configuration"], "properties": {
                        "calling": {"type": "object"}, "payload_encryption": {"type": "object"},
                        "storage_configuration": {"type": "object"}}})))], &[400, 401, 403]),
            },
            "post": {
                "tags": ["Graph: objects"],
                "operationId": "updatePhoneNumberSettings",
                "summary": "Set one feature: calling, user_identity_change, payload_encryption or storage_configuration",
                "description": "One feature per request. The state Risala has (calling `disabled`, user identity \
                    change `enabled: false`, payload encryption `disabled`, storage `enabled: false`) is accepted; \
                    turning a feature on is refused with code 100 naming it, never stored and ignored. Needs \
                    `whatsapp_business_management`.",
                "security": security(),
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"type": "object"}, "example": {"calling": {"status": "disabled"}}}}},
                "responses": responses(&[("200", json_response("Accepted.", json!({"type": "object",
                    "properties": {"success": {"const": true}}})))], &[400, 401, 403]),
            },
        },
    })
}

pub fn schemas() -> Value {
    json!({
        "LibraryTemplate": {
            "type": "object",
            "required": ["name", "language", "category", "body", "id"],
            "properties": {
                "name": {"type": "string"}, "language": {"type": "string"}, "category": {"type": "string"},
                "topic": {"type": "string"}, "usecase": {"type": "string"},
                "industry": {"type": "array", "items": {"type": "string"}},
                "header": {"type": "string"}, "body": {"type": "string"},
                "body_params": {"type": "array", "items": {"type": "string"}},
                "body_param_types": {"type": "array", "items": {"type": "string"}},
                "buttons": {"type": "array", "items": {"type": "object", "properties": {
                    "type": {"type": "string"}, "text": {"type": "string"}, "url": {"type": "string"},
                    "phone_number": {"type": "string"}}}},
                "id": {"type": "string"},
            },
        },
        "CommerceSettings": {
            "type": "object",
            "properties": {
                "is_cart_enabled": {"type": "boolean"},
                "is_catalog_visible": {"type": "boolean"},
                "id": {"type": "string", "description": "The phone number's id."},
            },
        },
    })
}
