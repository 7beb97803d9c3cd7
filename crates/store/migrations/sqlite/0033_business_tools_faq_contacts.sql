-- FAQ answers (issue #17): a number's question → answer entries, with keywords and other
-- phrasings kept as JSON arrays of text, and the number's settings (on/off, the score a match
-- needs in percent, the "talk to a person" button's title and the reply when it is pressed).
CREATE TABLE faq_entries (
    id              TEXT PRIMARY KEY,
    business_id     TEXT NOT NULL REFERENCES businesses(id),
    phone_number_id TEXT NOT NULL REFERENCES phone_numbers(id),
    question        TEXT NOT NULL,
    answer          TEXT NOT NULL,
    keywords        TEXT NOT NULL,
    phrasings       TEXT NOT NULL,
    enabled         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX faq_entries_number ON faq_entries(phone_number_id, created_at);

CREATE TABLE faq_settings (
    phone_number_id TEXT PRIMARY KEY REFERENCES phone_numbers(id),
    enabled         INTEGER NOT NULL,
    threshold       INTEGER NOT NULL,
    handoff_button  TEXT NOT NULL,
    handoff_reply   TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
);
