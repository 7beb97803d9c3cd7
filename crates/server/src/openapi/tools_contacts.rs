//! Contacts as a small CRM (`/tools/v1/{phone-number-id}/contacts…`).

use serde_json::{json, Value};

use super::{json_body, json_response, responses};

fn param(name: &str, what: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}, "description": what})
}

fn contact() -> Value {
    json!({"type": "object", "properties": {
        "wa_id": {"type": "string", "description": "The WhatsApp number, digits only."},
        "name": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
            "description": "Values by field key, in canonical form (numbers as digits, dates YYYY-MM-DD, booleans true/false)."},
        "created_at": {"type": "integer"}, "updated_at": {"type": "integer"}}})
}

fn field() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string"}, "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
        "label": {"type": "string"},
        "kind": {"type": "string", "enum": ["text", "number", "date", "boolean", "email", "choice"]},
        "options": {"type": "array", "items": {"type": "string"}}}})
}

fn opt_in() -> Value {
    json!({"type": "object", "properties": {"topic": {"type": "string"}, "opted_in": {"type": "boolean"},
        "source": {"type": "string"}, "timestamp": {"type": "string"}}})
}

pub(super) fn paths() -> Value {
    let security = json!([{"graphToken": []}, {"graphTokenQuery": []}]);
    let who = "Contacts are the business's, shared by its numbers; the number in the path must be the token's \
        business's (otherwise 100, subcode 33) and the token needs whatsapp_business_management. Every change \
        queues a `contacts` webhook change.";
    let e: &[u16] = &[400, 401, 403];
    let pn = param("phone_number_id", "A phone number of the token's business.");
    let wa = param("wa_id", "The contact's WhatsApp number.");
    let ok = json_response("Done.", json!({"type": "object", "properties": {"success": {"type": "boolean"}}}));
    let values = json!({"type": "object", "properties": {"wa_id": {"type": "string"}, "name": {"type": "string"},
        "fields": {"type": "object", "description": "Values by key: strings, numbers, booleans; null clears."}}});
    json!({
        "/tools/v1/{phone_number_id}/contacts": {
            "get": {"tags": ["Business tools"], "operationId": "contactsList", "summary": "List contacts",
                "description": format!("By number; `search` in the name or number, `after` (a cursor) and `limit` (1–1000, default 100). {who}"),
                "security": security, "parameters": [pn,
                    {"name": "search", "in": "query", "schema": {"type": "string"}},
                    {"name": "after", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": responses(&[("200", json_response("A page.", json!({"type": "object", "properties": {
                    "data": {"type": "array", "items": contact()}, "paging": {"type": "object"}}})))], e)},
            "post": {"tags": ["Business tools"], "operationId": "contactsPut", "summary": "Create or update a contact",
                "description": format!("131009 for a bad number or a value that does not fit its field's kind. {who}"),
                "security": security, "parameters": [pn],
                "requestBody": json_body(values, json!({"wa_id": "15550001111", "name": "Layla", "fields": {"tier": "gold"}})),
                "responses": responses(&[("200", json_response("The contact.", contact()))], e)},
        },
        "/tools/v1/{phone_number_id}/contacts/{wa_id}": {
            "get": {"tags": ["Business tools"], "operationId": "contactShow", "summary": "A contact with opt-ins, labels and notes",
                "description": who, "security": security, "parameters": [pn, wa],
                "responses": responses(&[("200", json_response("The contact.", contact()))], e)},
            "post": {"tags": ["Business tools"], "operationId": "contactUpdate", "summary": "Change a contact's name or fields",
                "description": who, "security": security, "parameters": [pn, wa],
                "requestBody": json_body(json!({"type": "object"}), json!({"fields": {"tier": "silver"}})),
                "responses": responses(&[("200", json_response("The contact.", contact()))], e)},
            "delete": {"tags": ["Business tools"], "operationId": "contactDelete", "summary": "Delete a contact and its opt-ins",
                "description": who, "security": security, "parameters": [pn, wa], "responses": responses(&[("200", ok.clone())], e)},
        },
        "/tools/v1/{phone_number_id}/contacts/{wa_id}/opt_ins": {"post": {
            "tags": ["Business tools"], "operationId": "contactOptIn", "summary": "Record an opt-in or opt-out",
            "description": format!("`topic` and `source` required (131008), `opted_in` defaults to true. {who}"),
            "security": security, "parameters": [pn, wa],
            "requestBody": json_body(opt_in(), json!({"topic": "marketing", "opted_in": true, "source": "website_form"})),
            "responses": responses(&[("200", json_response("The record.", opt_in()))], e)}},
        "/tools/v1/{phone_number_id}/contacts/fields": {
            "get": {"tags": ["Business tools"], "operationId": "contactFields", "summary": "The business's contact fields",
                "description": who, "security": security, "parameters": [pn],
                "responses": responses(&[("200", json_response("The fields.", json!({"type": "object", "properties": {
                    "data": {"type": "array", "items": field()}}})))], e)},
            "post": {"tags": ["Business tools"], "operationId": "contactFieldCreate", "summary": "Define a contact field",
                "description": format!("131009 for a bad or taken key, an unknown kind, a choice without options. {who}"),
                "security": security, "parameters": [pn],
                "requestBody": json_body(field(), json!({"key": "tier", "label": "Loyalty tier", "kind": "choice", "options": ["gold", "silver"]})),
                "responses": responses(&[("200", json_response("The field.", field()))], e)},
        },
        "/tools/v1/{phone_number_id}/contacts/fields/{field_id}": {"delete": {
            "tags": ["Business tools"], "operationId": "contactFieldDelete", "summary": "Delete a contact field",
            "description": who, "security": security, "parameters": [pn, param("field_id", "The field's id.")],
            "responses": responses(&[("200", ok)], e)}},
        "/tools/v1/{phone_number_id}/contacts/import": {"post": {
            "tags": ["Business tools"], "operationId": "contactsImport", "summary": "Import contacts from CSV",
            "description": format!("`csv`: a header (`wa_id`, optionally `name`, field keys) then rows; each valid row \
                creates or updates its contact, each other row is reported with its line and reason. An unknown column \
                refuses the file (131009). At most 10,000 rows. {who}"),
            "security": security, "parameters": [pn],
            "requestBody": json_body(json!({"type": "object", "required": ["csv"], "properties": {"csv": {"type": "string"}}}),
                json!({"csv": "wa_id,name,tier\n15550001111,Layla,gold\n"})),
            "responses": responses(&[("200", json_response("The report.", json!({"type": "object", "properties": {
                "created": {"type": "integer"}, "updated": {"type": "integer"},
                "rejected": {"type": "array", "items": {"type": "object", "properties": {
                    "line": {"type": "integer"}, "wa_id": {"type": "string"}, "reason": {"type": "string"}}}}}})))], e)}},
        "/tools/v1/{phone_number_id}/contacts/export": {"get": {
            "tags": ["Business tools"], "operationId": "contactsExport", "summary": "Export contacts as CSV",
            "description": format!("`wa_id`, `name`, then every field by key. {who}"),
            "security": security, "parameters": [pn],
            "responses": responses(&[("200", json!({"description": "CSV.", "content": {"text/csv": {"schema": {"type": "string"}}}}))], e)}},
    })
}
