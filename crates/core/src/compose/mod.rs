//! Answering from the web app: what a person of the business sends into one chat. Every message
//! goes through the messaging service's send path, the one `POST /{phone-number-id}/messages`
//! uses (the 24-hour window, pricing, limits, quality, status webhooks), as a send from an app
//! ([`MessagingService::send_from_app`]), so the business's webhook also gets it as an
//! `smb_message_echoes` change. Outside the window only an approved template reaches the
//! customer; the template picker's form and preview are built here from the template itself,
//! and the preview is rendered by the same renderer a send uses ([`crate::templates::render()`]).
//! Read receipts and the typing indicator take the API's mark-as-read path.

mod shop;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::clock::Millis;
use crate::error::ApiError;
use crate::messaging::{MessagingService, SendOutcome, SERVICE_WINDOW_MS};
use crate::model::templates::{distinct_names, placeholders};
use crate::model::{Direction, MessageStatus, PhoneNumber, Template, TemplateStatus};
use crate::store::TemplateFilter;
use crate::templates::{render, RenderedTemplate};

/// Most approved templates the picker lists.
pub const MAX_TEMPLATES: usize = 200;

/// Why a message did not reach the customer, in Meta's words: the error code, its title and
/// the precise reason (`error_data.details`). A refused request and a message that failed at
/// once (131047 outside the window, a block, the messaging limit) both end here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: i64,
    pub title: String,
    pub details: String,
}

impl Refusal {
    /// From a service error: its code, its title (or Meta's wording of it) and details.
    pub fn from_api(e: &ApiError) -> Refusal {
        let row = e.code.row();
        Refusal {
            code: row.code,
            title: e.message.clone().unwrap_or_else(|| row.title.to_string()),
            details: e.details.clone(),
        }
    }

    /// From a failed message's stored error (`{"code","title","error_data":{"details"}}`).
    fn from_failed(error: Option<&Value>) -> Refusal {
        let e = error.cloned().unwrap_or(Value::Null);
        Refusal {
            code: e["code"].as_i64().unwrap_or(131000),
            title: e["title"].as_str().unwrap_or("Something went wrong").to_string(),
            details: e["error_data"]["details"].as_str().unwrap_or_default().to_string(),
        }
    }
}

/// A request error the person can act on becomes a [`Refusal`]; a server failure stays an error.
/// What Meta answers a product message from a number whose WABA has no catalog.
fn no_catalog(waba_id: &str) -> ApiError {
    ApiError::bad_value(format!(
        "interactive: no catalog is connected to this number's WhatsApp Business Account (POST /{waba_id}/product_catalogs)"
    ))
}

fn refusal(e: ApiError) -> Result<Refusal, ApiError> {
    match e.code.row().http_status {
        400..=499 => Ok(Refusal::from_api(&e)),
        _ => Err(e),
    }
}

/// What is sent: the parts of a Cloud API send request the composer fills.
#[derive(Debug, Clone, PartialEq)]
pub enum Draft {
    /// Free text, optionally as a reply to a message of the chat.
    Text { body: String, reply_to: Option<String> },
    /// A reaction to a message of the chat (an empty emoji removes it).
    Reaction { message_id: String, emoji: String },
    /// Uploaded media by its id: `kind` is image, video, audio, document or sticker.
    Media {
        kind: String,
        media_id: String,
        caption: Option<String>,
        filename: Option<String>,
        reply_to: Option<String>,
    },
    /// An approved template of the number's WABA, with the picker's values.
    Template { template_id: String, values: BTreeMap<String, String> },
    /// The number's connected catalog as a `catalog_message`, with a product as thumbnail.
    Catalog { body: String, thumbnail: Option<String> },
    /// One product of the number's connected catalog (`interactive` `product`).
    Product { retailer_id: String, body: Option<String> },
    /// A payment request (`order_details`) for an order the customer sent in this chat.
    Bill { order_id: String, body: String },
}

/// The kind of media message a file of this MIME type is sent as.
pub fn media_kind(mime: &str) -> &'static str {
    match mime {
        "image/webp" => "sticker",
        m if m.starts_with("image/") => "image",
        m if m.starts_with("video/") => "video",
        m if m.starts_with("audio/") => "audio",
        _ => "document",
    }
}

/// The chat's customer service window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// When the customer last wrote to this number.
    pub last_inbound_at: Option<Millis>,
    /// When the window closes (or closed): 24 hours after that.
    pub closes_at: Option<Millis>,
    pub open: bool,
}

/// What the composer of one chat shows: the window and the templates it may offer.
#[derive(Debug, Clone)]
pub struct ComposeState {
    pub phone: PhoneNumber,
    pub window: Window,
    /// The number's WABA's APPROVED templates, by name then language.
    pub templates: Vec<Template>,
}

/// Where a template variable sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    HeaderText,
    /// A media header (image, video, document): its link.
    HeaderMedia,
    Body,
    /// A button's parameter (URL suffix, coupon code), by the button's index.
    Button(usize),
}

/// One field of the template picker's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateField {
    /// The form field's name (`body.1`, `header.first_name`, `button.0`, `header.media`).
    pub key: String,
    pub slot: Slot,
    /// The variable's name (`1`, `first_name`), or the media header's format, or the
    /// button's type.
    pub name: String,
    /// The example the template was created with, if any.
    pub example: Option<String>,
}

/// The variables of a text, in the template's order, without repeats.
fn variables(text: &str) -> Vec<String> {
    placeholders(text).map(|p| distinct_names(&p)).unwrap_or_default()
}

/// The example value of the `i`-th variable of a component, from its `example` object.
fn example(c: &Value, key: &str, i: usize, named: bool, name: &str) -> Option<String> {
    let ex = &c["example"];
    if named {
        let list = ex[format!("{key}_named_params")].as_array()?;
        return list.iter().find(|p| p["param_name"] == name)?["example"].as_str().map(str::to_string);
    }
    let v = &ex[format!("{key}_text")];
    // body_text is a list of lists; header_text a flat list.
    v[0].as_array().map_or(v[i].as_str(), |inner| inner.get(i).and_then(Value::as_str)).map(str::to_string)
}

/// The fields a template needs filled, in the order the customer reads them.
pub fn template_fields(t: &Template) -> Vec<TemplateField> {
    let named = t.is_named();
    let mut out = Vec::new();
    if let Some(h) = t.component("HEADER") {
        match h["format"].as_str().unwrap_or("TEXT") {
            "TEXT" => {
                for (i, n) in variables(h["text"].as_str().unwrap_or("")).into_iter().enumerate() {
                    let example = example(h, "header", i, named, &n);
                    out.push(TemplateField { key: format!("header.{n}"), slot: Slot::HeaderText, name: n, example });
                }
            }
            f @ ("IMAGE" | "VIDEO" | "DOCUMENT") => out.push(TemplateField {
                key: "header.media".into(),
                slot: Slot::HeaderMedia,
                name: f.to_ascii_lowercase(),
                example: h["example"]["header_handle"][0].as_str().map(str::to_string),
            }),
            _ => {}
        }
    }
    if let Some(b) = t.component("BODY") {
        for (i, n) in variables(t.body_text()).into_iter().enumerate() {
            let example = example(b, "body", i, named, &n);
            out.push(TemplateField { key: format!("body.{n}"), slot: Slot::Body, name: n, example });
        }
    }
    for (i, b) in t.buttons().iter().enumerate() {
        let kind = b["type"].as_str().unwrap_or("");
        let takes = match kind {
            "URL" => b["url"].as_str().is_some_and(|u| u.ends_with("{{1}}")),
            "COPY_CODE" => true,
            _ => false,
        };
        if takes {
            let example = b["example"][0].as_str().or(b["example"].as_str()).map(str::to_string);
            out.push(TemplateField { key: format!("button.{i}"), slot: Slot::Button(i), name: kind.into(), example });
        }
    }
    out
}

/// A template the picker cannot fill (a location header): the reason.
pub fn unsupported(t: &Template) -> Option<&'static str> {
    match t.component("HEADER").and_then(|h| h["format"].as_str()) {
        Some("LOCATION") => Some("location header"),
        _ => None,
    }
}

/// The send request's `template` object for `values` (by [`TemplateField::key`]). With
/// `preview`, an empty value shows as its `{{variable}}` instead of being refused.
pub fn template_request(t: &Template, values: &BTreeMap<String, String>, preview: bool) -> Value {
    let named = t.is_named();
    let value = |f: &TemplateField| -> String {
        let v = values.get(&f.key).map(|v| v.trim()).unwrap_or("");
        match (v.is_empty(), preview, f.slot) {
            (true, true, Slot::HeaderMedia) => "https://example.invalid/preview".into(),
            (true, true, _) => format!("{{{{{}}}}}", f.name),
            _ => v.to_string(),
        }
    };
    let text = |f: &TemplateField| {
        let mut p = json!({"type": "text", "text": value(f)});
        if named {
            p["parameter_name"] = json!(f.name);
        }
        p
    };
    let fields = template_fields(t);
    let mut components = Vec::new();
    let header: Vec<Value> = fields
        .iter()
        .filter_map(|f| match f.slot {
            Slot::HeaderText => Some(text(f)),
            Slot::HeaderMedia => Some(json!({"type": f.name, (f.name.as_str()): {"link": value(f)}})),
            _ => None,
        })
        .collect();
    if !header.is_empty() {
        components.push(json!({"type": "header", "parameters": header}));
    }
    let body: Vec<Value> = fields.iter().filter(|f| f.slot == Slot::Body).map(text).collect();
    if !body.is_empty() {
        components.push(json!({"type": "body", "parameters": body}));
    }
    for f in &fields {
        if let Slot::Button(i) = f.slot {
            let (sub, param) = match f.name.as_str() {
                "COPY_CODE" => ("copy_code", json!({"type": "coupon_code", "coupon_code": value(f)})),
                _ => ("url", json!({"type": "text", "text": value(f)})),
            };
            components.push(json!({"type": "button", "sub_type": sub, "index": i, "parameters": [param]}));
        }
    }
    json!({"name": t.name, "language": {"code": t.language}, "components": components})
}

#[derive(Clone)]
pub struct ComposeService {
    messaging: MessagingService,
}

impl ComposeService {
    pub fn new(messaging: MessagingService) -> Self {
        ComposeService { messaging }
    }

    /// The business number of a chat of `business_id` with the customer `customer` names (their
    /// number, or their BSUID or username when they hide it), when the customer last wrote, and
    /// the customer's number; not found unless the chat is the business's.
    async fn chat(
        &self,
        business_id: &str,
        phone_number_id: &str,
        customer: &str,
    ) -> Result<(Arc<PhoneNumber>, Option<Millis>, String), ApiError> {
        let not_found = || ApiError::object_not_found(phone_number_id);
        let store = self.messaging.store();
        let wa_id =
            crate::messaging::customer_number(store.as_ref(), business_id, customer).await?.ok_or_else(not_found)?;
        let conversation = store
            .conversation(phone_number_id, &wa_id)
            .await?
            .filter(|c| c.business_id == business_id)
            .ok_or_else(not_found)?;
        let phone = self.messaging.phone(phone_number_id).await?.ok_or_else(not_found)?;
        Ok((phone, conversation.last_inbound_at, wa_id))
    }

    /// The composer of a chat: its window and the templates it may offer.
    pub async fn state(&self, business_id: &str, phone_number_id: &str, wa_id: &str) -> Result<ComposeState, ApiError> {
        let (phone, last_inbound_at, _) = self.chat(business_id, phone_number_id, wa_id).await?;
        let now = self.messaging.now();
        let closes_at = last_inbound_at.map(|t| t + SERVICE_WINDOW_MS);
        let window = Window { last_inbound_at, closes_at, open: closes_at.is_some_and(|c| now < c) };
        let filter = TemplateFilter { statuses: vec![TemplateStatus::Approved], ..Default::default() };
        let page = crate::model::PageRequest { limit: MAX_TEMPLATES, ..Default::default() };
        let mut templates = self.messaging.store().page_templates(&phone.waba_id, &filter, &page).await?.items;
        templates.sort_by(|a, b| (&a.name, &a.language).cmp(&(&b.name, &b.language)));
        Ok(ComposeState { phone: PhoneNumber::clone(&phone), window, templates })
    }

    /// An APPROVED template of the chat's number's WABA.
    pub async fn template(
        &self,
        business_id: &str,
        phone_number_id: &str,
        wa_id: &str,
        template_id: &str,
    ) -> Result<Template, ApiError> {
        let (phone, _, _) = self.chat(business_id, phone_number_id, wa_id).await?;
        match self.messaging.store().template(template_id).await? {
            Some(t) if t.waba_id == phone.waba_id && t.status == TemplateStatus::Approved => Ok(t),
            _ => Err(ApiError::object_not_found(template_id)),
        }
    }

    /// What the customer would receive from `t` with `values`; unfilled variables show as
    /// `{{name}}`. A value the send would refuse (too long, …) is the refusal.
    pub fn preview(t: &Template, values: &BTreeMap<String, String>) -> Result<RenderedTemplate, Refusal> {
        render(t, &template_request(t, values, true)).map_err(|e| Refusal::from_api(&e))
    }

    /// Send `draft` into the chat as a person of the business. `Ok(Ok(wamid))`: accepted and
    /// on its way; `Ok(Err(refusal))`: refused, or failed at once, for Meta's reason.
    pub async fn send(
        &self,
        business_id: &str,
        phone_number_id: &str,
        wa_id: &str,
        draft: Draft,
    ) -> Result<Result<String, Refusal>, ApiError> {
        let (phone, _, number) = self.chat(business_id, phone_number_id, wa_id).await?;
        let mut body = Map::new();
        body.insert("messaging_product".into(), json!("whatsapp"));
        body.insert("recipient_type".into(), json!("individual"));
        if number == wa_id {
            body.insert("to".into(), json!(number));
        } else {
            // The person knows the customer by their BSUID only (the customer hides their
            // number): the send names them so, as an API client would, which does not share
            // the number with the business.
            let user_id = self.messaging.webhook_contact(business_id, &number).await?.user_id;
            body.insert("recipient".into(), json!(user_id));
        }
        let context = |reply_to: &Option<String>| reply_to.as_ref().map(|id| json!({"message_id": id}));
        let (kind, content, reply) = match &draft {
            Draft::Text { body, reply_to } => ("text", json!({"body": body}), context(reply_to)),
            Draft::Reaction { message_id, emoji } => {
                ("reaction", json!({"message_id": message_id, "emoji": emoji}), None)
            }
            Draft::Media { kind, media_id, caption, filename, reply_to } => {
                let mut m = json!({"id": media_id});
                if let Some(c) = caption.as_ref().filter(|c| !c.is_empty()) {
                    m["caption"] = json!(c);
                }
                if let Some(f) = filename.as_ref().filter(|_| kind == "document") {
                    m["filename"] = json!(f);
                }
                (kind.as_str(), m, context(reply_to))
            }
            Draft::Template { template_id, values } => {
                let t = self.template(business_id, phone_number_id, wa_id, template_id).await?;
                ("template", template_request(&t, values, false), None)
            }
            Draft::Catalog { body, thumbnail } => {
                ("interactive", shop::catalog_message(body, thumbnail.as_deref()), None)
            }
            Draft::Product { retailer_id, body } => {
                let catalog = match self.messaging.store().waba_catalog(&phone.waba_id).await? {
                    Some(c) => c.id,
                    None => return Ok(Err(Refusal::from_api(&no_catalog(&phone.waba_id)))),
                };
                ("interactive", shop::product_message(&catalog, retailer_id, body.as_deref()), None)
            }
            Draft::Bill { order_id, body } => match self.messaging.store().order(order_id).await? {
                // Only an order of this chat: another chat's order is not the customer's to pay.
                Some(o) if o.business_id == business_id && o.phone_number_id == phone.id && o.wa_id == number => {
                    ("interactive", shop::order_details(&o, body), None)
                }
                _ => return Ok(Err(Refusal::from_api(&ApiError::object_not_found(order_id)))),
            },
        };
        body.insert("type".into(), json!(kind));
        body.insert(kind.into(), content);
        if let Some(c) = reply {
            body.insert("context".into(), c);
        }
        let id = match self.messaging.send_from_app(&phone, &body).await {
            Ok(SendOutcome::Accepted { message_id, .. }) => message_id,
            Ok(SendOutcome::Success) => return Err(ApiError::internal()),
            Err(e) => return refusal(e).map(Err),
        };
        // Meta answers 200 and reports 131047, a block or the messaging limit in a failed
        // status: the person sees that reason at once.
        match self.messaging.store().message(&id).await? {
            Some(m) if m.status == MessageStatus::Failed => Ok(Err(Refusal::from_failed(m.error.as_ref()))),
            _ => Ok(Ok(id)),
        }
    }

    /// Mark the customer's latest message read, and with it their earlier ones (the customer
    /// sees the blue ticks), and with
    /// `typing` show them the typing indicator: the API's mark-as-read request. Nothing to do
    /// when the customer has not written.
    pub async fn mark_read(
        &self,
        business_id: &str,
        phone_number_id: &str,
        wa_id: &str,
        typing: bool,
    ) -> Result<(), ApiError> {
        let (phone, _, number) = self.chat(business_id, phone_number_id, wa_id).await?;
        let history = self.messaging.store().chat_history(phone_number_id, &number, None, 50).await?;
        let Some(last) = history.iter().find(|m| m.direction == Direction::Inbound) else { return Ok(()) };
        let mut body = Map::new();
        body.insert("messaging_product".into(), json!("whatsapp"));
        body.insert("status".into(), json!("read"));
        body.insert("message_id".into(), json!(last.id));
        if typing {
            body.insert("typing_indicator".into(), json!({"type": "text"}));
        }
        self.messaging.send(&phone, &body).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::review::tests_support::template;

    #[test]
    fn a_form_field_per_variable_and_the_request_they_make() {
        let t = template(
            "MARKETING",
            "POSITIONAL",
            json!([
                {"type": "HEADER", "format": "TEXT", "text": "Hi {{1}}", "example": {"header_text": ["Ann"]}},
                {"type": "BODY", "text": "Pay {{1}} by {{2}}.", "example": {"body_text": [["$5", "Monday"]]}},
                {"type": "BUTTONS", "buttons": [
                    {"type": "QUICK_REPLY", "text": "Stop"},
                    {"type": "URL", "text": "Track", "url": "https://x.com/t/{{1}}", "example": ["https://x.com/t/a"]}]}
            ]),
        );
        let keys: Vec<_> = template_fields(&t).into_iter().map(|f| (f.key, f.example)).collect();
        assert_eq!(
            keys,
            vec![
                ("header.1".to_string(), Some("Ann".to_string())),
                ("body.1".into(), Some("$5".into())),
                ("body.2".into(), Some("Monday".into())),
                ("button.1".into(), Some("https://x.com/t/a".into())),
            ]
        );
        let mut values = BTreeMap::new();
        values.insert("body.1".to_string(), "$9".to_string());
        let preview = ComposeService::preview(&t, &values).unwrap();
        assert_eq!(preview.body, "Pay $9 by {{2}}.");
        assert_eq!(preview.header, Some(json!({"type": "text", "text": "Hi {{1}}"})));
        for (k, v) in [("header.1", "Jo"), ("body.2", "Friday"), ("button.1", "abc")] {
            values.insert(k.into(), v.into());
        }
        let r = render(&t, &template_request(&t, &values, false)).unwrap();
        assert_eq!(r.body, "Pay $9 by Friday.");
        assert_eq!(r.buttons[1]["url"], "https://x.com/t/abc");
        values.remove("body.2");
        assert!(render(&t, &template_request(&t, &values, false)).is_err(), "an empty value is refused");
    }

    #[test]
    fn named_parameters_carry_their_names() {
        let t =
            template("UTILITY", "NAMED", json!([{"type": "BODY", "text": "Hello {{first_name}}, order {{order}}."}]));
        let mut values = BTreeMap::new();
        values.insert("body.first_name".to_string(), "Jo".to_string());
        values.insert("body.order".to_string(), "#7".to_string());
        let req = template_request(&t, &values, false);
        assert_eq!(
            req["components"][0]["parameters"][1],
            json!({"type": "text", "text": "#7", "parameter_name": "order"})
        );
        assert_eq!(render(&t, &req).unwrap().body, "Hello Jo, order #7.");
    }

    #[test]
    fn a_media_header_takes_a_link_and_a_location_header_is_not_offered() {
        let t = template(
            "MARKETING",
            "POSITIONAL",
            json!([{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "New in store"}]),
        );
        let fields = template_fields(&t);
        assert_eq!((fields.len(), fields[0].key.as_str(), fields[0].slot), (1, "header.media", Slot::HeaderMedia));
        let mut values = BTreeMap::new();
        values.insert("header.media".to_string(), "https://shop.example/new.png".to_string());
        let r = render(&t, &template_request(&t, &values, false)).unwrap();
        assert_eq!(r.header, Some(json!({"type": "image", "image": {"link": "https://shop.example/new.png"}})));
        assert!(ComposeService::preview(&t, &BTreeMap::new()).is_ok(), "an empty link still previews");
        let loc = template(
            "MARKETING",
            "POSITIONAL",
            json!([{"type": "HEADER", "format": "LOCATION"}, {"type": "BODY", "text": "x"}]),
        );
        assert_eq!(unsupported(&loc), Some("location header"));
        assert_eq!(unsupported(&t), None);
    }

    #[test]
    fn media_kinds() {
        assert_eq!(media_kind("image/png"), "image");
        assert_eq!(media_kind("image/webp"), "sticker");
        assert_eq!(media_kind("audio/ogg"), "audio");
        assert_eq!(media_kind("application/pdf"), "document");
    }
}
