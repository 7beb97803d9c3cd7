//! Catalogs, products and orders (issue #18).

super::statements! {
    both INSERT_CATALOG = "INSERT INTO catalogs (id, business_id, name, vertical, waba_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    both UPDATE_CATALOG = "UPDATE catalogs SET name = $1, vertical = $2, waba_id = $3, updated_at = $4 WHERE id = $5";
    both DELETE_CATALOG_PRODUCTS = "DELETE FROM catalog_products WHERE catalog_id = $1";
    both DELETE_CATALOG = "DELETE FROM catalogs WHERE id = $1";
    both DELETE_CATALOG_OBJECT = "DELETE FROM objects WHERE id = $1 AND kind = 'catalog'";
    both CATALOG = "SELECT id, business_id, name, vertical, waba_id, created_at, updated_at FROM catalogs WHERE id = $1";
    both CATALOGS = "SELECT id, business_id, name, vertical, waba_id, created_at, updated_at FROM catalogs WHERE business_id = $1 ORDER BY created_at, id";
    both WABA_CATALOG = "SELECT id, business_id, name, vertical, waba_id, created_at, updated_at FROM catalogs WHERE waba_id = $1 ORDER BY updated_at DESC LIMIT 1";
    both PRODUCTS = "SELECT id, catalog_id, retailer_id, name, description, price, currency, availability, condition, image_url, url, item_group_id, variant, created_at, updated_at FROM catalog_products WHERE catalog_id = $1 ORDER BY retailer_id";
    both PRODUCT = "SELECT id, catalog_id, retailer_id, name, description, price, currency, availability, condition, image_url, url, item_group_id, variant, created_at, updated_at FROM catalog_products WHERE catalog_id = $1 AND retailer_id = $2";
    // A new product: the unique (catalog, retailer id) refuses one the catalog has (Conflict),
    // where the batch's upsert replaces it.
    both INSERT_PRODUCT = "INSERT INTO catalog_products (id, catalog_id, retailer_id, name, description, price, currency, availability, condition, image_url, url, item_group_id, variant, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
    both UPSERT_PRODUCT = "INSERT INTO catalog_products (id, catalog_id, retailer_id, name, description, price, currency, availability, condition, image_url, url, item_group_id, variant, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (catalog_id, retailer_id) DO UPDATE SET name = excluded.name, description = excluded.description, price = excluded.price, currency = excluded.currency, availability = excluded.availability, condition = excluded.condition, image_url = excluded.image_url, url = excluded.url, item_group_id = excluded.item_group_id, variant = excluded.variant, updated_at = excluded.updated_at";
    both DELETE_PRODUCT = "DELETE FROM catalog_products WHERE catalog_id = $1 AND retailer_id = $2";
    both INSERT_ORDER = "INSERT INTO orders (id, reference, business_id, phone_number_id, wa_id, message_id, catalog_id, items, note, currency, total, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    both ORDER = "SELECT id, reference, business_id, phone_number_id, wa_id, message_id, catalog_id, items, note, currency, total, created_at FROM orders WHERE id = $1";
    both CONVERSATION_ORDERS = "SELECT id, reference, business_id, phone_number_id, wa_id, message_id, catalog_id, items, note, currency, total, created_at FROM orders WHERE phone_number_id = $1 AND wa_id = $2 ORDER BY created_at, id";
    // An erased customer's orders stay the business's records under the pseudonym; the note
    // they wrote goes.
    both PSEUDONYMIZE_ORDERS = "UPDATE orders SET wa_id = $1, note = '' WHERE wa_id = $2";
}
