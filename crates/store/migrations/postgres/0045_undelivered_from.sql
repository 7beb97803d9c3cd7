-- SQLite now finds a customer's undelivered messages through their conversations (the lowest
-- seq at which one may wait) and dropped its index by customer. PostgreSQL's nodes write a
-- conversation's rows concurrently, so it keeps the index (`messages_undelivered`) and does
-- not maintain the column; it exists here so both engines' state files have the same shape.
ALTER TABLE conversations ADD COLUMN undelivered_from BIGINT;
