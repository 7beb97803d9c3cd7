//! Contacts as a small CRM: fields, contacts, opt-ins.

crate::sql::statements! {
    both CONTACT_FIELDS = "SELECT id, business_id, key, label, kind, options, created_at FROM contact_fields WHERE business_id = $1 ORDER BY key";
    both INSERT_CONTACT_FIELD = "INSERT INTO contact_fields (id, business_id, key, label, kind, options, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (business_id, key) DO NOTHING";
    both DELETE_CONTACT_FIELD = "DELETE FROM contact_fields WHERE business_id = $1 AND id = $2";
    both CRM_CONTACTS = "SELECT business_id, wa_id, name, fields, created_at, updated_at FROM crm_contacts WHERE business_id = $1 AND ($2 = '' OR lower(name) LIKE $2 OR wa_id LIKE $2) AND wa_id > $3 ORDER BY wa_id LIMIT $4";
    both CRM_CONTACT = "SELECT business_id, wa_id, name, fields, created_at, updated_at FROM crm_contacts WHERE business_id = $1 AND wa_id = $2";
    both PUT_CRM_CONTACT = "INSERT INTO crm_contacts (business_id, wa_id, name, fields, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (business_id, wa_id) DO UPDATE SET name = excluded.name, fields = excluded.fields, updated_at = excluded.updated_at";
    both DELETE_CRM_CONTACT = "DELETE FROM crm_contacts WHERE business_id = $1 AND wa_id = $2";
    both DELETE_OPT_INS = "DELETE FROM contact_opt_ins WHERE business_id = $1 AND wa_id = $2";
    both OPT_INS = "SELECT id, business_id, wa_id, topic, opted_in, source, at FROM contact_opt_ins WHERE business_id = $1 AND wa_id = $2 ORDER BY at, id";
    /// Erasure of a customer (`$1`): their contact rows and opt-ins at every business.
    both ERASE_CRM_CONTACTS = "DELETE FROM crm_contacts WHERE wa_id = $1";
    both ERASE_OPT_INS = "DELETE FROM contact_opt_ins WHERE wa_id = $1";
    both INSERT_OPT_IN = "INSERT INTO contact_opt_ins (id, business_id, wa_id, topic, opted_in, source, at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
}
