-- A customer's undelivered messages (outbound, still `sent`) are found through their
-- conversations: each keeps the lowest seq at which one may wait (NULL when none waits), and
-- the chat index is read from there. The index by customer that answered it before
-- (`messages_undelivered`) cost a random page write for every message sent and another when
-- it was delivered; the conversation's row is written by every message anyway.
ALTER TABLE conversations ADD COLUMN undelivered_from INTEGER;
UPDATE conversations SET undelivered_from = (
    SELECT MIN(m.seq) FROM messages m
    WHERE m.phone_number_id = conversations.phone_number_id AND m.wa_id = conversations.wa_id
      AND m.direction = 'out' AND m.status = 'sent'
);
DROP INDEX messages_undelivered;
