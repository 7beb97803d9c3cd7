//! The verified badge: a number's official business account request and status (Graph), and
//! the operator's queue, review and criteria (admin API).

use serde_json::{json, Value};

use super::{json_body, json_response, responses, string};

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn business() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

fn status_schema() -> Value {
    json!({"type": "object", "required": ["id", "oba_status", "status_message"], "properties": {
        "id": {"type": "string"},
        "oba_status": {"type": "string", "enum": ["NOT_STARTED", "PENDING", "APPROVED", "REJECTED"]},
        "status_message": {"type": "string"}}})
}

fn request_schema() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string"}, "phone_number_id": {"type": "string"},
        "display_phone_number": {"type": ["string", "null"]}, "verified_name": {"type": ["string", "null"]},
        "business_id": {"type": "string"}, "waba_id": {"type": "string"},
        "oba_status": {"type": "string", "enum": ["PENDING", "APPROVED", "REJECTED"]},
        "evidence": {"type": "object"},
        "checks": {"type": "array", "items": {"type": "object", "properties": {
            "criterion": {"type": "string"}, "field": {"type": "string"}, "passed": {"type": "boolean"},
            "detail": {"type": "string"}}}},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "submitted_at": {"type": "string"}, "due_at": {"type": "string"},
        "decided_at": {"type": ["string", "null"]}, "decided_by": {"type": ["string", "null"]}}})
}

fn criteria_schema() -> Value {
    json!({"type": "object", "properties": {
        "two_step_verification": {"type": "boolean"},
        "business_verification": {"type": "boolean"},
        "display_name_approved": {"type": "boolean"},
        "min_days_on_platform": {"type": "integer", "minimum": 0, "maximum": 365},
        "min_supporting_links": {"type": "integer", "minimum": 0, "maximum": 5},
        "notable_sources": {"type": "array", "maxItems": 100, "items": {"type": "string"}},
        "min_notable_links": {"type": "integer", "minimum": 0, "maximum": 5},
        "review_days": {"type": "integer", "minimum": 3, "maximum": 14}}})
}

pub(super) fn paths() -> Value {
    let links = json!({"type": "array", "maxItems": 5, "items": {"type": "string", "maxLength": 2048}});
    json!({
        "/{Version}/{Phone-Number-ID}/official_business_account": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "get": {
                "tags": ["Graph: phone numbers"],
                "operationId": "getOfficialBusinessAccountStatus",
                "summary": "The number's official business account (verified badge) status",
                "description": "`oba_status` NOT_STARTED before any request, then PENDING, APPROVED or REJECTED \
                    (`status_message` gives the reasons and the date a new request is possible). A request past its \
                    review delay is decided by the criteria first. `fields=` selects `oba_status`, `status_message`.",
                "security": business(),
                "parameters": [{"name": "fields", "in": "query", "required": false, "schema": {"type": "string"}}],
                "responses": responses(&[("200", json_response("The status.", status_schema()))], &[400, 401, 403]),
            },
            "post": {
                "tags": ["Graph: phone numbers"],
                "operationId": "requestOfficialBusinessAccount",
                "summary": "Request an official business account (the verified badge)",
                "description": "Meta's fields. Refused with 100 naming the field: a missing or malformed field, more \
                    than 5 `supporting_links`, fewer than the criteria's minimum, an unmet prerequisite \
                    (`is_pin_enabled`, `business_verification_status`, `name_status`, `last_onboarded_time`), a \
                    request already pending, an approved number, or within 30 days of a rejection. `success` means \
                    submitted, not approved; the decision comes as an `account_alerts` webhook (`OBA_APPROVED`, \
                    `OBA_REJECTED`). Needs `whatsapp_business_management`.",
                "security": business(),
                "requestBody": json_body(json!({"type": "object", "required": ["business_website_url", "primary_country_of_operation"], "properties": {
                    "business_website_url": string("The business's website, http:// or https://."),
                    "primary_country_of_operation": string("The country the business mainly operates in."),
                    "primary_language": string("The business's main language."),
                    "parent_business_or_brand": string("The parent business or brand, especially a well-known one."),
                    "supporting_links": links, "additional_supporting_information": {"type": "string", "maxLength": 1000}}}),
                    json!({"business_website_url": "https://www.luckyshrub.com", "primary_country_of_operation": "United States of America",
                        "primary_language": "English", "parent_business_or_brand": "Lucky Shrub LLC",
                        "supporting_links": ["https://en.wikipedia.org/wiki/Lucky_Shrub"],
                        "additional_supporting_information": "Featured in Planet Succulent"})),
                "responses": responses(&[("200", json_response("Submitted.", json!({"type": "object",
                    "required": ["success"], "properties": {"success": {"type": "boolean"}}})))], &[400, 401, 403]),
            },
        },
        "/admin/v1/official_business_accounts": {"get": {
            "tags": ["Admin"],
            "operationId": "listOfficialBusinessAccountRequests",
            "summary": "The queue of official business account requests",
            "description": "Newest first, each with its number, evidence, criteria checks and decision.",
            "security": [{"adminToken": []}],
            "parameters": [
                {"name": "status", "in": "query", "required": false, "schema": {"type": "string", "enum": ["PENDING", "APPROVED", "REJECTED"]}},
                {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
            "responses": responses(&[("200", json_response("The requests.", json!({"type": "object", "properties": {
                "data": {"type": "array", "items": request_schema()}}})))], &[400, 401, 403]),
        }},
        "/admin/v1/official_business_accounts/criteria": {
            "get": {
                "tags": ["Admin"],
                "operationId": "getOfficialBusinessAccountCriteria",
                "summary": "The criteria and the review delay",
                "security": [{"adminToken": []}],
                "responses": responses(&[("200", json_response("The criteria.", criteria_schema()))], &[401, 403]),
            },
            "post": {
                "tags": ["Admin"],
                "operationId": "setOfficialBusinessAccountCriteria",
                "summary": "Change the criteria (the fields given)",
                "description": "Operator only (403, code 10 for a business token). A value out of bounds: 100 naming it.",
                "security": [{"adminToken": []}],
                "requestBody": json_body(criteria_schema(), json!({"review_days": 7, "min_supporting_links": 2})),
                "responses": responses(&[("200", json_response("The criteria now.", criteria_schema()))], &[400, 401, 403]),
            },
        },
        "/admin/v1/phone_numbers/{id}/official_business_account/review": {"post": {
            "tags": ["Admin"],
            "operationId": "reviewOfficialBusinessAccount",
            "summary": "Decide a number's pending official business account request",
            "description": "APPROVED, or REJECTED with 1 to 10 `reasons`. Sends `account_alerts`; approval sets \
                `is_official_business_account` and locks the display name and registration. Nothing pending: 100.",
            "security": [{"adminToken": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"},
                "description": "The phone number id."}],
            "requestBody": json_body(json!({"type": "object", "required": ["decision"], "properties": {
                "decision": {"type": "string", "enum": ["APPROVED", "REJECTED"]},
                "reasons": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 300}}}}),
                json!({"decision": "REJECTED", "reasons": ["The brand is not notable enough yet"]})),
            "responses": responses(&[("200", json_response("The decided request.", request_schema()))], &[400, 401, 403]),
        }},
    })
}
