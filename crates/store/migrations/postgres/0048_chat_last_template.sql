-- SQLite keeps a chat's last template on its conversation's row and dropped its index of
-- templated messages by chat. PostgreSQL keeps the index and does not maintain the column; it
-- exists here so both engines' state files have the same shape.
ALTER TABLE conversations ADD COLUMN last_template_id TEXT;
