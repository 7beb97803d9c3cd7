-- Messaging limits and quality: each business's tier and when half of it was in use, the
-- customers it reached with business-initiated messages (latest reach per customer), blocks
-- both ways (a customer blocks a number; a number blocks a user), and customers' latest block
-- and spam report per number, which rate the number.
CREATE TABLE business_limits (
    business_id        TEXT PRIMARY KEY,
    tier               TEXT NOT NULL,
    tier_since         BIGINT NOT NULL,
    half_used_first_at BIGINT,
    half_used_last_at  BIGINT
);

CREATE TABLE limit_reach (
    business_id TEXT NOT NULL,
    wa_id       TEXT NOT NULL,
    reached_at  BIGINT NOT NULL,
    PRIMARY KEY (business_id, wa_id)
);
CREATE INDEX limit_reach_time ON limit_reach(business_id, reached_at);

CREATE TABLE chat_blocks (
    phone_number_id TEXT NOT NULL,
    side            TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (phone_number_id, side, wa_id)
);
CREATE INDEX chat_blocks_customer ON chat_blocks(wa_id);

CREATE TABLE quality_signals (
    phone_number_id TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    business_id     TEXT NOT NULL,
    at              BIGINT NOT NULL,
    PRIMARY KEY (phone_number_id, wa_id, kind)
);
CREATE INDEX quality_signals_time ON quality_signals(phone_number_id, at);
