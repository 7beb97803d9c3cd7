//! `risala admin templates …`: manual template review, appeals, archiving and a listing, and
//! `risala admin wabas settings`, directly on the database (the server may be running; its
//! clock task and requests see template changes at once, a new pricing model within 5 s).

use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Subcommand;
use risala_core::clock::OffsetClock;
use risala_core::model::PageRequest;
use risala_core::model::{Template, TemplateStatus};
use risala_core::store::Store;
use risala_core::store::TemplateFilter;
use risala_core::templates::TemplateService;
use risala_server::Config;

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
    /// Appeal a REJECTED template: IN_APPEAL until reviewed again (by the rules, or with
    /// `review` under manual review).
    Appeal {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Archive a template (it cannot be sent until unarchived).
    Archive {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Unarchive a template: back to the status it was archived from.
    Unarchive {
        id: String,
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

fn print(t: &Template, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(&info(t))?);
    } else {
        print!("{}", line(t));
    }
    Ok(())
}

/// The store and a template service on the server's clock.
async fn service(config: &Config) -> anyhow::Result<(Arc<dyn Store>, TemplateService)> {
    let store = risala_server::open_store(config).await.context("opening the database")?;
    let store: Arc<dyn Store> = Arc::new(store);
    // The sandbox clock's offset, so times match the server's.
    let offset = risala_core::sandbox::stored_offset(&*store).await?;
    let cfg = config.template_config().map_err(anyhow::Error::msg)?;
    let svc = TemplateService::new(store.clone(), Arc::new(OffsetClock::new(offset)), cfg);
    Ok((store, svc))
}

/// `risala admin wabas settings <waba> [--pricing-model PMP|CBP] [--verified true|false]`:
/// change and print a WABA's settings, holding its templates to the new limit.
pub async fn waba_settings(
    config: &Config,
    waba: &str,
    pricing_model: Option<String>,
    verified: Option<bool>,
    json: bool,
) -> anyhow::Result<()> {
    let (store, svc) = service(config).await?;
    if store.waba(waba).await?.is_none() {
        bail!("no WABA {waba}");
    }
    let mut body = serde_json::Map::new();
    if let Some(m) = pricing_model {
        body.insert("pricing_model".into(), m.into());
    }
    if let Some(v) = verified {
        body.insert("verified".into(), v.into());
    }
    let s = store.waba_settings(waba).await?.apply(&body).map_err(|e| anyhow::anyhow!("{}", e.details))?;
    if !body.is_empty() {
        store.set_waba_settings(waba, &s, risala_core::clock::system_now_ms()).await?;
        svc.enforce_limit(waba, s.template_limit()).await.map_err(|e| anyhow::anyhow!("{}", e.details))?;
        let business = store.waba(waba).await?.map(|w| w.business_id);
        let fields = body.keys().cloned().collect::<Vec<_>>().join(",");
        crate::admin_privacy::record(
            config,
            "waba_settings.set",
            business.as_deref(),
            waba,
            &format!("fields={fields}"),
        )
        .await?;
    }
    let v = s.to_json(waba);
    if json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!("waba_id  pricing_model  verified  template_limit");
        println!("{waba}  {}  {}  {}", s.pricing_model.as_str(), s.verified, s.template_limit());
    }
    Ok(())
}

/// Record an operator's decision on a template in the audit log.
async fn changed(config: &Config, action: &str, t: &Template) -> anyhow::Result<()> {
    crate::admin_privacy::record(config, action, Some(&t.business_id), &t.id, &format!("status={}", t.status.as_str()))
        .await
}

pub async fn run(cmd: TemplateCmd, config: &Config) -> anyhow::Result<()> {
    let (_, svc) = service(config).await?;
    let err = |e: risala_core::ApiError| anyhow::anyhow!("{}", e.details);
    match cmd {
        TemplateCmd::Review { id, approve, reject, json } => {
            if !approve && reject.is_none() {
                bail!("give --approve or --reject REASON");
            }
            let t = svc.decide(&id, approve, reject.as_deref()).await.map_err(err)?;
            changed(config, "template.review", &t).await?;
            print(&t, json)?;
        }
        TemplateCmd::Appeal { id, json } => {
            let t = svc.appeal(&id).await.map_err(err)?;
            changed(config, "template.appeal", &t).await?;
            print(&t, json)?
        }
        TemplateCmd::Archive { id, json } => {
            let t = svc.archive(&id).await.map_err(err)?;
            changed(config, "template.archive", &t).await?;
            print(&t, json)?
        }
        TemplateCmd::Unarchive { id, json } => {
            let t = svc.unarchive(&id).await.map_err(err)?;
            changed(config, "template.unarchive", &t).await?;
            print(&t, json)?
        }
        TemplateCmd::List { waba, status, json } => {
            let filter = TemplateFilter {
                statuses: status
                    .into_iter()
                    .map(|s| {
                        TemplateStatus::parse(&s.to_uppercase())
                            .ok_or_else(|| anyhow::anyhow!("--status {s}: not a template status"))
                    })
                    .collect::<anyhow::Result<_>>()?,
                ..Default::default()
            };
            let page = PageRequest { limit: 1000, ..Default::default() };
            let list = svc.list(&waba, &filter, &Default::default(), &page).await.map_err(err)?;
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
