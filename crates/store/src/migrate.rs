//! Embedded migrations, one folder per engine, applied in order and recorded in
//! `schema_migrations`. Run at start and by `risala migrate`.

use risala_core::StoreError;

use crate::sql::engine::{CREATE_MIGRATIONS_TABLE, MIGRATION_APPLIED, MIGRATION_LOCK, RECORD_MIGRATION};

/// (version, name, sql) for each engine. Versions match across engines.
const SQLITE: &[(i64, &str, &str)] = &[
    (1, "tenancy", include_str!("../migrations/sqlite/0001_tenancy.sql")),
    (2, "messaging", include_str!("../migrations/sqlite/0002_messaging.sql")),
    (3, "webhooks", include_str!("../migrations/sqlite/0003_webhooks.sql")),
    (4, "templates", include_str!("../migrations/sqlite/0004_templates.sql")),
    (5, "outbox_claim_index", include_str!("../migrations/sqlite/0005_outbox_claim_index.sql")),
    (6, "billing", include_str!("../migrations/sqlite/0006_billing.sql")),
    (7, "entry_points", include_str!("../migrations/sqlite/0007_entry_points.sql")),
    (8, "marketing_preferences", include_str!("../migrations/sqlite/0008_marketing_preferences.sql")),
    (9, "rate_tiers", include_str!("../migrations/sqlite/0009_rate_tiers.sql")),
    (10, "quality", include_str!("../migrations/sqlite/0010_quality.sql")),
    (11, "template_lifecycle", include_str!("../migrations/sqlite/0011_template_lifecycle.sql")),
    (12, "cbp", include_str!("../migrations/sqlite/0012_cbp.sql")),
    (13, "hot_path_indexes", include_str!("../migrations/sqlite/0013_hot_path_indexes.sql")),
    (14, "rating_change_token", include_str!("../migrations/sqlite/0014_rating_change_token.sql")),
    (15, "sign_in_lockout", include_str!("../migrations/sqlite/0015_sign_in_lockout.sql")),
    (16, "media_chunks", include_str!("../migrations/sqlite/0016_media_chunks.sql")),
    (17, "retention_audit", include_str!("../migrations/sqlite/0017_retention_audit.sql")),
    (18, "web_accounts", include_str!("../migrations/sqlite/0018_web_accounts.sql")),
    (20, "token_expiry", include_str!("../migrations/sqlite/0020_token_expiry.sql")),
    (21, "template_ttl", include_str!("../migrations/sqlite/0021_template_ttl.sql")),
    (22, "number_lifecycle", include_str!("../migrations/sqlite/0022_number_lifecycle.sql")),
    (23, "business_profile", include_str!("../migrations/sqlite/0023_business_profile.sql")),
    (24, "flows", include_str!("../migrations/sqlite/0024_flows.sql")),
    (25, "library_template", include_str!("../migrations/sqlite/0025_library_template.sql")),
    (26, "sandbox_tools", include_str!("../migrations/sqlite/0026_sandbox_tools.sql")),
    (27, "user_ids", include_str!("../migrations/sqlite/0027_user_ids.sql")),
    (28, "inbox", include_str!("../migrations/sqlite/0028_inbox.sql")),
    (29, "template_insights", include_str!("../migrations/sqlite/0029_template_insights.sql")),
    (32, "hours_quick_replies", include_str!("../migrations/sqlite/0032_hours_quick_replies.sql")),
    (33, "business_tools_faq_contacts", include_str!("../migrations/sqlite/0033_business_tools_faq_contacts.sql")),
    (34, "broadcasts", include_str!("../migrations/sqlite/0034_broadcasts.sql")),
    (35, "bots", include_str!("../migrations/sqlite/0035_bots.sql")),
    (36, "bot_steps", include_str!("../migrations/sqlite/0036_bot_steps.sql")),
    (39, "catalogs", include_str!("../migrations/sqlite/0039_catalogs.sql")),
    (40, "payments", include_str!("../migrations/sqlite/0040_payments.sql")),
    (41, "ads_status", include_str!("../migrations/sqlite/0041_ads_status.sql")),
    (42, "official_business_accounts", include_str!("../migrations/sqlite/0042_official_business_accounts.sql")),
    (43, "cluster", include_str!("../migrations/sqlite/0043_cluster.sql")),
    (44, "outbox_schedule", include_str!("../migrations/sqlite/0044_outbox_schedule.sql")),
    (45, "undelivered_from", include_str!("../migrations/sqlite/0045_undelivered_from.sql")),
    (46, "bots_changed", include_str!("../migrations/sqlite/0046_bots_changed.sql")),
    (47, "chat_links", include_str!("../migrations/sqlite/0047_chat_links.sql")),
    (48, "chat_last_template", include_str!("../migrations/sqlite/0048_chat_last_template.sql")),
    (49, "outbox_due_in_memory", include_str!("../migrations/sqlite/0049_outbox_due_in_memory.sql")),
    (50, "label_names_unique", include_str!("../migrations/sqlite/0050_label_names_unique.sql")),
    (51, "price_on_message", include_str!("../migrations/sqlite/0051_price_on_message.sql")),
    (52, "customers_changed", include_str!("../migrations/sqlite/0052_customers_changed.sql")),
    (53, "waba_settings_changed", include_str!("../migrations/sqlite/0053_waba_settings_changed.sql")),
];
const POSTGRES: &[(i64, &str, &str)] = &[
    (1, "tenancy", include_str!("../migrations/postgres/0001_tenancy.sql")),
    (2, "messaging", include_str!("../migrations/postgres/0002_messaging.sql")),
    (3, "webhooks", include_str!("../migrations/postgres/0003_webhooks.sql")),
    (4, "templates", include_str!("../migrations/postgres/0004_templates.sql")),
    (5, "outbox_claim_index", include_str!("../migrations/postgres/0005_outbox_claim_index.sql")),
    (6, "billing", include_str!("../migrations/postgres/0006_billing.sql")),
    (7, "entry_points", include_str!("../migrations/postgres/0007_entry_points.sql")),
    (8, "marketing_preferences", include_str!("../migrations/postgres/0008_marketing_preferences.sql")),
    (9, "rate_tiers", include_str!("../migrations/postgres/0009_rate_tiers.sql")),
    (10, "quality", include_str!("../migrations/postgres/0010_quality.sql")),
    (11, "template_lifecycle", include_str!("../migrations/postgres/0011_template_lifecycle.sql")),
    (12, "cbp", include_str!("../migrations/postgres/0012_cbp.sql")),
    (13, "hot_path_indexes", include_str!("../migrations/postgres/0013_hot_path_indexes.sql")),
    (14, "rating_change_token", include_str!("../migrations/postgres/0014_rating_change_token.sql")),
    (15, "sign_in_lockout", include_str!("../migrations/postgres/0015_sign_in_lockout.sql")),
    (16, "media_chunks", include_str!("../migrations/postgres/0016_media_chunks.sql")),
    (17, "retention_audit", include_str!("../migrations/postgres/0017_retention_audit.sql")),
    (18, "web_accounts", include_str!("../migrations/postgres/0018_web_accounts.sql")),
    (20, "token_expiry", include_str!("../migrations/postgres/0020_token_expiry.sql")),
    (21, "template_ttl", include_str!("../migrations/postgres/0021_template_ttl.sql")),
    (22, "number_lifecycle", include_str!("../migrations/postgres/0022_number_lifecycle.sql")),
    (23, "business_profile", include_str!("../migrations/postgres/0023_business_profile.sql")),
    (24, "flows", include_str!("../migrations/postgres/0024_flows.sql")),
    (25, "library_template", include_str!("../migrations/postgres/0025_library_template.sql")),
    (26, "sandbox_tools", include_str!("../migrations/postgres/0026_sandbox_tools.sql")),
    (27, "user_ids", include_str!("../migrations/postgres/0027_user_ids.sql")),
    (28, "inbox", include_str!("../migrations/postgres/0028_inbox.sql")),
    (29, "template_insights", include_str!("../migrations/postgres/0029_template_insights.sql")),
    (32, "hours_quick_replies", include_str!("../migrations/postgres/0032_hours_quick_replies.sql")),
    (33, "business_tools_faq_contacts", include_str!("../migrations/postgres/0033_business_tools_faq_contacts.sql")),
    (34, "broadcasts", include_str!("../migrations/postgres/0034_broadcasts.sql")),
    (35, "bots", include_str!("../migrations/postgres/0035_bots.sql")),
    (36, "bot_steps", include_str!("../migrations/postgres/0036_bot_steps.sql")),
    (39, "catalogs", include_str!("../migrations/postgres/0039_catalogs.sql")),
    (40, "payments", include_str!("../migrations/postgres/0040_payments.sql")),
    (41, "ads_status", include_str!("../migrations/postgres/0041_ads_status.sql")),
    (42, "official_business_accounts", include_str!("../migrations/postgres/0042_official_business_accounts.sql")),
    (43, "cluster", include_str!("../migrations/postgres/0043_cluster.sql")),
    (44, "outbox_schedule", include_str!("../migrations/postgres/0044_outbox_schedule.sql")),
    (45, "undelivered_from", include_str!("../migrations/postgres/0045_undelivered_from.sql")),
    (46, "bots_changed", include_str!("../migrations/postgres/0046_bots_changed.sql")),
    (47, "chat_links", include_str!("../migrations/postgres/0047_chat_links.sql")),
    (48, "chat_last_template", include_str!("../migrations/postgres/0048_chat_last_template.sql")),
    (49, "outbox_due_in_memory", include_str!("../migrations/postgres/0049_outbox_due_in_memory.sql")),
    (50, "label_names_unique", include_str!("../migrations/postgres/0050_label_names_unique.sql")),
    (51, "price_on_message", include_str!("../migrations/postgres/0051_price_on_message.sql")),
    (52, "customers_changed", include_str!("../migrations/postgres/0052_customers_changed.sql")),
    (53, "waba_settings_changed", include_str!("../migrations/postgres/0053_waba_settings_changed.sql")),
];

/// The highest migration version this build knows.
pub fn latest_version() -> i64 {
    SQLITE.last().map(|m| m.0).unwrap_or(0)
}

fn now() -> i64 {
    risala_core::clock::system_now_ms()
}

pub(crate) fn sqlite(conn: &mut rusqlite::Connection) -> Result<Vec<i64>, StoreError> {
    let err = |e: rusqlite::Error| StoreError::Database(format!("migration: {e}"));
    conn.execute_batch(CREATE_MIGRATIONS_TABLE).map_err(err)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive).map_err(err)?;
    let mut applied = Vec::new();
    for (version, name, sql) in SQLITE {
        let done: i64 = tx.query_row(MIGRATION_APPLIED, [version], |r| r.get(0)).map_err(err)?;
        if done > 0 {
            continue;
        }
        tx.execute_batch(sql).map_err(err)?;
        tx.execute(RECORD_MIGRATION, rusqlite::params![version, name, now()]).map_err(err)?;
        applied.push(*version);
    }
    tx.commit().map_err(err)?;
    Ok(applied)
}

pub(crate) async fn postgres(client: &mut deadpool_postgres::Client) -> Result<Vec<i64>, StoreError> {
    let err = |e: tokio_postgres::Error| StoreError::Database(format!("migration: {e}"));
    let tx = client.transaction().await.map_err(err)?;
    tx.batch_execute(MIGRATION_LOCK).await.map_err(err)?;
    tx.batch_execute(CREATE_MIGRATIONS_TABLE).await.map_err(err)?;
    let mut applied = Vec::new();
    for (version, name, sql) in POSTGRES {
        let row = tx.query_one(MIGRATION_APPLIED, &[version]).await.map_err(err)?;
        let done: i64 = row.get(0);
        if done > 0 {
            continue;
        }
        tx.batch_execute(sql).await.map_err(err)?;
        tx.execute(RECORD_MIGRATION, &[version, name, &now()]).await.map_err(err)?;
        applied.push(*version);
    }
    tx.commit().await.map_err(err)?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_have_the_same_versions() {
        let a: Vec<_> = SQLITE.iter().map(|m| (m.0, m.1)).collect();
        let b: Vec<_> = POSTGRES.iter().map(|m| (m.0, m.1)).collect();
        assert_eq!(a, b);
    }
}
