-- Per-message pricing: rate cards (versioned, effective from a date), the pricing decided for
-- each sent message, and the ledger of charges written when a message is delivered.
CREATE TABLE rate_cards (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    currency       TEXT NOT NULL,
    effective_from BIGINT NOT NULL,
    loaded_at      BIGINT NOT NULL
);
CREATE INDEX rate_cards_effective ON rate_cards(effective_from, loaded_at);

CREATE TABLE rates (
    card_id       TEXT NOT NULL REFERENCES rate_cards(id),
    country       TEXT NOT NULL,
    category      TEXT NOT NULL,
    amount_micros BIGINT NOT NULL,
    PRIMARY KEY (card_id, country, category)
);

-- Decided at send time, in the message's own plan; charged (copied to the ledger) on delivery.
CREATE TABLE message_pricing (
    message_id      TEXT PRIMARY KEY,
    business_id     TEXT NOT NULL,
    waba_id         TEXT NOT NULL,
    phone_number_id TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    country         TEXT NOT NULL,
    category        TEXT NOT NULL,
    pricing_type    TEXT NOT NULL,
    amount_micros   BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- One row per delivered message (free ones with amount 0, for analytics volumes); the primary
-- key on the message id means nothing is charged twice.
CREATE TABLE ledger (
    message_id      TEXT PRIMARY KEY,
    business_id     TEXT NOT NULL,
    waba_id         TEXT NOT NULL,
    phone_number_id TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    country         TEXT NOT NULL,
    category        TEXT NOT NULL,
    pricing_type    TEXT NOT NULL,
    amount_micros   BIGINT NOT NULL,
    charged_at      BIGINT NOT NULL
);
CREATE INDEX ledger_waba_time ON ledger(waba_id, charged_at);
