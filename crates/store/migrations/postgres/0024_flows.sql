-- WhatsApp Flows: a WABA's flows with their Flow JSON (kept as uploaded, so validation errors'
-- lines and columns point into it), and the business public key of each phone number that a
-- flow's data endpoint requests are encrypted for.
CREATE TABLE flows (
    id                 TEXT PRIMARY KEY,
    business_id        TEXT NOT NULL,
    waba_id            TEXT NOT NULL REFERENCES wabas(id),
    name               TEXT NOT NULL,
    categories         TEXT NOT NULL,
    status             TEXT NOT NULL,
    flow_json          TEXT,
    validation_errors  TEXT NOT NULL,
    json_version       TEXT,
    data_api_version   TEXT,
    endpoint_uri       TEXT,
    preview_token      TEXT NOT NULL,
    preview_expires_at BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX flows_waba_name ON flows(waba_id, name);

CREATE TABLE business_encryption (
    phone_number_id TEXT PRIMARY KEY,
    public_key      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);
