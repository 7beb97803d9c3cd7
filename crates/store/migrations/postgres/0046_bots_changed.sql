-- Each node keeps, for a second, which numbers have neither bots nor bot runs, so a message to
-- such a number reads nothing more; a bot made through another node tells every node at the
-- commit, as the other cached tables do (0043).
CREATE TRIGGER bot_revisions_changed AFTER INSERT OR UPDATE OR DELETE ON bot_revisions FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
