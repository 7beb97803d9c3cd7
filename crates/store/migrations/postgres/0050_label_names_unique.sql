-- A business's label names are one label in any case ("VIP" and "vip"). The service checked
-- it by reading the labels before writing, so two creates at the same moment (two admins, a
-- form sent twice, a bot and a person) could both pass and leave two labels of one name. The
-- database now holds it: `name_key` is the name as the service folds it (trimmed, lower case,
-- `risala_core::store::label_key`), unique per business; a create that loses the race gets the
-- unique violation, which the store answers as Conflict and the page as "there is a label …
-- already".
ALTER TABLE inbox_labels ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
-- Rows written before are folded here by SQL's lower(), which folds every script on a UTF-8
-- database with a UTF-8 locale (on the "C" locale, ASCII letters only: a name with other
-- capitals keeps them in its key, and the service's own check, which folds every script,
-- still finds it).
UPDATE inbox_labels SET name_key = lower(trim(name));
-- Labels that already share a name are merged into the business's first of that name (the
-- oldest, then the lowest id): each conversation labelled by a later one is labelled by the
-- first, then the later ones go. Merged rather than renamed ("vip (2)"), because the names say
-- they are one label: the team meant one "VIP", the bots and the FAQ's hand-off already pick a
-- label by its name in any case (so only ever used one of them), and filtering the inbox by the
-- label should find every conversation that has it. Nothing a conversation shows is lost; what
-- goes is the later rows' id and colour.
INSERT INTO conversation_labels (phone_number_id, wa_id, label_id)
SELECT cl.phone_number_id, cl.wa_id,
       (SELECT f.id FROM inbox_labels f WHERE f.business_id = l.business_id AND f.name_key = l.name_key
        ORDER BY f.created_at, f.id LIMIT 1)
FROM conversation_labels cl JOIN inbox_labels l ON l.id = cl.label_id
WHERE EXISTS (SELECT 1 FROM inbox_labels f WHERE f.business_id = l.business_id AND f.name_key = l.name_key
              AND (f.created_at < l.created_at OR (f.created_at = l.created_at AND f.id < l.id)))
ON CONFLICT DO NOTHING;
DELETE FROM conversation_labels WHERE label_id IN (
    SELECT l.id FROM inbox_labels l
    WHERE EXISTS (SELECT 1 FROM inbox_labels f WHERE f.business_id = l.business_id AND f.name_key = l.name_key
                  AND (f.created_at < l.created_at OR (f.created_at = l.created_at AND f.id < l.id)))
);
DELETE FROM inbox_labels WHERE EXISTS (
    SELECT 1 FROM inbox_labels f WHERE f.business_id = inbox_labels.business_id AND f.name_key = inbox_labels.name_key
    AND (f.created_at < inbox_labels.created_at OR (f.created_at = inbox_labels.created_at AND f.id < inbox_labels.id))
);
CREATE UNIQUE INDEX inbox_labels_name_key ON inbox_labels(business_id, name_key);
