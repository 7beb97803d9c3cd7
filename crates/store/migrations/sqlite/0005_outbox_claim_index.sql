-- The outbox claim asks, per candidate row, whether an earlier row of the same conversation
-- is still pending. Without this index that question walks every delivered row of the
-- conversation too, so claims grew slower as history grew.
CREATE INDEX outbox_pending_order ON outbox(ordering_key, id) WHERE state = 'pending';
-- Nothing else asks for a conversation's rows, and an index over every row of every
-- conversation only costs writes.
DROP INDEX outbox_order;
