-- Messaging: customers, conversations (one per business number and customer), messages,
-- media, customer sessions, and the webhook outbox written in the same transaction as the
-- change it reports.
CREATE TABLE customers (
    wa_id        TEXT PRIMARY KEY,
    profile_name TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE customer_sessions (
    token_hash TEXT PRIMARY KEY,
    wa_id      TEXT NOT NULL REFERENCES customers(wa_id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE customer_codes (
    wa_id      TEXT PRIMARY KEY,
    code_hash  TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL
);

CREATE TABLE conversations (
    phone_number_id  TEXT NOT NULL REFERENCES phone_numbers(id),
    wa_id            TEXT NOT NULL REFERENCES customers(wa_id),
    business_id      TEXT NOT NULL,
    last_inbound_at  INTEGER,
    last_outbound_at INTEGER,
    last_message_at  INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (phone_number_id, wa_id)
);
CREATE INDEX conversations_customer ON conversations(wa_id, last_message_at);

CREATE TABLE messages (
    id               TEXT PRIMARY KEY,
    seq              INTEGER NOT NULL,
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
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
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
    file_size       INTEGER NOT NULL,
    filename        TEXT,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    data            BLOB NOT NULL
);
CREATE INDEX media_expiry ON media(expires_at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id     TEXT NOT NULL,
    waba_id         TEXT NOT NULL,
    phone_number_id TEXT,
    ordering_key    TEXT NOT NULL,
    field           TEXT NOT NULL,
    value           TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    INTEGER,
    endpoint        TEXT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at, id);
CREATE INDEX outbox_order ON outbox(ordering_key, id);
