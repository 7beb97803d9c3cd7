-- A customer's choice to stop (or resume) marketing messages from a business.
CREATE TABLE marketing_preferences (
    business_id TEXT NOT NULL,
    wa_id       TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (business_id, wa_id)
);
