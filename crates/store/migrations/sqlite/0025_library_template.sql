-- A template created from the Template Library keeps the library template's name
-- (`library_template_name` in GET /{template-id} and the WABA's template list).
ALTER TABLE templates ADD COLUMN library_template_name TEXT;
