-- Several nodes on one database (issue #19): the fleet's shared sending limits, one token
-- bucket per key. SQLite serves one node, which counts in memory,
-- so the table stays empty here; it exists so both engines have one schema. (PostgreSQL also
-- gets triggers that tell every node when cached tables change.)
CREATE TABLE fleet_buckets (
    key     TEXT PRIMARY KEY,
    -- The bucket as a generic cell rate: the theoretical time (µs) at which every token taken
    -- so far would have refilled; the bucket is full when it is not later than now.
    tat     BIGINT NOT NULL,
    -- Tokens the last take got (the statement that takes reports it here).
    granted BIGINT NOT NULL DEFAULT 0
);
