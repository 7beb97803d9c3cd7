-- A number's whole life: added unverified (`POST /{waba-id}/phone_numbers`), verified by code,
-- registered with a two-step PIN, deregistered; display-name review; QR codes and short links.
-- Numbers that exist already (the demo number, numbers the operator added) stay registered.
ALTER TABLE phone_numbers ADD COLUMN registered BIGINT NOT NULL DEFAULT 1;
ALTER TABLE phone_numbers ADD COLUMN pin_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE phone_numbers ADD COLUMN new_name_status TEXT NOT NULL DEFAULT 'NONE';
ALTER TABLE phone_numbers ADD COLUMN requested_name TEXT;

-- The secrets and counters behind those fields: the two-step PIN and the verification code as
-- keyed hashes, wrong PIN guesses and register/deregister calls (JSON arrays of ms).
-- change_token guards read-modify-write updates, as templates do.
CREATE TABLE number_lifecycle (
    phone_number_id TEXT PRIMARY KEY REFERENCES phone_numbers(id),
    pin_hash        TEXT,
    code_hash       TEXT,
    code_expires_at BIGINT,
    code_failures   BIGINT NOT NULL,
    pin_failures    TEXT NOT NULL,
    register_calls  TEXT NOT NULL,
    change_token    TEXT NOT NULL
);

-- `/{phone-number-id}/message_qrdls`: QR codes and short links with a prefilled message.
CREATE TABLE message_qrdls (
    code              TEXT PRIMARY KEY,
    phone_number_id   TEXT NOT NULL REFERENCES phone_numbers(id),
    prefilled_message TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX message_qrdls_number ON message_qrdls(phone_number_id, created_at);
