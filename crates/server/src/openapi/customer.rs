//! The customer API (`/customer/v1/…`) and its WebSocket stream, and the shapes of the
//! messages a customer sends (as `risala_core::inbound::parse_customer_message` accepts them).

use serde_json::{json, Map, Value};

use super::{json_body, json_response, obj, responses, schema_ref, string};

/// Who signs in on the customer API: the session token as a header or as `?token=`.
fn session() -> Value {
    json!([{"customerSession": []}, {"customerSessionQuery": []}])
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

const SEND_ERRORS: &str = "Errors: 131008 for a missing field, 131009 for a value that breaks a rule, 100 for an \
    unknown key or a value of the wrong JSON type, 131051 for an unknown `type`, 131026 when `to` is not a business \
    number on this server, 131053 when uploaded media cannot be sent as this type. `details` names the field by its \
    path, e.g. `order.product_items[1].quantity`.";

pub(super) fn paths() -> Value {
    let send_examples = json!({
        "text": {"value": {"to": "15550100001", "type": "text", "text": {"body": "Hello!"}}},
        "image": {"value": {"to": "15550100001", "type": "image",
            "image": {"media_id": "1234567890", "caption": "Receipt"}}},
        "location": {"value": {"to": "15550100001", "type": "location",
            "location": {"latitude": 51.5072, "longitude": -0.1276, "name": "Office"}}},
        "reaction": {"value": {"to": "15550100001", "type": "reaction",
            "reaction": {"message_id": "wamid.HBgL…", "emoji": "\u{1F44D}"}}},
        "button_reply": {"value": {"to": "15550100001", "type": "interactive", "context": {"id": "wamid.HBgL…"},
            "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes"}}}},
        "order": {"value": {"to": "15550100001", "type": "order", "order": {"catalog_id": "123",
            "product_items": [{"product_retailer_id": "sku-1", "quantity": 2, "item_price": 9.5, "currency": "USD"}]}}},
    });
    json!({
        "/customer/v1/session/code": {"post": {
            "tags": ["Customer"],
            "operationId": "customerRequestCode",
            "summary": "Send a one-time sign-in code",
            "description": "Platform mode: sends a six-digit code, valid 10 minutes, to the phone number (written \
                to the operator's `sign_in_code_file`, never to the log; a sandbox logs it). Sandbox mode does not \
                need codes. At most 5 codes an hour per number and 20 requests an hour per client address \
                (429, code 130429); none while the number is locked after wrong codes (429, code 133008); both \
                with `Retry-After`.",
            "security": [],
            "requestBody": json_body(schema_ref("CustomerCodeRequest"), json!({"phone": "+44 7700 900123"})),
            "responses": responses(&[("200", json_response("The code was sent.",
                json!({"type": "object", "required": ["sent"], "properties": {"sent": {"const": true}}})))], &[400, 429]),
        }},
        "/customer/v1/session": {"post": {
            "tags": ["Customer"],
            "operationId": "customerOpenSession",
            "summary": "Open a customer session",
            "description": "Sandbox mode: the phone number alone opens a session (the customer is created on first \
                use). Platform mode: `code` from `POST /customer/v1/session/code` is required too; a wrong or \
                expired code is 403 with code 131005. Ten wrong codes since the number's last sign-in (however \
                many codes were sent) lock it for an hour (429, code 133008), and one client address may try 20 \
                codes an hour (429, code 133009), both with `Retry-After`. A `name` sets the customer's \
                WhatsApp profile name.",
            "security": [],
            "requestBody": json_body(schema_ref("CustomerSessionRequest"),
                json!({"phone": "+1 555 000 1111", "name": "Alex"})),
            "responses": responses(&[("200", json_response("The session.", schema_ref("CustomerSession")))],
                &[400, 403, 429]),
        }},
        "/customer/v1/me": {"get": {
            "tags": ["Customer"],
            "operationId": "customerMe",
            "summary": "The signed-in customer",
            "security": session(),
            "responses": responses(&[("200", json_response("The customer.", schema_ref("CustomerProfile")))],
                &[400, 401]),
        }, "post": {
            "tags": ["Customer"],
            "operationId": "customerUpdateMe",
            "summary": "Change the profile name, the username, or hide the number",
            "description": "Members not given stay as they are; `\"username\": null` removes the username (and \
                shows the number again). A username is 3 to 35 characters of a-z, 0-9, `.` and `_` (stored \
                lowercase), with a letter, no leading, trailing or double dot, not starting with `www`, and \
                unique (131009 otherwise). Hiding the number needs a username (131009): businesses then see \
                the username and the business-scoped user id but not the number, unless they sent a message \
                to the number in the last 30 days.",
            "security": session(),
            "requestBody": json_body(schema_ref("CustomerProfileUpdate"), json!({"username": "alice.w", "hide_number": true})),
            "responses": responses(&[("200", json_response("The customer.", schema_ref("CustomerProfile")))],
                &[400, 401]),
        }},
        "/customer/v1/me/change_number": {"post": {
            "tags": ["Customer"],
            "operationId": "customerChangeNumber",
            "summary": "Move to a new number",
            "description": "In platform mode with the one-time `code` sent to the new number \
                (`POST /customer/v1/session/code`), checked as at sign-in. Sessions, chats, history, blocks and \
                marketing preferences follow; each business that had a conversation gets a \
                `user_changed_number` system message (`user_changed_user_id` when the number is hidden from it) \
                with the customer's new business-scoped user id and the previous one; messages to the old \
                number fail with 131026. 131009 when the new number is the same, a customer's, or a business \
                number.",
            "security": session(),
            "requestBody": json_body(schema_ref("CustomerChangeNumber"), json!({"phone": "+15550002222"})),
            "responses": responses(&[("200", json_response("The customer, at the new number.", schema_ref("CustomerProfile")))],
                &[400, 401, 403, 429]),
        }},
        "/customer/v1/chats": {"get": {
            "tags": ["Customer"],
            "operationId": "customerChats",
            "summary": "The customer's chats",
            "description": "One entry per business number the customer has exchanged messages with, with the state \
                of the customer service window (24 hours from the customer's last message) and whether the \
                customer blocked it.",
            "security": session(),
            "responses": responses(&[("200", json_response("The chats.", schema_ref("CustomerChatList")))],
                &[400, 401]),
        }},
        "/customer/v1/chats/{number}/messages": {"get": {
            "tags": ["Customer"],
            "operationId": "customerHistory",
            "summary": "A chat's messages, newest first",
            "security": session(),
            "parameters": [
                path_param("number", "The business phone number (digits, or any form with `+`, spaces, dashes)."),
                {"name": "limit", "in": "query", "description": "Page size: default 50, at most 500.",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
                {"name": "before", "in": "query", "description": "The `before` value of the previous page: only \
                    older messages are returned.", "schema": {"type": "integer"}},
            ],
            "responses": responses(&[("200", json_response("A page of messages.", schema_ref("CustomerHistory")))],
                &[400, 401]),
        }},
        "/customer/v1/chats/{number}/block": {"post": {
            "tags": ["Customer"],
            "operationId": "customerBlock",
            "summary": "Block a business",
            "description": "The business's messages to this customer are then accepted but fail with 131026 in a \
                `failed` status (never charged), and the customer cannot write to it until they unblock. A new \
                block is a quality signal of the number (its `quality_rating`) and counts as negative feedback \
                against the business's latest template message to this customer, lowering that template's \
                quality as blocks do on WhatsApp. Blocking a chat already blocked counts nothing.",
            "security": session(),
            "parameters": [path_param("number", "The business phone number.")],
            "responses": responses(&[("200", json_response("Recorded.", schema_ref("CustomerFeedbackResult")))],
                &[400, 401]),
        }},
        "/customer/v1/chats/{number}/unblock": {"post": {
            "tags": ["Customer"],
            "operationId": "customerUnblock",
            "summary": "Unblock a business",
            "description": "The business can message the customer again. An earlier block still counts in the \
                number's quality rating until it is 7 days old.",
            "security": session(),
            "parameters": [path_param("number", "The business phone number.")],
            "responses": responses(&[("200", json_response("Unblocked.", json!({"type": "object",
                "required": ["success", "blocked", "was_blocked"], "properties": {
                    "success": {"const": true},
                    "blocked": {"const": false},
                    "was_blocked": {"type": "boolean", "description": "Whether the chat was blocked."},
                }})))], &[400, 401]),
        }},
        "/customer/v1/chats/{number}/report": {"post": {
            "tags": ["Customer"],
            "operationId": "customerReport",
            "summary": "Report a business (optionally blocking it too)",
            "description": "A spam report: a quality signal of the number (weighing more than a block) and one \
                feedback event against the business's latest template message to this customer, with or without \
                `block`; with `{\"block\":true}` the chat is blocked as by `/block`.",
            "security": session(),
            "parameters": [path_param("number", "The business phone number.")],
            "requestBody": {"required": false, "content": {"application/json": {
                "schema": schema_ref("CustomerReportRequest"), "example": {"block": true}}}},
            "responses": responses(&[("200", json_response("Recorded.", schema_ref("CustomerFeedbackResult")))],
                &[400, 401]),
        }},
        "/customer/v1/messages": {"post": {
            "tags": ["Customer"],
            "operationId": "customerSend",
            "summary": "Send a message to a business",
            "description": format!("Sends any message type a WhatsApp user can send. The body is one webhook \
                `messages[]` element without `from`, `id` and `timestamp` (the server assigns them), plus `to`; \
                media types carry `media_id` from `POST /customer/v1/media`. The business receives it as a \
                `messages` webhook and its customer service window opens. A member whose value is `null` counts \
                as absent. {SEND_ERRORS}"),
            "security": session(),
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": schema_ref("CustomerSendRequest"), "examples": send_examples}}},
            "responses": responses(&[("200", json_response("Accepted.", schema_ref("CustomerSendResult")))],
                &[400, 401, 403]),
        }},
        "/customer/v1/messages/{id}/status": {"post": {
            "tags": ["Customer"],
            "operationId": "customerAck",
            "summary": "Acknowledge a business message as delivered or read",
            "description": "Moves the message forward (sent → delivered → read, never back) and queues the status \
                webhooks for the business; `read` straight from `sent` reports `delivered` first. Acknowledging \
                a status the message already has or passed answers `changed: false`. 131009 when no such message \
                was sent to this customer.",
            "security": session(),
            "parameters": [path_param("id", "The message id (`wamid.…`).")],
            "requestBody": json_body(schema_ref("CustomerAckRequest"), json!({"status": "read"})),
            "responses": responses(&[("200", json_response("Done.", schema_ref("CustomerAckResult")))],
                &[400, 401]),
        }},
        "/customer/v1/media": {"post": {
            "tags": ["Customer"],
            "operationId": "customerUpload",
            "summary": "Upload media to send",
            "description": "A multipart form with one `file` part carrying its content type. At most 100 MB; \
                an empty file or content that does not match its type is 131053, a larger one 131052, a part \
                without a content type 131008, too many uploads at once 4. The id goes \
                into `media_id` of an image, video, audio, document or sticker message.",
            "security": session(),
            "requestBody": {"required": true, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "contentMediaType": "application/octet-stream",
                        "description": "The bytes, with their real content type on the part."}}},
            }}},
            "responses": responses(&[("200", json_response("Stored.", schema_ref("CustomerMedia")))], &[400, 401]),
        }},
        "/customer/v1/media/{id}": {"get": {
            "tags": ["Customer"],
            "operationId": "customerDownload",
            "summary": "Download media this customer sent or was sent",
            "description": "Media a business sent arrives with the customer's own copy id in the message. Media \
                of someone else, or expired, answers 400 with code 100 (subcode 33).",
            "security": session(),
            "parameters": [path_param("id", "The media id.")],
            "responses": responses(&[("200", json!({
                "description": "The bytes, with the media's content type (and `Content-Disposition` when the \
                    media has a file name).",
                "content": {"*/*": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}},
            }))], &[400, 401]),
        }},
        "/customer/v1/stream": {"get": {
            "tags": ["Customer stream"],
            "operationId": "customerStream",
            "summary": "The customer's device, over WebSocket",
            "description": concat!(
                "Upgrade to a WebSocket (authenticate with the header or `?token=`). Frames are JSON text.\n\n",
                "On connect the device first receives every business message still waiting for it (not yet ",
                "acknowledged as delivered), so a customer who was offline gets them on reconnect; a message may ",
                "arrive twice around connect, so de-duplicate by `id`.\n\n",
                "**Server → device** (`StreamServerFrame`):\n",
                "* `{\"event\":\"message\",\"message\":{…CustomerMessage…}}`: a business message.\n",
                "* `{\"event\":\"typing\",\"from\":\"<business number>\"}`: the business shows a typing indicator.\n",
                "* `{\"event\":\"read\",\"id\":\"wamid…\",\"from\":\"<business number>\"}`: the business read a ",
                "message of the customer.\n",
                "* `{\"event\":\"sent\",\"id\":\"wamid…\",\"timestamp\":\"…\"}`: answer to a `send` frame.\n",
                "* `{\"event\":\"error\",\"error\":{…GraphError…}}`: a device frame was rejected ",
                "(the socket stays open).\n\n",
                "**Device → server** (`StreamDeviceFrame`):\n",
                "* `{\"action\":\"ack\",\"id\":\"wamid…\",\"status\":\"delivered\"|\"read\"}`: as ",
                "`POST /customer/v1/messages/{id}/status`; no answer on success.\n",
                "* `{\"action\":\"send\",\"to\":\"<business number>\",\"type\":…,…}`: as ",
                "`POST /customer/v1/messages`; ",
                "answered by a `sent` event."
            ),
            "security": session(),
            "x-websocket": {
                "serverFrames": schema_ref("StreamServerFrame"),
                "deviceFrames": schema_ref("StreamDeviceFrame"),
            },
            "responses": responses(&[("101", json!({"description": "Switching protocols: the WebSocket is open."}))],
                &[400, 401]),
        }},
    })
}

/// The body of an inbound type whose object must have exactly these properties.
fn closed(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties, "additionalProperties": false})
}

/// A media type object: `media_id` plus the type's own options.
fn media(kind: &str, accepts: &str, extra: Value) -> Value {
    let mut props = obj(json!({"media_id": {"type": "string", "minLength": 1,
        "description": format!("The id from `POST /customer/v1/media`; the upload must be {accepts}.")}}));
    props.extend(obj(extra));
    let mut v = closed(&["media_id"], Value::Object(props));
    v["description"] =
        Value::from(format!("{kind}: the webhook shows `id`, `mime_type` and `sha256` instead of `media_id`."));
    v
}

/// Whether an inbound type may quote an earlier message.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Optional,
    Required,
    Forbidden,
}

/// One variant of `InboundMessage`: `type`, the type object under the key named by `type`,
/// `context` and `referral`.
fn variant(kind: &str, body: Option<Value>, context: Context, description: &str) -> Value {
    let mut required = vec![Value::from("type")];
    let mut props = Map::new();
    props.insert("type".into(), json!({"const": kind}));
    if let Some(b) = body {
        required.push(Value::from(kind));
        props.insert(kind.into(), b);
    }
    match context {
        Context::Forbidden => {}
        Context::Optional => {
            props.insert("context".into(), schema_ref("InboundContext"));
        }
        Context::Required => {
            required.push(Value::from("context"));
            props.insert("context".into(), schema_ref("InboundContext"));
        }
    }
    props.insert("referral".into(), schema_ref("Referral"));
    json!({"type": "object", "description": description, "required": required, "properties": props})
}

fn variant_name(kind: &str) -> String {
    let mut c = kind.chars();
    let head: String = c.next().map(|f| f.to_uppercase().collect()).unwrap_or_default();
    format!("Inbound{head}{}", c.as_str())
}

fn inbound_schemas() -> Map<String, Value> {
    use Context::*;
    let caption = json!({"type": "string", "maxLength": 1024, "description": "Optional; an empty caption is dropped."});
    let text = closed(
        &["body"],
        json!({"body": {"type": "string", "minLength": 1, "maxLength": 65536,
        "description": "Not blank."}}),
    );
    let location = closed(
        &["latitude", "longitude"],
        json!({
            "latitude": {"type": "number", "minimum": -90, "maximum": 90},
            "longitude": {"type": "number", "minimum": -180, "maximum": 180},
            "name": {"type": "string"}, "address": {"type": "string"}, "url": {"type": "string"},
        }),
    );
    let reaction = closed(
        &["message_id"],
        json!({
            "message_id": {"type": "string", "minLength": 1, "maxLength": 128,
                "description": "The message reacted to."},
            "emoji": {"type": "string", "description": "One emoji. Absent or empty removes the customer's reaction."},
        }),
    );
    let button = closed(
        &["payload", "text"],
        json!({
            "payload": {"type": "string", "minLength": 1, "description": "The quick-reply button's payload."},
            "text": {"type": "string", "minLength": 1, "description": "The button's label."},
        }),
    );
    let order = closed(
        &["catalog_id", "product_items"],
        json!({
            "catalog_id": {"type": "string", "minLength": 1},
            "text": {"type": "string", "maxLength": 65536, "description": "A note with the order; defaults to \"\"."},
            "product_items": {"type": "array", "minItems": 1, "items": schema_ref("OrderItem")},
        }),
    );
    let bodies: Vec<(&str, Option<Value>, Context, &str)> = vec![
        ("text", Some(text), Optional, "A text message."),
        ("image", Some(media("image", "`image/*`", json!({"caption": caption}))), Optional, "A photo."),
        ("video", Some(media("video", "`video/*`", json!({"caption": caption}))), Optional, "A video."),
        (
            "audio",
            Some(media(
                "audio",
                "`audio/*`",
                json!({"voice": {"type": "boolean", "default": false,
            "description": "True for a voice note recorded in the app."}}),
            )),
            Optional,
            "Audio or a voice note.",
        ),
        (
            "document",
            Some(media(
                "document",
                "of any type",
                json!({"caption": caption, "filename": {"type": "string",
            "minLength": 1, "maxLength": 255, "pattern": "^[^/\\\\\\u0000-\\u001f\\u007f]+$",
            "description": "A file name: not blank, no path separators or control characters."}}),
            )),
            Optional,
            "A document.",
        ),
        (
            "sticker",
            Some(media("sticker", "`image/webp`", json!({"animated": {"type": "boolean", "default": false}}))),
            Optional,
            "A sticker.",
        ),
        ("location", Some(location), Optional, "A shared location."),
        (
            "contacts",
            Some(json!({"type": "array", "minItems": 1, "items": schema_ref("Contact")})),
            Optional,
            "Shared contact cards.",
        ),
        ("reaction", Some(reaction), Forbidden, "A reaction to a message, or its removal. No `context`."),
        (
            "interactive",
            Some(schema_ref("InteractiveReply")),
            Required,
            "A reply to an interactive message: a reply button, a list row, or a completed Flow. `context.id` \
            names the business message replied to.",
        ),
        (
            "button",
            Some(button),
            Required,
            "A tap on a template's quick-reply button. `context.id` names the \
            template message.",
        ),
        ("order", Some(order), Optional, "An order placed from a catalog."),
        (
            "unsupported",
            None,
            Forbidden,
            "A message the business's API cannot represent: the webhook carries \
            error 131051. Only `type` (and `referral`).",
        ),
    ];
    let mut m = Map::new();
    let mut mapping = Map::new();
    let mut one_of = Vec::new();
    for (kind, body, context, description) in bodies {
        let name = variant_name(kind);
        mapping.insert(kind.into(), Value::from(format!("#/components/schemas/{name}")));
        one_of.push(schema_ref(&name));
        m.insert(name, variant(kind, body, context, description));
    }
    m.insert(
        "InboundMessage".into(),
        json!({
            "description": "What a customer sends: one webhook `messages[]` element without `from`, `id` and \
                `timestamp`. Exactly the keys `type`, the type object named by `type`, and optionally `context` \
                and `referral`; `null` members count as absent.",
            "oneOf": one_of,
            "discriminator": {"propertyName": "type", "mapping": mapping},
        }),
    );
    m
}

pub(super) fn schemas() -> Value {
    let mut m = inbound_schemas();
    let reply = |id_max: u32, title_max: u32, description: bool| {
        let mut p = obj(json!({
            "id": {"type": "string", "minLength": 1, "maxLength": id_max},
            "title": {"type": "string", "minLength": 1, "maxLength": title_max},
        }));
        if description {
            p.insert("description".into(), json!({"type": "string", "maxLength": 72}));
        }
        closed(&["id", "title"], Value::Object(p))
    };
    let interactive = |t: &str, body: Value| closed(&["type", t], json!({"type": {"const": t}, t: body}));
    let nfm = closed(
        &["response_json"],
        json!({
            "response_json": string("A string holding a JSON object: the Flow's answers."),
            "name": {"type": "string", "default": "flow"},
            "body": {"type": "string", "default": "Sent"},
        }),
    );
    let record = |fields: &[&str]| {
        let props: Map<String, Value> = fields.iter().map(|f| ((*f).to_string(), json!({"type": "string"}))).collect();
        json!({"type": "object", "properties": props, "additionalProperties": false})
    };
    let mut phone = record(&["phone", "wa_id", "type"]);
    phone["properties"]["wa_id"] = json!({"type": "string", "pattern": "^[0-9]+$"});
    let mut name = record(&["formatted_name", "first_name", "last_name", "middle_name", "suffix", "prefix"]);
    name["required"] = json!(["formatted_name"]);
    name["properties"]["formatted_name"] = json!({"type": "string", "minLength": 1, "description": "Not blank."});
    m.extend(obj(json!({
        "InteractiveReply": {"oneOf": [
            interactive("button_reply", reply(256, 20, false)),
            interactive("list_reply", reply(200, 24, true)),
            interactive("nfm_reply", nfm),
        ]},
        "InboundContext": closed(&["id"], json!({"id": {"type": "string", "minLength": 1, "maxLength": 128,
            "description": "The message quoted or replied to."}})),
        "Referral": {
            "type": "object",
            "description": "Where the customer came from (a click-to-WhatsApp ad or post). `ctwa_clid` is required \
                when `source_type` is `ad`; `image_url` needs `media_type` `image`, `video_url` and `thumbnail_url` \
                need `video`.",
            "required": ["source_url", "source_id", "source_type"],
            "additionalProperties": false,
            "properties": {
                "source_url": {"type": "string", "minLength": 1},
                "source_id": {"type": "string", "minLength": 1},
                "source_type": {"enum": ["ad", "post"]},
                "body": {"type": "string"}, "headline": {"type": "string"},
                "media_type": {"enum": ["image", "video"]},
                "image_url": {"type": "string"}, "video_url": {"type": "string"}, "thumbnail_url": {"type": "string"},
                "ctwa_clid": {"type": "string"},
                "welcome_message": closed(&["text"], json!({"text": {"type": "string"}})),
            },
        },
        "OrderItem": closed(&["product_retailer_id", "quantity", "item_price", "currency"], json!({
            "product_retailer_id": {"type": "string", "minLength": 1},
            "quantity": {"type": "integer", "minimum": 1},
            "item_price": {"type": "number", "minimum": 0},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217, e.g. USD."},
        })),
        "Contact": {
            "type": "object",
            "description": "A contact card (the same shape for customers and businesses).",
            "required": ["name"],
            "additionalProperties": false,
            "properties": {
                "name": name,
                "phones": {"type": "array", "items": phone},
                "emails": {"type": "array", "items": record(&["email", "type"])},
                "urls": {"type": "array", "items": record(&["url", "type"])},
                "addresses": {"type": "array", "items":
                    record(&["street", "city", "state", "zip", "country", "country_code", "type"])},
                "org": record(&["company", "department", "title"]),
                "birthday": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "YYYY-MM-DD"},
            },
        },
        "CustomerSendRequest": {
            "description": "A message (`InboundMessage`) plus `to`, the business number.",
            "allOf": [
                {"type": "object", "required": ["to"], "properties": {"to": string("The business phone number.")}},
                schema_ref("InboundMessage"),
            ],
            "unevaluatedProperties": false,
        },
        "CustomerSendResult": {"type": "object", "required": ["id", "timestamp"], "properties": {
            "id": string("The new message's id (`wamid.…`)."),
            "timestamp": string("Unix seconds, as a string."),
        }},
        "CustomerCodeRequest": closed(&["phone"], json!({"phone": string("The customer's number in international \
            form.")})),
        "CustomerSessionRequest": closed(&["phone"], json!({
            "phone": string("The customer's number in international form (`+`, spaces and dashes allowed)."),
            "name": {"type": "string", "maxLength": 100, "description": "The WhatsApp profile name to use."},
            "code": string("Platform mode: the one-time code."),
        })),
        "CustomerSession": {"type": "object", "required": ["token", "wa_id", "profile_name"], "properties": {
            "token": string("The session token (`cs_…`), valid 30 days. Shown once."),
            "wa_id": string("The customer's WhatsApp id: the number's digits."),
            "profile_name": string("The profile name (the number when no name was ever given)."),
        }},
        "CustomerProfile": {"type": "object", "required": ["wa_id", "profile_name", "username", "hide_number"], "properties": {
            "wa_id": {"type": "string"}, "profile_name": {"type": "string"},
            "username": {"type": ["string", "null"]}, "hide_number": {"type": "boolean"},
        }},
        "CustomerProfileUpdate": closed(&[], json!({
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "username": {"type": ["string", "null"], "minLength": 3, "maxLength": 35},
            "hide_number": {"type": "boolean"},
        })),
        "CustomerChangeNumber": closed(&["phone"], json!({
            "phone": string("The new number, international form."),
            "code": string("Platform mode: the one-time code sent to the new number."),
        })),
        "CustomerChatList": {"type": "object", "required": ["data"], "properties": {
            "data": {"type": "array", "items": schema_ref("CustomerChat")},
        }},
        "CustomerChat": {"type": "object", "properties": {
            "business_number": string("Digits: the path segment for the chat's messages."),
            "display_phone_number": {"type": "string", "examples": ["+1 555-010-0001"]},
            "verified_name": {"type": "string"},
            "is_official_business_account": {"type": "boolean", "description": "The number is an official \
                business account: show the green badge."},
            "last_message_at": {"type": "integer", "description": "Unix milliseconds."},
            "customer_service_window": {"type": "object", "properties": {
                "open": {"type": "boolean", "description": "Whether the business may send free-form messages."},
                "expires_at": {"type": ["integer", "null"], "description": "Unix milliseconds; null when the \
                    customer never wrote."},
            }},
            "blocked": {"type": "boolean", "description": "The customer blocked this business number."},
        }},
        "CustomerHistory": {"type": "object", "required": ["data"], "properties": {
            "data": {"type": "array", "items": schema_ref("CustomerMessage")},
            "before": {"type": ["integer", "null"], "description": "Pass as `before` for the next (older) page; \
                null when this page is empty."},
        }},
        "CustomerMessage": {
            "type": "object",
            "description": "A message as the customer's device shows it, either direction. Besides the listed \
                members it has one member named by `type`: for a business message the type object as the business \
                sent it (media carry `id`, the customer's own copy, with `mime_type` and `sha256`); for the \
                customer's own message the type object as the business's webhook shows it. A message whose body \
                was removed (retention or erasure) has `deleted` instead of that member.",
            "required": ["id", "chat", "from", "to", "timestamp", "type", "status"],
            "properties": {
                "id": string("`wamid.…`"),
                "chat": string("The business number (digits)."),
                "from": string("Sender digits."),
                "to": string("Recipient digits."),
                "timestamp": string("Unix seconds, as a string."),
                "type": {"type": "string", "examples": ["text", "image", "interactive", "template"]},
                "status": {"enum": ["sent", "delivered", "read", "failed", "received"], "description": "Business \
                    messages: sent → delivered → read (or failed). The customer's own: received → read."},
                "context": {"type": "object", "properties": {"id": string("The quoted message.")}},
                "deleted": {"type": "object", "description": "This message was deleted: its body is gone, its \
                    id, type, status and time stay.", "required": ["reason", "at"], "properties": {
                    "reason": {"enum": ["retention", "erasure"]},
                    "at": {"type": "integer", "description": "When, in ms since the epoch."}}},
            },
            "additionalProperties": true,
        },
        "CustomerAckRequest": closed(&["status"], json!({"status": {"enum": ["delivered", "read"]}})),
        "CustomerAckResult": {"type": "object", "required": ["success", "changed"], "properties": {
            "success": {"const": true},
            "changed": {"type": "boolean", "description": "False when the message already had this status or a \
                later one."},
        }},
        "CustomerMedia": {"type": "object", "required": ["id", "mime_type", "sha256", "file_size"], "properties": {
            "id": string("The media id, for `media_id`."),
            "mime_type": {"type": "string"},
            "sha256": string("Base64 of the SHA-256 of the bytes."),
            "file_size": {"type": "integer"},
        }},
    })));
    m.extend(obj(stream_schemas()));
    Value::Object(m)
}

fn stream_schemas() -> Value {
    let event = |name: &str, required: &[&str], props: Value| {
        let mut p = obj(json!({"event": {"const": name}}));
        p.extend(obj(props));
        let mut req = vec!["event"];
        req.extend_from_slice(required);
        json!({"type": "object", "required": req, "properties": p})
    };
    let server_frames: Vec<Value> =
        ["StreamMessageEvent", "StreamTypingEvent", "StreamReadEvent", "StreamSentEvent", "StreamErrorEvent"]
            .iter()
            .map(|n| schema_ref(n))
            .collect();
    json!({
        "StreamServerFrame": {
            "description": "A frame the server sends to the customer's device.",
            "oneOf": server_frames,
            "discriminator": {"propertyName": "event", "mapping": {
                "message": "#/components/schemas/StreamMessageEvent",
                "typing": "#/components/schemas/StreamTypingEvent",
                "read": "#/components/schemas/StreamReadEvent",
                "sent": "#/components/schemas/StreamSentEvent",
                "error": "#/components/schemas/StreamErrorEvent",
            }},
        },
        "StreamMessageEvent": event("message", &["message"], json!({"message": schema_ref("CustomerMessage")})),
        "StreamTypingEvent": event("typing", &["from"], json!({"from": string("The business number.")})),
        "StreamReadEvent": event("read", &["id", "from"], json!({
            "id": string("The customer's message the business read."),
            "from": string("The business number."),
        })),
        "StreamSentEvent": event("sent", &["id", "timestamp"], json!({
            "id": string("The new message's id."),
            "timestamp": string("Unix seconds, as a string."),
        })),
        "StreamErrorEvent": event("error", &["error"], json!({"error": schema_ref("GraphError")})),
        "StreamDeviceFrame": {
            "description": "A frame the customer's device sends.",
            "oneOf": [schema_ref("StreamAckAction"), schema_ref("StreamSendAction")],
            "discriminator": {"propertyName": "action", "mapping": {
                "ack": "#/components/schemas/StreamAckAction",
                "send": "#/components/schemas/StreamSendAction",
            }},
        },
        "StreamAckAction": closed(&["action", "id", "status"], json!({
            "action": {"const": "ack"},
            "id": string("The business message (`wamid.…`)."),
            "status": {"enum": ["delivered", "read"]},
        })),
        "StreamSendAction": {
            "description": "A message to send: `action`, `to` and an `InboundMessage`.",
            "allOf": [
                {"type": "object", "required": ["action", "to"], "properties": {
                    "action": {"const": "send"},
                    "to": string("The business number."),
                }},
                schema_ref("InboundMessage"),
            ],
            "unevaluatedProperties": false,
        },
    })
}
