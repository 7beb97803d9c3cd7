-- Template settings SDKs read and write: message_send_ttl_seconds, sub_category,
-- cta_url_link_tracking_opted_out. Every outbound message carries the end of its time-to-live:
-- a message still undelivered then is dropped (a failed status, never delivered, not billed).
ALTER TABLE templates ADD COLUMN message_send_ttl_seconds BIGINT;
ALTER TABLE templates ADD COLUMN sub_category TEXT;
ALTER TABLE templates ADD COLUMN cta_url_link_tracking_opted_out BIGINT;
ALTER TABLE messages ADD COLUMN expires_at BIGINT;
CREATE INDEX messages_expiry ON messages(expires_at) WHERE status = 'sent';
