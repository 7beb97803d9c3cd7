-- A chat's messages are found from its conversation, not through an index ordered by chat.
-- Each message names the one before it in its chat (`prev`, a rowid) and each conversation
-- its last (`last_rowid`), so a message written costs no page of its own beyond the row it
-- appends and the conversation row it rewrites anyway. The chat index it replaces
-- (`messages_chat`: number, customer, seq) put every message on a random page of the index,
-- a third to a half of the pages a commit wrote. A chat is read by walking back from its last
-- message; the order of the links is the order of the commits (rowids), which is what makes
-- `undelivered_from` (now a rowid, the lowest at which a message may still wait) a bound a
-- walk can stop at.
ALTER TABLE messages ADD COLUMN prev INTEGER;
ALTER TABLE conversations ADD COLUMN last_rowid INTEGER;
UPDATE messages SET prev = l.p FROM (
    SELECT rowid AS r, LAG(rowid) OVER (PARTITION BY phone_number_id, wa_id ORDER BY rowid) AS p FROM messages
) AS l WHERE messages.rowid = l.r AND l.p IS NOT NULL;
UPDATE conversations SET last_rowid = l.r FROM (
    SELECT phone_number_id AS pn, wa_id AS wa, MAX(rowid) AS r FROM messages GROUP BY phone_number_id, wa_id
) AS l WHERE conversations.phone_number_id = l.pn AND conversations.wa_id = l.wa;
UPDATE conversations SET undelivered_from = NULL;
UPDATE conversations SET undelivered_from = w.r FROM (
    SELECT phone_number_id AS pn, wa_id AS wa, MIN(rowid) AS r FROM messages
    WHERE direction = 'out' AND status = 'sent' GROUP BY phone_number_id, wa_id
) AS w WHERE conversations.phone_number_id = w.pn AND conversations.wa_id = w.wa;
DROP INDEX messages_chat;
-- What read a number's messages by the chat index's first column (the quality rating's count
-- of messages sent, the WABA's outbound statistics) reads them by time instead: each number's
-- entries are appended at the end of its range, a page per number a commit writes to.
CREATE INDEX messages_number_time ON messages(phone_number_id, created_at);
