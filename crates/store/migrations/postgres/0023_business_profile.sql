-- The business profile of a number (Meta's whatsapp_business_profile), its conversational
-- components (welcome message, ice breakers, commands), and sessions of the Resumable Upload
-- API whose handles set profile pictures and template header samples.
--
-- An upload's bytes are media: each POST to `upload:<id>` stores what it carried as media of
-- its own (a part, at its offset); the part that completes the file joins the parts into one
-- media, the file the handle names, and the parts go.
CREATE TABLE upload_sessions (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    app_id      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    file_length BIGINT NOT NULL,
    file_type   TEXT NOT NULL,
    file_offset BIGINT NOT NULL,
    media_id    TEXT,
    handle      TEXT UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX upload_sessions_expiry ON upload_sessions(expires_at);

CREATE TABLE upload_parts (
    session_id  TEXT NOT NULL REFERENCES upload_sessions(id),
    file_offset BIGINT NOT NULL,
    size        BIGINT NOT NULL,
    media_id    TEXT NOT NULL,
    PRIMARY KEY (session_id, file_offset)
);

CREATE TABLE business_profiles (
    phone_number_id  TEXT PRIMARY KEY REFERENCES phone_numbers(id),
    about            TEXT,
    address          TEXT,
    description      TEXT,
    email            TEXT,
    websites         TEXT NOT NULL,
    vertical         TEXT,
    picture_media_id TEXT,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE conversational_automation (
    phone_number_id        TEXT PRIMARY KEY REFERENCES phone_numbers(id),
    enable_welcome_message BIGINT NOT NULL,
    prompts                TEXT NOT NULL,
    commands               TEXT NOT NULL,
    updated_at             BIGINT NOT NULL
);
