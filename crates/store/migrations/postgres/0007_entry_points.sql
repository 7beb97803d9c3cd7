-- Free entry point windows: a customer's arrival through a click-to-WhatsApp ad on a business
-- number, and the 72-hour window the business's first answer within 24 hours opens.
CREATE TABLE entry_points (
    phone_number_id TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    referral_at     BIGINT NOT NULL,
    opened_at       BIGINT,
    expires_at      BIGINT,
    PRIMARY KEY (phone_number_id, wa_id)
);
