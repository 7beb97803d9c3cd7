-- Sandbox error-injection rules (/sandbox/v1/faults): the rule as JSON, who made it (NULL: the
-- operator, applying to every business), and how many matching requests it has counted, so
-- "next N" and "every Nth" rules keep their place across restarts and nodes.
CREATE TABLE sandbox_faults (
    id TEXT PRIMARY KEY,
    business_id TEXT,
    rule TEXT NOT NULL,
    hits BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
