-- A number's rating change marks the row with a token of its own, so the webhook row queued
-- with it is inserted only if this change applied: a guard on the new rating alone also
-- passed for a concurrent change to the same rating that found the row already changed,
-- and queued its webhook a second time.
ALTER TABLE phone_numbers ADD COLUMN rating_change_token TEXT;
