-- Several nodes on one database (issue #19): the fleet's shared sending limits, one token
-- bucket per key in milli-tokens at `at` (ms). SQLite serves one node, which counts in memory,
-- so the table stays empty here; it exists so both engines have one schema. (PostgreSQL also
-- gets triggers that tell every node when cached tables change.)
CREATE TABLE fleet_buckets (
    key    TEXT PRIMARY KEY,
    tokens BIGINT NOT NULL,
    at     BIGINT NOT NULL,
    -- Milli-tokens the last take got (the statement that takes reports it here).
    granted BIGINT NOT NULL DEFAULT 0
);
