-- SQLite finds a chat's messages by links from its conversation (`prev`, `last_rowid`) and
-- dropped its chat index. PostgreSQL, whose nodes write a chat concurrently, keeps the index
-- and does not maintain the columns; they exist here so both engines' state files have the
-- same shape.
ALTER TABLE messages ADD COLUMN prev BIGINT;
ALTER TABLE conversations ADD COLUMN last_rowid BIGINT;
