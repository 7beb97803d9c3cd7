-- Conversation-based pricing (CBP): 24-hour conversations per business number, customer and
-- category, charged once when the first message in them is delivered (delivered_at set in the
-- same plan as that ledger row). Messages name their conversation; the volume tier of a
-- per-message price is kept for pricing_analytics' TIER dimension.
CREATE TABLE cbp_conversations (
    id                TEXT PRIMARY KEY,
    business_id       TEXT NOT NULL,
    waba_id           TEXT NOT NULL,
    phone_number_id   TEXT NOT NULL,
    wa_id             TEXT NOT NULL,
    country           TEXT NOT NULL,
    category          TEXT NOT NULL,
    conversation_type TEXT NOT NULL,
    opened_at         BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    amount_micros     BIGINT NOT NULL,
    delivered_at      BIGINT
);
CREATE INDEX cbp_conversations_pair ON cbp_conversations(phone_number_id, wa_id, expires_at);
CREATE INDEX cbp_conversations_waba ON cbp_conversations(waba_id, opened_at);

ALTER TABLE message_pricing ADD COLUMN conversation_id TEXT;
ALTER TABLE message_pricing ADD COLUMN tier TEXT NOT NULL DEFAULT '0:MAX';
ALTER TABLE ledger ADD COLUMN conversation_id TEXT;
ALTER TABLE ledger ADD COLUMN tier TEXT NOT NULL DEFAULT '0:MAX';
