-- Several nodes on one database (issue #19).
--
-- The fleet's shared sending limits: one token bucket per key (a number's throughput, a
-- number and customer's pair rate). Nodes lease tokens from it
-- in small chunks, so the fleet together never sends more than one bucket allows.
CREATE TABLE fleet_buckets (
    key     TEXT PRIMARY KEY,
    -- The bucket as a generic cell rate: the theoretical time (µs) at which every token taken
    -- so far would have refilled; the bucket is full when it is not later than now.
    tat     BIGINT NOT NULL,
    -- Tokens the last take got (the statement that takes reports it here).
    granted BIGINT NOT NULL DEFAULT 0
);

-- Tables whose rows nodes cache: a change, made by any process, tells every node of the
-- schema's fleet at its commit (one notification per statement, identical ones in a
-- transaction folded into one), so each drops what it cached from that table at once.
CREATE OR REPLACE FUNCTION risala_table_changed() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN PERFORM pg_notify(''risala_'' || current_schema(), json_build_object(''node'', '''', ''events'', json_build_array(json_build_object(''k'', ''changed'', ''table'', TG_TABLE_NAME)))::text); RETURN NULL; END';
CREATE TRIGGER tokens_changed AFTER INSERT OR UPDATE OR DELETE ON tokens FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER phone_numbers_changed AFTER INSERT OR UPDATE OR DELETE ON phone_numbers FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER chat_blocks_changed AFTER INSERT OR UPDATE OR DELETE ON chat_blocks FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER objects_changed AFTER UPDATE OR DELETE ON objects FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER entry_points_changed AFTER INSERT OR UPDATE OR DELETE ON entry_points FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER tool_hours_changed AFTER INSERT OR UPDATE OR DELETE ON tool_hours FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER faq_entries_changed AFTER INSERT OR UPDATE OR DELETE ON faq_entries FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER sandbox_faults_changed AFTER INSERT OR UPDATE OR DELETE ON sandbox_faults FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER webhook_app_subscriptions_changed AFTER INSERT OR UPDATE OR DELETE ON webhook_app_subscriptions FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER webhook_waba_subscriptions_changed AFTER INSERT OR UPDATE OR DELETE ON webhook_waba_subscriptions FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER webhook_number_overrides_changed AFTER INSERT OR UPDATE OR DELETE ON webhook_number_overrides FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
