//! `risala admin templates …`: manual template review and a listing, directly on the database
//! (the server may be running; its clock task and requests see the change at once).

use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Subcommand;
use risala_core::clock::OffsetClock;
use risala_core::model::PageRequest;
use risala_core::store::Store;
use risala_core::templates::{Template, TemplateFilter, TemplateService};
use risala_server::Config;
use risala_store::SqlStore;

#[derive(Debug, Subcommand)]
pub enum TemplateCmd {
    /// Approve or reject a PENDING template (webhook `message_template_status_update`).
    Review {
        /// Template id.
        id: String,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        approve: bool,
        /// Rejection reason: ABUSIVE_CONTENT, INCORRECT_CATEGORY, INVALID_FORMAT, PROMOTIONAL,
        /// SCAM or TAG_CONTENT_MISMATCH.
        #[arg(long, value_name = "REASON")]
        reject: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List a WABA's templates.
    List {
        #[arg(long)]
        waba: String,
        /// Only this status (e.g. PENDING).
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn info(t: &Template) -> serde_json::Value {
    serde_json::json!({
        "id": t.id, "waba_id": t.waba_id, "name": t.name, "language": t.language, "category": t.category,
        "status": t.status, "rejected_reason": t.rejected_reason, "quality_score": t.quality_score,
    })
}

fn line(t: &Template) -> String {
    format!("{}  {}  {}  {}  {}  {}\n", t.id, t.name, t.language, t.category, t.status, t.rejected_reason)
}

pub async fn run(cmd: TemplateCmd, config: &Config) -> anyhow::Result<()> {
    let store = SqlStore::open(config.database_url.as_deref(), &config.sqlite_path(), &config.sqlite_synchronous)
        .await
        .context("opening the database")?;
    let store: Arc<dyn Store> = Arc::new(store);
    // The sandbox clock's offset, so times match the server's.
    let offset = store.setting(risala_server::CLOCK_SETTING).await?.and_then(|v| v.parse().ok()).unwrap_or(0);
    let cfg = config.template_config().map_err(anyhow::Error::msg)?;
    let svc = TemplateService::new(store.clone(), Arc::new(OffsetClock::new(offset)), cfg);
    match cmd {
        TemplateCmd::Review { id, approve, reject, json } => {
            if !approve && reject.is_none() {
                bail!("give --approve or --reject REASON");
            }
            let t = svc.decide(&id, approve, reject.as_deref()).await.map_err(|e| anyhow::anyhow!("{}", e.details))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&info(&t))?);
            } else {
                print!("{}", line(&t));
            }
        }
        TemplateCmd::List { waba, status, json } => {
            let filter = TemplateFilter {
                statuses: status.into_iter().map(|s| s.to_uppercase()).collect(),
                ..Default::default()
            };
            let page = PageRequest { limit: 1000, ..Default::default() };
            let list = svc.list(&waba, &filter, &page).await.map_err(|e| anyhow::anyhow!("{}", e.details))?;
            if json {
                let v: Vec<_> = list.items.iter().map(info).collect();
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!("id  name  language  category  status  rejected_reason");
                for t in &list.items {
                    print!("{}", line(t));
                }
            }
        }
    }
    Ok(())
}
