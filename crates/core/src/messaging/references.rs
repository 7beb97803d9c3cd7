//! What a send may point at: the message a reply quotes (`context.message_id`) and the
//! message a reaction is for (`reaction.message_id`) must belong to the conversation the send
//! goes to. A flow message names a flow of the sender's WABA that may be sent.

use serde_json::Value;

use super::MessagingService;
use crate::error::ApiError;
use crate::model::PhoneNumber;
use crate::outbound::{self, OutboundMessage};

impl MessagingService {
    /// A reply (`context.message_id`) or a reaction (`reaction.message_id`) names a message of
    /// this conversation: this number and this customer. Another customer's or another
    /// number's message id is refused with 131009 like an unknown one, so ids of other
    /// conversations cannot be probed or quoted. One read by id, only when a send names one.
    pub(super) async fn check_references(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        msg: &OutboundMessage,
    ) -> Result<(), ApiError> {
        let reaction = (msg.kind == outbound::MessageKind::Reaction)
            .then(|| msg.content.get("message_id").and_then(Value::as_str))
            .flatten();
        for (field, id) in
            [("context.message_id", msg.context_message_id.as_deref()), ("reaction.message_id", reaction)]
        {
            let Some(id) = id else { continue };
            match self.store.message(id).await? {
                Some(m) if m.phone_number_id == phone.id && m.wa_id == wa_id => {}
                _ => {
                    return Err(ApiError::bad_value(format!(
                        "{field}: no message {id} in this number's conversation with {wa_id}"
                    )))
                }
            }
        }
        if msg.kind == outbound::MessageKind::Interactive {
            crate::flows::check_sendable(self.store.as_ref(), phone, &msg.content).await?;
        }
        Ok(())
    }
}
