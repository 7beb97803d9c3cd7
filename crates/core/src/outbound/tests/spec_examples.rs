use serde_json::json;

use super::*;

// ---------------------------------------------------------------- spec examples
//
// Request bodies from the examples of `POST /{Version}/{Phone-Number-ID}/messages` in
// `business-messaging-api_v23.0.yaml`, with their `<PLACEHOLDERS>` filled in with real-looking
// values (media ids are numeric, links are real URLs).

fn spec_examples() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Send Text Message",
            json!({
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "text": {"body": "text-message-content", "preview_url": false},
            "to": "16505551234", "type": "text"}),
        ),
        (
            "Send Text Message with Preview URL",
            json!({
            "messaging_product": "whatsapp",
            "text": {"body": "Please visit https://youtu.be/hpltvTEiRrY.", "preview_url": true},
            "to": "16505551234"}),
        ),
        (
            "Send Reply to Text Message",
            json!({
            "context": {"message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NjFBMjQ3N0U2RDlDQzAyMDYA"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "text": {"body": "Thanks!", "preview_url": false},
            "to": "16505551234", "type": "text"}),
        ),
        (
            "Send Image Message by URL",
            json!({
            "image": {"link": "https://example.com/image.jpg"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "image"}),
        ),
        (
            "Send Document Message by ID",
            json!({
            "document": {"caption": "Your invoice", "filename": "invoice.pdf", "id": "1376223850470843"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "document"}),
        ),
        (
            "Send Reply to Video Message by URL",
            json!({
            "context": {"message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NjFBMjQ3N0U2RDlDQzAyMDYA"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "video",
            "video": {"caption": "A clip", "link": "https://example.com/clip.mp4"}}),
        ),
        (
            "Send Audio Message by ID",
            json!({
            "audio": {"id": "1013859600285441"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "audio"}),
        ),
        (
            "Send Sticker Message by URL",
            json!({
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "sticker": {"link": "https://example.com/sticker.webp"},
            "to": "16505551234", "type": "sticker"}),
        ),
        (
            "Send Location Message",
            json!({
            "location": {"address": "1 Hacker Way, Menlo Park, CA 94025",
                         "latitude": 37.758056, "longitude": -122.425332, "name": "META HQ"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "location"}),
        ),
        (
            "Send Contact Message",
            json!({
            "contacts": [{
                "addresses": [
                    {"city": "Menlo Park", "country": "United States", "country_code": "us",
                     "state": "CA", "street": "1 Hacker Way", "type": "HOME", "zip": "94025"},
                    {"city": "Menlo Park", "country": "United States", "country_code": "us",
                     "state": "CA", "street": "200 Jefferson Dr", "type": "WORK", "zip": "94025"}],
                "birthday": "2012-08-18",
                "emails": [{"email": "test@fb.com", "type": "WORK"},
                           {"email": "test@whatsapp.com", "type": "HOME"}],
                "name": {"first_name": "John", "formatted_name": "John Smith", "last_name": "Smith",
                         "middle_name": "D.", "prefix": "Dr", "suffix": "Jr"},
                "org": {"company": "WhatsApp", "department": "Design", "title": "Manager"},
                "phones": [{"phone": "+1 (940) 555-1234", "type": "HOME"},
                           {"phone": "+1 (650) 555-1234", "type": "WORK", "wa_id": "16505551234"}],
                "urls": [{"type": "WORK", "url": "https://www.facebook.com"},
                         {"type": "HOME", "url": "https://www.whatsapp.com"}]}],
            "messaging_product": "whatsapp", "to": "16505551234", "type": "contacts"}),
        ),
        (
            "Send Reply with Reaction Message",
            json!({
            "messaging_product": "whatsapp",
            "reaction": {"emoji": "😀", "message_id": "wamid.HBgLM..."},
            "recipient_type": "individual", "to": "16505551234", "type": "reaction"}),
        ),
        (
            "Send Reply Button",
            json!({
            "interactive": {
                "action": {"buttons": [
                    {"reply": {"id": "UNIQUE_BUTTON_ID_1", "title": "BUTTON_TITLE_1"}, "type": "reply"},
                    {"reply": {"id": "UNIQUE_BUTTON_ID_2", "title": "BUTTON_TITLE_2"}, "type": "reply"}]},
                "body": {"text": "BUTTON_TEXT"}, "type": "button"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "interactive"}),
        ),
        (
            "Send List Message",
            json!({
            "interactive": {
                "action": {"button": "BUTTON_TEXT", "sections": [
                    {"rows": [
                        {"description": "SECTION_1_ROW_1_DESC", "id": "LIST_SECTION_1_ROW_1_ID", "title": "SECTION_1_ROW_1_TITLE"},
                        {"description": "SECTION_1_ROW_2_DESC", "id": "LIST_SECTION_1_ROW_2_ID", "title": "SECTION_1_ROW_2_TITLE"}],
                     "title": "LIST_SECTION_1_TITLE"},
                    {"rows": [
                        {"description": "SECTION_2_ROW_1_DESC", "id": "LIST_SECTION_2_ROW_1_ID", "title": "SECTION_2_ROW_1_TITLE"},
                        {"description": "SECTION_2_ROW_2_DESC", "id": "LIST_SECTION_2_ROW_2_ID", "title": "SECTION_2_ROW_2_TITLE"}],
                     "title": "LIST_SECTION_2_TITLE"}]},
                "body": {"text": "BODY_TEXT"}, "footer": {"text": "FOOTER_TEXT"},
                "header": {"text": "HEADER_TEXT", "type": "text"}, "type": "list"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "interactive"}),
        ),
        (
            "Send Single Product Message",
            json!({
            "interactive": {
                "action": {"catalog_id": "367025965434465", "product_retailer_id": "ID_TEST_ITEM_1"},
                "body": {"text": "OPTIONAL_BODY_TEXT"}, "footer": {"text": "OPTIONAL_FOOTER_TEXT"},
                "type": "product"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "interactive"}),
        ),
        (
            "Send Multi-Product Message",
            json!({
            "interactive": {
                "action": {"catalog_id": "146265584024623", "sections": [
                    {"product_items": [{"product_retailer_id": "SKU-1A"}, {"product_retailer_id": "SKU-1B"}],
                     "title": "SECTION1_TITLE"},
                    {"product_items": [{"product_retailer_id": "SKU-2A"}, {"product_retailer_id": "SKU-2B"}],
                     "title": "SECTION2_TITLE"}]},
                "body": {"text": "YOUR_TEXT_BODY_CONTENT"}, "footer": {"text": "YOUR_TEXT_FOOTER_CONTENT"},
                "header": {"text": "YOUR_TEXT_HEADER_CONTENT", "type": "text"},
                "type": "product_list"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "interactive"}),
        ),
        (
            "Send Catalog Message",
            json!({
            "interactive": {
                "action": {"name": "catalog_message",
                           "parameters": {"thumbnail_product_retailer_id": "2lc20305pt"}},
                "body": {"text": "Hello! Thanks for your interest. Ordering is easy. Just visit our catalog and add items to purchase."},
                "footer": {"text": "Best grocery deals on WhatsApp!"},
                "type": "catalog_message"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "+16505551234", "type": "interactive"}),
        ),
        (
            "Send Draft Flow by Name",
            json!({
            "interactive": {
                "action": {"name": "flow", "parameters": {
                    "flow_action": "navigate",
                    "flow_action_payload": {"data": {"product_name": "name"}, "screen": "WELCOME"},
                    "flow_cta": "Not shown in draft mode", "flow_message_version": "3",
                    "flow_name": "signup_flow", "flow_token": "AQAAAAACS5FpgQ_cAAAAAD0QI3s.", "mode": "draft"}},
                "body": {"text": "Not shown in draft mode"},
                "footer": {"text": "Not shown in draft mode"},
                "header": {"text": "Not shown in draft mode", "type": "text"},
                "type": "flow"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "interactive"}),
        ),
        (
            "Send Published Flow by ID",
            json!({
            "interactive": {
                "action": {"name": "flow", "parameters": {
                    "flow_action": "navigate",
                    "flow_action_payload": {"data": {"product_name": "name"}, "screen": "WELCOME"},
                    "flow_cta": "Open Flow!", "flow_id": "1234567890123456",
                    "flow_message_version": "3", "flow_token": "AQAAAAACS5FpgQ_cAAAAAD0QI3s."}},
                "body": {"text": "BODY_TEXT"}, "footer": {"text": "FOOTER_TEXT"},
                "header": {"text": "HEADER_TEXT", "type": "text"}, "type": "flow"},
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "16505551234", "type": "interactive"}),
        ),
        (
            "Send Test Message",
            json!({
            "messaging_product": "whatsapp",
            "template": {"language": {"code": "en_US"}, "name": "hello_world"},
            "to": "16505551234", "type": "template"}),
        ),
        (
            "Send Sample Issue Resolution Template",
            json!({
            "messaging_product": "whatsapp",
            "template": {
                "components": [
                    {"parameters": [{"text": "*Mr. Jones*", "type": "text"}], "type": "body"},
                    {"index": 0, "parameters": [{"text": true, "type": "text"}],
                     "sub_type": "quick_reply", "type": "button"},
                    {"index": 1, "parameters": [{"text": false, "type": "text"}],
                     "sub_type": "quick_reply", "type": "button"}],
                "language": {"code": "en_US", "policy": "deterministic"},
                "name": "sample_issue_resolution"},
            "to": "16505551234", "type": "template"}),
        ),
        (
            "Send Message Template Interactive",
            json!({
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "template": {
                "components": [
                    {"parameters": [{"image": {"link": "https://example.com/the-image.jpg"}, "type": "image"}],
                     "type": "header"},
                    {"parameters": [
                        {"text": "text-string", "type": "text"},
                        {"currency": {"amount_1000": 100990, "code": "USD", "fallback_value": "$100.99"},
                         "type": "currency"},
                        {"date_time": {"calendar": "GREGORIAN", "day_of_month": 25, "day_of_week": 5,
                                       "fallback_value": "February 25, 1977", "hour": 15, "minute": 33,
                                       "month": 2, "year": 1977},
                         "type": "date_time"}],
                     "type": "body"},
                    {"index": "0", "parameters": [{"payload": "aGlzIHRoaXMgaXMgY29v", "type": "payload"}],
                     "sub_type": "quick_reply", "type": "button"}],
                "language": {"code": "en_US"}, "name": "template-name"},
            "to": "16505551234", "type": "template"}),
        ),
        (
            "Send Catalog Template Message",
            json!({
            "messaging_product": "whatsapp", "recipient_type": "individual",
            "template": {
                "components": [
                    {"parameters": [{"text": "100", "type": "text"}, {"text": "400", "type": "text"},
                                    {"text": "3", "type": "text"}], "type": "body"},
                    {"index": 0, "parameters": [{"action": {"thumbnail_product_retailer_id": "2lc20305pt"},
                                                 "type": "action"}],
                     "sub_type": "CATALOG", "type": "button"}],
                "language": {"code": "en_US"}, "name": "intro_catalog_offer"},
            "to": "+16505551234", "type": "template"}),
        ),
    ]
}

#[test]
fn spec_examples_parse() {
    for (name, v) in spec_examples() {
        let m = match parse(v.clone()) {
            Ok(SendRequest::Message(m)) => m,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(m.to.as_str(), "16505551234", "{name}");
        let ty = v["type"].as_str().unwrap_or("text");
        assert_eq!(m.kind.as_str(), ty, "{name}");
        // Everything except the normalised kinds is kept as sent.
        if !matches!(m.kind, MessageKind::Text) {
            assert_eq!(m.content, v[ty], "{name}");
        }
    }
}

#[test]
fn spec_example_mark_read_with_typing_indicator() {
    let v = json!({
        "message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=",
        "messaging_product": "whatsapp", "status": "read",
        "typing_indicator": {"type": "text"}});
    assert_eq!(
        parse(v).unwrap(),
        SendRequest::MarkRead {
            message_id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=".into(),
            typing_indicator: true
        }
    );
}

#[test]
fn spec_examples_payments() {
    // Payments: the spec's order_details example, whole (the sale price makes the subtotal).
    let order_details = json!({
        "interactive": {
            "action": {"name": "review_and_pay", "parameters": {
                "currency": "INR",
                "order": {
                    "discount": {"description": "optional_text", "discount_program_name": "optional_text",
                                 "offset": 100, "value": 100},
                    "items": [{"amount": {"offset": 100, "value": 1500}, "name": "bread",
                               "quantity": 1, "retailer_id": "1234567",
                               "sale_amount": {"offset": 100, "value": 1000}}],
                    "shipping": {"description": "optional_text", "offset": 100, "value": 100},
                    "status": "pending", "subtotal": {"offset": 100, "value": 1000},
                    "tax": {"description": "optional_text", "offset": 100, "value": 100}},
                "payment_configuration": "my-payment-config-name", "payment_type": "upi",
                "reference_id": "unique-reference-id",
                "total_amount": {"offset": 100, "value": 1100}, "type": "digital-goods"}},
            "body": {"text": "your-text-body-content"},
            "footer": {"text": "your-text-footer-content"},
            "header": {"image": {"link": "https://example.com/bread.jpg"}, "type": "image"},
            "type": "order_details"},
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": "16505551234", "type": "interactive"});
    match parse(order_details.clone()) {
        Ok(SendRequest::Message(m)) => assert_eq!(m.content, order_details["interactive"]),
        other => panic!("{other:?}"),
    }
    let mut short = order_details.clone();
    short["interactive"]["action"]["parameters"]["order"]["items"][0].as_object_mut().unwrap().remove("sale_amount");
    err(short, ErrorCode::ParameterValueInvalid, "interactive.action.parameters.order.subtotal must be the sum");
    let order_status = json!({
        "interactive": {
            "action": {"name": "review_order", "parameters": {
                "order": {"description": "optional-text", "status": "processing"},
                "reference_id": "unique-reference-id-from-order-details-msg"}},
            "body": {"text": "your-text-body-content"}, "type": "order_status"},
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": "16505551234", "type": "interactive"});
    // Meta documents reference_id as at most 35 characters; the spec's own example is longer.
    err(order_status.clone(), ErrorCode::ParameterValueInvalid, "reference_id");
    let mut order_status = order_status;
    order_status["interactive"]["action"]["parameters"]["reference_id"] = json!("unique-reference-id");
    assert!(matches!(parse(order_status), Ok(SendRequest::Message(_))));
}

#[test]
fn spec_examples_not_supported_here() {
    // "Send Reply to List Message" omits `type`, which then defaults to `text`: the
    // `interactive` key is unexpected (the example is defective as written).
    let reply_to_list = json!({
        "context": {"message_id": "wamid.X"},
        "interactive": {"action": {"button": "B", "sections": [{"rows": [{"id": "1", "title": "T"}]}]},
                        "body": {"text": "BODY_TEXT"}, "type": "list"},
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "16505551234"});
    err(reply_to_list, ErrorCode::InvalidParameter, "Unexpected key \"interactive\"");
}
