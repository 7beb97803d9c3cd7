//! `type: "interactive"`: reply buttons, lists, product messages, catalog, CTA URL,
//! location request, Flow, media carousel and address messages.

pub mod address;
mod carousel;
mod payments;

use std::collections::HashSet;

use serde_json::Value;

use super::fields::missing_one_of;
use super::fields::{as_obj, check_count, check_len, clean, index, Obj, Res};
use super::parse_media;
use crate::error::{ApiError, ErrorCode};
use crate::weburl::is_http_url;

/// The interactive types this server sends.
pub(crate) const SUPPORTED: &[&str] = &[
    "button",
    "list",
    "product",
    "product_list",
    "catalog_message",
    "cta_url",
    "location_request_message",
    "flow",
    "carousel",
    "address_message",
    "order_details",
    "order_status",
];

const BODY_MAX: usize = 1024;
const FOOTER_MAX: usize = 60;
const HEADER_TEXT_MAX: usize = 60;
const BUTTONS_MAX: usize = 3;
pub(super) const BUTTON_ID_MAX: usize = 256;
pub(super) const BUTTON_TITLE_MAX: usize = 20;
const LIST_BUTTON_MAX: usize = 20;
const SECTIONS_MAX: usize = 10;
const SECTION_TITLE_MAX: usize = 24;
const ROWS_MAX: usize = 10;
const ROW_ID_MAX: usize = 200;
const ROW_TITLE_MAX: usize = 24;
const ROW_DESCRIPTION_MAX: usize = 72;
const PRODUCT_ITEMS_MAX: usize = 30;
const CTA_DISPLAY_TEXT_MAX: usize = 20;
const FLOW_CTA_MAX: usize = 30;

/// Validate the `interactive` object; the content is the object with `null` keys dropped.
pub(crate) fn parse_interactive(v: &Value) -> Res<Value> {
    let o = as_obj("interactive", v)?;
    let ty = o.req_str("type")?;
    if !SUPPORTED.contains(&ty) {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMessageType,
            format!("interactive.type \"{ty}\" is not supported; supported types are {}", SUPPORTED.join(", ")),
        ));
    }
    o.allow(&["type", "header", "body", "footer", "action"])?;

    let header = o.opt_obj("header")?;
    match (&header, ty) {
        (Some(_), "product" | "catalog_message" | "location_request_message" | "carousel" | "order_status") => {
            return Err(ApiError::bad_value(format!("interactive.header is not allowed for interactive type {ty}")))
        }
        (None, "product_list") => return Err(ApiError::missing("interactive.header")),
        _ => {}
    }
    if let Some(h) = &header {
        let header_type = parse_header(h)?;
        if header_type != "text" && matches!(ty, "list" | "product_list") {
            return Err(ApiError::bad_value(format!(
                "interactive.header.type must be text for interactive type {ty} - got \"{header_type}\""
            )));
        }
    }

    match o.opt_obj("body")? {
        Some(body) => {
            body.allow(&["text"])?;
            body.req_str_max("text", BODY_MAX)?;
        }
        None if ty != "product" => return Err(ApiError::missing("interactive.body")),
        None => {}
    }
    if ty == "carousel" && o.get("footer").is_some() {
        return Err(ApiError::bad_value("interactive.footer is not allowed for interactive type carousel"));
    }
    if let Some(footer) = o.opt_obj("footer")? {
        footer.allow(&["text"])?;
        footer.req_str_max("text", FOOTER_MAX)?;
    }

    let action = o.req_obj("action")?;
    match ty {
        "button" => buttons(&action)?,
        "list" => list(&action)?,
        "product" => product(&action)?,
        "product_list" => product_list(&action)?,
        "catalog_message" => catalog(&action)?,
        "cta_url" => cta_url(&action)?,
        "carousel" => carousel::carousel(&action)?,
        "address_message" => address::address(&action)?,
        "order_details" => {
            payments::order_details(&action)?;
        }
        "order_status" => {
            payments::order_status(&action)?;
        }
        "location_request_message" => {
            // SDKs send `parameters.request_message` beside the documented name; it travels to
            // the customer with the rest of the message.
            action.allow(&["name", "parameters"])?;
            action.req_enum("name", &["send_location"])?;
            if let Some(p) = action.opt_obj("parameters")? {
                p.allow(&["request_message"])?;
                p.opt_str_max("request_message", BODY_MAX)?;
            }
        }
        _ => flow(&action)?,
    }
    Ok(clean(v))
}

/// Returns the header type.
fn parse_header<'a>(h: &Obj<'a>) -> Res<&'a str> {
    let ty = h.req_enum("type", &["text", "image", "video", "document"])?;
    if ty == "text" {
        h.allow(&["type", "text", "sub_text"])?;
        h.req_str_max("text", HEADER_TEXT_MAX)?;
    } else {
        h.allow(&["type", ty, "sub_text"])?;
        let media = h.get(ty).ok_or_else(|| ApiError::missing(&h.field(ty)))?;
        parse_media(&h.field(ty), media, if ty == "document" { &["filename"] } else { &[] })?;
    }
    h.opt_str_max("sub_text", HEADER_TEXT_MAX)?;
    Ok(ty)
}

/// `131009` naming the field when `value` was seen before in `seen`.
pub(super) fn unique<'a>(seen: &mut HashSet<&'a str>, path: &str, value: &'a str) -> Res<()> {
    if !seen.insert(value) {
        return Err(ApiError::bad_value(format!("{path} must be unique - \"{value}\" is used more than once")));
    }
    Ok(())
}

fn buttons(a: &Obj<'_>) -> Res<()> {
    a.allow(&["buttons"])?;
    let buttons = a.req_arr("buttons")?;
    let path = a.field("buttons");
    check_count(&path, buttons.len(), 1, BUTTONS_MAX)?;
    let mut ids = HashSet::new();
    let mut titles = HashSet::new();
    for (i, b) in buttons.iter().enumerate() {
        let b = as_obj(index(&path, i), b)?;
        b.allow(&["type", "reply"])?;
        b.req_enum("type", &["reply"])?;
        let reply = b.req_obj("reply")?;
        reply.allow(&["id", "title"])?;
        let id = reply.req_str_max("id", BUTTON_ID_MAX)?;
        // Meta: "No leading/trailing spaces" (a reply comes back with the id as given).
        if id.trim() != id {
            return Err(ApiError::bad_value(format!("{}: no leading or trailing spaces", reply.field("id"))));
        }
        let title = reply.req_str_max("title", BUTTON_TITLE_MAX)?;
        unique(&mut ids, &reply.field("id"), id)?;
        unique(&mut titles, &reply.field("title"), title)?;
    }
    Ok(())
}

fn list(a: &Obj<'_>) -> Res<()> {
    a.allow(&["button", "sections"])?;
    a.req_str_max("button", LIST_BUTTON_MAX)?;
    let sections = a.req_arr("sections")?;
    let path = a.field("sections");
    check_count(&path, sections.len(), 1, SECTIONS_MAX)?;
    let mut ids = HashSet::new();
    let mut total = 0;
    for (i, s) in sections.iter().enumerate() {
        let s = as_obj(index(&path, i), s)?;
        s.allow(&["title", "rows"])?;
        let title = s.opt_str_max("title", SECTION_TITLE_MAX)?;
        if sections.len() > 1 && title.is_none_or(|t| t.trim().is_empty()) {
            return Err(ApiError::missing(&s.field("title")));
        }
        let rows = s.req_arr("rows")?;
        let rows_path = s.field("rows");
        check_count(&rows_path, rows.len(), 1, ROWS_MAX)?;
        for (j, r) in rows.iter().enumerate() {
            let r = as_obj(index(&rows_path, j), r)?;
            r.allow(&["id", "title", "description"])?;
            let id = r.req_str_max("id", ROW_ID_MAX)?;
            r.req_str_max("title", ROW_TITLE_MAX)?;
            r.opt_str_max("description", ROW_DESCRIPTION_MAX)?;
            unique(&mut ids, &r.field("id"), id)?;
        }
        total += rows.len();
    }
    if total > ROWS_MAX {
        return Err(ApiError::bad_value(format!("{path} must have at most {ROWS_MAX} rows in total (got {total})")));
    }
    Ok(())
}

fn product(a: &Obj<'_>) -> Res<()> {
    a.allow(&["catalog_id", "product_retailer_id"])?;
    a.req_str("catalog_id")?;
    a.req_str("product_retailer_id")?;
    Ok(())
}

fn product_list(a: &Obj<'_>) -> Res<()> {
    a.allow(&["catalog_id", "sections"])?;
    a.req_str("catalog_id")?;
    let sections = a.req_arr("sections")?;
    let path = a.field("sections");
    check_count(&path, sections.len(), 1, SECTIONS_MAX)?;
    let mut total = 0;
    for (i, s) in sections.iter().enumerate() {
        let s = as_obj(index(&path, i), s)?;
        s.allow(&["title", "product_items"])?;
        // A title is required when there is more than one section, as for lists.
        let title = s.opt_str_max("title", SECTION_TITLE_MAX)?;
        if sections.len() > 1 && title.is_none_or(|t| t.trim().is_empty()) {
            return Err(ApiError::missing(&s.field("title")));
        }
        let items = s.req_arr("product_items")?;
        let items_path = s.field("product_items");
        check_count(&items_path, items.len(), 1, PRODUCT_ITEMS_MAX)?;
        for (j, item) in items.iter().enumerate() {
            let item = as_obj(index(&items_path, j), item)?;
            item.allow(&["product_retailer_id"])?;
            item.req_str("product_retailer_id")?;
        }
        total += items.len();
    }
    if total > PRODUCT_ITEMS_MAX {
        return Err(ApiError::bad_value(format!(
            "{path} must have at most {PRODUCT_ITEMS_MAX} product items in total (got {total})"
        )));
    }
    Ok(())
}

fn catalog(a: &Obj<'_>) -> Res<()> {
    a.allow(&["name", "parameters"])?;
    a.req_enum("name", &["catalog_message"])?;
    if let Some(p) = a.opt_obj("parameters")? {
        p.allow(&["thumbnail_product_retailer_id"])?;
        p.opt_str("thumbnail_product_retailer_id")?;
    }
    Ok(())
}

pub(super) fn cta_url(a: &Obj<'_>) -> Res<()> {
    a.allow(&["name", "parameters"])?;
    a.req_enum("name", &["cta_url"])?;
    let p = a.req_obj("parameters")?;
    p.allow(&["display_text", "url"])?;
    p.req_str_max("display_text", CTA_DISPLAY_TEXT_MAX)?;
    let url = p.req_str("url")?;
    if !is_http_url(url.trim()) {
        return Err(ApiError::bad_value(format!("{} must be an http(s) URL - got \"{url}\"", p.field("url"))));
    }
    Ok(())
}

fn flow(a: &Obj<'_>) -> Res<()> {
    a.allow(&["name", "parameters"])?;
    a.req_enum("name", &["flow"])?;
    let p = a.req_obj("parameters")?;
    p.allow(&[
        "flow_message_version",
        "flow_token",
        "flow_id",
        "flow_name",
        "flow_cta",
        "mode",
        "flow_action",
        "flow_action_payload",
    ])?;
    p.req_enum("flow_message_version", &["3"])?;
    let cta = p.req_str("flow_cta")?;
    check_len(&p.field("flow_cta"), cta, FLOW_CTA_MAX)?;
    let id = p.opt_str("flow_id")?.filter(|s| !s.trim().is_empty());
    let name = p.opt_str("flow_name")?.filter(|s| !s.trim().is_empty());
    match (id, name) {
        (None, None) => return Err(missing_one_of(&p.field("flow_id"), &p.field("flow_name"))),
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_value(format!(
                "{} and {} cannot both be set; use one of them",
                p.field("flow_id"),
                p.field("flow_name")
            )))
        }
        _ => {}
    }
    p.opt_str("flow_token")?;
    p.opt_enum("mode", &["draft", "published"])?;
    p.opt_enum("flow_action", &["navigate", "data_exchange"])?;
    if let Some(payload) = p.opt_obj("flow_action_payload")? {
        payload.allow(&["screen", "data"])?;
        payload.opt_str("screen")?;
        if let Some(data) = payload.opt_obj("data")? {
            if data.map.is_empty() {
                return Err(ApiError::bad_value(format!("{} must be a non-empty object", data.path)));
            }
        }
    }
    Ok(())
}

/// What a validated `order_details` interactive object orders (`None` for anything else).
pub fn order_details_summary(interactive: &Value) -> Option<crate::model::payments::OrderSummary> {
    let o = as_obj("interactive", interactive).ok()?;
    (o.opt_str("type").ok()? == Some("order_details")).then_some(())?;
    payments::order_details(&o.req_obj("action").ok()?).ok()
}

/// The reference id, status and description of a validated `order_status` interactive object.
pub fn order_status_change(interactive: &Value) -> Option<(String, String, Option<String>)> {
    let o = as_obj("interactive", interactive).ok()?;
    (o.opt_str("type").ok()? == Some("order_status")).then_some(())?;
    payments::order_status(&o.req_obj("action").ok()?).ok()
}

#[cfg(test)]
mod tests;
