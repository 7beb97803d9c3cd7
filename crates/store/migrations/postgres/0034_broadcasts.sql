-- Broadcasts (business tools): a template (or, in broadcast-list mode, a text) sent to an
-- audience of one number, paced by a runner that claims the broadcast through its lease
-- (`lease_owner` until `lease_until`), so two nodes never send the same broadcast. Each
-- recipient is a row with its parameters and what happened to it; its message's own status
-- (delivered, read, failed) is read from the message.
CREATE TABLE broadcasts (
    id              TEXT PRIMARY KEY,
    business_id     TEXT NOT NULL REFERENCES businesses(id),
    phone_number_id TEXT NOT NULL,
    name            TEXT NOT NULL,
    mode            TEXT NOT NULL,
    message         TEXT NOT NULL,
    audience        TEXT NOT NULL,
    state           TEXT NOT NULL,
    pause_reason    TEXT,
    start_at        BIGINT NOT NULL,
    next_run_at     BIGINT NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    rejected        TEXT NOT NULL,
    total           BIGINT NOT NULL,
    created_by      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT
);
CREATE INDEX broadcasts_business ON broadcasts(business_id, created_at);
CREATE INDEX broadcasts_due ON broadcasts(state, next_run_at);

CREATE TABLE broadcast_recipients (
    broadcast_id TEXT NOT NULL REFERENCES broadcasts(id),
    seq          BIGINT NOT NULL,
    wa_id        TEXT NOT NULL,
    params       TEXT NOT NULL,
    state        TEXT NOT NULL,
    reason       TEXT,
    message_id   TEXT,
    sent_at      BIGINT,
    PRIMARY KEY (broadcast_id, seq)
);
CREATE INDEX broadcast_recipients_state ON broadcast_recipients(broadcast_id, state, seq);
CREATE INDEX broadcast_recipients_customer ON broadcast_recipients(wa_id);
