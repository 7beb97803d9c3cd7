//! Messages a person of the business sends from the web app: the API's send path, plus an
//! `smb_message_echoes` change for the business's webhook.

use serde_json::{Map, Value};

use super::{MessagingService, SendOutcome};
use crate::clock::Millis;
use crate::error::ApiError;
use crate::inbound;
use crate::model::{Message, OutboxRow, PhoneNumber};
use crate::outbound::OutboundMessage;

impl MessagingService {
    /// A send request made by a person of the business in the web app: the same path as
    /// [`Self::send`] (window, pricing, limits, quality, status webhooks), and the message is
    /// also echoed to the business's webhook as an `smb_message_echoes` change, as Meta echoes
    /// what a business sends from the WhatsApp Business app, so its backend's records stay
    /// complete.
    pub async fn send_from_app(&self, phone: &PhoneNumber, body: &Map<String, Value>) -> Result<SendOutcome, ApiError> {
        // Boxed: the send path's state is large, and the tools that call this run on every
        // inbound message (in a task of their own) but send only now and then; unboxed, every
        // such task carried room for a send and cost the allocator fresh pages.
        Box::pin(self.send_via(phone, body, super::SendOptions { echo: true, ..Default::default() })).await
    }

    /// The `smb_message_echoes` row of a message sent from the web app: the message as the
    /// send request gave it (media by the business's own id, a template by name and parameters).
    pub(super) fn echo_row(&self, phone: &PhoneNumber, m: &Message, msg: &OutboundMessage, now: Millis) -> OutboxRow {
        let kind = msg.kind.as_str();
        let value = inbound::echoes_value(&phone.id, &phone.number, &m.id, &m.wa_id, now, kind, &msg.content);
        self.outbox(phone, &m.wa_id, inbound::ECHOES_FIELD, value, now)
    }
}
