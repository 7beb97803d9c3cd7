//! The Graph endpoints this server answers, wire-compatible with the WhatsApp Cloud API:
//! sending, media, objects by id and a WABA's phone numbers.

use serde_json::{json, Map, Value};

use super::{json_response, obj, responses, schema_ref, string};

fn business() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

/// Reusable parameters (`components.parameters`).
pub(super) fn parameters() -> Value {
    let id = |name: &str, description: &str| {
        json!({"name": name, "in": "path", "required": true, "description": description,
            "schema": {"type": "string", "pattern": "^[0-9]+$"}})
    };
    json!({
        "Version": {
            "name": "Version", "in": "path", "required": true,
            "description": "A Graph API version such as `v23.0`; any `vNN.N` is accepted and echoed in the \
                `facebook-api-version` header. Every Graph path also works without this segment (then v23.0).",
            "schema": {"type": "string", "pattern": "^v[0-9]{1,3}\\.[0-9]{1,3}$", "examples": ["v23.0"]},
        },
        "PhoneNumberId": id("Phone-Number-ID", "The business phone number's id."),
        "WabaId": id("WABA-ID", "The WhatsApp Business Account's id."),
        "AppId": id("App-ID", "The app's id."),
        "ObjectId": id("Object-ID", "The id of a WABA, phone number, business, app or media object."),
        "MediaId": id("Media-ID", "The media id."),
        "Fields": {"name": "fields", "in": "query", "description": "Comma-separated fields to return instead of \
            the defaults (`id` is always included); an unknown field is error 100.",
            "schema": {"type": "string"}, "example": "display_phone_number,throughput"},
        "Limit": {"name": "limit", "in": "query", "description": "Page size: default 25, at most 1000.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 25}},
        "After": {"name": "after", "in": "query", "description": "`paging.cursors.after` of the previous page.",
            "schema": {"type": "string"}},
        "Before": {"name": "before", "in": "query", "description": "`paging.cursors.before` of the next page.",
            "schema": {"type": "string"}},
    })
}

pub(super) fn paths() -> Value {
    let binary = json!({"type": "string", "contentMediaType": "application/octet-stream"});
    json!({
        "/{Version}/{Phone-Number-ID}/messages": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "post": {
                "tags": ["Graph: messages"],
                "operationId": "sendMessage",
                "summary": "Send a message, or mark a message read",
                "description": "Sends any message type to a customer, or (with `status: read`) marks a customer's \
                    message read and optionally shows a typing indicator. The body may also be a form post, with \
                    objects as JSON text (`text={\"body\":\"hi\"}`). A message that breaks a delivery rule (more \
                    than 24 hours since the customer last wrote: 131047; an unknown recipient on a platform \
                    deployment: 131026) is still accepted here: the failure arrives as a `failed` status webhook. \
                    Needs `whatsapp_business_messaging`.",
                "security": business(),
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": schema_ref("GraphSendRequest"), "examples": {
                        "text": {"value": {"messaging_product": "whatsapp", "to": "15550001111", "type": "text",
                            "text": {"body": "Hello from Risala"}}},
                        "image": {"value": {"messaging_product": "whatsapp", "to": "15550001111", "type": "image",
                            "image": {"id": "1234567890", "caption": "Your receipt"}}},
                        "mark_read": {"value": {"messaging_product": "whatsapp", "status": "read",
                            "message_id": "wamid.HBgL…", "typing_indicator": {"type": "text"}}},
                    }},
                    "application/x-www-form-urlencoded": {"schema": schema_ref("GraphSendRequest")},
                }},
                "responses": responses(&[("200", json_response("Accepted.", schema_ref("GraphSendResult")))],
                    &[400, 401, 403, 404]),
            },
        },
        "/{Version}/{Phone-Number-ID}/media": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "post": {
                "tags": ["Graph: media"],
                "operationId": "uploadMedia",
                "summary": "Upload media",
                "description": "Types and limits: audio (`audio/aac`, `audio/amr`, `audio/mpeg`, `audio/mp4`, \
                    `audio/ogg`) 16 MB; images (`image/jpeg`, `image/png`) 5 MB; stickers (`image/webp`) 500 KB; \
                    video (`video/mp4`, `video/3gpp`) 16 MB; documents (`text/plain`, `application/pdf`, Word, Excel \
                    and PowerPoint formats) 100 MB. Anything else, an empty or oversized file, or content that does not \
                    match its declared type (a PDF declared `image/jpeg`) is 131053. Beyond `[media] max_in_flight` \
                    uploads and link fetches at once: 4 with `Retry-After`. Media is kept 30 days. Needs \
                    `whatsapp_business_messaging`.",
                "security": business(),
                "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {
                    "type": "object",
                    "required": ["messaging_product", "file"],
                    "properties": {
                        "messaging_product": {"const": "whatsapp"},
                        "file": {"type": "string", "contentMediaType": "application/octet-stream",
                            "description": "The bytes."},
                        "type": string("The MIME type; defaults to the `file` part's content type."),
                    },
                }}}},
                "responses": responses(&[("200", json_response("Stored.", json!({"type": "object",
                    "required": ["id"], "properties": {"id": string("The media id.")}})))], &[400, 401, 403]),
            },
        },
        "/{Version}/{Object-ID}": {
            "parameters": [param("Version"), param("ObjectId")],
            "get": {
                "tags": ["Graph: objects"],
                "operationId": "getObject",
                "summary": "Read an object: WABA, phone number, template, business, app or media",
                "description": "Answers with the object's default fields, or those named in `fields=`. WABAs and \
                    templates need `whatsapp_business_management`, media `whatsapp_business_messaging`; phone \
                    numbers, businesses and apps either. For media the answer has a download `url` valid five \
                    minutes. An id that does not exist or belongs to another business is 400 with code 100, \
                    subcode 33; a path segment that is not an id is 404 with code 803.",
                "security": business(),
                "parameters": [param("Fields"), {"name": "phone_number_id", "in": "query", "description": "Media \
                    only: answer only if this phone number uploaded the media.", "schema": {"type": "string"}}],
                "responses": responses(&[("200", json_response("The object.", json!({"oneOf": [
                    schema_ref("PhoneNumber"), schema_ref("Waba"), schema_ref("Template"), schema_ref("Business"),
                    schema_ref("App"), schema_ref("MediaInfo"),
                ]})))], &[400, 401, 403, 404]),
            },
            "post": update_object(),
            "delete": {
                "tags": ["Graph: objects"],
                "operationId": "deleteObject",
                "summary": "Delete media or a template",
                "description": "Media, or one template (as `hsm_id` on `DELETE /{WABA-ID}/message_templates`; needs \
                    `whatsapp_business_management`). Other objects answer 400 (code 100, subcode 33).",
                "security": business(),
                "parameters": [{"name": "phone_number_id", "in": "query", "description": "Media only: delete \
                    only if this phone number uploaded the media.", "schema": {"type": "string"}}],
                "responses": responses(&[("200", json_response("Deleted.", schema_ref("Success")))],
                    &[400, 401, 403, 404]),
            },
        },
        "/{Version}/{WABA-ID}/phone_numbers": {
            "parameters": [param("Version"), param("WabaId")],
            "get": {
                "tags": ["Graph: objects"],
                "operationId": "listPhoneNumbers",
                "summary": "A WABA's phone numbers, cursor-paged",
                "description": "Needs `whatsapp_business_management`. A malformed cursor is error 100.",
                "security": business(),
                "parameters": [param("Fields"), param("Limit"), param("After"), param("Before")],
                "responses": responses(&[("200", json_response("A page.", json!({
                    "type": "object",
                    "required": ["data"],
                    "properties": {
                        "data": {"type": "array", "items": schema_ref("PhoneNumber")},
                        "paging": schema_ref("Paging"),
                    },
                })))], &[400, 401, 403, 404]),
            },
            "post": super::numbers::add_number(),
        },
        "/media-download/{Media-ID}": {
            "parameters": [param("MediaId")],
            "get": {
                "tags": ["Graph: media"],
                "operationId": "downloadMedia",
                "summary": "Download media bytes",
                "description": "The `url` from `GET /{Media-ID}`, fetched with the same access token. The link \
                    is signed and expires after five minutes; an expired or altered link answers 400 (code 100, \
                    subcode 33).",
                "security": business(),
                "parameters": [
                    {"name": "exp", "in": "query", "required": true, "schema": {"type": "integer"},
                        "description": "Expiry, Unix milliseconds."},
                    {"name": "sig", "in": "query", "required": true, "schema": {"type": "string"},
                        "description": "The link's signature."},
                ],
                "responses": responses(&[("200", json!({
                    "description": "The bytes, with the media's content type.",
                    "content": {"*/*": {"schema": binary}},
                }))], &[400, 401, 403]),
            },
        },
    })
}

/// `POST /{Object-ID}`: a template edit, or a phone number's override callback.
fn update_object() -> Value {
    json!({
        "tags": ["Graph: objects"],
        "operationId": "updateObject",
        "summary": "Edit a template, or set a phone number's override callback",
        "description": format!("For a template id: `components` and/or `category` (`TemplateEditRequest`). For \
            a phone number id: `webhook_configuration.override_callback_uri` sends this number's events to its \
            own URL (precedence: number override > WABA override > app callback), and an empty \
            `override_callback_uri` removes the override; `pin` sets or changes the two-step verification PIN \
            (a `security` webhook, PIN_CHANGED); `new_display_name` asks for a new display name, reviewed at once \
            (`phone_number_name_update`); other fields are code 100. Needs `whatsapp_business_management`. {}",
            super::webhooks::HANDSHAKE),
        "security": business(),
        "requestBody": {"required": true, "content": {"application/json": {
            "schema": {"anyOf": [schema_ref("TemplateEditRequest"), schema_ref("NumberWebhookConfiguration"),
                json!({"type": "object", "properties": {"pin": {"type": "string", "pattern": "^[0-9]{6}$"},
                    "new_display_name": {"type": "string", "minLength": 2, "maxLength": 75}}})]},
            "examples": {
                "template": {"value": {"components": [{"type": "BODY", "text": "Your order {{1}} is ready."}]}},
                "number": {"value": {"webhook_configuration": {
                    "override_callback_uri": "https://example.com/wa-hook", "verify_token": "s3cret"}}},
            },
        }}},
        "responses": responses(&[("200", json_response("Saved.", schema_ref("Success")))], &[400, 401, 403, 404]),
    })
}

/// A media object of an outbound message: `id` or `link`, plus the type's options.
fn media(extra: Value) -> Value {
    let mut props = obj(json!({
        "id": {"type": "string", "pattern": "^[0-9]+$",
            "description": "A media id from `POST /{Phone-Number-ID}/media`."},
        "link": {"type": "string", "format": "uri", "description": "An http(s) URL of the media."},
    }));
    props.extend(obj(extra));
    json!({
        "type": "object",
        "description": "Exactly one of `id` and `link`.",
        "properties": props,
        "additionalProperties": false,
        "oneOf": [{"required": ["id"]}, {"required": ["link"]}],
    })
}

fn text_object(max: u32) -> Value {
    json!({"type": "object", "required": ["text"], "additionalProperties": false,
        "properties": {"text": {"type": "string", "maxLength": max}}})
}

pub(super) fn schemas() -> Value {
    let caption = json!({"caption": {"type": "string", "maxLength": 1024}});
    let strings = |names: &[&str]| -> Map<String, Value> {
        names.iter().map(|n| ((*n).to_string(), json!({"type": "string"}))).collect()
    };
    json!({
        "GraphSendRequest": {"oneOf": [schema_ref("GraphMessageRequest"), schema_ref("GraphMarkReadRequest")]},
        "GraphMessageRequest": {
            "type": "object",
            "description": "A message to a customer: the common keys plus the type object named by `type`. \
                Errors: 131008 for a missing value, 131009 for a value that breaks a rule, 100 for an unknown \
                key or a wrong JSON type, 131051 for an unsupported type, 131021 when `to` is the sending number \
                itself. `null` members count as absent.",
            "required": ["messaging_product"],
            "anyOf": [{"required": ["to"]}, {"required": ["recipient"]}],
            "additionalProperties": false,
            "properties": {
                "messaging_product": {"enum": ["whatsapp"]},
                "recipient_type": {"enum": ["individual"], "default": "individual",
                    "description": "`group` is answered with 131009."},
                "to": {"type": ["string", "integer"], "description": "The customer's number, international form, \
                    or national form of the sender's country."},
                "recipient": {"type": "string", "examples": ["US.13491208655302741918"],
                    "description": "Instead of `to`: the customer's business-scoped user id (`contacts[].user_id` \
                    of the webhooks). With both, `to` wins. One this business was not given is 131009; an \
                    authentication template to one is 131062."},
                "type": {"enum": ["text", "image", "video", "audio", "document", "sticker", "location", "contacts",
                    "reaction", "interactive", "template"], "default": "text"},
                "context": {"type": "object", "required": ["message_id"], "additionalProperties": false,
                    "properties": {"message_id": string("The message replied to.")}},
                "biz_opaque_callback_data": {"type": "string", "maxLength": 512,
                    "description": "Echoed in this message's status webhooks."},
                "recipient_identity_key_hash": {"type": "string"},
                "text": {"type": "object", "required": ["body"], "additionalProperties": false, "properties": {
                    "body": {"type": "string", "maxLength": 4096},
                    "preview_url": {"type": "boolean", "default": false},
                }},
                "image": media(caption.clone()),
                "video": media(caption.clone()),
                "audio": media(json!({})),
                "document": media(json!({"caption": caption["caption"], "filename": {"type": "string"}})),
                "sticker": media(json!({})),
                "location": {"type": "object", "required": ["latitude", "longitude"], "additionalProperties": false,
                    "properties": {
                        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
                        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
                        "name": {"type": "string"}, "address": {"type": "string"},
                    }},
                "contacts": {"type": "array", "minItems": 1, "items": schema_ref("Contact")},
                "reaction": {"type": "object", "required": ["message_id", "emoji"], "additionalProperties": false,
                    "properties": {
                        "message_id": string("The message reacted to."),
                        "emoji": string("One emoji, or \"\" to remove the reaction."),
                    }},
                "interactive": schema_ref("OutboundInteractive"),
                "template": schema_ref("OutboundTemplate"),
            },
        },
        "OutboundInteractive": {
            "type": "object",
            "description": "An interactive message. `body` is required except for `product`; `header` is not \
                allowed for `product`, `catalog_message` and `location_request_message`, is required for \
                `product_list`, and must be text for `list` and `product_list`. `action` by type: `button`: \
                `buttons` (1–3 of `{type: reply, reply: {id ≤256, title ≤20}}`, unique); `list`: `button` (≤20) \
                and `sections` (1–10, `title` ≤24, `rows` of `{id ≤200, title ≤24, description ≤72}`, at most 10 \
                rows in all); `product`: `catalog_id`, `product_retailer_id`; `product_list`: `catalog_id` and \
                `sections` of `{title, product_items: [{product_retailer_id}]}` (at most 30 items); \
                `catalog_message`: `name: catalog_message`, `parameters.thumbnail_product_retailer_id`; \
                `cta_url`: `name: cta_url`, `parameters: {display_text ≤20, url}`; `location_request_message`: \
                `name: send_location`; `flow`: `name: flow`, `parameters` with `flow_message_version: \"3\"`, \
                `flow_cta` ≤30, one of `flow_id` and `flow_name`, and optionally `flow_token`, `mode`, `flow_action` \
                and `flow_action_payload`.",
            "required": ["type", "action"],
            "additionalProperties": false,
            "properties": {
                "type": {"enum": ["button", "list", "product", "product_list", "catalog_message", "cta_url",
                    "location_request_message", "flow"]},
                "header": {"type": "object", "required": ["type"], "properties": {
                    "type": {"enum": ["text", "image", "video", "document"]},
                    "text": {"type": "string", "maxLength": 60},
                    "sub_text": {"type": "string", "maxLength": 60},
                    "image": media(json!({})),
                    "video": media(json!({})),
                    "document": media(json!({"filename": {"type": "string"}})),
                }},
                "body": text_object(1024),
                "footer": text_object(60),
                "action": {"type": "object"},
            },
        },
        "OutboundTemplate": {
            "type": "object",
            "description": "A template message: an `APPROVED` template of this name and language, which may be \
                sent outside the customer service window. A name without content in the language is 404 with \
                code 132001; parameters that do not match are 132000 or 132012; a paused or disabled template \
                is 132015 or 132016.",
            "required": ["name", "language"],
            "additionalProperties": false,
            "properties": {
                "name": {"type": "string"},
                "namespace": {"type": "string"},
                "language": {"type": "object", "required": ["code"], "additionalProperties": false, "properties": {
                    "code": {"type": "string", "examples": ["en_US"]},
                    "policy": {"enum": ["deterministic"]},
                }},
                "components": {"type": "array", "items": {"type": "object", "required": ["type"]}},
            },
        },
        "GraphMarkReadRequest": {
            "type": "object",
            "description": "Mark a customer's message read (the customer's device sees blue ticks); with \
                `typing_indicator` also show \"typing…\" to the customer.",
            "required": ["messaging_product", "status", "message_id"],
            "additionalProperties": false,
            "properties": {
                "messaging_product": {"enum": ["whatsapp"]},
                "status": {"enum": ["read"]},
                "message_id": string("A message this number received."),
                "typing_indicator": {"type": "object", "required": ["type"], "additionalProperties": false,
                    "properties": {"type": {"enum": ["text"]}}},
                "recipient_type": {"type": "string"},
                "to": {"type": "string"},
                "recipient": {"type": "string"},
                "type": {"type": "string"},
            },
        },
        "GraphSendResult": {"oneOf": [schema_ref("GraphMessageAccepted"), schema_ref("Success")]},
        "GraphMessageAccepted": {
            "type": "object",
            "required": ["messaging_product", "contacts", "messages"],
            "properties": {
                "messaging_product": {"const": "whatsapp"},
                "contacts": {"type": "array", "items": {"type": "object", "properties": {
                    "input": string("`to` (or `recipient`) exactly as sent."),
                    "wa_id": string("The normalised WhatsApp id (a send `to` a number)."),
                    "user_id": string("The business-scoped user id (a send to a `recipient`)."),
                }}},
                "messages": {"type": "array", "items": {"type": "object", "properties": {
                    "id": string("The message id (`wamid.…`)."),
                }}},
            },
        },
        "Paging": {
            "type": "object",
            "required": ["cursors"],
            "properties": {
                "cursors": {"type": "object", "properties": strings(&["before", "after"])},
                "next": {"type": "string", "format": "uri", "description": "The next page, when there is one."},
                "previous": {"type": "string", "format": "uri", "description": "The previous page, when there is one."},
            },
        },
        "PhoneNumber": {
            "type": "object",
            "title": "WhatsAppBusinessPhoneNumber",
            "description": "Default fields: `GET /{Phone-Number-ID}`: `display_phone_number`, `verified_name`, \
                `quality_rating`; list entries also `code_verification_status`, `platform_type`, `throughput`.",
            "properties": {
                "id": {"type": "string"},
                "display_phone_number": {"type": "string", "examples": ["+1 555-010-0001"]},
                "verified_name": {"type": "string"},
                "quality_rating": {"type": "string", "examples": ["GREEN"]},
                "code_verification_status": {"type": "string"},
                "name_status": {"type": "string"},
                "new_name_status": {"type": "string"},
                "status": {"type": "string"},
                "platform_type": {"const": "CLOUD_API"},
                "host_platform": {"const": "CLOUD_API"},
                "throughput": {"type": "object", "properties": {"level": {"type": "string"}}},
                "account_mode": {"enum": ["SANDBOX", "LIVE"]},
                "is_official_business_account": {"type": "boolean"},
                "official_business_account": {"type": "object", "description": "Only with \
                    `fields=official_business_account`.", "properties": {
                    "oba_status": {"type": "string"}, "status_message": {"type": "string"}}},
                "is_pin_enabled": {"type": "boolean"},
                "whatsapp_business_manager_messaging_limit": {"type": "string"},
                "messaging_limit_tier": {"type": "string"},
                "country_code": {"type": "string"},
                "country_dial_code": {"type": "string"},
                "last_onboarded_time": {"type": "string"},
                "search_visibility": {"type": "string"},
            },
        },
        "Waba": {
            "type": "object",
            "title": "WhatsAppBusinessAccount",
            "description": "Default fields: `name`, `timezone_id`, `message_template_namespace`.",
            "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}, "timezone_id": {"type": "string"},
                "message_template_namespace": {"type": "string"}, "currency": {"type": "string"},
                "account_review_status": {"type": "string"}, "business_verification_status": {"type": "string"},
                "ownership_type": {"type": "string"}, "country": {"type": "string"},
                "health_status": {"type": "object"},
            },
        },
        "Business": {"type": "object", "description": "Default fields: `name`.",
            "properties": strings(&["id", "name", "verification_status", "created_time"])},
        "App": {"type": "object", "title": "Application", "description": "Default fields: `name`.",
            "properties": strings(&["id", "name"])},
        "MediaInfo": {
            "type": "object",
            "required": ["messaging_product", "url", "mime_type", "sha256", "file_size", "id"],
            "properties": {
                "messaging_product": {"const": "whatsapp"},
                "url": {"type": "string", "format": "uri", "description": "A signed download link, valid five \
                    minutes, to fetch with the access token."},
                "mime_type": {"type": "string"},
                "sha256": string("Base64 of the SHA-256 of the bytes."),
                "file_size": string("Bytes, as a string."),
                "id": {"type": "string"},
            },
        },
    })
}
