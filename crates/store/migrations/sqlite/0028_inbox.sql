-- The team inbox: each conversation's state kept on the row and maintained by the same plan
-- that writes its messages (no subquery over messages when the list is read): the last
-- message (its id, for the preview, so the preview follows the message's own encryption,
-- retention and erasure), unread inbound messages since an agent of the business last read
-- it, who it is assigned to, and whether it is closed. Labels per business with a colour,
-- their conversations, and internal notes (never sent to the customer).
ALTER TABLE conversations ADD COLUMN last_message_id TEXT;
ALTER TABLE conversations ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN assignee_id TEXT;
ALTER TABLE conversations ADD COLUMN closed_at INTEGER;

-- Rows written before: their last message and last outbound message, found once (outbound
-- messages used not to write the row).
UPDATE conversations SET
    last_outbound_at = COALESCE((SELECT m.created_at FROM messages m WHERE m.phone_number_id = conversations.phone_number_id AND m.wa_id = conversations.wa_id AND m.direction = 'out' ORDER BY m.seq DESC LIMIT 1), last_outbound_at),
    last_message_at = COALESCE((SELECT m.created_at FROM messages m WHERE m.phone_number_id = conversations.phone_number_id AND m.wa_id = conversations.wa_id ORDER BY m.seq DESC LIMIT 1), last_message_at),
    last_message_id = (SELECT m.id FROM messages m WHERE m.phone_number_id = conversations.phone_number_id AND m.wa_id = conversations.wa_id ORDER BY m.seq DESC LIMIT 1);

-- The list: a business's conversations, newest first (read backwards; the number and the
-- customer order conversations of the same millisecond, and the page cursor).
CREATE INDEX conversations_inbox ON conversations(business_id, last_message_at, phone_number_id, wa_id);

CREATE TABLE inbox_labels (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses(id),
    name        TEXT NOT NULL,
    colour      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (business_id, name)
);

CREATE TABLE conversation_labels (
    phone_number_id TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    label_id        TEXT NOT NULL REFERENCES inbox_labels(id),
    PRIMARY KEY (phone_number_id, wa_id, label_id)
);
CREATE INDEX conversation_labels_label ON conversation_labels(label_id);
CREATE INDEX conversation_labels_customer ON conversation_labels(wa_id);

CREATE TABLE conversation_notes (
    id              TEXT PRIMARY KEY,
    business_id     TEXT NOT NULL,
    phone_number_id TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    author_id       TEXT NOT NULL REFERENCES users(id),
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX conversation_notes_chat ON conversation_notes(phone_number_id, wa_id, created_at);
CREATE INDEX conversation_notes_customer ON conversation_notes(wa_id);
