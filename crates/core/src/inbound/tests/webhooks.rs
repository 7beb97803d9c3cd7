use crate::model::StatusPricing;
use serde_json::{json, Value};

use super::*;

// ---- webhook payloads vs. Meta's examples -------------------------------------------------

const WA_ID: &str = "16505551234";
const NAME: &str = "Sheena Nelson";
const PHONE_ID: &str = "106540352242922";
const BIZ: &str = "15550783881";
const WABA: &str = "419561257915477";
const USER_ID: &str = "US.13491208655302741918";

/// The customer of the examples, their number shown.
fn contact() -> WebhookContact {
    WebhookContact {
        wa_id: WA_ID.into(),
        user_id: USER_ID.into(),
        name: NAME.into(),
        username: None,
        show_number: true,
    }
}

/// Meta's example envelope around one `messages[]` element (the wrapper every spec example
/// shares, copied from the spec; the text example below is copied whole).
fn meta_example(waba: &str, message: Value) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": waba,
            "changes": [{
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234", "user_id": USER_ID}],
                    "messages": [message]
                },
                "field": "messages"
            }]
        }]
    })
}

/// Our payload for `input`, with the example's ids and timestamp (so no normalising is needed).
fn ours(waba: &str, input: Value, wamid: &str, ts: i64, media: Option<&MediaInfo>) -> Value {
    let msg = ok(input);
    // The business number in any notation: builders write its digits.
    let m = webhook_message(&msg, WA_ID, wamid, ts * 1000 + 999, "+1 555-078-3881", media);
    envelope(waba, vec![("messages".to_owned(), messages_value(PHONE_ID, "+1 555-078-3881", &contact(), vec![m]))])
}

#[test]
fn spec_text_message() {
    let meta = json!({
      "object": "whatsapp_business_account",
      "entry": [{
        "id": "419561257915477",
        "changes": [{
          "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234", "user_id": USER_ID}],
            "messages": [{
              "from": "16505551234",
              "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
              "timestamp": "1749416383",
              "type": "text",
              "text": {"body": "Does it come in another color?"}
            }]
          },
          "field": "messages"
        }]
      }]
    });
    assert_eq!(meta, meta_example(WABA, meta["entry"][0]["changes"][0]["value"]["messages"][0].clone()));
    let got = ours(
        WABA,
        json!({"type": "text", "text": {"body": "Does it come in another color?"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        1749416383,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_text_message_from_click_to_whatsapp_ad() {
    let referral = json!({
        "source_url": "https://fb.me/3cr4Wqqkv",
        "source_id": "120226305854810726",
        "source_type": "ad",
        "body": "Summer Succulents are here!",
        "headline": "Chat with us",
        "media_type": "image",
        "image_url": "https://scontent.xx.fbcdn.net/v/t45.1...",
        "ctwa_clid": "Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5nW1h7IHYeYymGb5K5J5iTROpBhWAGaIAeUzHL50",
        "welcome_message": {"text": "Hi there! Let us know how we can help!"}
    });
    let meta = meta_example(
        "102290129340398",
        json!({
            "referral": referral,
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0N0VFMDA2MTQ0RkJFNkNDNAA=",
            "timestamp": "1750275992",
            "text": {"body": "Hello! Can I get more info on this?"},
            "type": "text"
        }),
    );
    let got = ours(
        "102290129340398",
        json!({"type": "text", "text": {"body": "Hello! Can I get more info on this?"}, "referral": referral}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0N0VFMDA2MTQ0RkJFNkNDNAA=",
        1750275992,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_reaction_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            "timestamp": "1749419544",
            "type": "reaction",
            "reaction": {"message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA", "emoji": "👍"}
        }),
    );
    let got = ours(
        WABA,
        json!({"type": "reaction", "reaction": {
            "message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA", "emoji": "👍"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        1749419544,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_image_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            "timestamp": "1744344496",
            "type": "image",
            "image": {
                "caption": "Taj Mahal",
                "mime_type": "image/jpeg",
                "sha256": "SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=",
                "id": "1003383421387256"
            }
        }),
    );
    let media = MediaInfo {
        id: "1003383421387256".into(),
        mime_type: "image/jpeg".into(),
        sha256: "SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=".into(),
        url: None,
    };
    let got = ours(
        WABA,
        json!({"type": "image", "image": {"media_id": "customer-upload-1", "caption": "Taj Mahal"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        1744344496,
        Some(&media),
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_location_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTU2MjZEMDBGRkE3MENEMDE0RQA=",
            "timestamp": "1744344496",
            "location": {
                "address": "101 Forest Ave, Palo Alto, CA 94301",
                "latitude": 37.44221496582,
                "longitude": -122.16165924072,
                "name": "Philz Coffee",
                "url": "https://philzcoffee.com/"
            },
            "type": "location"
        }),
    );
    let got = ours(
        WABA,
        json!({"type": "location", "location": {
            "latitude": 37.44221496582, "longitude": -122.16165924072, "name": "Philz Coffee",
            "address": "101 Forest Ave, Palo Alto, CA 94301", "url": "https://philzcoffee.com/"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTU2MjZEMDBGRkE3MENEMDE0RQA=",
        1744344496,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_contact_sharing_message() {
    let contacts = json!([{
        "name": {"first_name": "Lucía", "last_name": "Gómez", "formatted_name": "Lucía Gómez"},
        "org": {"company": "Google"},
        "phones": [{"phone": "+1 (983) 555-2319", "wa_id": "19835552319", "type": "MOBILE"}]
    }]);
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            "timestamp": "1744344496",
            "type": "contacts",
            "contacts": contacts
        }),
    );
    let got = ours(
        WABA,
        json!({"type": "contacts", "contacts": contacts}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        1744344496,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_unsupported_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTQyMDU1NTA3NDkVAgASGBI5N0MwRjg0RTVBNUI1RDA2OTkA",
            "timestamp": "1750090702",
            "errors": [{
                "code": 131051,
                "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."}
            }],
            "type": "unsupported"
        }),
    );
    let wamid = "wamid.HBgLMTQyMDU1NTA3NDkVAgASGBI5N0MwRjg0RTVBNUI1RDA2OTkA";
    let got = ours(WABA, json!({"type": "unsupported"}), wamid, 1750090702, None);
    assert_eq!(got, meta);
    let referral = json!({"source_url": "https://fb.me/u", "source_id": "1", "source_type": "post"});
    let msg = ok(json!({"type": "unsupported", "referral": referral}));
    let m = webhook_message(&msg, WA_ID, wamid, 1_750_090_702_000, BIZ, None);
    assert_eq!(m["referral"], referral);
    assert_eq!(m["errors"][0]["code"], 131051);
    let direct = unsupported_message(WA_ID, wamid, 1_750_090_702_000);
    assert_eq!(direct, meta["entry"][0]["changes"][0]["value"]["messages"][0]);
}

#[test]
fn spec_button_message() {
    let meta = meta_example(
        WABA,
        json!({
            "context": {"from": "15550783881", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA"},
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU0M0MxQzQzMUJCMTMwNUZFOQA=",
            "timestamp": "1750091045",
            "type": "button",
            "button": {"payload": "Unsubscribe", "text": "Unsubscribe"}
        }),
    );
    let got = ours(
        WABA,
        json!({"type": "button", "context": ctx(), "button": {"payload": "Unsubscribe", "text": "Unsubscribe"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU0M0MxQzQzMUJCMTMwNUZFOQA=",
        1750091045,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_interactive_list_reply_message() {
    let meta = meta_example(
        WABA,
        json!({
            "context": {"from": "15550783881", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA"},
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJDQ0NDM0FEODY4ODkzOTc5RgA=",
            "timestamp": "1749854575",
            "type": "interactive",
            "interactive": {
                "type": "list_reply",
                "list_reply": {"id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days"}
            }
        }),
    );
    let got = ours(
        WABA,
        json!({
            "type": "interactive",
            "context": {"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA"},
            "interactive": {"type": "list_reply", "list_reply": {
                "id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days"}}
        }),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJDQ0NDM0FEODY4ODkzOTc5RgA=",
        1749854575,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_interactive_button_reply_message() {
    let meta = meta_example(
        WABA,
        json!({
            "context": {"from": "15550783881", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA"},
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA=",
            "timestamp": "1750025136",
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": "cancel-button", "title": "Cancel"}}
        }),
    );
    let got = ours(
        WABA,
        json!({
            "type": "interactive",
            "context": {"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA"},
            "interactive": {"type": "button_reply", "button_reply": {"id": "cancel-button", "title": "Cancel"}}
        }),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA=",
        1750025136,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_order_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyQjFGNzI1QTQxMjI5QTMyOQA=",
            "timestamp": "1750096325",
            "type": "order",
            "order": {
                "catalog_id": "194836987003835",
                "text": "",
                "product_items": [
                    {"product_retailer_id": "di9ozbzfi4", "quantity": 2, "item_price": 30, "currency": "USD"},
                    {"product_retailer_id": "nqryix03ez", "quantity": 1, "item_price": 25, "currency": "USD"}
                ]
            }
        }),
    );
    // `text` left out: it defaults to "" as in Meta's example.
    let got = ours(
        WABA,
        json!({"type": "order", "order": {"catalog_id": "194836987003835", "product_items": [
            {"product_retailer_id": "di9ozbzfi4", "quantity": 2, "item_price": 30, "currency": "USD"},
            {"product_retailer_id": "nqryix03ez", "quantity": 1, "item_price": 25, "currency": "USD"}]}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyQjFGNzI1QTQxMjI5QTMyOQA=",
        1750096325,
        None,
    );
    assert_eq!(got, meta);
}

// ---- webhook payloads: shapes from the reference notes ------------------------------------

#[test]
fn media_objects_carry_flags_filename_and_url() {
    let info = MediaInfo {
        id: "900".into(),
        mime_type: "audio/ogg; codecs=opus".into(),
        sha256: "abc=".into(),
        url: Some("https://risala.local/media/900".into()),
    };
    let msg = ok(json!({"type": "audio", "audio": {"media_id": "1", "voice": true}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, BIZ, Some(&info));
    assert_eq!(
        m,
        json!({"from": WA_ID, "id": "wamid.X", "timestamp": "1", "type": "audio", "audio": {
        "id": "900", "mime_type": "audio/ogg; codecs=opus", "sha256": "abc=", "voice": true,
        "url": "https://risala.local/media/900"}})
    );

    let info = MediaInfo { url: None, mime_type: "image/webp".into(), ..info };
    let msg = ok(json!({"type": "sticker", "sticker": {"media_id": "1"}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, BIZ, Some(&info));
    assert_eq!(m["sticker"], json!({"id": "900", "mime_type": "image/webp", "sha256": "abc=", "animated": false}));

    let info = MediaInfo { mime_type: "application/pdf".into(), ..info };
    let msg = ok(json!({"type": "document", "document": {"media_id": "1", "filename": "receipt.pdf"}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, BIZ, Some(&info));
    assert_eq!(
        m["document"],
        json!({"id": "900", "mime_type": "application/pdf", "sha256": "abc=", "filename": "receipt.pdf"})
    );

    // Without media info the customer's upload id stands in.
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, BIZ, None);
    assert_eq!(m["document"], json!({"id": "1", "filename": "receipt.pdf"}));
}

#[test]
fn reaction_removal_and_flow_reply_shapes() {
    let msg = ok(json!({"type": "reaction", "reaction": {"message_id": "wamid.T", "emoji": ""}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_749_419_544_000, BIZ, None);
    assert_eq!(
        m,
        json!({"from": WA_ID, "id": "wamid.X", "timestamp": "1749419544", "type": "reaction",
        "reaction": {"message_id": "wamid.T"}})
    );

    let msg = ok(json!({"type": "interactive", "context": {"id": "wamid.F"}, "interactive": {
        "type": "nfm_reply", "nfm_reply": {"response_json": "{\"flow_token\":\"T\",\"a\":1}"}}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, "+1 555 078 3881", None);
    assert_eq!(
        m,
        json!({"from": WA_ID, "id": "wamid.X", "timestamp": "1", "type": "interactive",
        "context": {"from": BIZ, "id": "wamid.F"},
        "interactive": {"type": "nfm_reply", "nfm_reply": {
            "name": "flow", "body": "Sent", "response_json": "{\"flow_token\":\"T\",\"a\":1}"}}})
    );
}

#[test]
fn statuses_match_the_reference_shape() {
    let sent = StatusUpdate {
        wamid: "wamid.S".into(),
        status: "sent".into(),
        timestamp_ms: 1_750_030_073_500,
        biz_opaque_callback_data: Some("order-42".into()),
        conversation: Some(json!({"id": "72b1", "expiration_timestamp": "1750116480",
            "origin": {"type": "marketing"}})),
        pricing: Some(StatusPricing {
            billable: true,
            pricing_model: "PMP",
            kind: Some("regular"),
            category: "marketing",
        }),
        errors: vec![],
    };
    let failed = StatusUpdate {
        wamid: "wamid.F".into(),
        status: "failed".into(),
        timestamp_ms: 1_750_030_080_000,
        biz_opaque_callback_data: None,
        conversation: None,
        pricing: None,
        errors: vec![WebhookError::from_api(&ApiError::new(
            ErrorCode::ReEngagement,
            "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
        ))],
    };
    let delivered = StatusUpdate {
        status: "delivered".into(),
        biz_opaque_callback_data: None,
        conversation: None,
        pricing: None,
        ..sent.clone()
    };
    let got = envelope(
        "102290129340398",
        vec![(
            "messages".into(),
            statuses_value(
                PHONE_ID,
                "+1 555-078-3881",
                &contact(),
                vec![
                    status_json(&sent, &contact()),
                    status_json(&delivered, &contact()),
                    status_json(&failed, &contact()),
                ],
            ),
        )],
    );
    let expected = json!({
      "object": "whatsapp_business_account",
      "entry": [{
        "id": "102290129340398",
        "changes": [{
          "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"wa_id": "16505551234", "user_id": USER_ID}],
            "statuses": [
              {"id": "wamid.S", "status": "sent", "timestamp": "1750030073", "recipient_id": "16505551234", "recipient_user_id": USER_ID,
               "biz_opaque_callback_data": "order-42",
               "conversation": {"id": "72b1", "expiration_timestamp": "1750116480", "origin": {"type": "marketing"}},
               "pricing": {"billable": true, "pricing_model": "PMP", "type": "regular", "category": "marketing"}},
              {"id": "wamid.S", "status": "delivered", "timestamp": "1750030073", "recipient_id": "16505551234", "recipient_user_id": USER_ID},
              {"id": "wamid.F", "status": "failed", "timestamp": "1750030080", "recipient_id": "16505551234", "recipient_user_id": USER_ID,
               "errors": [{"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
                 "error_data": {"details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
                 "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}
            ]
          },
          "field": "messages"
        }]
      }]
    });
    assert_eq!(got, expected);
}

/// The text written straight from a status is, byte for byte, the text of the `Value` the
/// general builders make, whatever is present: a username (only on delivered and read), a
/// hidden number, the callback data, the conversation, the pricing, errors.
#[test]
fn a_status_change_written_directly_is_the_same_text() {
    let sent = StatusUpdate {
        wamid: "wamid.S".into(),
        status: "sent".into(),
        timestamp_ms: 1_750_030_073_500,
        biz_opaque_callback_data: Some("order \"42\" ✓".into()),
        conversation: Some(json!({"id": "72b1", "origin": {"type": "service"}})),
        pricing: Some(StatusPricing {
            billable: false,
            pricing_model: "PMP",
            kind: Some("free_customer_service"),
            category: "service",
        }),
        errors: vec![],
    };
    let failed = StatusUpdate {
        status: "failed".into(),
        biz_opaque_callback_data: None,
        conversation: None,
        pricing: None,
        errors: vec![WebhookError::from_api(&ApiError::new(ErrorCode::ReEngagement, "outside the window"))],
        ..sent.clone()
    };
    let plain = StatusUpdate {
        status: "delivered".into(),
        biz_opaque_callback_data: None,
        conversation: None,
        pricing: None,
        ..sent.clone()
    };
    let read = StatusUpdate { status: "read".into(), ..plain.clone() };
    let with_username = WebhookContact { username: Some("sheena".into()), ..contact() };
    let hidden = WebhookContact { show_number: false, username: Some("sheena".into()), ..contact() };
    let mut checked = 0;
    for c in [contact(), with_username, hidden] {
        for s in [&sent, &failed, &plain, &read] {
            let general = statuses_value(PHONE_ID, "+1 555-078-3881", &c, vec![status_json(s, &c)]).to_string();
            assert_eq!(status_change(PHONE_ID, "+1 555-078-3881", &c, s).as_str(), general, "{} for {c:?}", s.status);
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

/// A message's change written around the message's stored text is, byte for byte, the text
/// of the `Value` the general builder makes, for a contact with and without a username and
/// with the number shown or hidden.
#[test]
fn a_message_change_around_the_stored_text_is_the_same_text() {
    let element = json!({"from": WA_ID, "id": "wamid.M", "timestamp": "1750030073", "type": "text",
        "text": {"body": "مرحبا \"quoted\" ✓"}, "context": {"id": "wamid.C"}});
    let with_username = WebhookContact { username: Some("sheena".into()), ..contact() };
    let hidden = WebhookContact { show_number: false, ..contact() };
    for c in [contact(), with_username, hidden] {
        let general = messages_value(PHONE_ID, "+1 555-078-3881", &c, vec![element.clone()]).to_string();
        let written = message_change(PHONE_ID, "+1 555-078-3881", &c, &element.to_string());
        assert_eq!(written.as_str(), general, "{c:?}");
    }
}

#[test]
fn webhook_error_without_href_and_envelope_with_time() {
    let e = WebhookError { href: None, ..WebhookError::from_api(&ApiError::bad_value("x")) };
    assert_eq!(
        e.to_json(),
        json!({"code": 131009, "title": "Parameter value is not valid",
        "message": "Parameter value is not valid", "error_data": {"details": "x"}})
    );
    let env = envelope_at(WABA, 1_739_321_024_999, vec![("account_update".into(), json!({"event": "PARTNER_ADDED"}))]);
    assert_eq!(
        env,
        json!({"object": "whatsapp_business_account", "entry": [{"id": WABA, "time": 1739321024,
        "changes": [{"value": {"event": "PARTNER_ADDED"}, "field": "account_update"}]}]})
    );
    assert!(env["entry"][0]["time"].is_i64());
}

#[test]
fn several_messages_share_one_value() {
    let a = webhook_message(&ok(json!({"type": "text", "text": {"body": "a"}})), WA_ID, "wamid.A", 0, BIZ, None);
    let b = webhook_message(&ok(json!({"type": "text", "text": {"body": "b"}})), WA_ID, "wamid.B", -1, BIZ, None);
    let v = messages_value(PHONE_ID, BIZ, &contact(), vec![a, b]);
    assert_eq!(v["messages"].as_array().unwrap().len(), 2);
    assert_eq!(v["messages"][0]["timestamp"], "0");
    assert_eq!(v["messages"][1]["timestamp"], "-1");
    assert_eq!(v["contacts"].as_array().unwrap().len(), 1);
}

#[test]
fn new_business_scoped_user_ids_are_shaped_like_meta_and_random() {
    let a = new_business_scoped_user_id("16505551234");
    assert_ne!(a, new_business_scoped_user_id("16505551234"), "nothing of the number can be read back");
    let (country, rest) = a.split_once('.').unwrap();
    assert_eq!(country, "US");
    assert!(rest.len() >= 19 && rest.chars().all(|c| c.is_ascii_digit()), "{a}");
    assert!(new_business_scoped_user_id("447700900123").starts_with("GB."));
    assert!(is_business_scoped_user_id(&a));
    assert!(is_business_scoped_user_id("US.ENT.11815799212886844830"));
    for bad in ["16505551234", "us.123", "USA.123", "US.", "US.12-3", &format!("US.{}", "1".repeat(129))] {
        assert!(!is_business_scoped_user_id(bad), "{bad}");
    }
}

#[test]
fn a_hidden_number_leaves_only_the_business_scoped_user_id() {
    let hidden = WebhookContact { username: Some("sheena.n".into()), show_number: false, ..contact() };
    assert_eq!(
        hidden.message_contact(),
        json!({"profile": {"name": NAME, "username": "sheena.n"}, "user_id": USER_ID})
    );
    assert_eq!(hidden.status_contact("sent"), json!({"user_id": USER_ID}));
    assert_eq!(hidden.status_contact("read"), json!({"profile": {"username": "sheena.n"}, "user_id": USER_ID}));
    let mut m = webhook_message(&ok(json!({"type": "text", "text": {"body": "a"}})), WA_ID, "wamid.A", 0, BIZ, None);
    address_sender(&mut m, &hidden);
    assert_eq!(m["from_user_id"], USER_ID);
    assert!(m.get("from").is_none(), "{m}");
    address_sender(&mut m, &contact());
    assert_eq!((&m["from"], &m["from_user_id"]), (&json!(WA_ID), &json!(USER_ID)));
}
