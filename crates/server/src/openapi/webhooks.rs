//! Webhooks: the Graph subscription endpoints (an app's callback, a WABA's subscribed apps, a
//! phone number's override callback) and the admin API's webhook inspector (`/admin/v1/webhooks`).

use serde_json::{json, Value};

use super::{json_body, json_response, responses, schema_ref, string};

fn business() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

fn admin() -> Value {
    json!([{"adminToken": []}])
}

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

pub(super) const HANDSHAKE: &str = "Before a callback is saved the server checks the URL against its address \
    policy and makes the verification request (`GET <url>?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`, \
    to be answered 2xx with the challenge as the body); when either fails nothing is saved and the answer is 400 \
    with code 100.";

pub(super) fn paths() -> Value {
    let done = || json_response("Done.", schema_ref("Success"));
    let list = |items: &str| {
        json_response(
            "The list.",
            json!({"type": "object", "required": ["data"],
                "properties": {"data": {"type": "array", "items": schema_ref(items)}}}),
        )
    };
    let replayed = json_response(
        "How many deliveries were queued again.",
        json!({"type": "object", "required": ["replayed"], "properties": {"replayed": {"type": "integer"}}}),
    );
    let faults = json_response("The fault settings now in force.", schema_ref("WebhookFaults"));
    let set_faults = json!({
        "tags": ["Admin"],
        "summary": "Change webhook fault injection (sandbox)",
        "description": "Members not given keep their value; the change lasts until the server restarts. Sandbox \
            mode only (403, code 10, otherwise).",
        "security": admin(),
        "requestBody": json_body(schema_ref("WebhookFaults"), json!({"fail_rate": 0.3, "delay": "2s"})),
        "responses": responses(&[("200", faults.clone())], &[400, 401, 403]),
    });
    let mut put_faults = set_faults.clone();
    put_faults["operationId"] = json!("putWebhookFaults");
    let mut post_faults = set_faults;
    post_faults["operationId"] = json!("postWebhookFaults");
    let pause = |paused: bool| {
        let (id, summary) = if paused {
            ("pauseWebhookEndpoint", "Hold deliveries to a callback URL (they stay pending, in order)")
        } else {
            ("resumeWebhookEndpoint", "Deliver held changes to a callback URL now")
        };
        json!({"post": {
            "tags": ["Admin"],
            "operationId": id,
            "summary": summary,
            "security": admin(),
            "requestBody": json_body(json!({"type": "object", "required": ["url"],
                "properties": {"url": string("A callback URL (of the caller's business).")}}),
                json!({"url": "https://example.com/wa-hook"})),
            "responses": responses(&[("200", json_response("The endpoint's state.", json!({"type": "object",
                "properties": {"url": {"type": "string"}, "paused": {"type": "boolean"}}})))], &[400, 401, 403]),
        }})
    };
    json!({
        "/{Version}/{App-ID}/subscriptions": {
            "parameters": [param("Version"), param("AppId")],
            "get": {
                "tags": ["Webhooks"],
                "operationId": "getAppSubscriptions",
                "summary": "An app's webhook callback",
                "security": business(),
                "responses": responses(&[("200", list("AppSubscription"))], &[400, 401, 403, 404]),
            },
            "post": {
                "tags": ["Webhooks"],
                "operationId": "setAppSubscription",
                "summary": "Set an app's webhook callback",
                "description": format!("Risala takes the business's token with `whatsapp_business_management` \
                    (where Meta takes an app token); the app must belong to that business. Only `object` \
                    `whatsapp_business_account` exists. An empty `fields` subscribes to every field. {HANDSHAKE}"),
                "security": business(),
                "requestBody": json_body(schema_ref("AppSubscriptionRequest"), json!({
                    "object": "whatsapp_business_account", "callback_url": "https://example.com/wa-hook",
                    "verify_token": "s3cret", "fields": "messages"})),
                "responses": responses(&[("200", done())], &[400, 401, 403, 404]),
            },
            "delete": {
                "tags": ["Webhooks"],
                "operationId": "deleteAppSubscription",
                "summary": "Remove an app's webhook callback",
                "security": business(),
                "parameters": [{"name": "object", "in": "query", "schema": {"enum": ["whatsapp_business_account"]}}],
                "responses": responses(&[("200", done())], &[400, 401, 403, 404]),
            },
        },
        "/{Version}/{WABA-ID}/subscribed_apps": {
            "parameters": [param("Version"), param("WabaId")],
            "get": {
                "tags": ["Webhooks"],
                "operationId": "getSubscribedApps",
                "summary": "Apps subscribed to a WABA's events",
                "security": business(),
                "responses": responses(&[("200", list("SubscribedApp"))], &[400, 401, 403, 404]),
            },
            "post": {
                "tags": ["Webhooks"],
                "operationId": "subscribeApp",
                "summary": "Subscribe an app to a WABA, optionally with an override callback",
                "description": format!("`app_id` defaults to the business's first app. With \
                    `override_callback_uri` (and `verify_token`) this WABA's events go to that URL instead of the \
                    app callback. Needs `whatsapp_business_management`. {HANDSHAKE}"),
                "security": business(),
                "requestBody": json_body(schema_ref("SubscribedAppRequest"), json!({})),
                "responses": responses(&[("200", done())], &[400, 401, 403, 404]),
            },
            "delete": {
                "tags": ["Webhooks"],
                "operationId": "unsubscribeApp",
                "summary": "Unsubscribe an app from a WABA",
                "security": business(),
                "parameters": [{"name": "app_id", "in": "query", "schema": {"type": "string"},
                    "description": "Defaults to the business's first app."}],
                "responses": responses(&[("200", done())], &[400, 401, 403, 404]),
            },
        },
        "/admin/v1/webhooks/deliveries": {"get": {
            "tags": ["Admin"],
            "operationId": "listWebhookDeliveries",
            "summary": "Webhook deliveries, newest first",
            "description": "Paged with `before` (the `paging.before` of the previous page). With \
                `changed_after` the rows changed since then come oldest change first, and `paging.changed_after` \
                continues from the last row (`risala webhooks tail` follows this).",
            "security": admin(),
            "parameters": [
                {"name": "state", "in": "query", "schema": {"enum": ["pending", "delivered", "dead"]}},
                {"name": "endpoint", "in": "query", "schema": {"type": "string"}, "description": "A callback URL."},
                {"name": "business_id", "in": "query", "schema": {"type": "string"},
                    "description": "Operator only; a business token sees its own business."},
                {"name": "before", "in": "query", "schema": {"type": "integer"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000,
                    "default": 50}},
                {"name": "changed_after", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+(:[0-9]+)?$"},
                    "description": "`MS` or `MS:ID`."},
            ],
            "responses": responses(&[("200", json_response("A page.", json!({"type": "object", "properties": {
                "data": {"type": "array", "items": schema_ref("WebhookDelivery")},
                "paging": {"type": "object", "properties": {
                    "before": {"type": "integer"}, "changed_after": {"type": "string"}}},
            }})))], &[400, 401, 403]),
        }},
        "/admin/v1/webhooks/deliveries/{id}": {"get": {
            "tags": ["Admin"],
            "operationId": "getWebhookDelivery",
            "summary": "One delivery, with the body as sent when it goes alone",
            "security": admin(),
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": responses(&[("200", json_response("The delivery.", json!({"allOf": [
                schema_ref("WebhookDelivery"),
                {"type": "object", "properties": {"body": {"type": "object",
                    "description": "The webhook envelope (`{object, entry: [{id, changes}]}`)."}}},
            ]})))], &[400, 401, 403]),
        }},
        "/admin/v1/webhooks/deliveries/{id}/replay": {"post": {
            "tags": ["Admin"],
            "operationId": "replayWebhookDelivery",
            "summary": "Deliver a delivered or dead change again",
            "security": admin(),
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": responses(&[("200", replayed.clone())], &[400, 401, 403]),
        }},
        "/admin/v1/webhooks/dead-letters/replay": {"post": {
            "tags": ["Admin"],
            "operationId": "replayDeadLetters",
            "summary": "Deliver every dead letter (of the caller's business) again",
            "security": admin(),
            "responses": responses(&[("200", replayed)], &[401, 403]),
        }},
        "/admin/v1/webhooks/endpoints": {"get": {
            "tags": ["Admin"],
            "operationId": "listWebhookEndpoints",
            "summary": "Configured callback URLs and whether each is paused",
            "security": admin(),
            "responses": responses(&[("200", list("WebhookEndpoint"))], &[401, 403]),
        }},
        "/admin/v1/webhooks/endpoints/pause": pause(true),
        "/admin/v1/webhooks/endpoints/resume": pause(false),
        "/admin/v1/webhooks/faults": {
            "get": {
                "tags": ["Admin"],
                "operationId": "getWebhookFaults",
                "summary": "Webhook fault injection (sandbox)",
                "security": admin(),
                "responses": responses(&[("200", faults)], &[401, 403]),
            },
            "put": put_faults,
            "post": post_faults,
        },
        "/admin/v1/webhooks/subscriptions": {
            "get": {
                "tags": ["Admin"],
                "operationId": "listAppCallbacks",
                "summary": "App callbacks (of the caller's business)",
                "security": admin(),
                "responses": responses(&[("200", list("AdminAppCallback"))], &[401, 403]),
            },
            "post": {
                "tags": ["Admin"],
                "operationId": "setAppCallback",
                "summary": "Set an app's callback, as `POST /{App-ID}/subscriptions`",
                "description": HANDSHAKE,
                "security": admin(),
                "requestBody": json_body(schema_ref("AdminAppCallbackRequest"), json!({"app_id": "356337928276672",
                    "callback_url": "https://example.com/wa-hook", "verify_token": "s3cret"})),
                "responses": responses(&[("200", json_response("Saved.", json!({"type": "object", "properties": {
                    "success": {"const": true}, "app_id": {"type": "string"}, "callback_url": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "string"}}}})))], &[400, 401, 403]),
            },
        },
        "/admin/v1/webhooks/stats": {"get": {
            "tags": ["Admin"],
            "operationId": "webhookStats",
            "summary": "Webhook queue figures (all businesses)",
            "security": admin(),
            "responses": responses(&[("200", json_response("The figures.", json!({"type": "object", "properties": {
                "pending": {"type": "integer"},
                "dead": {"type": "integer"},
                "oldest_pending_age_ms": {"type": ["integer", "null"]},
            }})))], &[401, 403]),
        }},
    })
}

pub(super) fn schemas() -> Value {
    let fields = json!({"description": "Webhook field names (`messages`, …), comma-separated or a list; empty \
        means every field.", "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]});
    let nullable_int = json!({"type": ["integer", "null"]});
    let nullable_str = json!({"type": ["string", "null"]});
    json!({
        "AppSubscriptionRequest": {"type": "object", "required": ["callback_url", "verify_token"], "properties": {
            "object": {"enum": ["whatsapp_business_account"], "default": "whatsapp_business_account"},
            "callback_url": {"type": "string", "format": "uri", "maxLength": 2048},
            "verify_token": string("Sent back in the verification request."),
            "fields": fields.clone(),
        }},
        "AppSubscription": {"type": "object", "properties": {
            "object": {"const": "whatsapp_business_account"},
            "callback_url": {"type": "string"},
            "active": {"type": "boolean"},
            "fields": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "version": {"type": "string"}}}},
        }},
        "SubscribedAppRequest": {"type": "object", "properties": {
            "app_id": string("The app to subscribe (the business's first app when absent)."),
            "override_callback_uri": {"type": "string", "format": "uri"},
            "verify_token": string("Required with `override_callback_uri`."),
        }},
        "SubscribedApp": {"type": "object", "properties": {
            "whatsapp_business_api_data": {"type": "object", "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}, "link": {"type": "string"}}},
            "override_callback_uri": {"type": "string"},
        }},
        "NumberWebhookConfiguration": {"type": "object", "required": ["webhook_configuration"], "properties": {
            "webhook_configuration": {"type": "object", "properties": {
                "override_callback_uri": string("The number's callback; empty removes the override."),
                "verify_token": string("Required with a non-empty `override_callback_uri`."),
            }},
        }},
        "WebhookDelivery": {"type": "object", "description": "One queued webhook change and its delivery state.",
            "properties": {
                "id": {"type": "integer"},
                "business_id": {"type": "string"},
                "waba_id": {"type": "string"},
                "phone_number_id": nullable_str,
                "ordering_key": string("Changes with the same key are delivered in order."),
                "field": string("The webhook field, e.g. `messages`."),
                "state": {"enum": ["pending", "delivered", "dead"]},
                "attempts": {"type": "integer"},
                "created_at": {"type": "integer", "description": "Unix milliseconds."},
                "next_attempt_at": {"type": ["integer", "null"], "description": "Only while pending."},
                "last_status": {"type": ["integer", "null"], "description": "HTTP status of the last attempt; \
                    null for connection errors and timeouts."},
                "last_error": nullable_str,
                "delivered_at": nullable_int,
                "endpoint": {"type": ["string", "null"], "description": "The callback URL of the last attempt."},
                "updated_at": nullable_int,
                "value": {"description": "The change (`changes[].value`)."},
            }},
        "WebhookEndpoint": {"type": "object", "properties": {
            "url": {"type": "string"},
            "level": {"enum": ["app", "waba", "phone_number", null], "description": "Where the URL is configured; \
                null for a paused URL no longer configured."},
            "paused": {"type": "boolean"},
        }},
        "WebhookFaults": {"type": "object", "additionalProperties": false, "properties": {
            "fail_rate": {"type": "number", "minimum": 0, "maximum": 1,
                "description": "Share of attempts failed before reaching the receiver (then retried)."},
            "fail_status": {"type": "integer", "description": "HTTP status recorded for an injected failure."},
            "delay_rate": {"type": "number", "minimum": 0, "maximum": 1},
            "delay": {"type": "string", "examples": ["2s"], "description": "How long a delayed attempt waits."},
            "timeout_rate": {"type": "number", "minimum": 0, "maximum": 1, "description": "Share of attempts \
                sent but recorded as timed out, so the receiver gets the same events again."},
        }},
        "AdminAppCallback": {"type": "object", "properties": {
            "app_id": {"type": "string"}, "business_id": {"type": "string"},
            "object": {"type": "string"}, "callback_url": {"type": "string"},
            "fields": {"type": "array", "items": {"type": "string"}}, "updated_at": {"type": "integer"},
        }},
        "AdminAppCallbackRequest": {"type": "object", "required": ["app_id", "callback_url", "verify_token"],
            "properties": {
                "app_id": {"type": "string"}, "callback_url": {"type": "string", "format": "uri"},
                "verify_token": {"type": "string"}, "fields": fields,
            }},
    })
}
