//! Click-to-WhatsApp ads and Status (issue #18): the business's API under
//! `/tools/v1/{phone-number-id}/…`, the customer's feed and Updates under `/customer/v1/…`, and
//! an ad's public link and media under `/wa/ads/…`.

use serde_json::{json, Value};

use super::{json_body, json_response, responses};

fn number_param() -> Value {
    json!({"name": "phone_number_id", "in": "path", "required": true, "schema": {"type": "string"},
        "description": "A phone number of the token's business."})
}

fn id_param(description: &str) -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": description})
}

fn media() -> Value {
    json!({"type": "object", "required": ["type"], "properties": {
        "type": {"type": "string", "enum": ["image", "video"]},
        "id": {"type": "string", "description": "Media uploaded by the business (`POST /{phone-number-id}/media`)."},
        "link": {"type": "string", "format": "uri"},
        "thumbnail_link": {"type": "string", "format": "uri", "description": "A video's thumbnail."}}})
}

fn money() -> Value {
    json!({"type": "object", "properties": {
        "amount": {"type": "integer", "minimum": 1, "description": "Integer minor units (cents)."},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}})
}

fn new_ad() -> Value {
    json!({"type": "object", "additionalProperties": false,
    "required": ["name", "placement", "prefilled_text", "budget", "cost"],
    "properties": {
        "name": {"type": "string", "maxLength": 120},
        "placement": {"type": "string", "enum": ["facebook", "instagram", "status"]},
        "headline": {"type": "string", "maxLength": 100,
            "description": "Required unless the ad is made from a product (then the product's name)."},
        "body": {"type": "string", "maxLength": 1024},
        "media": media(),
        "product": {"type": "object", "description": "An ad made from a catalog item of the catalog connected to the number's WABA: its name, description and image unless the ad gives its own.",
            "properties": {"catalog_id": {"type": "string"}, "product_retailer_id": {"type": "string"}}},
        "prefilled_text": {"type": "string", "maxLength": 1024,
            "description": "What the customer's composer holds when the chat opens."},
        "welcome_message": {"type": "string", "maxLength": 1024},
        "budget": money(),
        "cost": {"type": "object", "required": ["per", "amount"], "properties": {
            "per": {"type": "string", "enum": ["impression", "tap", "conversation"]},
            "amount": {"type": "integer", "minimum": 1, "description": "Minor units per impression, tap or conversation."}}},
        "target": {"type": "object", "properties": {"countries": {"type": "array",
            "items": {"type": "string"}, "description": "Calling codes (`\"44\"`); empty: everyone."}}},
        "start_time": {"type": "integer", "description": "Unix seconds; default now."},
        "end_time": {"type": "integer", "description": "Unix seconds."},
        "status": {"type": "string", "enum": ["ACTIVE", "PAUSED"]},
    }})
}

fn ad() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string"}, "name": {"type": "string"},
        "status": {"type": "string", "enum": ["ACTIVE", "PAUSED"]},
        "effective_status": {"type": "string", "enum": ["ACTIVE", "PAUSED", "SCHEDULED", "COMPLETED", "BUDGET_SPENT"]},
        "placement": {"type": "string"}, "headline": {"type": "string"}, "body": {"type": "string"},
        "media": media(), "media_url": {"type": "string"}, "prefilled_text": {"type": "string"},
        "welcome_message": {"type": "string"}, "budget": money(),
        "cost": {"type": "object", "properties": {"per": {"type": "string"}, "amount": {"type": "integer"}}},
        "target": {"type": "object", "properties": {"countries": {"type": "array", "items": {"type": "string"}}}},
        "start_time": {"type": "integer"}, "end_time": {"type": "integer"}, "source_url": {"type": "string"},
        "created_time": {"type": "integer"}, "updated_time": {"type": "integer"},
        "insights": {"type": "object", "properties": {
            "impressions": {"type": "integer"}, "taps": {"type": "integer"}, "conversations": {"type": "integer"},
            "spend": {"type": "integer"}, "remaining": {"type": "integer"},
            "cost_per_conversation": {"type": ["integer", "null"]}, "currency": {"type": "string"}}}}})
}

fn feed_item() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string"}, "placement": {"type": "string"}, "sponsored": {"type": "boolean"},
        "business": {"type": "object", "properties": {"wa_id": {"type": "string"}, "name": {"type": "string"}}},
        "headline": {"type": "string"}, "body": {"type": "string"}, "prefilled_text": {"type": "string"},
        "media_type": {"type": "string"}, "image_url": {"type": "string"}, "video_url": {"type": "string"},
        "thumbnail_url": {"type": "string"}}})
}

fn status_update() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string"}, "type": {"type": "string", "enum": ["text", "image", "video"]},
        "text": {"type": "object", "properties": {"body": {"type": "string"}, "background_color": {"type": "string"}}},
        "image": {"type": "object"}, "video": {"type": "object"},
        "created_time": {"type": "integer"}, "expiration_time": {"type": "integer"}}})
}

fn new_status() -> Value {
    let media = json!({"type": "object", "additionalProperties": false, "properties": {
        "id": {"type": "string"}, "link": {"type": "string", "format": "uri"}, "caption": {"type": "string", "maxLength": 700}}});
    json!({"type": "object", "required": ["type"], "properties": {
        "type": {"type": "string", "enum": ["text", "image", "video"]},
        "text": {"type": "object", "additionalProperties": false, "required": ["body"], "properties": {
            "body": {"type": "string", "maxLength": 700},
            "background_color": {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"}}},
        "image": media, "video": media}})
}

fn bytes() -> Value {
    json!({"description": "The bytes, with the media's content type.",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}})
}

fn success() -> Value {
    json_response("Done.", json!({"type": "object", "properties": {"success": {"type": "boolean"}}}))
}

pub(super) fn paths() -> Value {
    let business = json!([{"graphToken": []}, {"graphTokenQuery": []}]);
    let customer = json!([{"customerSession": []}, {"customerSessionQuery": []}]);
    let who = "A token of the number's business with whatsapp_business_management; another business's number is \
        answered as an unknown id (100, subcode 33).";
    let errors: &[u16] = &[400, 401, 403];
    let tag = json!(["Ads and Status"]);
    let example = json!({"name": "Spring sale", "placement": "facebook", "headline": "Fresh bread, 20% off",
        "body": "Order on WhatsApp.", "media": {"type": "image", "link": "https://cdn.example.com/bread.jpg"},
        "prefilled_text": "Hi! I saw your spring sale.", "budget": {"amount": 5000, "currency": "USD"},
        "cost": {"per": "conversation", "amount": 150}, "target": {"countries": ["1", "44"]}});
    let one = json_response("The ad with its figures.", ad());
    json!({
        "/tools/v1/{phone_number_id}/ads": {
            "get": {"tags": tag, "operationId": "adsList", "summary": "List a number's ads with their figures",
                "description": who, "security": business, "parameters": [number_param()],
                "responses": responses(&[("200", json_response("The ads, newest first.", json!({"type": "object",
                    "properties": {"data": {"type": "array", "items": ad()}}})))], errors)},
            "post": {"tags": tag, "operationId": "adsCreate", "summary": "Create a click-to-WhatsApp ad",
                "description": format!("Errors name the field: 131008 missing, 131009 a bad value, 100 an unknown \
                    field. {who}"),
                "security": business, "parameters": [number_param()],
                "requestBody": json_body(new_ad(), example),
                "responses": responses(&[("200", one.clone())], errors)},
        },
        "/tools/v1/{phone_number_id}/ads/{id}": {
            "get": {"tags": tag, "operationId": "adsShow", "summary": "Read an ad and its figures",
                "description": who, "security": business, "parameters": [number_param(), id_param("The ad id.")],
                "responses": responses(&[("200", one.clone())], errors)},
            "post": {"tags": tag, "operationId": "adsUpdate", "summary": "Pause, resume or edit an ad",
                "description": format!("`status` ACTIVE or PAUSED; `name`; `budget.amount` (not below the spend); \
                    `end_time`; `target`. {who}"),
                "security": business, "parameters": [number_param(), id_param("The ad id.")],
                "requestBody": json_body(json!({"type": "object", "additionalProperties": false, "properties": {
                    "status": {"type": "string", "enum": ["ACTIVE", "PAUSED"]}, "name": {"type": "string"},
                    "budget": money(), "end_time": {"type": ["integer", "null"]},
                    "target": {"type": "object"}}}), json!({"status": "PAUSED"})),
                "responses": responses(&[("200", one)], errors)},
            "delete": {"tags": tag, "operationId": "adsDelete", "summary": "Delete an ad (its figures are kept)",
                "description": who, "security": business, "parameters": [number_param(), id_param("The ad id.")],
                "responses": responses(&[("200", success())], errors)},
        },
        "/tools/v1/{phone_number_id}/status": {
            "get": {"tags": tag, "operationId": "statusList", "summary": "The number's Status updates still seen",
                "description": who, "security": business, "parameters": [number_param()],
                "responses": responses(&[("200", json_response("Updates of the last 24 hours.", json!({"type": "object",
                    "properties": {"data": {"type": "array", "items": status_update()}}})))], errors)},
            "post": {"tags": tag, "operationId": "statusPost", "summary": "Post a Status update (seen 24 hours)",
                "description": format!("A text on a background colour, or an image or video (uploaded `id` or \
                    `link`) with a caption. {who}"),
                "security": business, "parameters": [number_param()],
                "requestBody": json_body(new_status(), json!({"type": "text",
                    "text": {"body": "Fresh bread at 7!", "background_color": "#128C7E"}})),
                "responses": responses(&[("200", json_response("The update.", status_update()))], errors)},
        },
        "/tools/v1/{phone_number_id}/status/{id}": {"delete": {
            "tags": tag, "operationId": "statusDelete", "summary": "Delete a Status update",
            "description": who, "security": business, "parameters": [number_param(), id_param("The update id.")],
            "responses": responses(&[("200", success())], errors)}},
        "/customer/v1/ads": {"get": {
            "tags": tag, "operationId": "customerAds", "summary": "The ads this customer sees now",
            "description": "Active, started, not ended, with budget left, targeting the customer's calling code.",
            "security": customer,
            "parameters": [{"name": "placement", "in": "query", "required": false, "schema": {"type": "string"},
                "description": "Comma-separated placements; default facebook,instagram."}],
            "responses": responses(&[("200", json_response("The feed.", json!({"type": "object",
                "properties": {"data": {"type": "array", "items": feed_item()}}})))], &[400, 401])}},
        "/customer/v1/ads/{id}/impression": {"post": {
            "tags": tag, "operationId": "customerAdImpression", "summary": "The page showed an ad",
            "description": "Counted once per customer per ad per UTC day (`counted`).",
            "security": customer, "parameters": [id_param("The ad id.")],
            "responses": responses(&[("200", json_response("Recorded.", json!({"type": "object", "properties": {
                "success": {"type": "boolean"}, "counted": {"type": "boolean"}}})))], &[400, 401])}},
        "/customer/v1/ads/{id}/tap": {"post": {
            "tags": tag, "operationId": "customerAdTap", "summary": "The customer tapped an ad",
            "description": "The chat to open, the composer's text and the `referral` the first message carries \
                (send it with `POST /customer/v1/messages`).",
            "security": customer, "parameters": [id_param("The ad id.")],
            "responses": responses(&[("200", json_response("The tap.", json!({"type": "object", "properties": {
                "chat": {"type": "string"}, "name": {"type": "string"}, "prefilled_text": {"type": "string"},
                "referral": {"type": "object"}}})))], &[400, 401])}},
        "/customer/v1/status": {"get": {
            "tags": tag, "operationId": "customerStatus", "summary": "The Updates tab",
            "description": "Status updates of the businesses this customer has chatted with (24 hours), and \
                sponsored Status from ads with the status placement.",
            "security": customer,
            "responses": responses(&[("200", json_response("Updates.", json!({"type": "object", "properties": {
                "data": {"type": "array", "items": {"type": "object", "properties": {
                    "business": {"type": "object"}, "updates": {"type": "array", "items": status_update()}}}},
                "sponsored": {"type": "array", "items": feed_item()}}})))], &[401])}},
        "/customer/v1/status/{id}/media": {"get": {
            "tags": tag, "operationId": "customerStatusMedia", "summary": "A Status update's image or video",
            "security": customer, "parameters": [id_param("The update id.")],
            "responses": responses(&[("200", bytes())], &[400, 401])}},
        "/wa/ads/{id}": {"get": {
            "tags": tag, "operationId": "publicAd", "summary": "An ad's source URL (public)",
            "security": [], "parameters": [id_param("The ad id.")],
            "responses": responses(&[("200", json_response("The ad as a feed shows it.", feed_item()))], &[400])}},
        "/wa/ads/{id}/media": {"get": {
            "tags": tag, "operationId": "publicAdMedia", "summary": "An ad's uploaded image or video (public)",
            "security": [], "parameters": [id_param("The ad id.")],
            "responses": responses(&[("200", bytes())], &[400])}},
    })
}
