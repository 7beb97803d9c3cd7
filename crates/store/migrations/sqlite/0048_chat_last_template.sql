-- The last template sent in a chat (what a customer's block or report is held against) is kept
-- on its conversation's row, which every message rewrites anyway, instead of being found
-- through an index of templated messages by chat (`messages_template`: number, customer, seq),
-- which put every template message on a random page of it: 22.7 of the 78.8 pages a commit
-- of template sends wrote.
ALTER TABLE conversations ADD COLUMN last_template_id TEXT;
UPDATE conversations SET last_template_id = t.tid FROM (
    SELECT phone_number_id AS pn, wa_id AS wa, template_id AS tid, MAX(rowid) FROM messages
    WHERE template_id IS NOT NULL AND direction = 'out' GROUP BY phone_number_id, wa_id
) AS t WHERE conversations.phone_number_id = t.pn AND conversations.wa_id = t.wa;
DROP INDEX messages_template;
