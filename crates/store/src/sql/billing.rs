//! Rate cards, per-message pricing, entry points, marketing preferences and the ledger.

/// The latest rate card in effect at `$1` (a card loaded later for the same date replaces the
/// earlier).
macro_rules! card_at {
    () => {
        "(SELECT id FROM rate_cards WHERE effective_from <= $1 ORDER BY effective_from DESC, loaded_at DESC, id DESC LIMIT 1)"
    };
}

super::statements! {
    /// A sent message opens the free entry point window it is the answer to.
    both OPEN_ENTRY_POINT = "UPDATE entry_points SET opened_at = $1, expires_at = $2 WHERE phone_number_id = $3 AND wa_id = $4 AND opened_at IS NULL";
    /// A customer's arrival through an ad (replacing an earlier one whose window is not open).
    both RECORD_REFERRAL = "INSERT INTO entry_points (phone_number_id, wa_id, referral_at, opened_at, expires_at) VALUES ($1, $2, $3, NULL, NULL) ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET referral_at = CASE WHEN entry_points.expires_at > excluded.referral_at THEN entry_points.referral_at ELSE excluded.referral_at END, opened_at = CASE WHEN entry_points.expires_at > excluded.referral_at THEN entry_points.opened_at ELSE NULL END, expires_at = CASE WHEN entry_points.expires_at > excluded.referral_at THEN entry_points.expires_at ELSE NULL END";
    /// The charge of a message this status change (`$1` at, `$2` message, `$3` status)
    /// delivers, only if the change applied; at most once per message.
    both CHARGE = "INSERT INTO ledger (message_id, business_id, waba_id, phone_number_id, wa_id, country, category, pricing_type, amount_micros, charged_at, tier, conversation_id) SELECT m.id, m.business_id, m.price_waba_id, m.phone_number_id, m.wa_id, m.price_country, m.price_category, m.price_type, CASE WHEN m.price_conversation_id IS NULL THEN m.price_micros ELSE COALESCE((SELECT c.amount_micros FROM cbp_conversations c WHERE c.id = m.price_conversation_id AND c.delivered_at IS NULL), 0) END, CAST($1 AS BIGINT), m.price_tier, m.price_conversation_id FROM messages m WHERE m.id = $2 AND m.status = $3 AND m.updated_at = CAST($1 AS BIGINT) AND m.price_category IS NOT NULL ON CONFLICT (message_id) DO NOTHING";
    both INSERT_RATE_CARD = "INSERT INTO rate_cards (id, name, currency, effective_from, loaded_at) VALUES ($1, $2, $3, $4, $5)";
    both INSERT_RATE_TIER = "INSERT INTO rate_tiers (card_id, country, category, from_volume, amount_micros) VALUES ($1, $2, $3, $4, $5)";
    both INSERT_RATE = "INSERT INTO rates (card_id, country, category, amount_micros) VALUES ($1, $2, $3, $4)";
    both RATE_CARDS = "SELECT c.id, c.name, c.currency, c.effective_from, c.loaded_at, (SELECT count(*) FROM rates r WHERE r.card_id = c.id) FROM rate_cards c ORDER BY c.effective_from, c.loaded_at";
    /// The country's own row before the default row `*`.
    both RATE = concat!(
        "SELECT r.amount_micros FROM rates r WHERE r.card_id = ",
        card_at!(),
        " AND r.category = $2 AND r.country IN ($3, '*') ORDER BY CASE WHEN r.country = '*' THEN 1 ELSE 0 END LIMIT 1"
    );
    both ENTRY_POINT = "SELECT referral_at, opened_at, expires_at FROM entry_points WHERE phone_number_id = $1 AND wa_id = $2";
    both ANY_ENTRY_POINT = "SELECT 1 FROM entry_points WHERE phone_number_id = $1 LIMIT 1";
    /// `$2` is one customer, or `''` for every customer of the number.
    both CONVERSATION_WINDOWS = concat!(
        "SELECT * FROM (SELECT c.phone_number_id, c.wa_id, c.last_inbound_at, c.last_message_at",
        ", e.referral_at, e.opened_at, e.expires_at FROM conversations c LEFT JOIN entry_points e ON e.phone_number_id = c.phone_number_id AND e.wa_id = c.wa_id WHERE c.phone_number_id = $1 AND ($2 = '' OR c.wa_id = $2)) t ORDER BY last_message_at DESC LIMIT $3"
    );
    both SET_MARKETING_PREFERENCE = "INSERT INTO marketing_preferences (business_id, wa_id, value, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (business_id, wa_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
    both MARKETING_PREFERENCE = "SELECT value FROM marketing_preferences WHERE business_id = $1 AND wa_id = $2";
    /// The country's tiers, or the default row's when the card has no rate for the country.
    both RATE_TIERS = concat!(
        "SELECT t.from_volume, t.amount_micros FROM rate_tiers t WHERE t.card_id = ",
        card_at!(),
        " AND t.category = $2 AND t.country = CASE WHEN EXISTS (SELECT 1 FROM rates r WHERE r.card_id = t.card_id AND r.country = $3 AND r.category = $2) THEN $3 ELSE '*' END ORDER BY t.from_volume"
    );
    both MONTH_VOLUME = "SELECT count(*) FROM ledger WHERE business_id = $1 AND category = $2 AND country = $3 AND charged_at >= $4 AND pricing_type = 'regular'";
    both OUTBOUND_STATS = "SELECT p.number, m.wa_id, m.created_at, m.status FROM messages m JOIN phone_numbers p ON p.id = m.phone_number_id WHERE p.waba_id = $1 AND m.direction = 'out' AND m.created_at >= $2 AND m.created_at < $3";
    both LEDGER = "SELECT message_id, waba_id, phone_number_id, country, category, pricing_type, amount_micros, charged_at, tier FROM ledger WHERE waba_id = $1 AND charged_at >= $2 AND charged_at < $3 ORDER BY charged_at, message_id";
}
