//! Click-to-WhatsApp ads, their impressions and taps, and Status updates.

crate::sql::statements! {
    both PUT_AD = "INSERT INTO ads (id, business_id, phone_number_id, name, placement, creative, currency, budget, cost_per, price, countries, status, start_at, end_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
    both UPDATE_AD = "UPDATE ads SET name = $1, status = $2, budget = $3, end_at = $4, countries = $5, updated_at = $6 WHERE id = $7";
    both AD = "SELECT a.id, a.business_id, a.phone_number_id, a.name, a.placement, a.creative, a.currency, a.budget, a.cost_per, a.price, a.countries, a.status, a.start_at, a.end_at, a.created_at, a.updated_at, (SELECT COUNT(*) FROM ad_impressions i WHERE i.ad_id = a.id), (SELECT COUNT(*) FROM ad_taps t WHERE t.ad_id = a.id), (SELECT COUNT(*) FROM ad_taps t WHERE t.ad_id = a.id AND t.conversation_at IS NOT NULL) FROM ads a WHERE a.id = $1";
    both ADS = "SELECT a.id, a.business_id, a.phone_number_id, a.name, a.placement, a.creative, a.currency, a.budget, a.cost_per, a.price, a.countries, a.status, a.start_at, a.end_at, a.created_at, a.updated_at, (SELECT COUNT(*) FROM ad_impressions i WHERE i.ad_id = a.id), (SELECT COUNT(*) FROM ad_taps t WHERE t.ad_id = a.id), (SELECT COUNT(*) FROM ad_taps t WHERE t.ad_id = a.id AND t.conversation_at IS NOT NULL) FROM ads a WHERE a.phone_number_id = $1 ORDER BY a.created_at DESC, a.id DESC";
    both LIVE_ADS = "SELECT a.id, a.business_id, a.phone_number_id, a.name, a.placement, a.creative, a.currency, a.budget, a.cost_per, a.price, a.countries, a.status, a.start_at, a.end_at, a.created_at, a.updated_at, (SELECT COUNT(*) FROM ad_impressions i WHERE i.ad_id = a.id), (SELECT COUNT(*) FROM ad_taps t WHERE t.ad_id = a.id), (SELECT COUNT(*) FROM ad_taps t WHERE t.ad_id = a.id AND t.conversation_at IS NOT NULL) FROM ads a WHERE a.status = 'ACTIVE' AND a.start_at <= $1 AND (a.end_at IS NULL OR a.end_at > $1) ORDER BY a.created_at, a.id";
    both RECORD_IMPRESSION = "INSERT INTO ad_impressions (ad_id, wa_id, day, at) VALUES ($1, $2, $3, $4) ON CONFLICT (ad_id, wa_id, day) DO NOTHING";
    both RECORD_TAP = "INSERT INTO ad_taps (ctwa_clid, ad_id, wa_id, tapped_at, message_id, conversation_at) VALUES ($1, $2, $3, $4, NULL, NULL)";
    both AD_TAP = "SELECT ctwa_clid, ad_id, wa_id, tapped_at, message_id, conversation_at FROM ad_taps WHERE ctwa_clid = $1";
    both RECORD_AD_CONVERSATION = "UPDATE ad_taps SET message_id = $1, conversation_at = $2 WHERE ctwa_clid = $3 AND wa_id = $4 AND conversation_at IS NULL";
    both PSEUDONYMIZE_AD_IMPRESSIONS = "UPDATE ad_impressions SET wa_id = $1 WHERE wa_id = $2";
    /// Before [`PSEUDONYMIZE_AD_IMPRESSIONS`] (see `privacy::merge_kept!`): one impression a
    /// customer an ad a day, the later kept.
    both MERGE_AD_IMPRESSIONS_TO = super::privacy::merge_kept!("ad_impressions", "at", "ad_id", "day").0;
    both MERGE_AD_IMPRESSIONS_FROM = super::privacy::merge_kept!("ad_impressions", "at", "ad_id", "day").1;
    both PSEUDONYMIZE_AD_TAPS = "UPDATE ad_taps SET wa_id = $1 WHERE wa_id = $2";
    both PUT_STATUS = "INSERT INTO status_updates (id, business_id, phone_number_id, kind, content, created_at, expires_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)";
    both STATUS_UPDATE = "SELECT id, business_id, phone_number_id, kind, content, created_at, expires_at, deleted_at FROM status_updates WHERE id = $1";
    both LIVE_STATUSES = "SELECT id, business_id, phone_number_id, kind, content, created_at, expires_at, deleted_at FROM status_updates WHERE phone_number_id = $1 AND deleted_at IS NULL AND expires_at > $2 ORDER BY created_at, id";
    both DELETE_STATUS = "UPDATE status_updates SET deleted_at = $1 WHERE phone_number_id = $2 AND id = $3 AND deleted_at IS NULL";
}
