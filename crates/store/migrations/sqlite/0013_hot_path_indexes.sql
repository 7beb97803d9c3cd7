-- Every accepted message and every webhook delivery used to move entries in indexes that no
-- query needs in that shape; each such entry is a page written at commit. What the queries
-- need is kept, smaller.

-- A customer's chat list sorts their few conversations itself; an index on the time of the
-- last message moved an entry on every message.
DROP INDEX conversations_customer;
CREATE INDEX conversations_customer ON conversations(wa_id);

-- Messages a customer has yet to receive: only outbound messages still 'sent'.
DROP INDEX messages_pending;
CREATE INDEX messages_undelivered ON messages(wa_id, seq) WHERE direction = 'out' AND status = 'sent';

-- The delivery worker asks only about pending rows (when is the next one due) and dead ones
-- (how many); delivered rows, nearly all of them, no longer sit in an index by state.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox(id) WHERE state = 'dead';

-- The change feed reads rows that changed since a point: a row that never changed is not in it.
DROP INDEX outbox_updated;
CREATE INDEX outbox_updated ON outbox(updated_at, id) WHERE updated_at IS NOT NULL;
