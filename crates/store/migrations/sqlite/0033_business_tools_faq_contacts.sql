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

-- Contacts as a small CRM: the fields a business defines (typed: text, number, date, boolean,
-- email, choice with its options as a JSON array), its contacts by WhatsApp number with a name
-- and their field values (a JSON object by field key), and opt-in records (what for, in or out,
-- where it was given and when).
CREATE TABLE contact_fields (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    key         TEXT NOT NULL,
    label       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    options     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (business_id, key)
);

CREATE TABLE crm_contacts (
    business_id TEXT NOT NULL REFERENCES businesses(id),
    wa_id       TEXT NOT NULL,
    name        TEXT NOT NULL,
    fields      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (business_id, wa_id)
);
CREATE INDEX crm_contacts_customer ON crm_contacts(wa_id);

CREATE TABLE contact_opt_ins (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    wa_id       TEXT NOT NULL,
    topic       TEXT NOT NULL,
    opted_in    INTEGER NOT NULL,
    source      TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX contact_opt_ins_contact ON contact_opt_ins(business_id, wa_id, at);
CREATE INDEX contact_opt_ins_customer ON contact_opt_ins(wa_id);
