-- Official business accounts, the verified badge (issue #18): a number's badge, and every
-- request for it: the evidence submitted (JSON), the criteria checks at submission (JSON), the
-- status (PENDING, APPROVED, REJECTED), the rejection reasons (a JSON array), when the rules
-- decide a request no operator decided (due_at), and who decided (operator, rules). At most one
-- request of a number is pending; decision_token is written by the decision that won, so its
-- badge and webhook are written once.
ALTER TABLE phone_numbers ADD COLUMN official_business_account BIGINT NOT NULL DEFAULT 0;

CREATE TABLE oba_requests (
    id              TEXT PRIMARY KEY,
    phone_number_id TEXT NOT NULL REFERENCES phone_numbers(id),
    business_id     TEXT NOT NULL REFERENCES businesses(id),
    waba_id         TEXT NOT NULL,
    status          TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    criteria_checks TEXT NOT NULL,
    reasons         TEXT NOT NULL,
    submitted_at    BIGINT NOT NULL,
    due_at          BIGINT NOT NULL,
    decided_at      BIGINT,
    decided_by      TEXT,
    decision_token  TEXT
);
CREATE INDEX oba_requests_number ON oba_requests(phone_number_id, submitted_at);
CREATE INDEX oba_requests_due ON oba_requests(status, due_at);
CREATE UNIQUE INDEX oba_requests_one_pending ON oba_requests(phone_number_id) WHERE status = 'PENDING';
