//! What a send may point at: the message a reply quotes (`context.message_id`; a customer's
//! `context.id`) and the message a reaction is for (`reaction.message_id`) must belong to the
//! conversation the send goes to, whichever side sends it. A flow message names a flow of the sender's WABA that may be sent.

use serde_json::{Map, Value};

use crate::model::{Flow, FlowStatus, THIRTY_DAYS_MS};
use crate::store::Store;

use super::MessagingService;
use crate::error::{ApiError, ErrorCode};
use crate::model::{Message, PhoneNumber};
use crate::outbound::{self, OutboundMessage};

impl MessagingService {
    /// A reply (`context.message_id`) or a reaction (`reaction.message_id`) names a message of
    /// this conversation: this number and this customer. Another customer's or another
    /// number's message id is refused with 131009 like an unknown one, so ids of other
    /// conversations cannot be probed or quoted. One read by id, only when a send names one.
    ///
    /// A reaction to a reaction, or to a message more than 30 days old, is accepted and then
    /// fails (Meta: "the reaction message will not be delivered", a `failed` status with
    /// 131009): that failure is returned.
    pub(super) async fn check_references(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        msg: &OutboundMessage,
    ) -> Result<Option<ApiError>, ApiError> {
        let mut failure = None;
        let reaction = (msg.kind == outbound::MessageKind::Reaction)
            .then(|| msg.content.get("message_id").and_then(Value::as_str))
            .flatten();
        for (field, id) in
            [("context.message_id", msg.context_message_id.as_deref()), ("reaction.message_id", reaction)]
        {
            let Some(id) = id else { continue };
            let m = match self.message_of_chat(phone, wa_id, field, id).await {
                Ok(m) => m,
                // Meta accepts a reaction to a message that is not in the conversation and
                // then fails it: "the reaction message will not be delivered and you will
                // receive a messages webhook with error code 131009". The same failure for an
                // unknown id and another chat's, so nothing can be probed.
                Err(e) if field == "reaction.message_id" && e.code == ErrorCode::ParameterValueInvalid => {
                    failure = Some(ApiError::bad_value(format!("{}; a reaction to it is not delivered", e.details)));
                    continue;
                }
                Err(e) => return Err(e),
            };
            if field == "reaction.message_id" {
                let why = if m.kind == "reaction" {
                    Some("is itself a reaction")
                } else if self.now() - m.created_at > THIRTY_DAYS_MS {
                    Some("is more than 30 days old")
                } else {
                    None
                };
                failure = why.map(|why| {
                    ApiError::bad_value(format!("{field}: the message {id} {why}; a reaction to it is not delivered"))
                });
            }
        }
        if msg.kind == outbound::MessageKind::Interactive {
            check_sendable(self.store.as_ref(), phone, &msg.content).await?;
            self.check_catalog_send(phone, &msg.content).await?;
        }
        Ok(failure)
    }
}

impl MessagingService {
    /// The message `id` of this number's conversation with `wa_id`; any other (another
    /// customer's, another number's, none) is 131009 alike, so ids cannot be probed.
    pub(super) async fn message_of_chat(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        field: &str,
        id: &str,
    ) -> Result<Message, ApiError> {
        match self.store.message(id).await? {
            Some(m) if m.phone_number_id == phone.id && m.wa_id == wa_id => Ok(m),
            _ => {
                Err(ApiError::bad_value(format!("{field}: no message {id} in this number's conversation with {wa_id}")))
            }
        }
    }
}

/// A flow message (`interactive.type = "flow"`) must name a flow of the sender's WABA, by
/// `flow_id` or `flow_name`, that may be sent: PUBLISHED, or DRAFT with `mode: "draft"` (how
/// Meta lets a business test a flow). Else 131009, like any other parameter value that is
/// not valid. Returns the flow.
async fn check_sendable(store: &dyn Store, phone: &PhoneNumber, interactive: &Value) -> Result<Option<Flow>, ApiError> {
    if interactive.get("type").and_then(Value::as_str) != Some("flow") {
        return Ok(None);
    }
    let empty = Map::new();
    let p = interactive.pointer("/action/parameters").and_then(Value::as_object).unwrap_or(&empty);
    let text = |k: &str| p.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    let (field, flow) = match (text("flow_id"), text("flow_name")) {
        (Some(id), _) => ("flow_id", store.flow(id).await?.filter(|f| f.waba_id == phone.waba_id)),
        (None, Some(name)) => ("flow_name", store.flow_by_name(&phone.waba_id, name).await?),
        (None, None) => return Ok(None),
    };
    let value = text(field).unwrap_or_default();
    let Some(f) = flow else {
        return Err(ApiError::bad_value(format!(
            "interactive.action.parameters.{field}: no flow '{value}' in this number's WhatsApp Business Account"
        )));
    };
    let draft_mode = text("mode") == Some("draft");
    let ok = match f.status {
        FlowStatus::Published => true,
        FlowStatus::Draft => draft_mode,
        FlowStatus::Deprecated => false,
    };
    if !ok {
        let how =
            if f.status == FlowStatus::Draft { "; send it with mode \"draft\" to test it, or publish it" } else { "" };
        return Err(ApiError::bad_value(format!(
            "interactive.action.parameters.{field}: flow '{value}' is {}{how}",
            f.status
        )));
    }
    Ok(Some(f))
}
