//! Payments (issue #18 part 3): a number's payment settings and orders (`/tools/v1/…`), the
//! customer's order and pay (`/customer/v1/…`), the sandbox's next outcome, and Stripe's
//! webhook.

use serde_json::{json, Value};

use super::{json_body, json_response, responses};

fn number_param() -> Value {
    json!({"name": "phone_number_id", "in": "path", "required": true, "schema": {"type": "string"},
        "description": "A phone number of the token's business."})
}

fn reference_param() -> Value {
    json!({"name": "reference_id", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 35},
        "description": "The order's reference_id, as the order_details message gave it."})
}

fn amount() -> Value {
    json!({"type": "object", "required": ["value", "offset"], "properties": {
        "value": {"type": "integer", "description": "Minor units."},
        "offset": {"type": "integer", "description": "10 to the power of the currency's decimal digits (100; JPY 1)."}}})
}

fn order() -> Value {
    json!({"type": "object", "properties": {
        "reference_id": {"type": "string"}, "phone_number_id": {"type": "string"}, "wa_id": {"type": "string"},
        "message_id": {"type": "string", "description": "The order_details message."},
        "currency": {"type": "string"}, "total_amount": amount(),
        "order_status": {"type": "string", "enum": ["pending", "processing", "partially-shipped", "shipped", "completed", "canceled"]},
        "payment_status": {"type": "string", "enum": ["unpaid", "pending", "captured", "failed"]},
        "provider": {"type": "string", "enum": ["sandbox", "stripe"]},
        "checkout_url": {"type": ["string", "null"], "description": "Stripe: where the customer pays."},
        "transaction_id": {"type": ["string", "null"]},
        "created_at": {"type": "integer", "description": "Milliseconds."},
        "updated_at": {"type": "integer", "description": "Milliseconds."}}})
}

fn settings() -> Value {
    json!({"type": "object", "properties": {
        "phone_number_id": {"type": "string"},
        "provider": {"type": "string", "enum": ["sandbox", "stripe"]},
        "stripe": {"type": "object", "properties": {
            "secret_key": {"type": ["string", "null"], "description": "Masked: sk_test_…wxyz."},
            "webhook_secret_set": {"type": "boolean"},
            "webhook_path": {"type": "string", "description": "Where Stripe sends this number's events."}}}}})
}

pub(super) fn paths() -> Value {
    let graph = json!([{"graphToken": []}, {"graphTokenQuery": []}]);
    let session = json!([{"customerSession": []}, {"customerSessionQuery": []}]);
    let who = "A token of the number's business with whatsapp_business_management; another business's number is \
        answered as an unknown id (100, subcode 33).";
    let errors: &[u16] = &[400, 401, 403];
    let one = json_response("The order.", order());
    json!({
        "/tools/v1/{phone_number_id}/payments/settings": {
            "get": {
                "tags": ["Payments"], "operationId": "paymentSettingsGet", "summary": "A number's payment settings",
                "description": format!("The provider that takes its customers' payments (sandbox by default). {who}"),
                "security": graph, "parameters": [number_param()],
                "responses": responses(&[("200", json_response("The settings.", settings()))], errors),
            },
            "post": {
                "tags": ["Payments"], "operationId": "paymentSettingsUpdate", "summary": "Change a number's payment settings",
                "description": format!("The keys given change; they are stored encrypted and never shown again. \
                    Stripe needs both keys. Errors: 100 for another key, 131009 for an unknown provider or a key \
                    of the wrong form. {who}"),
                "security": graph, "parameters": [number_param()],
                "requestBody": json_body(json!({"type": "object", "properties": {
                    "provider": {"type": "string", "enum": ["sandbox", "stripe"]},
                    "stripe_secret_key": {"type": "string", "description": "sk_… or rk_…"},
                    "stripe_webhook_secret": {"type": "string", "description": "whsec_…"}}}),
                    json!({"provider": "stripe", "stripe_secret_key": "sk_test_…", "stripe_webhook_secret": "whsec_…"})),
                "responses": responses(&[("200", json_response("The settings.", settings()))], errors),
            },
        },
        "/tools/v1/{phone_number_id}/payments/orders": {"get": {
            "tags": ["Payments"], "operationId": "paymentOrdersList", "summary": "A number's orders, newest first",
            "description": format!("Orders sent with order_details. {who}"), "security": graph,
            "parameters": [number_param(), {"name": "limit", "in": "query", "required": false,
                "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}],
            "responses": responses(&[("200", json_response("The orders.", json!({"type": "object",
                "properties": {"data": {"type": "array", "items": order()}}})))], errors),
        }},
        "/tools/v1/{phone_number_id}/payments/orders/{reference_id}": {"get": {
            "tags": ["Payments"], "operationId": "paymentOrderGet", "summary": "One order",
            "description": format!("Its order status and payment status. An unknown reference id is 100. {who}"),
            "security": graph, "parameters": [number_param(), reference_param()],
            "responses": responses(&[("200", one.clone())], errors),
        }},
        "/customer/v1/chats/{business_number}/orders/{reference_id}": {"get": {
            "tags": ["Customer"], "operationId": "customerOrder", "summary": "An order the business sent the customer",
            "description": "Another customer's order, or an unknown one, is 100.",
            "security": session,
            "parameters": [{"name": "business_number", "in": "path", "required": true, "schema": {"type": "string"}},
                reference_param()],
            "responses": responses(&[("200", one.clone())], &[400, 401]),
        }},
        "/customer/v1/chats/{business_number}/orders/{reference_id}/pay": {"post": {
            "tags": ["Customer"], "operationId": "customerOrderPay", "summary": "Pay an order",
            "description": "Sandbox provider: the payment ends at once (captured, or failed as the sandbox API or, in \
                sandbox mode, `outcome` says). Stripe: the answer's checkout_url is where to pay. A captured order \
                is answered as it is: nothing is charged twice. A canceled order is 131009; a key Stripe refuses is 131042.",
            "security": session,
            "parameters": [{"name": "business_number", "in": "path", "required": true, "schema": {"type": "string"}},
                reference_param()],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object",
                "properties": {"outcome": {"type": "string", "enum": ["success", "failure", "expiry"],
                    "description": "Sandbox mode only."}}}, "example": {}}}},
            "responses": responses(&[("200", one)], &[400, 401]),
        }},
        "/sandbox/v1/payments/next_outcome": {"post": {
            "tags": ["Sandbox"], "operationId": "sandboxPaymentsNext", "summary": "How the next sandbox payment ends",
            "description": "The number's next sandbox payment ends as `outcome`; the one after succeeds again. \
                Errors: 131008 without a value, 131009 for an unknown outcome, 100 for another key. Sandbox mode only \
                (403, code 10, otherwise).",
            "security": [{"graphToken": []}, {"graphTokenQuery": []}],
            "requestBody": json_body(json!({"type": "object", "required": ["phone_number_id", "outcome"], "properties": {
                "phone_number_id": {"type": "string"},
                "outcome": {"type": "string", "enum": ["success", "failure", "expiry"]}}}),
                json!({"phone_number_id": "106540352242922", "outcome": "failure"})),
            "responses": responses(&[("200", json_response("Set.", json!({"type": "object", "properties": {
                "phone_number_id": {"type": "string"}, "next_outcome": {"type": "string"}}})))], errors),
        }},
        "/payments/v1/stripe/{phone_number_id}/webhook": {"post": {
            "tags": ["Payments"], "operationId": "stripeWebhook", "summary": "Stripe's webhook for a number",
            "description": "Verified with the number's signing secret (Stripe-Signature: t=…,v1=HMAC-SHA256 of \
                `t.payload`, five minutes' tolerance); a bad or missing signature is 131009. Checkout Session events \
                change the order's payment once per Stripe event id; other events are acknowledged.",
            "security": [],
            "parameters": [number_param(), {"name": "Stripe-Signature", "in": "header", "required": true,
                "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": responses(&[("200", json_response("Received.", json!({"type": "object", "properties": {
                "received": {"type": "boolean"}, "applied": {"type": "boolean"}}})))], &[400]),
        }},
    })
}
