//! The customer's side of a chat: a customer writes to a business number, stops or resumes
//! its marketing, acknowledges what the device received, and loads what it has yet to receive.

use serde_json::{json, Value};

use super::*;

impl MessagingService {
    /// The business number `to` a customer addresses, and the customer, when the customer may
    /// write to it (not blocked by it).
    async fn chat_target(&self, wa_id: &str, to: &str) -> Result<(Arc<PhoneNumber>, Customer), ApiError> {
        let to = WaId::parse(to, None).map_err(|e| ApiError::bad_value(format!("to: {e}")))?;
        let phone = self.phone_by_number(to.as_str()).await?.ok_or_else(|| {
            ApiError::new(ErrorCode::Undeliverable, format!("to: {to} is not a business number here"))
        })?;
        if !phone.registered {
            return Err(ApiError::new(ErrorCode::Undeliverable, format!("to: {to} is not registered on WhatsApp")));
        }
        let customer = self.known_customer(wa_id).await?;
        self.quality.check_inbound(&phone, wa_id).await?;
        Ok((phone, customer))
    }

    /// A customer sends a message to a business number.
    pub async fn customer_send(&self, wa_id: &str, to: &str, body: &Value) -> Result<Message, ApiError> {
        let (phone, customer) = self.chat_target(wa_id, to).await?;
        let mut msg: InboundMessage = inbound::parse_customer_message(body)?;
        // A reply or a reaction points at a message of this chat, never at another's; a reply
        // may also answer one of the number's Status updates.
        for (field, id) in [("context.id", msg.context_id.as_deref()), ("reaction.message_id", msg.reaction_target())] {
            let Some(id) = id else { continue };
            if let Err(e) = self.message_of_chat(&phone, wa_id, field, id).await {
                let status = match field {
                    "context.id" => self.store.status_update(id).await?,
                    _ => None,
                };
                if status.is_none_or(|s| s.phone_number_id != phone.id) {
                    return Err(e);
                }
            }
        }
        // With the cart turned off WhatsApp shows no cart: there is no order to send.
        if msg.kind == inbound::InboundKind::Order && !self.commerce_settings(&phone.id).await?.is_cart_enabled {
            return Err(ApiError::bad_value(format!(
                "order: {} has turned off the cart (whatsapp_commerce_settings is_cart_enabled is false)",
                phone.number
            )));
        }
        // The business gets the catalog's prices, never the client's.
        let priced = match msg.kind {
            inbound::InboundKind::Order => Some(self.price_order(&phone, &mut msg.body).await?),
            _ => None,
        };
        let now = self.now();
        let id = new_wamid();
        let mut media_copy = None;
        let mut media_info = None;
        if let Some(media_id) = &msg.media_id {
            let media = self.store.media(media_id).await?;
            let media = match media {
                Some(m) if m.owner_wa_id.as_deref() == Some(wa_id) && m.expires_at > now => m,
                _ => {
                    return Err(ApiError::bad_value(format!(
                        "{}.media_id: no media {media_id} uploaded by you",
                        msg.kind.as_str()
                    )))
                }
            };
            if !msg.kind.accepts_mime(&media.mime_type) {
                return Err(ApiError::new(
                    ErrorCode::MediaUploadError,
                    format!(
                        "{}.media_id: media of type {} cannot be sent as {}",
                        msg.kind.as_str(),
                        media.mime_type,
                        msg.kind.as_str()
                    ),
                ));
            }
            let copy_id = crate::ids::new_object_id();
            let until = now + self.config.media_retention_ms;
            media_info = Some(MediaInfo {
                id: copy_id.clone(),
                mime_type: media.mime_type.clone(),
                sha256: media.sha256.clone(),
                url: self.config.media_links.as_ref().map(|l| l.download_url(&copy_id, until)),
            });
            media_copy = Some(MediaCopy {
                new_id: copy_id,
                source_id: media.id,
                business_id: phone.business_id.clone(),
                owner_wa_id: None,
                phone_number_id: Some(phone.id.clone()),
                created_at: now,
                expires_at: until,
            });
        }
        let element = inbound::webhook_message(&msg, wa_id, &id, now, &phone.number, media_info.as_ref());
        let kind = msg.kind.as_str();
        let message =
            self.record_inbound(&phone, &customer, (&id, now), (kind, element), msg.context_id, media_copy).await?;
        if crate::model::is_entry_point(&message.content) {
            self.entry_point_numbers.remove(phone.id.as_str());
            self.entry_points.remove(&(phone.id.clone(), wa_id.to_string()));
        }
        if let Some(priced) = priced {
            self.store_order(priced, &message).await?;
        }
        Ok(message)
    }

    /// Store an inbound message of `customer` to `phone` and queue its `messages` webhook, in
    /// one commit; the customer service window opens.
    async fn record_inbound(
        &self,
        phone: &PhoneNumber,
        customer: &Customer,
        (id, now): (&str, Millis),
        (kind, element): (&str, Value),
        context_id: Option<String>,
        media_copy: Option<MediaCopy>,
    ) -> Result<Message, ApiError> {
        let wa_id = customer.wa_id.as_str();
        let contact = self.webhook_contact(&phone.business_id, wa_id).await?;
        let mut element = element;
        inbound::address_sender(&mut element, &contact);
        // One text for the stored message and its webhook (written straight into its buffer:
        // `to_string` would go through `Display` a piece at a time).
        let content_json = serde_json::to_string(&element).map_err(|_| ApiError::internal())?;
        let value = inbound::message_change(&phone.id, &phone.number, &contact, &content_json);
        let message = Message {
            id: id.to_string(),
            seq: self.next_seq(),
            phone_number_id: phone.id.clone(),
            business_id: phone.business_id.clone(),
            wa_id: wa_id.to_string(),
            direction: Direction::Inbound,
            kind: kind.to_string(),
            content: element,
            context_id,
            biz_opaque: None,
            status: MessageStatus::Received,
            error: None,
            created_at: now,
            updated_at: now,
            expires_at: None,
        };
        let outbox = [self.outbox(phone, wa_id, "messages", value, now)];
        self.store
            .record_message(&NewMessage {
                message: &message,
                content_json: Some(&content_json),
                new_customer: None,
                outbox: &outbox,
                media_copies: media_copy.into_iter().collect(),
                pricing: None,
                reach: None,
            })
            .await?;
        self.windows.insert((phone.id.clone(), wa_id.to_string()), now);
        self.notifier.outbox_written();
        self.notifier.chat_changed(&message.business_id, &message.phone_number_id, wa_id);
        Ok(message)
    }

    /// A customer opens the chat with business number `to` (without writing). The first time
    /// (no message either way yet) while the number's welcome message is on, the business
    /// receives a `request_welcome` message, which opens the customer service window as any
    /// inbound message does. Returns that message, or `None` when the open asked for nothing.
    pub async fn customer_open(&self, wa_id: &str, to: &str) -> Result<Option<Message>, ApiError> {
        let (phone, customer) = self.chat_target(wa_id, to).await?;
        if self.store.conversation(&phone.id, wa_id).await?.is_some() {
            return Ok(None);
        }
        let welcome = self.store.conversational_automation(&phone.id).await?.is_some_and(|a| a.enable_welcome_message);
        if !welcome {
            return Ok(None);
        }
        let (id, now) = (new_wamid(), self.now());
        let element = inbound::request_welcome_message(wa_id, &id, now);
        let kind = inbound::REQUEST_WELCOME;
        Ok(Some(self.record_inbound(&phone, &customer, (&id, now), (kind, element), None, None).await?))
    }

    /// A customer stops (`stop = true`) or resumes marketing messages from the business behind
    /// `to` (a business number): `user_preferences` webhook on that number.
    pub async fn customer_marketing_preference(&self, wa_id: &str, to: &str, stop: bool) -> Result<(), ApiError> {
        let to = WaId::parse(to, None).map_err(|e| ApiError::bad_value(format!("business number: {e}")))?;
        let phone = self
            .phone_by_number(to.as_str())
            .await?
            .ok_or_else(|| ApiError::bad_value(format!("{to} is not a business number here")))?;
        self.known_customer(wa_id).await?;
        let contact = self.webhook_contact(&phone.business_id, wa_id).await?;
        let now = self.now();
        let (value, detail) = if stop {
            ("stop", "User requested to stop marketing messages")
        } else {
            ("resume", "User requested to resume marketing messages")
        };
        let mut v = inbound::messages_value(&phone.id, &phone.number, &contact, vec![]);
        if let Some(o) = v.as_object_mut() {
            o.remove("messages");
            let mut pref = json!({"detail": detail, "category": "marketing_messages", "value": value,
                                  "timestamp": (now / 1000).to_string()});
            if contact.show_number {
                pref["wa_id"] = json!(wa_id);
            }
            pref["user_id"] = json!(contact.user_id);
            o.insert("user_preferences".into(), json!([pref]));
        }
        let row = self.outbox(&phone, wa_id, "user_preferences", v, now);
        self.store.set_marketing_preference(&phone.business_id, wa_id, stop, now, &[row]).await?;
        self.notifier.outbox_written();
        Ok(())
    }

    /// A customer device acknowledges a business message: `delivered` or `read`.
    pub async fn customer_ack(&self, wa_id: &str, message_id: &str, to: &str) -> Result<bool, ApiError> {
        let (from, to): (&'static [MessageStatus], MessageStatus) = match MessageStatus::parse(to) {
            Some(MessageStatus::Delivered) => (&[MessageStatus::Sent], MessageStatus::Delivered),
            Some(MessageStatus::Read) => (&[MessageStatus::Sent, MessageStatus::Delivered], MessageStatus::Read),
            Some(MessageStatus::Played) => {
                (&[MessageStatus::Sent, MessageStatus::Delivered, MessageStatus::Read], MessageStatus::Played)
            }
            _ => return Err(ApiError::bad_value(format!("status: must be delivered, read or played, not {to}"))),
        };
        let m = match self.store.message(message_id).await? {
            Some(m) if m.wa_id == wa_id && m.direction == Direction::Outbound => m,
            _ => return Err(ApiError::bad_value(format!("id: no message {message_id} was sent to you"))),
        };
        if to == MessageStatus::Played && !(m.kind == "audio" && m.content["voice"] == true) {
            return Err(ApiError::bad_value(format!(
                "status: only a voice message is played, and {message_id} is not one"
            )));
        }
        if m.status.rank() >= to.rank() {
            return Ok(false);
        }
        let phone = self.phone(&m.phone_number_id).await?.ok_or_else(ApiError::internal)?;
        let now = self.now();
        // Too late: the message's time-to-live ended before the device acknowledged it, so it
        // was dropped (the sweep may not have run yet).
        if m.status == MessageStatus::Sent && m.expires_at.is_some_and(|e| e <= now) {
            self.drop_expired(&phone, &m, now).await?;
            return Ok(false);
        }
        let contact = self.webhook_contact(&phone.business_id, wa_id).await?;
        let mut rows = Vec::new();
        // The steps skipped are reported first, as a device would: a read straight from sent
        // is delivered first, and a voice message played at once is delivered and read first.
        for step in [MessageStatus::Delivered, MessageStatus::Read] {
            if m.status.rank() < step.rank() && step.rank() < to.rank() {
                rows.push(self.status_row(&phone, &m, &contact, step, None, now));
            }
        }
        rows.push(self.status_row(&phone, &m, &contact, to, None, now));
        let change = StatusChange { message_id: m.id.clone(), from, to, error: None, at: now };
        let changed = self.store.change_status(&change, &rows).await?;
        if changed {
            self.notifier.outbox_written();
            self.notifier.chat_changed(&m.business_id, &m.phone_number_id, &m.wa_id);
        }
        Ok(changed)
    }

    /// Outbound messages waiting for this customer's device (not those whose time-to-live
    /// ended).
    pub async fn undelivered(&self, wa_id: &str) -> Result<Vec<Message>, ApiError> {
        Ok(self.store.undelivered(wa_id, self.now(), 1000).await?)
    }

    /// Drop every message still undelivered when its time-to-live ended (Meta: "undelivered
    /// within TTL → dropped"): each fails with 131026 in a `failed` status webhook, is never
    /// delivered afterwards, and is not charged (charges are made on delivery). Returns how
    /// many were dropped.
    pub async fn expire_undelivered(&self) -> Result<usize, ApiError> {
        let now = self.now();
        let mut dropped = 0;
        for m in self.store.expired_undelivered(now, 500).await? {
            let Some(phone) = self.phone(&m.phone_number_id).await? else { continue };
            dropped += usize::from(self.drop_expired(&phone, &m, now).await?);
        }
        Ok(dropped)
    }

    /// Fail one message whose time-to-live ended while it waited for the device.
    async fn drop_expired(&self, phone: &PhoneNumber, m: &Message, now: Millis) -> Result<bool, ApiError> {
        let ttl_s = m.expires_at.map(|e| (e - m.created_at) / 1000).unwrap_or_default();
        let error = ApiError::new(
            ErrorCode::Undeliverable,
            format!("Message undeliverable: it was not delivered to the user's device within its time-to-live of {ttl_s} seconds, so it was dropped."),
        );
        let contact = self.webhook_contact(&phone.business_id, &m.wa_id).await?;
        let row = self.status_row(phone, m, &contact, MessageStatus::Failed, Some(&error), now);
        let change = StatusChange {
            message_id: m.id.clone(),
            from: &[MessageStatus::Sent],
            to: MessageStatus::Failed,
            error: Some(WebhookError::from_api(&error).to_json()),
            at: now,
        };
        let changed = self.store.change_status(&change, &[row]).await?;
        if changed {
            self.notifier.outbox_written();
            self.notifier.chat_changed(&m.business_id, &m.phone_number_id, &m.wa_id);
        }
        Ok(changed)
    }
}
