//! Payments (issue #18 part 3): orders sent with order_details and their payment events.

use super::webhooks::outbox_insert_where;

macro_rules! order_cols {
    () => {
        "phone_number_id, reference_id, business_id, wa_id, message_id, body_hash, currency, total_value, order_status, payment_status, provider, session_id, session_url, transaction_id, attempts, created_at, updated_at"
    };
}

crate::sql::statements! {
    both PAYMENT_ORDER = concat!("SELECT ", order_cols!(), " FROM payment_orders WHERE phone_number_id = $1 AND reference_id = $2");
    both PAYMENT_ORDERS = concat!("SELECT ", order_cols!(), " FROM payment_orders WHERE phone_number_id = $1 ORDER BY created_at DESC, reference_id LIMIT $2");
    /// One chat's orders (number `$1`, customer `$2`), newest first.
    both CHAT_PAYMENT_ORDERS = concat!("SELECT ", order_cols!(), " FROM payment_orders WHERE phone_number_id = $1 AND wa_id = $2 ORDER BY created_at DESC, reference_id LIMIT $3");
    both INSERT_PAYMENT_ORDER = concat!("INSERT INTO payment_orders (", order_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT (phone_number_id, reference_id) DO NOTHING");
    both SET_ORDER_STATUS = "UPDATE payment_orders SET order_status = $1, updated_at = $2 WHERE phone_number_id = $3 AND reference_id = $4 AND order_status = $5";
    both SET_CHECKOUT = "UPDATE payment_orders SET session_id = $1, session_url = $2, updated_at = $3 WHERE phone_number_id = $4 AND reference_id = $5";
    both INSERT_PAYMENT_EVENT = "INSERT INTO payment_events (phone_number_id, event_key, reference_id, status, transaction_id, token, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (phone_number_id, event_key) DO NOTHING";
    /// Applies only if the event row of this commit (its token) was inserted, and never to a
    /// captured order: a repeated event or a second capture changes nothing.
    both APPLY_PAYMENT_EVENT = "UPDATE payment_orders SET payment_status = $1, transaction_id = $2, event_token = $3, attempts = attempts + 1, updated_at = $4 WHERE phone_number_id = $5 AND reference_id = $6 AND payment_status <> 'captured' AND EXISTS (SELECT 1 FROM payment_events e WHERE e.phone_number_id = $5 AND e.event_key = $7 AND e.token = $3)";
    /// An erased customer's orders stay the business's records, under the pseudonym.
    both PSEUDONYMIZE_PAYMENT_ORDERS = "UPDATE payment_orders SET wa_id = $1 WHERE wa_id = $2";
    both OUTBOX_IF_PAYMENT_EVENT = outbox_insert_where!("SELECT 1 FROM payment_orders WHERE phone_number_id = $8 AND reference_id = $9 AND event_token = $10");
}
