//! WhatsApp Flows: the Flows API on the Graph paths, the business encryption key of a number,
//! the Flow JSON download and preview page, and the customer's side of a flow message.

use serde_json::{json, Value};

use super::{json_body, json_response, responses};

fn business() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

fn session() -> Value {
    json!([{"customerSession": []}, {"customerSessionQuery": []}])
}

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

fn token_query() -> Value {
    json!({"name": "token", "in": "query", "required": true, "schema": {"type": "string"},
           "description": "The flow's preview token (from `preview.preview_url`)."})
}

fn success() -> Value {
    json_response(
        "Done.",
        json!({"type": "object", "required": ["success"], "properties": {"success": {"type": "boolean"}}}),
    )
}

fn op(id: &str, summary: &str, description: &str) -> Value {
    json!({"tags": ["Graph: flows"], "operationId": id, "summary": summary, "description": description,
           "security": business(), "responses": responses(&[("200", success())], &[400, 401, 403, 404])})
}

/// `validation_errors` entries: Meta's shape.
fn validation_errors() -> Value {
    json!({"type": "array", "items": {"type": "object", "properties": {
        "error": {"type": "string"}, "error_type": {"type": "string"}, "message": {"type": "string"},
        "line_start": {"type": "integer"}, "line_end": {"type": "integer"},
        "column_start": {"type": "integer"}, "column_end": {"type": "integer"},
        "pointers": {"type": "array", "items": {"type": "object"}}}}})
}

fn flow_id() -> Value {
    path_param("Flow-ID", "The flow's id.")
}

pub(super) fn paths() -> Value {
    let flow = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "name": {"type": "string"},
        "status": {"type": "string", "enum": ["DRAFT", "PUBLISHED", "DEPRECATED"]},
        "categories": {"type": "array", "items": {"type": "string"}},
        "validation_errors": validation_errors()}});
    let flow_body = json!({"type": "object", "properties": {
        "name": {"type": "string"}, "categories": {"type": "array", "items": {"type": "string"}},
        "endpoint_uri": {"type": "string"}, "flow_json": {"type": "string"},
        "clone_flow_id": {"type": "string"}, "publish": {"type": "boolean"}}});
    let mut publish = op(
        "publishFlow",
        "Publish a DRAFT flow",
        "Needs a valid Flow JSON; a flow with `data_api_version` also needs `endpoint_uri`, a business public key \
         on a number of the WABA, and an endpoint that answers the encrypted `ping`. Else 139002.",
    );
    publish["parameters"] = json!([param("Version"), flow_id()]);
    let mut deprecate = op("deprecateFlow", "Deprecate a PUBLISHED flow", "Else 139003.");
    deprecate["parameters"] = json!([param("Version"), flow_id()]);
    json!({
        "/{Version}/{WABA-ID}/flows": {
            "parameters": [param("Version"), param("WabaId")],
            "get": {
                "tags": ["Graph: flows"], "operationId": "listFlows", "summary": "A WABA's flows, cursor-paged",
                "security": business(),
                "parameters": [param("Fields"), param("Limit"), param("After"), param("Before")],
                "responses": responses(&[("200", json_response("A page.", json!({"type": "object", "required": ["data"],
                    "properties": {"data": {"type": "array", "items": flow}}})))], &[400, 401, 403, 404]),
            },
            "post": {
                "tags": ["Graph: flows"], "operationId": "createFlow", "summary": "Create (or clone) a flow",
                "description": "JSON, form or multipart fields. A DRAFT, published at once with `publish: true` when \
                    the Flow JSON is valid. A name already used in the WABA is error 100.",
                "security": business(),
                "requestBody": json_body(flow_body.clone(), json!({"name": "signup", "categories": ["SIGN_UP"]})),
                "responses": responses(&[("200", json_response("Created.", json!({"type": "object",
                    "required": ["id", "success"], "properties": {"id": {"type": "string"},
                    "success": {"type": "boolean"}, "validation_errors": validation_errors()}})))], &[400, 401, 403, 404]),
            },
        },
        "/{Version}/{Flow-ID}/assets": {
            "parameters": [param("Version"), flow_id()],
            "get": {
                "tags": ["Graph: flows"], "operationId": "listFlowAssets", "summary": "The flow's Flow JSON asset",
                "security": business(),
                "responses": responses(&[("200", json_response("The assets.", json!({"type": "object",
                    "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {
                        "name": {"type": "string"}, "asset_type": {"type": "string"},
                        "download_url": {"type": "string"}}}}}})))], &[400, 401, 403, 404]),
            },
            "post": {
                "tags": ["Graph: flows"], "operationId": "updateFlowJson", "summary": "Upload the Flow JSON",
                "description": "Multipart: `file`, `name=flow.json`, `asset_type=FLOW_JSON`. Only a DRAFT (else \
                    139001). The answer lists the validation errors, each pointing at its component.",
                "security": business(),
                "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object",
                    "required": ["file", "asset_type"], "properties": {"file": {"type": "string", "format": "binary"},
                    "name": {"type": "string"}, "asset_type": {"type": "string"}}}}}},
                "responses": responses(&[("200", json_response("Stored.", json!({"type": "object",
                    "properties": {"success": {"type": "boolean"}, "validation_errors": validation_errors()}})))],
                    &[400, 401, 403, 404]),
            },
        },
        "/{Version}/{Flow-ID}/publish": {"post": publish},
        "/{Version}/{Flow-ID}/deprecate": {"post": deprecate},
        "/{Version}/{Phone-Number-ID}/whatsapp_business_encryption": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "get": {
                "tags": ["Graph: flows"], "operationId": "getBusinessPublicKey", "summary": "The number's business public key",
                "security": business(),
                "responses": responses(&[("200", json_response("The key, if set.", json!({"type": "object",
                    "properties": {"data": {"type": "array", "items": {"type": "object", "properties": {
                        "business_public_key": {"type": "string"},
                        "business_public_key_signature_status": {"type": "string"}}}}}})))], &[400, 401, 403, 404]),
            },
            "post": {
                "tags": ["Graph: flows"], "operationId": "setBusinessPublicKey",
                "summary": "Set the number's business public key (2048-bit RSA, PEM)",
                "security": business(),
                "requestBody": json_body(json!({"type": "object", "required": ["business_public_key"],
                    "properties": {"business_public_key": {"type": "string"}}}),
                    json!({"business_public_key": "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----"})),
                "responses": responses(&[("200", success())], &[400, 401, 403, 404]),
            },
        },
        "/flow-assets/{Flow-ID}/flow.json": {
            "parameters": [flow_id(), token_query()],
            "get": {
                "tags": ["Graph: flows"], "operationId": "downloadFlowJson", "summary": "The Flow JSON as uploaded",
                "security": [],
                "responses": responses(&[("200", json_response("The Flow JSON.", json!({"type": "object"})))], &[400]),
            },
        },
        "/flow-preview/{Flow-ID}": {
            "parameters": [flow_id(), token_query()],
            "get": {
                "tags": ["Graph: flows"], "operationId": "previewFlow", "summary": "The flow's preview page",
                "security": [],
                "responses": responses(&[("200", json!({"description": "An HTML page of the flow's screens.",
                    "content": {"text/html": {"schema": {"type": "string"}}}}))], &[400]),
            },
        },
        "/customer/v1/flows/{message_id}": {
            "parameters": [path_param("message_id", "The flow message's id.")],
            "get": {
                "tags": ["Customer"], "operationId": "customerOpenFlow",
                "summary": "Open the flow of a flow message: its Flow JSON, first screen and data",
                "description": "With `flow_action: data_exchange` the first screen comes from the business's \
                    endpoint (an encrypted `INIT` request).",
                "security": session(),
                "responses": responses(&[("200", json_response("The flow.", json!({"type": "object", "properties": {
                    "flow_id": {"type": "string"}, "flow_token": {"type": "string"}, "flow_json": {"type": "object"},
                    "screen": {"type": "string"}, "data": {"type": "object"}}})))], &[400, 401]),
            },
        },
        "/customer/v1/flows/{message_id}/data_exchange": {
            "parameters": [path_param("message_id", "The flow message's id.")],
            "post": {
                "tags": ["Customer"], "operationId": "customerFlowDataExchange",
                "summary": "Send a screen's data to the business's endpoint; its answer is the next screen",
                "description": "An answer with the screen `SUCCESS` completes the flow (`completed: true`): the \
                    business receives the `nfm_reply` with `extension_message_response.params`.",
                "security": session(),
                "requestBody": json_body(json!({"type": "object", "required": ["screen"], "properties": {
                    "screen": {"type": "string"}, "data": {"type": "object"}}}), json!({"screen": "ASK", "data": {"answer": "42"}})),
                "responses": responses(&[("200", json_response("The next screen.", json!({"type": "object",
                    "properties": {"screen": {"type": "string"}, "data": {"type": "object"},
                    "completed": {"type": "boolean"}}})))], &[400, 401]),
            },
        },
        "/customer/v1/flows/{message_id}/complete": {
            "parameters": [path_param("message_id", "The flow message's id.")],
            "post": {
                "tags": ["Customer"], "operationId": "customerCompleteFlow",
                "summary": "Complete the flow from a terminal screen: the business receives an `nfm_reply`",
                "security": session(),
                "requestBody": json_body(json!({"type": "object", "required": ["screen"], "properties": {
                    "screen": {"type": "string"}, "response": {"type": "object"}}}),
                    json!({"screen": "DONE", "response": {"full_name": "Alice"}})),
                "responses": responses(&[("200", json_response("The reply message.", json!({"type": "object",
                    "properties": {"id": {"type": "string"}, "timestamp": {"type": "string"}}})))], &[400, 401]),
            },
        },
        "/customer/v1/addresses/{message_id}": {
            "parameters": [path_param("message_id", "The address message's id.")],
            "post": {
                "tags": ["Customer"], "operationId": "customerAnswerAddress",
                "summary": "Answer an address message: the business receives an `nfm_reply` named `address_message`",
                "description": "`values` holds the form's fields of the message's country; `saved_address_id` picks \
                    one of the message's `saved_addresses` (its fields, corrected by any `values`).",
                "security": session(),
                "requestBody": json_body(json!({"type": "object", "properties": {
                    "values": {"type": "object"}, "saved_address_id": {"type": "string"}}}),
                    json!({"values": {"name": "Asha", "in_pin_code": "400063", "city": "Mumbai"}})),
                "responses": responses(&[("200", json_response("The reply message.", json!({"type": "object",
                    "properties": {"id": {"type": "string"}, "timestamp": {"type": "string"}}})))], &[400, 401]),
            },
        },
    })
}
