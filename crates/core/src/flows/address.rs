//! The customer's answer to an address message (`interactive.type: "address_message"`): the
//! form filled in, or one of the saved addresses the business offered picked (and possibly
//! corrected). The business receives it as Meta delivers it, an `interactive` `nfm_reply`
//! named `address_message` quoting the message, whose `response_json` holds `values` and the
//! `saved_address_id` picked, if any.

use serde_json::{Map, Value};

use super::FlowService;
use crate::error::ApiError;
use crate::model::{Direction, Message};
use crate::outbound::address::check_values;

impl FlowService {
    /// Answer address message `message_id` that the business sent to `wa_id` with `values`
    /// (the form's fields) and/or `saved_address_id`. Returns the reply message.
    pub async fn answer_address(
        &self,
        wa_id: &str,
        message_id: &str,
        values: Map<String, Value>,
        saved_address_id: Option<&str>,
    ) -> Result<Message, ApiError> {
        let not_found = || ApiError::bad_value(format!("message_id: no address message {message_id} was sent to you"));
        let m = self.store.message(message_id).await?;
        let m = m.filter(|m| m.wa_id == wa_id && m.direction == Direction::Outbound).ok_or_else(not_found)?;
        if m.kind != "interactive" || m.content.get("type").and_then(Value::as_str) != Some("address_message") {
            return Err(not_found());
        }
        let params = m.content.pointer("/action/parameters").cloned().unwrap_or_default();
        let country = params["country"].as_str().unwrap_or_default();
        let mut answer = Map::new();
        if let Some(id) = saved_address_id {
            let saved = params["saved_addresses"].as_array().into_iter().flatten().find(|a| a["id"] == id);
            let saved = saved.ok_or_else(|| {
                ApiError::bad_value(format!("saved_address_id: '{id}' is not one of the addresses this message offers"))
            })?;
            // The saved address, with any field the customer corrected.
            let mut merged = saved["value"].as_object().cloned().unwrap_or_default();
            merged.extend(values);
            answer.insert("saved_address_id".into(), Value::String(id.to_string()));
            answer.insert("values".into(), Value::Object(merged));
        } else {
            if values.is_empty() {
                return Err(ApiError::missing("values"));
            }
            answer.insert("values".into(), Value::Object(values));
        }
        let filled = answer["values"].as_object().cloned().unwrap_or_default();
        check_values("values", country, &filled)?;
        self.nfm_reply(&m, "address_message", answer).await
    }
}
