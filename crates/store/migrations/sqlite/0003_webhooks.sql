-- Webhooks: app subscriptions (the app callback), WABA subscriptions with an optional override
-- callback, phone-number override callbacks, paused endpoints, and the outbox's claim lease.
CREATE TABLE webhook_app_subscriptions (
    app_id       TEXT NOT NULL REFERENCES apps(id),
    object       TEXT NOT NULL,
    business_id  TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    verify_token TEXT NOT NULL,
    fields       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (app_id, object)
);
CREATE INDEX webhook_app_subscriptions_business ON webhook_app_subscriptions(business_id);

CREATE TABLE webhook_waba_subscriptions (
    waba_id               TEXT NOT NULL REFERENCES wabas(id),
    app_id                TEXT NOT NULL REFERENCES apps(id),
    business_id           TEXT NOT NULL,
    override_callback_uri TEXT,
    verify_token          TEXT,
    created_at            INTEGER NOT NULL,
    PRIMARY KEY (waba_id, app_id)
);

CREATE TABLE webhook_number_overrides (
    phone_number_id TEXT PRIMARY KEY REFERENCES phone_numbers(id),
    waba_id         TEXT NOT NULL,
    business_id     TEXT NOT NULL,
    callback_url    TEXT NOT NULL,
    verify_token    TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);

CREATE TABLE webhook_endpoints (
    url        TEXT PRIMARY KEY,
    paused     INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE outbox ADD COLUMN updated_at INTEGER;
ALTER TABLE outbox ADD COLUMN retry_from INTEGER;
CREATE INDEX outbox_pending ON outbox(id) WHERE state = 'pending';
CREATE INDEX outbox_updated ON outbox(updated_at, id);
