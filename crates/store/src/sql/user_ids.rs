//! Business-scoped user ids, usernames and number changes.

super::statements! {
    /// `$1` the business, `$2` the number.
    both CONTACT = "SELECT c.wa_id, c.profile_name, n.username, COALESCE(n.hide_number, 0), u.user_id, u.number_shared_at FROM customers c LEFT JOIN customer_usernames n ON n.wa_id = c.wa_id LEFT JOIN user_ids u ON u.business_id = $1 AND u.wa_id = c.wa_id WHERE c.wa_id = $2";
    both INSERT_USER_ID = "INSERT INTO user_ids (business_id, wa_id, user_id, number_shared_at, created_at) VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (business_id, wa_id) DO NOTHING";
    both USER_ID = "SELECT user_id FROM user_ids WHERE business_id = $1 AND wa_id = $2";
    both USER_ID_OWNER = "SELECT wa_id FROM user_ids WHERE user_id = $1 AND business_id = $2";
    both SHARE_NUMBER = "UPDATE user_ids SET number_shared_at = $1 WHERE business_id = $2 AND wa_id = $3";
    both USERNAME_OWNER = "SELECT wa_id FROM customer_usernames WHERE username = $1";
    both SET_USERNAME = "INSERT INTO customer_usernames (wa_id, username, hide_number, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (wa_id) DO UPDATE SET username = excluded.username, hide_number = excluded.hide_number, updated_at = excluded.updated_at";
    both USER_ID_BUSINESSES = "SELECT business_id FROM user_ids WHERE wa_id = $1 ORDER BY business_id";
    both MOVED_TO = "SELECT new_wa_id FROM number_changes WHERE old_wa_id = $1";

    // A number change: `$1` the new number, `$2` the old one, unless said otherwise. The new
    // customer row first, the old one last, children in between (with the statements erasure
    // shares: `privacy::{ERASE_CODES, ERASE_CUSTOMER}`, and the kept rows it moves as erasure does).
    both MOVE_CUSTOMER = "INSERT INTO customers (wa_id, profile_name, created_at) SELECT CAST($1 AS TEXT), profile_name, created_at FROM customers WHERE wa_id = $2";
    both MOVE_SESSIONS = "UPDATE customer_sessions SET wa_id = $1 WHERE wa_id = $2";
    both MOVE_CONVERSATIONS = "UPDATE conversations SET wa_id = $1 WHERE wa_id = $2";
    both MOVE_MESSAGES = "UPDATE messages SET wa_id = $1 WHERE wa_id = $2";
    both MOVE_MEDIA = "UPDATE media SET owner_wa_id = $1 WHERE owner_wa_id = $2";
    both MOVE_BLOCKS = "UPDATE chat_blocks SET wa_id = $1 WHERE wa_id = $2";
    both MOVE_PREFERENCES = "UPDATE marketing_preferences SET wa_id = $1 WHERE wa_id = $2";
    both MOVE_ENTRY_POINTS = "UPDATE entry_points SET wa_id = $1 WHERE wa_id = $2";
    both MOVE_USERNAME = "UPDATE customer_usernames SET wa_id = $1 WHERE wa_id = $2";
    /// `$1` the old number, `$2` the new one, `$3` when.
    both RECORD_NUMBER_CHANGE = "INSERT INTO number_changes (old_wa_id, new_wa_id, changed_at) VALUES ($1, $2, $3) ON CONFLICT (old_wa_id) DO UPDATE SET new_wa_id = excluded.new_wa_id, changed_at = excluded.changed_at";
    // Erasure of a customer (`$1` the number): their username, BSUIDs and number changes.
    both ERASE_USERNAME = "DELETE FROM customer_usernames WHERE wa_id = $1";
    both ERASE_USER_IDS = "DELETE FROM user_ids WHERE wa_id = $1";
    both ERASE_NUMBER_CHANGES = "DELETE FROM number_changes WHERE old_wa_id = $1 OR new_wa_id = $1";
    /// `$1` the new number: it is in use again.
    both CLEAR_NUMBER_CHANGE = "DELETE FROM number_changes WHERE old_wa_id = $1";
}
