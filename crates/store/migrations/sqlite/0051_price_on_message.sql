-- A sent message's price lives on its own row: the price was a row of its own
-- (`message_pricing`, with its own index), written with every sent message and read only when
-- the message is delivered (the ledger's charge) — a second table and index written per
-- message. The `price_*` columns are NULL on messages that carry no price (inbound, failed).
-- `price_waba_id` is the number's WABA when the message was sent, as the ledger records it.
ALTER TABLE messages ADD COLUMN price_country TEXT;
ALTER TABLE messages ADD COLUMN price_category TEXT;
ALTER TABLE messages ADD COLUMN price_type TEXT;
ALTER TABLE messages ADD COLUMN price_micros BIGINT;
ALTER TABLE messages ADD COLUMN price_tier TEXT;
ALTER TABLE messages ADD COLUMN price_conversation_id TEXT;
ALTER TABLE messages ADD COLUMN price_waba_id TEXT;
UPDATE messages SET price_country = p.country, price_category = p.category, price_type = p.pricing_type,
    price_micros = p.amount_micros, price_tier = p.tier, price_conversation_id = p.conversation_id,
    price_waba_id = p.waba_id
FROM message_pricing p WHERE p.message_id = messages.id;
-- A price whose message is gone is not copied: it could never be charged (the charge needs
-- the message's delivery).
DROP TABLE message_pricing;
