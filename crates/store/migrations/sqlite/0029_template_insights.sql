-- Template analytics. A WABA confirms them once (`POST /{waba-id}` with
-- `is_enabled_for_insights=true`; Meta offers no way back): the row records when. The counts
-- are read from the template's messages, per UTC day of sending, hence the index.
CREATE TABLE waba_insights (
    waba_id    TEXT PRIMARY KEY REFERENCES wabas(id),
    enabled_at BIGINT NOT NULL
);

CREATE INDEX messages_template_time ON messages(template_id, created_at) WHERE template_id IS NOT NULL;
