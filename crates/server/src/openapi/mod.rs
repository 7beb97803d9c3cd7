//! The OpenAPI 3.1 description of Risala's own API, served at `GET /openapi.json`: the customer
//! API (a WhatsApp user's device) with its WebSocket stream, the sandbox clock, the operations
//! endpoints, the Graph endpoints this server answers, and the admin API.
//!
//! The document is plain JSON built with `serde_json::json!`: shared pieces (error envelope,
//! error responses, security schemes, small builders) live here, the customer API in
//! `customer.rs`, the Graph endpoints in `graph.rs`, message templates in `templates.rs`, webhook
//! subscriptions and the admin API's webhook inspector in `webhooks.rs`. The API tests'
//! `openapi` module (`tests/api/openapi.rs`) checks that every route of the route table is
//! described and that every `$ref` resolves.

mod ads;
mod badges;
mod billing;
mod broadcasts;
mod catalogs;
mod customer;
mod faults;
mod flows;
mod graph;
mod limits;
mod numbers;
mod payments;
mod profile;
mod state_file;
mod surfaces;
mod templates;
mod tools;
mod tools_bots;
mod tools_contacts;
mod tools_faq;
mod webhooks;

use axum::Json;
use serde_json::{json, Map, Value};

/// `GET /openapi.json`.
pub async fn openapi() -> Json<Value> {
    Json(document())
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    paths.extend(obj(operations_paths()));
    paths.extend(obj(sandbox_paths()));
    paths.extend(obj(faults::paths()));
    paths.extend(obj(state_file::paths()));
    paths.extend(obj(customer::paths()));
    paths.extend(obj(graph::paths()));
    paths.extend(obj(templates::paths()));
    paths.extend(obj(flows::paths()));
    paths.extend(obj(webhooks::paths()));
    paths.extend(obj(billing::paths()));
    paths.extend(obj(limits::paths()));
    paths.extend(obj(surfaces::paths()));
    paths.extend(obj(numbers::paths()));
    paths.extend(obj(profile::paths()));
    paths.extend(obj(tools::paths()));
    paths.extend(obj(tools_contacts::paths()));
    paths.extend(obj(tools_faq::paths()));
    paths.extend(obj(tools_bots::paths()));
    paths.extend(obj(broadcasts::paths()));
    paths.extend(obj(ads::paths()));
    paths.extend(obj(badges::paths()));
    paths.extend(obj(catalogs::paths()));
    paths.extend(obj(payments::paths()));
    let mut schemas = obj(common_schemas());
    schemas.extend(obj(customer::schemas()));
    schemas.extend(obj(graph::schemas()));
    schemas.extend(obj(templates::schemas()));
    schemas.extend(obj(webhooks::schemas()));
    schemas.extend(obj(limits::schemas()));
    schemas.extend(obj(surfaces::schemas()));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Risala",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "Self-hosted business messaging that speaks the WhatsApp Cloud API.",
            "description": concat!(
                "Risala serves two audiences from one process.\n\n",
                "* **Businesses** use the Graph endpoints exactly as they would use the WhatsApp Cloud API: ",
                "the same paths, bodies, tokens and error envelopes. Every Graph path works with a version ",
                "prefix (`/v23.0/…`) and without one.\n",
                "* **Customers** (simulated WhatsApp users, or a real client app on a platform deployment) use ",
                "the customer API under `/customer/v1`: open a session with a phone number, list chats, send ",
                "any message type a WhatsApp user can send, upload media, acknowledge delivery and reads, and ",
                "receive the business's messages over a WebSocket.\n\n",
                "Every error, on every API, is the Graph error envelope (`GraphErrorEnvelope`): ",
                "`message` is `(#code) title`, `error_data.details` names the offending field."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "http://127.0.0.1:8080", "description": "The default listen address"}],
        "tags": [
            {"name": "Customer", "description": "The customer API: what a WhatsApp user's device does."},
            {"name": "Customer stream", "description": "The customer's WebSocket: messages arrive here live."},
            {"name": "Graph: messages", "description": "Sending messages as a business (Cloud API compatible)."},
            {"name": "Graph: media", "description": "Business media uploads and downloads (Cloud API compatible)."},
            {"name": "Graph: objects",
                "description": "WABAs, phone numbers, templates, businesses, apps and media by id."},
            {"name": "Graph: templates", "description": "Message templates (Cloud API compatible)."},
            {"name": "Graph: phone numbers",
                "description": "A number's life (add, verify, register, PIN, display name), QR codes and short links."},
            {"name": "Graph: flows", "description": "WhatsApp Flows and their data endpoint keys (Cloud API compatible)."},
            {"name": "Webhooks", "description": "Where a business's webhooks go (Cloud API compatible)."},
            {"name": "Business tools",
                "description": "A number's business tools, managed as code: business hours, away and greeting messages, quick replies, FAQ answers, contacts (`/tools/v1/{phone-number-id}/…`)."},
            {"name": "Admin", "description": "Operator tools: the webhook inspector, template review."},
            {"name": "Tools: broadcasts", "description": "Business tools: broadcasts of a template to an audience, paced within the number's limits."},
            {"name": "Graph: catalogs", "description": "Product catalogs, their products, connecting one to a WABA, and customers' orders."},
            {"name": "Sandbox", "description": "Controls that exist only in sandbox mode."},
            {"name": "Payments", "description": "Orders sent with order_details, their payments and the provider that takes them (sandbox or Stripe)."},
            {"name": "Operations", "description": "Health, readiness, metrics and this document."},
        ],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": error_responses(),
            "parameters": graph::parameters(),
            "securitySchemes": {
                "graphToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A business access token (system-user token), as `Authorization: Bearer …`. \
                        `Authorization: OAuth …` is accepted too. Permissions: `whatsapp_business_messaging` \
                        (sending, media) and `whatsapp_business_management` (WABAs, number lists).",
                },
                "graphTokenQuery": {
                    "type": "apiKey",
                    "in": "query",
                    "name": "access_token",
                    "description": "The business access token as a query parameter.",
                },
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The operator's admin token (config `admin_token`, `RISALA_ADMIN_TOKEN`): every \
                        business. Without an admin token, in sandbox mode, a business token with \
                        `whatsapp_business_management` may use the admin API for its own business; in platform \
                        mode without one the admin API is closed (403, code 10).",
                },
                "customerSession": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "cs_…",
                    "description": "A customer session token from `POST /customer/v1/session`, valid 30 days.",
                },
                "customerSessionQuery": {
                    "type": "apiKey",
                    "in": "query",
                    "name": "token",
                    "description": "The customer session token as `?token=`, for clients (such as browser \
                        WebSockets) that cannot set headers.",
                },
            },
        },
    })
}

// ---- builders shared by the submodules -------------------------------------------------------

/// The members of a `json!` object.
pub(crate) fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// `{"$ref": "#/components/schemas/<name>"}`.
pub(crate) fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A JSON request body of this schema, with an example.
pub(crate) fn json_body(schema: Value, example: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema, "example": example}}})
}

/// A JSON response.
pub(crate) fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// A `responses` object: the success answers, then the error answers for these HTTP statuses
/// (each a `components.responses` entry holding the Graph envelope). 500 is always added.
pub(crate) fn responses(ok: &[(&str, Value)], errors: &[u16]) -> Value {
    let mut m = Map::new();
    for (status, r) in ok {
        m.insert((*status).to_string(), r.clone());
    }
    for status in errors.iter().chain(std::iter::once(&500)) {
        m.insert(status.to_string(), json!({"$ref": format!("#/components/responses/Error{status}")}));
    }
    Value::Object(m)
}

/// A string property with a description.
pub(crate) fn string(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

// ---- shared components -----------------------------------------------------------------------

fn common_schemas() -> Value {
    json!({
        "GraphErrorEnvelope": {
            "type": "object",
            "description": "Every error answer, on every API of this server.",
            "required": ["error"],
            "properties": {"error": schema_ref("GraphError")},
            "example": {"error": {
                "message": "(#131008) Required parameter is missing",
                "type": "OAuthException",
                "code": 131008,
                "error_subcode": null,
                "error_data": {"messaging_product": "whatsapp", "details": "The parameter text.body is required."},
                "is_transient": false,
                "fbtrace_id": "AbC123xYz"
            }},
        },
        "GraphError": {
            "type": "object",
            "required": ["message", "type", "code", "fbtrace_id"],
            "properties": {
                "message": string("`(#<code>) <title>`: the code and a short, fixed title for it."),
                "type": {
                    "type": "string",
                    "description": "The error class: `OAuthException` for most errors, `GraphMethodException` \
                        for ids that do not exist or are not visible to the caller.",
                    "examples": ["OAuthException", "GraphMethodException"],
                },
                "code": {"type": "integer", "description": "The Graph / WhatsApp error code, e.g. 100, 190, 131047."},
                "error_subcode": {
                    "type": ["integer", "null"],
                    "description": "A finer code where one exists: 33 for an unknown or invisible id, 467 for an \
                        unknown token, 460 for a revoked one.",
                },
                "error_data": {
                    "type": "object",
                    "required": ["messaging_product", "details"],
                    "properties": {
                        "messaging_product": {"const": "whatsapp"},
                        "details": string("The precise reason, naming the field by its path where there is one \
                            (e.g. `order.product_items[1].quantity`)."),
                    },
                },
                "is_transient": {"type": "boolean", "description": "True when retrying the same request may work."},
                "fbtrace_id": string("The request id: also in the `x-fb-trace-id` header and in the server's logs."),
            },
        },
        "Success": {
            "type": "object",
            "required": ["success"],
            "properties": {"success": {"const": true}},
        },
        "Health": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"const": "ok"}},
        },
        "Readiness": {
            "type": "object",
            "required": ["status", "database"],
            "properties": {
                "status": {"enum": ["ready", "unavailable"]},
                "database": {"enum": ["sqlite", "postgres"], "description": "The storage engine in use."},
                "error": string("Why the database did not answer (only when unavailable)."),
            },
        },
        "SandboxClock": {
            "type": "object",
            "required": ["now_ms", "now", "offset_ms"],
            "properties": {
                "now_ms": {"type": "integer", "description": "The sandbox's current time, Unix milliseconds."},
                "now": string("The same time in Graph's format, e.g. `2024-05-01T12:00:00+0000` (UTC)."),
                "offset_ms": {"type": "integer", "description": "How far the clock is ahead of real time."},
            },
        },
        "SandboxAdvance": {
            "type": "object",
            "description": "How far to move the clock forward: `by`, a duration made of numbers with units \
                `d`, `h`, `m` (or `min`), `s`, `ms` (a bare number is seconds), or `ms`, milliseconds. One of \
                the two is required; the amount must be positive.",
            "properties": {
                "by": {
                    "type": "string",
                    "pattern": "^\\s*([0-9]+(ms|min|d|h|m|s)?)+\\s*$",
                    "examples": ["25h", "1h30m", "2d"],
                },
                "ms": {"type": "integer", "minimum": 1},
            },
        },
    })
}

/// One `components.responses` entry per HTTP status an error can have.
fn error_responses() -> Value {
    let rows: &[(u16, &str, i64, &str)] = &[
        (
            400,
            "Bad request: a missing token (104), a malformed or invalid parameter (100), a missing required \
             parameter (131008), a value that breaks a rule (131009), an unsupported message type (131051), a media \
             problem (131052, 131053), an undeliverable recipient (131026), or an id that does not exist or belongs \
             to another business (100, subcode 33: the same answer either way, so ids cannot be probed).",
            131009,
            "Parameter value is not valid",
        ),
        (
            401,
            "The token is unknown (190, subcode 467) or revoked (190, subcode 460).",
            190,
            "Invalid OAuth access token",
        ),
        (
            403,
            "The caller is not allowed: the token lacks the permission (200), the API is not available in this mode \
             (10), or access was denied (131005).",
            200,
            "Requires permission",
        ),
        (
            404,
            "A path segment that is neither an id nor a known name (803), or a template that does not exist (132001).",
            803,
            "Some of the aliases you requested do not exist",
        ),
        (
            500,
            "Something unexpected went wrong (1); quote `fbtrace_id` to find it in the logs.",
            1,
            "An unknown error occurred",
        ),
        (429, "The number's throughput was exceeded (130429); retry later.", 130429, "Rate limit hit"),
        (503, "The database is unavailable (2); retry later.", 2, "Service temporarily unavailable"),
    ];
    let mut m = Map::new();
    for (status, description, code, title) in rows {
        m.insert(
            format!("Error{status}"),
            json!({
                "description": description,
                "content": {"application/json": {
                    "schema": schema_ref("GraphErrorEnvelope"),
                    "example": {"error": {
                        "message": format!("(#{code}) {title}"),
                        "type": "OAuthException",
                        "code": code,
                        "error_data": {"messaging_product": "whatsapp", "details": "…"},
                        "is_transient": *status >= 500,
                        "fbtrace_id": "AbC123xYz",
                    }},
                }},
            }),
        );
    }
    Value::Object(m)
}

fn operations_paths() -> Value {
    json!({
        "/healthz": {"get": {
            "tags": ["Operations"],
            "operationId": "healthz",
            "summary": "Liveness: the process is up",
            "responses": {"200": json_response("Always, while the process serves requests.", schema_ref("Health"))},
        }},
        "/readyz": {"get": {
            "tags": ["Operations"],
            "operationId": "readyz",
            "summary": "Readiness: the database answers",
            "description": "`risala healthcheck` exits 0 when this answers 200.",
            "responses": {
                "200": json_response("The database answered.", schema_ref("Readiness")),
                "503": json_response("The database did not answer.", schema_ref("Readiness")),
            },
        }},
        "/metrics": {"get": {
            "tags": ["Operations"],
            "operationId": "metrics",
            "summary": "Prometheus metrics",
            "description": "Text exposition format 0.0.4: `risala_http_requests_total{operation,status}` and \
                `risala_http_request_duration_seconds{operation}` (operation = method + route pattern).",
            "responses": {"200": {
                "description": "The metrics.",
                "content": {"text/plain; version=0.0.4": {"schema": {"type": "string"}}},
            }},
        }},
        "/openapi.json": {"get": {
            "tags": ["Operations"],
            "operationId": "openapi",
            "summary": "This document",
            "responses": {"200": json_response("The OpenAPI 3.1 document.", json!({"type": "object"}))},
        }},
    })
}

fn sandbox_paths() -> Value {
    let clock = json_response("The sandbox clock.", schema_ref("SandboxClock"));
    let sandbox_note = "Sandbox mode only: in platform mode this answers 403 with code 10. No token is needed.";
    json!({
        "/sandbox/v1/clock": {"get": {
            "tags": ["Sandbox"],
            "operationId": "sandboxClock",
            "summary": "Read the sandbox clock",
            "description": format!("The clock every time-based rule reads (customer service windows, media and \
                session expiry, download links). {sandbox_note}"),
            "security": [],
            "responses": responses(&[("200", clock.clone())], &[403]),
        }},
        "/sandbox/v1/clock/advance": {"post": {
            "tags": ["Sandbox"],
            "operationId": "sandboxClockAdvance",
            "summary": "Move the sandbox clock forward",
            "description": format!("Moves the clock forward (never back) and persists the offset across \
                restarts, so a customer service window can be made to expire without waiting a day. \
                Errors: 131008 when neither `by` nor `ms` is given, 131009 for an unreadable or non-positive \
                amount or one that would put the clock more than ten years ahead of the system clock, 100 \
                for a value of the wrong JSON type; 104 without a token, 190 for a bad one, 200 for a token \
                without whatsapp_business_management. The clock is shared by every business of the sandbox: \
                it takes a business's management token or the admin token. {sandbox_note}"),
            "security": [{"graphToken": []}, {"graphTokenQuery": []}, {"adminToken": []}],
            "requestBody": json_body(schema_ref("SandboxAdvance"), json!({"by": "25h"})),
            "responses": responses(&[("200", clock)], &[400, 401, 403]),
        }},
        "/sandbox/v1/tokens/{id}/expire": {"post": {
            "tags": ["Sandbox"],
            "operationId": "sandboxExpireToken",
            "summary": "Expire an access token",
            "description": "The token expires now, after `in` (a duration; the sandbox clock counts), or never again \
                (`never: true`); requests with an expired token answer 190 with subcode 463. A business's token with \
                whatsapp_business_management expires its own business's tokens, the admin token any. Errors: 100 for a \
                token of another business, an unknown id or a value of the wrong JSON type, 131009 for an unreadable \
                duration; 104 without a token. Sandbox mode only (403, code 10, otherwise).",
            "security": [{"graphToken": []}, {"graphTokenQuery": []}, {"adminToken": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "The token's id (`risala admin tokens list`)."}],
            "requestBody": {"required": false, "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "in": {"type": "string", "description": "How long from now, e.g. `10m`. Default: now."},
                    "never": {"type": "boolean", "description": "Lift the expiry."},
                }},
                "example": {"in": "10m"},
            }}},
            "responses": responses(&[("200", json_response("When the token expires.", json!({
                "type": "object",
                "required": ["id", "expires_at"],
                "properties": {"id": {"type": "string"}, "expires_at": {"type": ["string", "null"]}},
            })))], &[400, 401, 403]),
        }},
    })
}
