-- Chatbots with hand-off (issue #17): every uploaded version of a number's bot is a row (the
-- highest version of an id runs), its definition kept as JSON; and each conversation's run of a
-- bot: the version it started on, the step it waits at, its variables (a JSON object), the
-- retries left at that step, the transcript (a JSON array of lines) and its state (running,
-- handed_off, ended, closed).
CREATE TABLE bots (
    id              TEXT NOT NULL,
    version         BIGINT NOT NULL,
    business_id     TEXT NOT NULL REFERENCES businesses(id),
    phone_number_id TEXT NOT NULL REFERENCES phone_numbers(id),
    name            TEXT NOT NULL,
    definition      TEXT NOT NULL,
    enabled         BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX bots_number ON bots(phone_number_id, id, version);

CREATE TABLE bot_runs (
    phone_number_id TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    bot_id          TEXT NOT NULL,
    version         BIGINT NOT NULL,
    step            TEXT NOT NULL,
    variables       TEXT NOT NULL,
    retries         BIGINT NOT NULL,
    transcript      TEXT NOT NULL,
    state           TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (phone_number_id, wa_id)
);
CREATE INDEX bot_runs_customer ON bot_runs(wa_id);
