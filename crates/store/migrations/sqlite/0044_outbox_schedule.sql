-- SQLite's webhook worker now chooses its rows from the pending rows it keeps in memory (one
-- process owns the database), so no query asks for a conversation's pending rows any more:
-- the index only cost two random page writes per webhook (its entry made, then removed).
DROP INDEX outbox_pending_order;
