-- Business tools (issue #17), items 1 and 2. A number's business hours, away message and
-- greeting as one JSON document (validated by the service), and per customer of a number when
-- they last wrote and when each automatic message was last sent to them (the away message goes
-- once per closed period, the greeting after days of silence). Quick replies: a business's
-- saved answers, each with a shortcut unique in the business.
CREATE TABLE tool_hours (
    phone_number_id TEXT PRIMARY KEY REFERENCES phone_numbers(id),
    business_id     TEXT NOT NULL REFERENCES businesses(id),
    settings        TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE tool_auto_replies (
    phone_number_id TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    last_inbound_at INTEGER,
    greeted_at      INTEGER,
    away_at         INTEGER,
    PRIMARY KEY (phone_number_id, wa_id)
);
CREATE INDEX tool_auto_replies_customer ON tool_auto_replies(wa_id);

CREATE TABLE quick_replies (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    shortcut    TEXT NOT NULL,
    body        TEXT NOT NULL,
    media_kind  TEXT,
    media_id    TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (business_id, shortcut)
);
