-- Business-scoped user ids (BSUIDs), usernames and number changes.
--
-- A BSUID names one customer number to one business (Meta: one per business portfolio and
-- user): random, kept here, looked up by value when a business sends with `recipient`. A
-- number change gives the customer new ones (Meta regenerates BSUIDs then); the old ones are
-- deleted and so become unknown. `number_shared_at`: when the business last sent `to` this
-- number, which shows it the number of a customer who hides it for 30 days.
CREATE TABLE user_ids (
    business_id      TEXT NOT NULL,
    wa_id            TEXT NOT NULL,
    user_id          TEXT NOT NULL UNIQUE,
    number_shared_at INTEGER,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (business_id, wa_id)
);

-- A customer's username (unique when set) and whether they hide their number from businesses.
CREATE TABLE customer_usernames (
    wa_id       TEXT PRIMARY KEY,
    username    TEXT UNIQUE,
    hide_number INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
);

-- Numbers customers moved away from: a message to one fails (131026) instead of reaching, or
-- creating, a customer.
CREATE TABLE number_changes (
    old_wa_id  TEXT PRIMARY KEY,
    new_wa_id  TEXT NOT NULL,
    changed_at INTEGER NOT NULL
);
