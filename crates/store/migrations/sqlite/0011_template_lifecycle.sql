-- Template lifecycle: the times an APPROVED template was edited (JSON array of milliseconds,
-- the last 30 days), and the status an ARCHIVED or LIMIT_EXCEEDED template returns to.
ALTER TABLE templates ADD COLUMN approved_edits TEXT NOT NULL DEFAULT '[]';
ALTER TABLE templates ADD COLUMN status_before TEXT;

-- Per-WABA settings an operator changes: the pricing model (PMP or CBP) and whether the
-- business portfolio is verified (6,000 templates instead of 250). No row: PMP, not verified.
CREATE TABLE waba_settings (
    waba_id       TEXT PRIMARY KEY REFERENCES wabas(id),
    pricing_model TEXT NOT NULL,
    verified      BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
