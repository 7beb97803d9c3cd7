//! Chatbots: every version of a number's bots, each conversation's run, the number's bots
//! revision and the business's round-robin turn.

crate::sql::statements! {
    both BOT_ROWS = "SELECT id, version, business_id, phone_number_id, name, definition, enabled, created_at FROM bots WHERE phone_number_id = $1 ORDER BY id, version";
    both BOT_VERSIONS = "SELECT id, version, business_id, phone_number_id, name, definition, enabled, created_at FROM bots WHERE phone_number_id = $1 AND id = $2 ORDER BY version";
    both PUT_BOT = "INSERT INTO bots (id, version, business_id, phone_number_id, name, definition, enabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id, version) DO NOTHING";
    both DELETE_BOT = "DELETE FROM bots WHERE phone_number_id = $1 AND id = $2";
    both DELETE_BOT_RUNS = "DELETE FROM bot_runs WHERE phone_number_id = $1 AND bot_id = $2";
    both BUMP_BOTS_REVISION = "INSERT INTO bot_revisions (phone_number_id, revision) VALUES ($1, 1) ON CONFLICT (phone_number_id) DO UPDATE SET revision = bot_revisions.revision + 1";
    both BOT_CONTEXT = "SELECT (SELECT revision FROM bot_revisions WHERE phone_number_id = $1), (SELECT assignee_id FROM conversations WHERE phone_number_id = $1 AND wa_id = $2), r.phone_number_id, r.wa_id, r.bot_id, r.version, r.step, r.variables, r.retries, r.transcript, r.state, r.updated_at, r.revision, r.wake_at FROM (SELECT 1 AS one) AS k LEFT JOIN bot_runs r ON r.phone_number_id = $1 AND r.wa_id = $2";
    both BOT_PRESENCE = "SELECT (SELECT revision FROM bot_revisions WHERE phone_number_id = $1), (SELECT COUNT(*) FROM (SELECT 1 FROM bot_runs WHERE phone_number_id = $1 LIMIT 1) t)";
    both PUT_BOT_RUN = "INSERT INTO bot_runs (phone_number_id, wa_id, bot_id, version, step, variables, retries, transcript, state, updated_at, revision, wake_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET bot_id = excluded.bot_id, version = excluded.version, step = excluded.step, variables = excluded.variables, retries = excluded.retries, transcript = excluded.transcript, state = excluded.state, updated_at = excluded.updated_at, revision = excluded.revision, wake_at = excluded.wake_at WHERE bot_runs.revision = $13";
    both ERASE_BOT_RUNS = "DELETE FROM bot_runs WHERE wa_id = $1";
    both CLOSE_BOT_RUN = "UPDATE bot_runs SET state = 'closed', updated_at = $1, revision = revision + 1, wake_at = NULL WHERE phone_number_id = $2 AND wa_id = $3";
    both DUE_BOT_RUNS = "SELECT phone_number_id, wa_id FROM bot_runs WHERE wake_at IS NOT NULL AND wake_at <= $1 AND state = 'running' ORDER BY wake_at LIMIT $2";
    both NEXT_BOT_TURN = "INSERT INTO bot_turns (business_id, turn) VALUES ($1, 0) ON CONFLICT (business_id) DO UPDATE SET turn = bot_turns.turn + 1 RETURNING turn";
}
