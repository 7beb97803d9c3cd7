-- A WABA's settings (its pricing model: per-message or conversation-based) notify every node
-- at the commit, as the other cached tables do (0043), so a node keeps them until they change
-- rather than for a few seconds.
CREATE TRIGGER waba_settings_changed AFTER INSERT OR UPDATE OR DELETE ON waba_settings FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
