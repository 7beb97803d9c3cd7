-- SQLite's webhook worker asks its in-memory schedule when the next pending row is due (one
-- process owns the database), so the index of pending rows by due time is no longer read: it
-- only cost two B-tree changes per webhook (its entry made, then removed on delivery).
-- Statements that still filter pending rows by due time (an endpoint resumed) walk
-- `outbox_pending`.
DROP INDEX outbox_due;
