-- Messaging: customers, conversations (one per business number and customer), messages,
-- media, customer sessions, and the webhook outbox written in the same transaction as the
-- change it reports.
CREATE TABLE customers (
    wa_id        TEXT PRIMARY KEY,
    profile_name TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE customer_sessions (
    token_hash TEXT PRIMARY KEY,
    wa_id      TEXT NOT NULL REFERENCES customers(wa_id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE customer_codes (
    wa_id      TEXT PRIMARY KEY,
    code_hash  TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts   BIGINT NOT NULL
);

CREATE TABLE conversations (
    phone_number_id  TEXT NOT NULL REFERENCES phone_numbers(id),
    wa_id            TEXT NOT NULL REFERENCES customers(wa_id),
    business_id      TEXT NOT NULL,
    last_inbound_at  BIGINT,
    last_outbound_at BIGINT,
    last_message_at  BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (phone_number_id, wa_id)
);
CREATE INDEX conversations_customer ON conversations(wa_id, last_message_at);

CREATE TABLE messages (
    id               TEXT PRIMARY KEY,
    seq              BIGINT NOT NULL,
    phone_number_id  TEXT NOT NULL,
    business_id      TEXT NOT NULL,
    wa_id            TEXT NOT NULL,
    direction        TEXT NOT NULL,
    type             TEXT NOT NULL,
    content          TEXT NOT NULL,
    context_id       TEXT,
    biz_opaque       TEXT,
    status           TEXT NOT NULL,
    error            TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX messages_chat ON messages(phone_number_id, wa_id, seq);
CREATE INDEX messages_pending ON messages(wa_id, direction, status, seq);

CREATE TABLE media (
    id              TEXT PRIMARY KEY,
    business_id     TEXT NOT NULL,
    phone_number_id TEXT,
    owner_wa_id     TEXT,
    mime_type       TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    file_size       BIGINT NOT NULL,
    filename        TEXT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    data            BYTEA NOT NULL
);
CREATE INDEX media_expiry ON media(expires_at);

CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    business_id     TEXT NOT NULL,
    waba_id         TEXT NOT NULL,
    phone_number_id TEXT,
    ordering_key    TEXT NOT NULL,
    field           TEXT NOT NULL,
    value           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_status     BIGINT,
    last_error      TEXT,
    delivered_at    BIGINT,
    endpoint        TEXT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at, id);
CREATE INDEX outbox_order ON outbox(ordering_key, id);
