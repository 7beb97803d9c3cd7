-- Sign-in codes: failed attempts count across re-issued codes (a new code no longer resets
-- them) and lock the number until locked_until. Codes are now stored as an HMAC keyed with a
-- server secret: a code issued before this migration (bare SHA-256) no longer matches and must
-- be asked for again (codes last ten minutes).
ALTER TABLE customer_codes ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;
