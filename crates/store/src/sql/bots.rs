//! Chatbots: every version of a number's bots, and each conversation's run.

crate::sql::statements! {
    both BOT_ROWS = "SELECT id, version, business_id, phone_number_id, name, definition, enabled, created_at FROM bots WHERE phone_number_id = $1 ORDER BY id, version";
    both BOT_VERSIONS = "SELECT id, version, business_id, phone_number_id, name, definition, enabled, created_at FROM bots WHERE phone_number_id = $1 AND id = $2 ORDER BY version";
    both PUT_BOT = "INSERT INTO bots (id, version, business_id, phone_number_id, name, definition, enabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id, version) DO NOTHING";
    both DELETE_BOT = "DELETE FROM bots WHERE phone_number_id = $1 AND id = $2";
    both DELETE_BOT_RUNS = "DELETE FROM bot_runs WHERE phone_number_id = $1 AND bot_id = $2";
    both BOT_RUN = "SELECT phone_number_id, wa_id, bot_id, version, step, variables, retries, transcript, state, updated_at FROM bot_runs WHERE phone_number_id = $1 AND wa_id = $2";
    both PUT_BOT_RUN = "INSERT INTO bot_runs (phone_number_id, wa_id, bot_id, version, step, variables, retries, transcript, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET bot_id = excluded.bot_id, version = excluded.version, step = excluded.step, variables = excluded.variables, retries = excluded.retries, transcript = excluded.transcript, state = excluded.state, updated_at = excluded.updated_at";
    both ERASE_BOT_RUNS = "DELETE FROM bot_runs WHERE wa_id = $1";
    both CLOSE_BOT_RUN = "UPDATE bot_runs SET state = 'closed', updated_at = $1 WHERE phone_number_id = $2 AND wa_id = $3";
}
