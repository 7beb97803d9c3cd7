//! `risala admin limits …`: a business's messaging limit tier and its numbers' quality,
//! directly on the database (a running server sees a change within seconds; its webhooks go out
//! through the outbox). Times follow the sandbox clock when one is persisted.

use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use risala_core::clock::OffsetClock;
use risala_core::model::Tier;
use risala_core::quality::QualityService;
use risala_core::store::Store;
use risala_server::Config;

#[derive(Debug, Subcommand)]
pub enum LimitsCmd {
    /// Show the tier, unique customers in the last 24 hours, when an upgrade is due, and each
    /// number's quality rating.
    Show {
        /// Business id.
        business: String,
        #[arg(long)]
        json: bool,
    },
    /// Set the tier: TIER_250, TIER_2K, TIER_10K, TIER_100K or TIER_UNLIMITED (webhooks
    /// `business_capability_update` and `phone_number_quality_update` UPGRADE/DOWNGRADE).
    Set {
        /// Business id.
        business: String,
        #[arg(long)]
        tier: String,
        #[arg(long)]
        json: bool,
    },
}

async fn service(config: &Config) -> anyhow::Result<QualityService> {
    let store = risala_server::open_store(config).await.context("opening the database")?;
    let store: Arc<dyn Store> = Arc::new(store);
    let offset = risala_core::sandbox::stored_offset(&*store).await?;
    let quality = config.quality_config().map_err(anyhow::Error::msg)?;
    Ok(QualityService::new(store, Arc::new(OffsetClock::new(offset)), quality))
}

fn print(v: &serde_json::Value, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(v)?);
        return Ok(());
    }
    let s = |k: &str| v[k].as_str().map(str::to_string).unwrap_or_else(|| v[k].to_string());
    println!("business {}  tier {}  limit {}", s("business_id"), s("tier"), s("limit"));
    println!("unique customers in the last 24 h: {}", s("unique_customers_24h"));
    println!("upgrade due at: {}", s("upgrade_due_at"));
    for n in v["numbers"].as_array().into_iter().flatten() {
        println!(
            "  {}  +{}  {}  {}  {} per 1000 ({} blocks, {} reports in 7 days)",
            n["id"].as_str().unwrap_or(""),
            n["display_phone_number"].as_str().unwrap_or(""),
            n["quality_rating"].as_str().unwrap_or(""),
            n["status"].as_str().unwrap_or(""),
            n["signals_per_1000"],
            n["blocks_7d"],
            n["reports_7d"]
        );
    }
    Ok(())
}

pub async fn run(cmd: LimitsCmd, config: &Config) -> anyhow::Result<()> {
    let quality = service(config).await?;
    let api = |e: risala_core::ApiError| anyhow::anyhow!("{}", e.details);
    match cmd {
        LimitsCmd::Show { business, json } => print(&quality.view(&business).await.map_err(api)?.to_json(), json),
        LimitsCmd::Set { business, tier, json } => {
            let t = Tier::parse(&tier).with_context(|| {
                format!("--tier {tier}: expected TIER_250, TIER_2K, TIER_10K, TIER_100K or TIER_UNLIMITED")
            })?;
            let (old, _) = quality.set_tier(&business, t).await.map_err(api)?;
            let detail = format!("tier={old}->{t}");
            crate::admin_privacy::record(config, "messaging_limit.set", Some(&business), &business, &detail).await?;
            let mut v = quality.view(&business).await.map_err(api)?.to_json();
            v["previous_tier"] = serde_json::Value::String(old.as_str().into());
            if !json {
                println!("tier {old} -> {t}");
            }
            print(&v, json)
        }
    }
}
