//! The customer's side of a flow, as WhatsApp runs it on the device: open the flow a message
//! carries (its Flow JSON, first screen and data), exchange data with the business's endpoint
//! on the way (encrypted with the business's public key, the [`crate::ports::FlowEndpoint`]),
//! and complete it: the business receives an inbound `interactive` `nfm_reply` whose
//! `response_json` holds the `flow_token` and the answers.

use serde_json::{json, Map, Value};

use super::FlowService;
use crate::error::ApiError;
use crate::model::{Direction, Flow, FlowStatus, Message};

/// The Data API version the server speaks to endpoints.
const DATA_API_VERSION: &str = "3.0";

/// What the device shows: the flow and the screen to show with its data.
#[derive(Debug, Clone)]
pub struct FlowView {
    pub flow: Flow,
    pub flow_token: String,
    pub mode: String,
    /// The parsed Flow JSON.
    pub flow_json: Value,
    /// The screen to show and its data.
    pub screen: String,
    pub data: Value,
}

/// The flow parameters of an outbound flow message.
struct FlowMessage {
    message: Message,
    params: Map<String, Value>,
}

impl FlowMessage {
    fn text(&self, k: &str) -> Option<&str> {
        self.params.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
    }
}

impl FlowService {
    /// The flow message `message_id` that the business sent to `wa_id`.
    async fn flow_message(&self, wa_id: &str, message_id: &str) -> Result<FlowMessage, ApiError> {
        let m = self.store.message(message_id).await?;
        let not_found = || ApiError::bad_value(format!("message_id: no flow message {message_id} was sent to you"));
        let m = m.filter(|m| m.wa_id == wa_id && m.direction == Direction::Outbound).ok_or_else(not_found)?;
        if m.kind != "interactive" || m.content.get("type").and_then(Value::as_str) != Some("flow") {
            return Err(not_found());
        }
        let params = m.content.pointer("/action/parameters").and_then(Value::as_object).cloned().unwrap_or_default();
        Ok(FlowMessage { message: m, params })
    }

    /// The flow a message names, if it may still be opened.
    async fn message_flow(&self, fm: &FlowMessage) -> Result<Flow, ApiError> {
        let phone = self
            .messaging
            .phone(&fm.message.phone_number_id)
            .await?
            .ok_or_else(|| ApiError::bad_value("This flow is no longer available"))?;
        let flow = match (fm.text("flow_id"), fm.text("flow_name")) {
            (Some(id), _) => self.store.flow(id).await?.filter(|f| f.waba_id == phone.waba_id),
            (None, Some(name)) => self.store.flow_by_name(&phone.waba_id, name).await?,
            _ => None,
        };
        let draft = fm.text("mode") == Some("draft");
        match flow {
            Some(f) if f.status == FlowStatus::Published || (draft && f.status == FlowStatus::Draft) => Ok(f),
            _ => Err(ApiError::bad_value("This flow is no longer available")),
        }
    }

    /// Open the flow of message `message_id`: with `flow_action: "data_exchange"` the first
    /// screen comes from the business's endpoint (an `INIT` request), else from
    /// `flow_action_payload` (or the Flow JSON's first screen).
    pub async fn open(&self, wa_id: &str, message_id: &str) -> Result<FlowView, ApiError> {
        let fm = self.flow_message(wa_id, message_id).await?;
        let flow = self.message_flow(&fm).await?;
        let flow_json: Value = flow
            .flow_json
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .ok_or_else(|| ApiError::bad_value("This flow has no Flow JSON"))?;
        let flow_token = fm.text("flow_token").unwrap_or("unused").to_string();
        let mode = fm.text("mode").unwrap_or("published").to_string();
        let (screen, data) = if fm.text("flow_action") == Some("data_exchange") {
            let req = json!({"version": DATA_API_VERSION, "action": "INIT", "flow_token": flow_token});
            let answer = self.call_endpoint(&flow, &fm, &req).await?;
            screen_of(&answer)?
        } else {
            let payload = fm.params.get("flow_action_payload");
            let screen = payload
                .and_then(|p| p.get("screen"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| flow_json.pointer("/screens/0/id").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_default();
            (screen, payload.and_then(|p| p.get("data")).cloned().unwrap_or_else(|| json!({})))
        };
        Ok(FlowView { flow, flow_token, mode, flow_json, screen, data })
    }

    /// A `data_exchange` action on `screen` with `data`: the business's endpoint answers the
    /// next screen and its data. An answer naming the screen `SUCCESS` completes the flow (the
    /// `extension_message_response.params` become the `nfm_reply`); the answer is returned
    /// either way.
    pub async fn exchange(&self, wa_id: &str, message_id: &str, screen: &str, data: Value) -> Result<Value, ApiError> {
        let fm = self.flow_message(wa_id, message_id).await?;
        let flow = self.message_flow(&fm).await?;
        let flow_token = fm.text("flow_token").unwrap_or("unused").to_string();
        let req = json!({"version": DATA_API_VERSION, "action": "data_exchange", "screen": screen,
                         "data": data, "flow_token": flow_token});
        let answer = self.call_endpoint(&flow, &fm, &req).await?;
        let (next, next_data) = screen_of(&answer)?;
        if next == "SUCCESS" {
            let params = next_data
                .pointer("/extension_message_response/params")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let m = self.reply(&fm, &flow_token, params).await?;
            return Ok(json!({"screen": next, "data": next_data, "completed": true, "reply_id": m.id}));
        }
        Ok(json!({"screen": next, "data": next_data, "completed": false}))
    }

    /// Complete the flow on terminal screen `screen` with the `complete` action's `response`:
    /// the business receives the `nfm_reply`. Returns the reply message.
    pub async fn complete(
        &self,
        wa_id: &str,
        message_id: &str,
        screen: &str,
        response: Map<String, Value>,
    ) -> Result<Message, ApiError> {
        let fm = self.flow_message(wa_id, message_id).await?;
        let flow = self.message_flow(&fm).await?;
        let doc: Value = flow.flow_json.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
        let terminal = doc["screens"].as_array().into_iter().flatten().any(|s| {
            s.get("id").and_then(Value::as_str) == Some(screen)
                && s.get("terminal").and_then(Value::as_bool) == Some(true)
        });
        if !terminal {
            return Err(ApiError::bad_value(format!(
                "screen: '{screen}' is not a terminal screen of this flow; a flow completes from a terminal screen"
            )));
        }
        let flow_token = fm.text("flow_token").unwrap_or("unused").to_string();
        self.reply(&fm, &flow_token, response).await
    }

    /// The `nfm_reply` to the flow message, as Meta delivers it: `response_json` is a string
    /// holding the answers and the `flow_token`.
    async fn reply(
        &self,
        fm: &FlowMessage,
        flow_token: &str,
        mut answers: Map<String, Value>,
    ) -> Result<Message, ApiError> {
        answers.insert("flow_token".into(), Value::String(flow_token.to_string()));
        self.nfm_reply(&fm.message, "flow", answers).await
    }

    /// The customer's `nfm_reply` named `name` (`flow`, `address_message`) to the business's
    /// `message`, quoting it, with `response_json` the string of `response`.
    pub(super) async fn nfm_reply(
        &self,
        message: &Message,
        name: &str,
        response: Map<String, Value>,
    ) -> Result<Message, ApiError> {
        let phone = self
            .messaging
            .phone(&message.phone_number_id)
            .await?
            .ok_or_else(|| ApiError::bad_value("This business number is no longer available"))?;
        let body = json!({
            "type": "interactive",
            "interactive": {"type": "nfm_reply", "nfm_reply": {
                "name": name, "body": "Sent", "response_json": Value::Object(response).to_string()}},
            "context": {"id": message.id},
        });
        self.messaging.customer_send(&message.wa_id, &phone.number, &body).await
    }

    /// One request to the flow's endpoint, encrypted for the sending number's public key.
    async fn call_endpoint(&self, flow: &Flow, fm: &FlowMessage, req: &Value) -> Result<Value, ApiError> {
        let uri = flow
            .endpoint_uri
            .as_deref()
            .ok_or_else(|| ApiError::bad_value("This flow has no endpoint_uri: its screens cannot exchange data"))?;
        let key = self
            .store
            .business_public_key(&fm.message.phone_number_id)
            .await?
            .ok_or_else(|| ApiError::bad_value("The business number has no public key for flow data exchange"))?;
        self.endpoint
            .exchange(uri, &key, req)
            .await
            .map_err(|e| ApiError::bad_value(format!("The business's flow endpoint failed: {e}")))
    }
}

/// `screen` and `data` of an endpoint's answer.
fn screen_of(answer: &Value) -> Result<(String, Value), ApiError> {
    let screen = answer
        .get("screen")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_value("The business's flow endpoint answered without a screen"))?;
    Ok((screen.to_string(), answer.get("data").cloned().unwrap_or_else(|| json!({}))))
}
