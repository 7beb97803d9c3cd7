-- Tenancy: businesses, WABAs, phone numbers, apps, tokens; the global object index; settings.
CREATE TABLE objects (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    business_id TEXT NOT NULL
);

CREATE TABLE businesses (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE wabas (
    id                         TEXT PRIMARY KEY,
    business_id                TEXT NOT NULL REFERENCES businesses(id),
    name                       TEXT NOT NULL,
    currency                   TEXT NOT NULL,
    timezone_id                TEXT NOT NULL,
    message_template_namespace TEXT NOT NULL,
    created_at                 INTEGER NOT NULL
);
CREATE INDEX wabas_business ON wabas(business_id);

CREATE TABLE apps (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    name        TEXT NOT NULL,
    app_secret  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX apps_business ON apps(business_id);

CREATE TABLE phone_numbers (
    id                       TEXT PRIMARY KEY,
    waba_id                  TEXT NOT NULL REFERENCES wabas(id),
    business_id              TEXT NOT NULL REFERENCES businesses(id),
    number                   TEXT NOT NULL UNIQUE,
    verified_name            TEXT NOT NULL,
    quality_rating           TEXT NOT NULL,
    code_verification_status TEXT NOT NULL,
    name_status              TEXT NOT NULL,
    status                   TEXT NOT NULL,
    throughput_level         TEXT NOT NULL,
    messaging_limit_tier     TEXT NOT NULL,
    account_mode             TEXT NOT NULL,
    created_at               INTEGER NOT NULL
);
CREATE INDEX phone_numbers_waba ON phone_numbers(waba_id, id);

CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    permissions TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
