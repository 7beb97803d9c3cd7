-- Customers as nodes cache them (profile names, usernames, business-scoped ids: what a
-- message's webhook shows of its customer) notify every node at the commit, as the other
-- cached tables do (0043), so a node keeps them until they change rather than for a few
-- seconds. Only changes notify: a new customer or a new business-scoped id is nothing a node
-- had cached, and an upsert that keeps a customer's name changes nothing.
CREATE TRIGGER customers_renamed AFTER UPDATE ON customers FOR EACH ROW WHEN (OLD.profile_name IS DISTINCT FROM NEW.profile_name) EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER customers_removed AFTER DELETE ON customers FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER customer_usernames_changed AFTER INSERT OR UPDATE OR DELETE ON customer_usernames FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
CREATE TRIGGER user_ids_changed AFTER UPDATE OR DELETE ON user_ids FOR EACH STATEMENT EXECUTE FUNCTION risala_table_changed();
