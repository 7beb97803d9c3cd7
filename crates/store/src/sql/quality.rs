//! Messaging limits, blocks and quality signals.

use super::webhooks::outbox_insert_where;

super::statements! {
    /// A customer's latest reach by a business-initiated message.
    both RECORD_REACH = "INSERT INTO limit_reach (business_id, wa_id, reached_at) VALUES ($1, $2, $3) ON CONFLICT (business_id, wa_id) DO UPDATE SET reached_at = excluded.reached_at";
    /// The business's limit row, created at the first reach; `$4` marks half the limit used.
    both MARK_LIMIT_USE = "INSERT INTO business_limits (business_id, tier, tier_since, half_used_first_at, half_used_last_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (business_id) DO UPDATE SET half_used_first_at = COALESCE(business_limits.half_used_first_at, excluded.half_used_first_at), half_used_last_at = COALESCE(excluded.half_used_last_at, business_limits.half_used_last_at)";
    both LIMIT_USAGE = "SELECT (SELECT COUNT(*) FROM limit_reach WHERE business_id = $1 AND reached_at > $2), (SELECT COUNT(*) FROM limit_reach WHERE business_id = $1 AND wa_id = $3 AND reached_at > $2), b.business_id, b.tier, b.tier_since, b.half_used_first_at, b.half_used_last_at FROM (SELECT 1 AS one) x LEFT JOIN business_limits b ON b.business_id = $1";
    both BUSINESS_LIMIT = "SELECT business_id, tier, tier_since, half_used_first_at, half_used_last_at FROM business_limits WHERE business_id = $1";
    /// A new tier over the expected one (`$4` tier, `$5` since).
    both CHANGE_TIER = "UPDATE business_limits SET tier = $1, tier_since = $2, half_used_first_at = NULL, half_used_last_at = NULL WHERE business_id = $3 AND tier = $4 AND tier_since = $5";
    /// A first tier, for a business without a limit row.
    both INSERT_TIER = "INSERT INTO business_limits (business_id, tier, tier_since) VALUES ($1, $2, $3) ON CONFLICT (business_id) DO NOTHING";
    /// The numbers follow the tier, if the tier change applied.
    both SET_NUMBERS_TIER = "UPDATE phone_numbers SET messaging_limit_tier = $1 WHERE business_id = $2 AND EXISTS (SELECT 1 FROM business_limits WHERE business_id = $2 AND tier = $1 AND tier_since = $3)";
    both OUTBOX_IF_TIER = outbox_insert_where!(
        "SELECT 1 FROM business_limits WHERE business_id = $8 AND tier = $9 AND tier_since = $10"
    );
    both LIMITS_DUE = "SELECT business_id FROM business_limits WHERE half_used_first_at <= $1 AND half_used_last_at >= $2 AND tier <> 'TIER_UNLIMITED' ORDER BY business_id LIMIT $3";
    both NUMBER_BLOCKS = "SELECT wa_id, side FROM chat_blocks WHERE phone_number_id = $1";
    both CUSTOMER_BLOCKS = "SELECT phone_number_id FROM chat_blocks WHERE wa_id = $1 AND side = 'customer'";
    both INSERT_CUSTOMER_BLOCK = "INSERT INTO chat_blocks (phone_number_id, side, wa_id, created_at) VALUES ($1, 'customer', $2, $3) ON CONFLICT DO NOTHING";
    /// Only a new block (created at `$4`) is a new signal.
    both SIGNAL_NEW_BLOCK = "INSERT INTO quality_signals (phone_number_id, wa_id, kind, business_id, at) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), 'block', CAST($3 AS TEXT), CAST($4 AS BIGINT) WHERE EXISTS (SELECT 1 FROM chat_blocks WHERE phone_number_id = $1 AND side = 'customer' AND wa_id = $2 AND created_at = $4) ON CONFLICT (phone_number_id, wa_id, kind) DO UPDATE SET at = excluded.at";
    both SIGNAL_REPORT = "INSERT INTO quality_signals (phone_number_id, wa_id, kind, business_id, at) VALUES ($1, $2, 'report', $3, $4) ON CONFLICT (phone_number_id, wa_id, kind) DO UPDATE SET at = excluded.at";
    both INSERT_BLOCK = "INSERT INTO chat_blocks (phone_number_id, side, wa_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
    both DELETE_BLOCK = "DELETE FROM chat_blocks WHERE phone_number_id = $1 AND side = $2 AND wa_id = $3";
    both COUNT_BLOCKS = "SELECT COUNT(*) FROM chat_blocks WHERE phone_number_id = $1 AND side = $2";
    /// A page before the cursor `$3`, last first (the caller reverses it).
    both BLOCKS_BEFORE = "SELECT wa_id FROM chat_blocks WHERE phone_number_id = $1 AND side = $2 AND wa_id < $3 ORDER BY wa_id DESC LIMIT $4";
    /// A page after the cursor `$3` (NULL: from the start).
    both BLOCKS_AFTER = "SELECT wa_id FROM chat_blocks WHERE phone_number_id = $1 AND side = $2 AND (CAST($3 AS TEXT) IS NULL OR wa_id > $3) ORDER BY wa_id LIMIT $4";
    both SIGNALS = "SELECT kind, at FROM quality_signals WHERE phone_number_id = $1 AND at > $2";
    /// Sent (not failed) messages since `$2`, counted up to `$3`.
    both COUNT_SENT = "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE phone_number_id = $1 AND direction = 'out' AND status <> 'failed' AND created_at > $2 LIMIT $3) t";
    /// A new rating and status over the expected ones (`$5`, `$6`), marked with this change's
    /// token (`$3`).
    both CHANGE_RATING = "UPDATE phone_numbers SET quality_rating = $1, status = $2, rating_change_token = $3 WHERE id = $4 AND quality_rating = $5 AND status = $6";
    /// A rating change's webhook row, queued only if the number carries the change's token.
    both OUTBOX_IF_RATING = outbox_insert_where!("SELECT 1 FROM phone_numbers WHERE id = $8 AND rating_change_token = $9");
    both NUMBERS_NOT_GREEN = "SELECT id FROM phone_numbers WHERE quality_rating IN ('YELLOW', 'RED') OR status IN ('FLAGGED', 'RESTRICTED') ORDER BY id LIMIT $1";
    both PRUNE_REACH = "DELETE FROM limit_reach WHERE reached_at < $1";
    both PRUNE_SIGNALS = "DELETE FROM quality_signals WHERE at < $1";
}
