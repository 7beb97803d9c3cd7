-- Message templates: one row per name and language in a WABA. Deleted templates stay (status
-- DELETED) so creations per hour can be counted; only live ones must have unique names.
CREATE TABLE templates (
    id                    TEXT PRIMARY KEY,
    business_id           TEXT NOT NULL,
    waba_id               TEXT NOT NULL REFERENCES wabas(id),
    name                  TEXT NOT NULL,
    language              TEXT NOT NULL,
    category              TEXT NOT NULL,
    previous_category     TEXT,
    parameter_format      TEXT NOT NULL,
    components            TEXT NOT NULL,
    status                TEXT NOT NULL,
    rejected_reason       TEXT NOT NULL,
    quality_score         TEXT NOT NULL,
    negative_feedback     INTEGER NOT NULL,
    pause_count           INTEGER NOT NULL,
    paused_until          INTEGER,
    review_due_at         INTEGER,
    allow_category_change INTEGER NOT NULL,
    last_edited_at        INTEGER,
    version               INTEGER NOT NULL,
    change_token          TEXT,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE UNIQUE INDEX templates_live_name ON templates(waba_id, name, language) WHERE status <> 'DELETED';
CREATE INDEX templates_waba ON templates(waba_id, id);
CREATE INDEX templates_created ON templates(waba_id, created_at);
CREATE INDEX templates_review_due ON templates(review_due_at) WHERE review_due_at IS NOT NULL;
CREATE INDEX templates_paused ON templates(paused_until) WHERE paused_until IS NOT NULL;

-- The template a business message was sent from, for quality feedback.
ALTER TABLE messages ADD COLUMN template_id TEXT;
CREATE INDEX messages_template ON messages(phone_number_id, wa_id, seq) WHERE template_id IS NOT NULL;
