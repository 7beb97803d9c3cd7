//! The business's side of the send path: `POST /{phone-number-id}/messages` (and the
//! Marketing Messages Lite endpoint, and the web app's sends that are echoed), mark-as-read and
//! the typing indicator, the checks a message passes before it is stored, and its price.

use super::*;
use crate::error::StoreError;

/// How far back a read looks for earlier unread messages of the customer (messages of the chat).
const READ_BACK: usize = 1000;
/// Messages read at a time looking back.
const READ_PAGE: usize = 20;

impl MessagingService {
    /// `POST /{phone-number-id}/messages`.
    pub async fn send(&self, phone: &PhoneNumber, body: &Map<String, Value>) -> Result<SendOutcome, ApiError> {
        self.send_via(phone, body, SendOptions::default()).await
    }

    /// A send whose message, once accepted, fails with `failure` (a sandbox fault rule's
    /// `status_error`): answered 200 with its id, then a `failed` status webhook carrying the
    /// error, as Meta reports 131026 and the like. A mark-as-read request is unaffected.
    pub async fn send_failing(
        &self,
        phone: &PhoneNumber,
        body: &Map<String, Value>,
        failure: Option<ApiError>,
    ) -> Result<SendOutcome, ApiError> {
        self.send_via(phone, body, SendOptions { forced: failure, ..Default::default() }).await
    }

    /// `POST /{phone-number-id}/marketing_messages` (the Marketing Messages Lite API): the
    /// body of `/messages`, but only a MARKETING template is accepted. Anything that is not a
    /// template is `100` ("Message must be a template message."), as Meta answers; a template
    /// of another category is `131055`. The message is priced `marketing_lite`.
    pub async fn send_marketing(
        &self,
        phone: &PhoneNumber,
        body: &Map<String, Value>,
    ) -> Result<SendOutcome, ApiError> {
        let ty = body.get("type").and_then(Value::as_str);
        if body.contains_key("status") || ty != Some("template") {
            return Err(ApiError::invalid("Message must be a template message."));
        }
        // The two settings of this endpoint alone. `product_policy` says what Meta does when
        // the Marketing Messages Lite path cannot take a message (fall back to the Cloud API,
        // or fail it); here that path always can, so both send alike. `message_activity_sharing`
        // lets Meta use the message's activity to optimise delivery; a self-hosted server shares
        // nothing with anyone. Both are checked as Meta types them, and leave the body.
        let mut body = body.clone();
        match body.remove("product_policy") {
            None | Some(Value::Null) => {}
            Some(Value::String(p)) if p == "CLOUD_API_FALLBACK" || p == "STRICT" => {}
            Some(other) => {
                return Err(ApiError::invalid(format!(
                    "Param product_policy must be one of {{CLOUD_API_FALLBACK, STRICT}} - got {other}"
                )))
            }
        }
        match body.remove("message_activity_sharing") {
            None | Some(Value::Null) | Some(Value::Bool(_)) => {}
            Some(_) => return Err(ApiError::invalid("Param message_activity_sharing must be a boolean")),
        }
        self.send_via(phone, &body, SendOptions { endpoint: Endpoint::MarketingMessages, ..Default::default() }).await
    }

    /// A plain text message read without a JSON map ([`outbound::PlainText`]), with what
    /// [`Self::send_failing`] takes besides: the same checks, the same answers.
    pub async fn send_plain_failing(
        &self,
        phone: &PhoneNumber,
        msg: OutboundMessage,
        failure: Option<ApiError>,
    ) -> Result<SendOutcome, ApiError> {
        check_registered(phone)?;
        let opts = SendOptions { forced: failure, ..Default::default() };
        self.send_parsed(phone, SendRequest::Message(msg), opts, None).await
    }

    pub(super) async fn send_via(
        &self,
        phone: &PhoneNumber,
        body: &Map<String, Value>,
        opts: SendOptions,
    ) -> Result<SendOutcome, ApiError> {
        check_registered(phone)?;
        let cc = crate::phone::calling_code_of(&phone.number);
        // `recipient` (a business-scoped user id) addresses the customer when there is no `to`;
        // with both, `to` wins, as Meta documents.
        let mut by_user_id = None;
        let mut addressed;
        let mut body = body;
        if let Some(user_id) = outbound::recipient_only(body)? {
            let wa_id = self.resolve_recipient(phone, &user_id).await?;
            addressed = body.clone();
            addressed.insert("to".into(), Value::String(wa_id));
            body = &addressed;
            by_user_id = Some(user_id);
        }
        let request = outbound::parse_send(body, cc)?;
        match self.send_parsed(phone, request, opts.clone(), by_user_id.clone()).await {
            // What the send read changed before its rows were written (see [`went_stale`]):
            // once more, from the store.
            Err(e) if went_stale(&e) => {
                self.send_parsed(phone, outbound::parse_send(body, cc)?, opts, by_user_id).await
            }
            outcome => outcome,
        }
    }

    /// A parsed send body: a mark-read, or a message past the number's throughput and pair rate.
    async fn send_parsed(
        &self,
        phone: &PhoneNumber,
        request: SendRequest,
        opts: SendOptions,
        by_user_id: Option<String>,
    ) -> Result<SendOutcome, ApiError> {
        match request {
            SendRequest::MarkRead { message_id, typing_indicator } => {
                self.mark_read(phone, &message_id, typing_indicator).await?;
                Ok(SendOutcome::Success)
            }
            SendRequest::Message(msg) => {
                let now = self.now();
                if self.config.throughput_mps > 0 && !self.take_throughput(&phone.id, now).await? {
                    return Err(ApiError::new(
                        ErrorCode::RateLimitHit,
                        format!(
                            "Message throughput of {} messages per second for this phone number was exceeded.",
                            self.config.throughput_mps
                        ),
                    ));
                }
                if self.config.pair_rate_limit && !self.take_pair_rate(&phone.id, msg.to.as_str(), now).await? {
                    return Err(ApiError::new(
                        ErrorCode::PairRateLimit,
                        "Too many messages sent to this customer in a short time; wait and try again.",
                    ));
                }
                self.send_message(phone, msg, opts, by_user_id).await
            }
        }
    }

    /// A token of the number's throughput: this node's bucket, and on a fleet the fleet's too.
    async fn take_throughput(&self, phone_number_id: &str, now: Millis) -> Result<bool, ApiError> {
        if !self.throughput.take(&phone_number_id.to_string(), now) {
            return Ok(false);
        }
        match &self.fleet {
            Some(f) => f.0.take(phone_number_id, now).await,
            None => Ok(true),
        }
    }

    /// A token of the pair rate of the number and customer, as [`Self::take_throughput`].
    async fn take_pair_rate(&self, phone_number_id: &str, wa_id: &str, now: Millis) -> Result<bool, ApiError> {
        if !self.pair_rate.take(&(phone_number_id.to_string(), wa_id.to_string()), now) {
            return Ok(false);
        }
        match &self.fleet {
            Some(f) => f.1.take(&format!("{phone_number_id}:{wa_id}"), now).await,
            None => Ok(true),
        }
    }

    /// The customer's messages in `m`'s chat before it that are not read yet, oldest first:
    /// back to the last one read (reads mark everything before them, so nothing earlier is
    /// unread), at most [`READ_BACK`] messages back.
    async fn unread_before(&self, m: &Message) -> Result<Vec<String>, ApiError> {
        let mut unread = Vec::new();
        let mut before = Some(m.seq);
        let mut seen = 0;
        while let Some(seq) = before.filter(|_| seen < READ_BACK) {
            // Small pages: usually the customer's previous message is read already.
            let page = self.store.chat_history(&m.phone_number_id, &m.wa_id, Some(seq), READ_PAGE).await?;
            seen += page.len();
            before = (page.len() == READ_PAGE).then(|| page.last().map(|p| p.seq)).flatten();
            for earlier in page.iter().filter(|e| e.direction == Direction::Inbound) {
                if earlier.status != MessageStatus::Received {
                    before = None;
                    break;
                }
                unread.push(earlier.id.clone());
            }
        }
        unread.reverse();
        Ok(unread)
    }

    pub(super) async fn mark_read(&self, phone: &PhoneNumber, message_id: &str, typing: bool) -> Result<(), ApiError> {
        let m = self.store.message(message_id).await?;
        let m = match m {
            Some(m) if m.phone_number_id == phone.id => m,
            _ => {
                return Err(ApiError::bad_value(format!(
                    "message_id: no message {message_id} was received by this number"
                )))
            }
        };
        if m.direction != Direction::Inbound {
            return Err(ApiError::bad_value(
                "message_id: only messages received from a customer can be marked as read",
            ));
        }
        let now = self.now();
        // Marking a message read marks the thread's earlier messages read too (Meta): the
        // customer sees blue ticks on everything up to it, oldest first.
        let mut ids = self.unread_before(&m).await?;
        ids.push(m.id.clone());
        let mut changed = false;
        for id in ids {
            let change = StatusChange {
                message_id: id,
                from: &[MessageStatus::Received],
                to: MessageStatus::Read,
                error: None,
                at: now,
            };
            if self.store.change_status(&change, &[]).await? {
                changed = true;
                let read = CustomerEvent::Read { message_id: change.message_id, from: phone.number.clone() };
                self.notifier.customer_event(&m.wa_id, read);
            }
        }
        if changed {
            self.notifier.chat_changed(&m.business_id, &m.phone_number_id, &m.wa_id);
        }
        if typing {
            self.notifier.customer_event(
                &m.wa_id,
                CustomerEvent::Typing { from: phone.number.clone(), phone_number_id: phone.id.clone() },
            );
        }
        Ok(())
    }

    /// Send `msg` as `opts` says; `by_user_id` is the `recipient` BSUID it was addressed to, if it was.
    pub(super) async fn send_message(
        &self,
        phone: &PhoneNumber,
        mut msg: OutboundMessage,
        opts: SendOptions,
        by_user_id: Option<String>,
    ) -> Result<SendOutcome, ApiError> {
        let SendOptions { endpoint, echo, forced } = opts;
        let wa_id = msg.to.as_str().to_string();
        if wa_id == phone.number {
            return Err(ApiError::new(
                ErrorCode::RecipientIsSender,
                "to: the recipient is this business phone number.",
            ));
        }
        let unreachable = self.check_references(phone, &wa_id, &msg).await?;
        let order_step = super::orders::prepare(self.store.as_ref(), phone, &wa_id, &msg).await?;
        if let super::orders::Step::Repeat(message_id) = order_step {
            // The same order_details again: the first message stands, nothing is sent twice.
            let input = by_user_id.clone().unwrap_or(msg.to_input);
            return Ok(SendOutcome::Accepted { input, wa_id, user_id: by_user_id, message_id });
        }
        let now = self.now();
        // A template is looked up, checked and rendered: the customer receives the rendering.
        let mut rendered = None;
        let mut media_copies = Vec::new();
        let mut template_id = None;
        let mut template_category = None;
        // Meta's default time-to-live of a message; a template's own TTL replaces it.
        let mut ttl_ms = crate::model::THIRTY_DAYS_MS;
        if msg.kind == outbound::MessageKind::Template {
            let prepared = self.templates.prepare_send(phone, &wa_id, &msg.content).await?;
            template_category = prepared.content["category"].as_str().map(str::to_string);
            media_copies = prepared.media_copies;
            ttl_ms = prepared.ttl_ms;
            template_id = Some(prepared.template_id);
            rendered = Some(prepared.content);
            // One-tap, zero-tap and copy-code authentication templates still need a number.
            if by_user_id.is_some()
                && template_category.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("authentication"))
            {
                return Err(ApiError::new(
                    ErrorCode::UserIdRecipientUnsupported,
                    "recipient: authentication templates can only be sent to a phone number (to), not to a business-scoped user ID.",
                ));
            }
        }
        let marketing = template_category.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("marketing"));
        if endpoint == Endpoint::MarketingMessages && !marketing {
            return Err(ApiError::new(
                ErrorCode::MethodNotAllowed,
                format!(
                    "Only MARKETING templates can be sent with the Marketing Messages Lite API; template {} is {}: send it with /messages.",
                    msg.content["name"].as_str().unwrap_or_default(),
                    template_category.as_deref().unwrap_or("not a template"),
                ),
            ));
        }
        let mut failure: Option<ApiError> = forced.or(unreachable);
        // A customer who stopped marketing messages does not get them: a failed status, not charged.
        if failure.is_none() && marketing && self.store.marketing_stopped(&phone.business_id, &wa_id).await? {
            failure = Some(ApiError::new(
                ErrorCode::MarketingStopped,
                "Unable to deliver the marketing message: the user has stopped marketing messages from this business.",
            ));
        }
        let media_ref = match msg.media_ref() {
            Some(MediaRef::Link(url)) => match self.fetch_link(phone, msg.kind.as_str(), &url).await? {
                Ok(Some(id)) => Some(MediaRef::Id(id)),
                Ok(None) => None,
                Err(e) => {
                    failure = Some(e);
                    None
                }
            },
            other => other,
        };
        // The content becomes the message's; only an echo still needs what the client sent.
        let mut content = match rendered {
            Some(c) => c,
            None if echo => msg.content.clone(),
            None => std::mem::take(&mut msg.content),
        };
        if let Some(MediaRef::Id(media_id)) = media_ref {
            let kind = msg.kind.as_str();
            let media = self.business_media_of_kind(phone, &media_id, kind, kind, now).await?;
            media_copies.push(self.copy_for_customer(&media, &wa_id, &mut content, kind, now));
        }
        // An interactive message's header, and each carousel card's, may name uploaded media:
        // checked and copied as a media message's.
        if let (outbound::MessageKind::Interactive, Value::Object(obj)) = (msg.kind, &mut content) {
            let mut headers: Vec<(String, &mut Value)> = Vec::new();
            let mut cards = None;
            for (key, value) in obj.iter_mut() {
                match key.as_str() {
                    "header" => headers.push(("interactive.header".into(), value)),
                    "action" => cards = value.get_mut("cards").and_then(Value::as_array_mut),
                    _ => {}
                }
            }
            for (i, card) in cards.into_iter().flatten().enumerate() {
                if let Some(h) = card.get_mut("header") {
                    headers.push((format!("interactive.action.cards[{i}].header"), h));
                }
            }
            for (at, header) in headers {
                let Some(kind) = header["type"].as_str().map(str::to_string) else { continue };
                let Some(media_id) = header[&kind]["id"].as_str().map(str::to_string) else { continue };
                let media = self.business_media_of_kind(phone, &media_id, &kind, &format!("{at}.{kind}"), now).await?;
                media_copies.push(self.copy_for_customer(&media, &wa_id, &mut header[&kind], &kind, now));
            }
        }

        let last_inbound = if failure.is_none() { self.last_inbound(&phone.id, &wa_id, now).await? } else { None };
        // The customer as this business sees them (cached): `None` for no customer.
        let contact = self.recipient_contact(phone, &wa_id, by_user_id.is_none(), now).await?;
        let customer_known = contact.is_some();
        let mut new_customer = None;
        if failure.is_none() && !customer_known {
            if self.moved_to(&wa_id).await?.is_some() {
                // Meta: the old number of a user who changed number is no longer theirs.
                failure = Some(ApiError::new(
                    ErrorCode::Undeliverable,
                    format!("to: the WhatsApp user of {wa_id} changed their number; messages to it are not delivered."),
                ));
            } else if self.config.auto_create_customers {
                new_customer =
                    Some(Customer { wa_id: wa_id.clone(), profile_name: format!("+{wa_id}"), created_at: now });
            } else {
                failure = Some(ApiError::new(
                    ErrorCode::Undeliverable,
                    format!("to: {wa_id} is not a customer of this platform."),
                ));
            }
        }
        if failure.is_none() {
            let open = last_inbound.is_some_and(|t| now - t < SERVICE_WINDOW_MS);
            // Templates are how a business reaches a customer outside the window.
            if !open && template_id.is_none() {
                failure = Some(ApiError::new(
                    ErrorCode::ReEngagement,
                    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
                ));
            }
        }
        let mut reach = None;
        if failure.is_none() {
            // Blocks, the RED restriction and the messaging limit (business-initiated: a
            // template outside the window).
            let open = last_inbound.is_some_and(|t| now - t < SERVICE_WINDOW_MS);
            let check = self.quality.check_send(phone, &wa_id, template_id.is_some() && !open, now).await?;
            (failure, reach) = (check.failure, check.reach);
        }
        let status = if failure.is_some() { MessageStatus::Failed } else { MessageStatus::Sent };
        let message = Message {
            id: new_wamid(),
            seq: self.next_seq(),
            phone_number_id: phone.id.clone(),
            business_id: phone.business_id.clone(),
            wa_id: wa_id.clone(),
            direction: Direction::Outbound,
            kind: msg.kind.as_str().to_string(),
            content,
            context_id: msg.context_message_id.clone(),
            biz_opaque: msg.biz_opaque_callback_data.clone(),
            status,
            error: failure.as_ref().map(|e| WebhookError::from_api(e).to_json()),
            created_at: now,
            updated_at: now,
            expires_at: Some(now + ttl_ms),
        };
        let pricing = match failure {
            None => Some(self.price(phone, &wa_id, template_category.as_deref(), endpoint, last_inbound, now).await?),
            Some(_) => None,
        };
        let contact = match contact {
            Some(c) => c,
            None => self.webhook_contact(&phone.business_id, &wa_id).await?,
        };
        let status_row =
            self.status_row_priced(phone, &message, &contact, status, failure.as_ref(), now, pricing.as_ref());
        // The echo goes first, so the business knows the message its status is about.
        let outbox = match echo {
            true => vec![self.echo_row(phone, &message, &msg, now), status_row],
            false => vec![status_row],
        };
        let media_copies = if failure.is_none() { media_copies } else { Vec::new() };
        let new = NewMessage {
            message: &message,
            content_json: None,
            new_customer: new_customer.as_ref(),
            outbox: &outbox,
            media_copies,
            pricing: pricing.as_ref(),
            reach: reach.as_ref(),
        };
        let recorded = match &template_id {
            Some(t) => self.store.record_template_message(&new, t).await,
            None => self.store.record_message(&new).await,
        };
        // A constraint the rows broke was kept when the send read what it checked: what it
        // read changed meanwhile (its customer erased by `risala admin` in another process,
        // heard of only at this commit). Nothing was written; the send may run again, reading
        // past this process's caches.
        recorded.map_err(|e| match e {
            StoreError::Conflict(_) => {
                self.forget_all();
                ApiError::internal().with_cause(StaleView(e))
            }
            e => e.into(),
        })?;
        if failure.is_none() {
            super::orders::commit(self.store.as_ref(), order_step, &message).await?;
        }
        if pricing.as_ref().is_some_and(|p| p.entry_point.is_some_and(|w| w.opens)) {
            self.entry_points.remove(&(phone.id.clone(), wa_id.clone()));
        }
        self.notifier.outbox_written();
        self.notifier.chat_changed(&message.business_id, &message.phone_number_id, &wa_id);
        let message_id = message.id.clone();
        if failure.is_none() {
            self.notifier.customer_event(&wa_id, CustomerEvent::Message(Box::new(message)));
        }
        let input = by_user_id.clone().unwrap_or(msg.to_input);
        Ok(SendOutcome::Accepted { input, wa_id, user_id: by_user_id, message_id })
    }

    /// The customer's entry point on the number (cached): none without a read when no customer
    /// ever reached the number through an ad.
    async fn entry_point(&self, phone: &PhoneNumber, wa_id: &str) -> Result<Option<EntryPoint>, ApiError> {
        let store = &self.store;
        let any = self.entry_point_numbers.get_or_load(phone.id.as_str(), || store.has_entry_points(&phone.id)).await?;
        if !any {
            return Ok(None);
        }
        let key = (phone.id.clone(), wa_id.to_string());
        Ok(self.entry_points.get_or_load(&key, || store.entry_point(&phone.id, wa_id)).await?)
    }

    /// The PMP decision for a message about to be sent: category × recipient country, free
    /// inside the windows the rules name, the rate from the card in effect now.
    pub(super) async fn price(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        template_category: Option<&str>,
        endpoint: Endpoint,
        last_inbound: Option<Millis>,
        now: Millis,
    ) -> Result<MessagePricing, ApiError> {
        let country = crate::phone::country_of(wa_id).unwrap_or("ZZ");
        // Inside a free entry point window (or the answer that opens one) everything is free.
        let entry = self.entry_point(phone, wa_id).await?;
        let entry_point = entry.and_then(|e| e.window_at(now));
        let windows = Windows {
            service: last_inbound.is_some_and(|t| now - t < SERVICE_WINDOW_MS),
            entry_point: entry_point.is_some(),
        };
        // Authentication to a country other than the business's own is priced at the
        // authentication-international rate where the card has one for that country.
        let foreign_auth = template_category.is_some_and(|c| c.eq_ignore_ascii_case("authentication"))
            && crate::phone::country_of(&phone.number) != Some(country);
        let international =
            foreign_auth && self.store.rate(country, Category::AuthenticationInternational, now).await?.is_some();
        let (mut category, kind) = crate::pricing::classify(template_category, windows, international);
        if endpoint == Endpoint::MarketingMessages && category == Category::Marketing {
            category = Category::MarketingLite;
        }
        let tier = crate::model::BASE_TIER.to_string();
        let mut pricing = MessagePricing {
            category,
            kind,
            country: country.to_owned(),
            amount_micros: 0,
            entry_point,
            tier,
            cbp: None,
        };
        if pricing.billable() {
            pricing.amount_micros =
                crate::pricing::category_rate(&*self.store, &pricing.country, category, now).await?.unwrap_or(0);
            // Monthly volume tiers (utility, authentication): the price of the business's n-th
            // charged message of the month in this category and country.
            if matches!(category, Category::Utility | Category::Authentication | Category::AuthenticationInternational)
            {
                let tiers = self.store.rate_tiers(&pricing.country, category, now).await?;
                if !tiers.is_empty() {
                    let (month_start, _) = crate::pricing::dates::month_bounds(now);
                    let n =
                        self.store.month_volume(&phone.business_id, category, &pricing.country, month_start).await? + 1;
                    let (micros, tier) = crate::pricing::volume_tier(&tiers, n);
                    pricing.amount_micros = micros.unwrap_or(pricing.amount_micros);
                    pricing.tier = tier;
                }
            }
        }
        self.cbp.apply(phone, wa_id, &mut pricing, now).await?;
        Ok(pricing)
    }
}

/// Meta answers 133010 to any send from a number that is not registered.
fn check_registered(phone: &PhoneNumber) -> Result<(), ApiError> {
    if phone.registered {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::NotRegistered,
        format!("+{} is not registered: register it (POST /{}/register) before sending.", phone.number, phone.id),
    ))
}

/// A send's rows refused at commit because what the send read went stale before they were
/// written (see [`MessagingService::send_message`]).
#[derive(Debug, thiserror::Error)]
#[error("what the send read changed before its rows were written: {0}")]
struct StaleView(StoreError);

/// Whether `e` is a send refused because what it read changed before its rows were written:
/// nothing of it was written, and a send that reads again may succeed (or fail as the changed
/// data says). [`MessagingService::send`] and its kin try once more themselves.
pub fn went_stale(e: &ApiError) -> bool {
    e.cause.as_deref().is_some_and(|c| c.is::<StaleView>())
}
