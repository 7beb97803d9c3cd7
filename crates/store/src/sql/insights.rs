//! Template analytics: the WABAs that confirmed them.

super::statements! {
    both INSIGHTS_ENABLED_AT = "SELECT enabled_at FROM waba_insights WHERE waba_id = $1";
    both ENABLE_INSIGHTS = "INSERT INTO waba_insights (waba_id, enabled_at) VALUES ($1, $2) ON CONFLICT (waba_id) DO NOTHING";
}
