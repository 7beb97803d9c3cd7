-- Chatbot steps that wait and runs shared by several nodes (issue #17): a run's revision (every
-- write of a run expects the revision it read, so two handlers of the same conversation, on one
-- node or two, never both advance it), the time a `wait` step resumes the run (the sweep looks
-- up due runs by it); the round-robin turn of a business's hand-offs, kept here so every node
-- takes the next agent from the same count; and each number's bots revision, raised whenever a
-- bot is uploaded or deleted, read with the run so a node's cache of the bots is checked for free.
ALTER TABLE bot_runs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bot_runs ADD COLUMN wake_at INTEGER;
CREATE INDEX bot_runs_wake ON bot_runs(wake_at) WHERE wake_at IS NOT NULL;

CREATE TABLE bot_turns (
    business_id TEXT PRIMARY KEY,
    turn        INTEGER NOT NULL
);

CREATE TABLE bot_revisions (
    phone_number_id TEXT PRIMARY KEY,
    revision        INTEGER NOT NULL
);
