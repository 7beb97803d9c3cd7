-- Retention and erasure: a message whose body expired (retention) or was erased on request
-- keeps its row (id, type, status, times; its pricing rows stay) with a tombstone for a body;
-- erased_at marks it, and the retention sweep reads the bodies still kept, oldest first.
ALTER TABLE messages ADD COLUMN erased_at BIGINT;
CREATE INDEX messages_body_age ON messages(created_at) WHERE erased_at IS NULL;

-- The audit log: who did what to which object, when, from which address. Ids only, never
-- message text or a customer's profile; customer erasure leaves it as it is.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    business_id TEXT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    address     TEXT
);
CREATE INDEX audit_log_time ON audit_log(at, id);
CREATE INDEX audit_log_business ON audit_log(business_id, at, id);
