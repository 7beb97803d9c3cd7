//! `risala admin customers erase` and `risala admin audit`: customer erasure and the audit log,
//! directly on the database (beside a running server, or without one), with what the
//! `/admin/v1/customers/{wa_id}/erase` and `/admin/v1/audit` endpoints do. Every state change
//! the CLI makes is recorded in the audit log with actor `operator` and address `cli`.

use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use risala_core::audit::AuditService;
use risala_core::clock::{Clock, OffsetClock};
use risala_core::model::{Actor, AuditFilter, Target};
use risala_core::store::Store;
use risala_server::Config;

#[derive(Debug, Subcommand)]
pub enum CustomerCmd {
    /// Erase one customer's data on request, across every business: message bodies become
    /// tombstones; media, profile, sessions, sign-in codes (and their lines in the code file),
    /// blocks, preferences and webhook deliveries about them go; billing rows keep a pseudonym.
    /// Idempotent. Prints the counts.
    Erase {
        /// The customer's number (digits, `+` allowed).
        wa_id: String,
    },
}

/// The store and the service clock (the sandbox clock's stored offset included), as the
/// server would have them.
async fn open(config: &Config) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn Clock>)> {
    let store: Arc<dyn Store> = Arc::new(risala_server::open_store(config).await.context("opening the database")?);
    let offset = risala_core::sandbox::stored_offset(&*store).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((store, Arc::new(OffsetClock::new(offset))))
}

/// The CLI as an actor of the audit log.
pub fn cli_actor() -> Actor {
    Actor::operator(Some("cli".into()))
}

/// Record a change the CLI made.
pub async fn record(
    config: &Config,
    action: &str,
    business_id: Option<&str>,
    id: &str,
    detail: &str,
) -> anyhow::Result<()> {
    let (store, clock) = open(config).await?;
    let target = Target { business_id: business_id.map(str::to_string), id: id.to_string() };
    AuditService::new(store, clock)
        .record(&cli_actor(), action, &target, detail)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

pub async fn customers(cmd: CustomerCmd, config: &Config) -> anyhow::Result<()> {
    match cmd {
        CustomerCmd::Erase { wa_id } => {
            let (store, clock) = open(config).await?;
            let privacy = risala_server::privacy_service(config, store, clock).await?;
            let report = privacy.erase(&cli_actor(), &wa_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
    }
}

/// `risala admin audit`: newest first, as JSON lines (one entry a line).
pub async fn audit(config: &Config, filter: AuditFilter) -> anyhow::Result<()> {
    let (store, clock) = open(config).await?;
    let entries = AuditService::new(store, clock).list(&filter).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    for e in &entries {
        println!("{}", risala_server::routes::admin::privacy::entry_json(e));
    }
    Ok(())
}
