//! `risala admin …`: tenancy management directly on the database, for operators and scripts.

use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Subcommand;
use risala_core::clock::OffsetClock;
use risala_core::model::{AuditFilter, Permission};
use risala_core::store::Store;
use risala_core::tenancy::{NewPhoneNumber, TenancyService};
use risala_server::Config;
use risala_types::admin::*;
use serde::Serialize;

use crate::admin_privacy::record;

#[derive(Debug, Subcommand)]
pub enum AdminCmd {
    /// Print the demo tenant's ids and app secret (never a token).
    Demo {
        #[arg(long)]
        json: bool,
    },
    /// Businesses.
    #[command(subcommand)]
    Businesses(BusinessCmd),
    /// WhatsApp Business Accounts.
    #[command(subcommand)]
    Wabas(WabaCmd),
    /// Business phone numbers.
    #[command(subcommand)]
    Numbers(NumberCmd),
    /// Apps (each has an app secret that signs webhooks).
    #[command(subcommand)]
    Apps(AppCmd),
    /// Access tokens.
    #[command(subcommand)]
    Tokens(TokenCmd),
    /// Message templates: manual review, appeals, archiving.
    #[command(subcommand)]
    Templates(crate::admin_templates::TemplateCmd),
    /// Rate cards for per-message pricing.
    #[command(subcommand)]
    Rates(crate::billing::RatesCmd),
    /// Billing: invoices from the ledger.
    #[command(subcommand)]
    Billing(crate::billing::BillingCmd),
    /// Messaging limits (tiers) and the numbers' quality rating.
    #[command(subcommand)]
    Limits(crate::admin_limits::LimitsCmd),
    /// Copy the SQLite database, consistently, while the server serves (media included).
    Backup {
        /// The backup file to create.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Replace the SQLite database with a backup; refused while a server runs on it.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// The keys that encrypt secrets at rest: rotate, generate.
    #[command(subcommand)]
    Keys(crate::admin_keys::KeysCmd),
    /// Customers: erase one customer's data on request.
    #[command(subcommand)]
    Customers(crate::admin_privacy::CustomerCmd),
    /// The audit log of operator and owner actions, newest first, one JSON entry a line.
    Audit {
        /// Only this business's entries.
        #[arg(long)]
        business: Option<String>,
        /// Only this actor's (`operator`, `token:<id>`).
        #[arg(long)]
        actor: Option<String>,
        /// Only this action (`customer.erase`, `POST /{id}/subscribed_apps`, …).
        #[arg(long)]
        action: Option<String>,
        /// Only entries at or after this time (ms since the epoch).
        #[arg(long)]
        since: Option<i64>,
        /// Only entries with an id below this (the next page).
        #[arg(long)]
        before: Option<i64>,
        /// Most entries (1–1000).
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..=1000))]
        limit: u16,
    },
    /// People of a business who sign in to the web app.
    #[command(subcommand)]
    Users(crate::admin_users::UsersCmd),
}

#[derive(Debug, Subcommand)]
pub enum BusinessCmd {
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum WabaCmd {
    Create {
        #[arg(long)]
        business: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        business: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show or change a WABA's settings: pricing model and verified portfolio.
    Settings {
        /// WABA id.
        waba: String,
        /// PMP (per-message, the default) or CBP (conversation-based).
        #[arg(long, value_name = "MODEL")]
        pricing_model: Option<String>,
        /// The business portfolio is verified: 6,000 templates instead of 250.
        #[arg(long, value_name = "BOOL")]
        verified: Option<bool>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum NumberCmd {
    Create {
        #[arg(long)]
        waba: String,
        /// The number with country code, e.g. +15550100002.
        #[arg(long)]
        number: String,
        /// Display name (verified name).
        #[arg(long)]
        name: String,
        /// SANDBOX or LIVE.
        #[arg(long, default_value = "SANDBOX")]
        account_mode: String,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        business: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppCmd {
    Create {
        #[arg(long)]
        business: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        business: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Create a token; its value is printed once and stored only as a hash.
    Create {
        #[arg(long)]
        business: String,
        #[arg(long, default_value = "system user")]
        name: String,
        /// Comma-separated: whatsapp_business_messaging, whatsapp_business_management.
        #[arg(long, default_value = "whatsapp_business_messaging,whatsapp_business_management")]
        permissions: String,
        /// Lifetime, e.g. `60d`; after it requests fail with 190/463. Default: never expires.
        #[arg(long)]
        expires_in: Option<String>,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        business: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by id; requests with it then get error 190 (subcode 467).
    Revoke {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Make a token expire: now, after `--in`, or never again (`--never`); requests with an
    /// expired token get error 190 (subcode 463).
    Expire {
        id: String,
        /// How long from now, e.g. `10m`. Default `0s`: at once.
        #[arg(long = "in", default_value = "0s", conflicts_with = "never")]
        in_: String,
        /// Lift the expiry.
        #[arg(long)]
        never: bool,
        #[arg(long)]
        json: bool,
    },
}

fn duration_arg(flag: &str, v: &str) -> anyhow::Result<i64> {
    risala_core::clock::parse_duration_ms(v)
        .ok_or_else(|| anyhow::anyhow!("{flag}: '{v}' is not a duration like 10m, 60d"))
}

/// Open the store (migrating it) and a tenancy service over it.
pub async fn open(config: &Config) -> anyhow::Result<TenancyService> {
    let store = risala_server::open_store(config).await.context("opening the database")?;
    let store: Arc<dyn Store> = Arc::new(store);
    Ok(TenancyService::new(store, Arc::new(OffsetClock::new(0))))
}

pub(crate) fn emit<T: Serialize>(json: bool, value: &T, table: impl FnOnce() -> String) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        print!("{}", table());
    }
    Ok(())
}

pub(crate) fn rows(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.len());
        }
    }
    let line = |cells: Vec<String>| {
        let mut s =
            cells.iter().enumerate().map(|(i, c)| format!("{:w$}", c, w = widths[i])).collect::<Vec<_>>().join("  ");
        s.truncate(s.trim_end().len());
        s + "\n"
    };
    let mut out = line(header.iter().map(|s| s.to_string()).collect());
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

fn api(e: risala_core::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{}", e.details)
}

fn business_info(b: &risala_core::model::Business) -> BusinessInfo {
    BusinessInfo { id: b.id.clone(), name: b.name.clone(), created_at: b.created_at }
}
fn waba_info(w: &risala_core::model::Waba) -> WabaInfo {
    WabaInfo {
        id: w.id.clone(),
        business_id: w.business_id.clone(),
        name: w.name.clone(),
        currency: w.currency.clone(),
        timezone_id: w.timezone_id.clone(),
        created_at: w.created_at,
    }
}
fn number_info(p: &risala_core::model::PhoneNumber) -> PhoneNumberInfo {
    PhoneNumberInfo {
        id: p.id.clone(),
        waba_id: p.waba_id.clone(),
        business_id: p.business_id.clone(),
        phone_number: p.number.clone(),
        verified_name: p.verified_name.clone(),
        created_at: p.created_at,
    }
}
fn app_info(a: &risala_core::model::App) -> AppInfo {
    AppInfo {
        id: a.id.clone(),
        business_id: a.business_id.clone(),
        name: a.name.clone(),
        app_secret: a.app_secret.clone(),
        created_at: a.created_at,
    }
}
fn token_info(t: &risala_core::model::TokenRecord, plain: Option<String>) -> TokenInfo {
    TokenInfo {
        id: t.id.clone(),
        business_id: t.business_id.clone(),
        name: t.name.clone(),
        permissions: t.permissions.iter().map(|p| p.as_str().to_string()).collect(),
        created_at: t.created_at,
        revoked_at: t.revoked_at,
        expires_at: t.expires_at,
        token: plain,
    }
}

pub async fn run(cmd: AdminCmd, config: &Config) -> anyhow::Result<()> {
    let svc = open(config).await?;
    let store = svc.store().clone();
    match cmd {
        AdminCmd::Demo { json } => {
            let Some((ids, phone, app)) = svc.demo().await.map_err(api)? else {
                bail!("there is no demo tenant in this database (start `risala serve` in sandbox mode once)");
            };
            let d = DemoTenant {
                business_id: ids.business_id,
                waba_id: ids.waba_id,
                app_id: ids.app_id,
                phone_number_id: ids.phone_number_id,
                display_phone_number: phone.number,
                app_secret: app.app_secret,
            };
            emit(json, &d, || {
                rows(
                    &["field", "value"],
                    vec![
                        vec!["business_id".into(), d.business_id.clone()],
                        vec!["waba_id".into(), d.waba_id.clone()],
                        vec!["app_id".into(), d.app_id.clone()],
                        vec!["phone_number_id".into(), d.phone_number_id.clone()],
                        vec!["display_phone_number".into(), d.display_phone_number.clone()],
                        vec!["app_secret".into(), d.app_secret.clone()],
                    ],
                )
            })
        }
        AdminCmd::Businesses(BusinessCmd::Create { name, json }) => {
            let b = business_info(&svc.create_business(&name).await.map_err(api)?);
            record(config, "business.create", Some(&b.id), &b.id, "").await?;
            emit(json, &b, || rows(&["id", "name"], vec![vec![b.id.clone(), b.name.clone()]]))
        }
        AdminCmd::Businesses(BusinessCmd::List { json }) => {
            let list: Vec<_> = store.list_businesses().await?.iter().map(business_info).collect();
            emit(json, &list, || {
                rows(&["id", "name"], list.iter().map(|b| vec![b.id.clone(), b.name.clone()]).collect())
            })
        }
        AdminCmd::Wabas(WabaCmd::Create { business, name, json }) => {
            let w = waba_info(&svc.create_waba(&business, &name).await.map_err(api)?);
            record(config, "waba.create", Some(&w.business_id), &w.id, "").await?;
            emit(json, &w, || {
                rows(&["id", "business_id", "name"], vec![vec![w.id.clone(), w.business_id.clone(), w.name.clone()]])
            })
        }
        AdminCmd::Wabas(WabaCmd::List { business, json }) => {
            let list: Vec<_> = store.list_wabas(business.as_deref()).await?.iter().map(waba_info).collect();
            emit(json, &list, || {
                rows(
                    &["id", "business_id", "name"],
                    list.iter().map(|w| vec![w.id.clone(), w.business_id.clone(), w.name.clone()]).collect(),
                )
            })
        }
        AdminCmd::Wabas(WabaCmd::Settings { waba, pricing_model, verified, json }) => {
            crate::admin_templates::waba_settings(config, &waba, pricing_model, verified, json).await
        }
        AdminCmd::Numbers(NumberCmd::Create { waba, number, name, account_mode, json }) => {
            let p = svc
                .create_phone_number(NewPhoneNumber {
                    waba_id: &waba,
                    number: &number,
                    verified_name: &name,
                    account_mode: &account_mode,
                })
                .await
                .map_err(api)?;
            record(config, "phone_number.create", Some(&p.business_id), &p.id, "").await?;
            let p = number_info(&p);
            emit(json, &p, || {
                rows(
                    &["id", "waba_id", "number", "name"],
                    vec![vec![p.id.clone(), p.waba_id.clone(), p.phone_number.clone(), p.verified_name.clone()]],
                )
            })
        }
        AdminCmd::Numbers(NumberCmd::List { business, json }) => {
            let list: Vec<_> = store.list_phone_numbers(business.as_deref()).await?.iter().map(number_info).collect();
            emit(json, &list, || {
                rows(
                    &["id", "waba_id", "number", "name"],
                    list.iter()
                        .map(|p| vec![p.id.clone(), p.waba_id.clone(), p.phone_number.clone(), p.verified_name.clone()])
                        .collect(),
                )
            })
        }
        AdminCmd::Apps(AppCmd::Create { business, name, json }) => {
            let a = app_info(&svc.create_app(&business, &name).await.map_err(api)?);
            record(config, "app.create", Some(&business), &a.id, "").await?;
            emit(json, &a, || {
                rows(&["id", "name", "app_secret"], vec![vec![a.id.clone(), a.name.clone(), a.app_secret.clone()]])
            })
        }
        AdminCmd::Apps(AppCmd::List { business, json }) => {
            let list: Vec<_> = store.list_apps(business.as_deref()).await?.iter().map(app_info).collect();
            emit(json, &list, || {
                rows(
                    &["id", "name", "app_secret"],
                    list.iter().map(|a| vec![a.id.clone(), a.name.clone(), a.app_secret.clone()]).collect(),
                )
            })
        }
        AdminCmd::Tokens(TokenCmd::Create { business, name, permissions, expires_in, json }) => {
            let perms = Permission::parse_list(&permissions).map_err(|e| anyhow::anyhow!(e))?;
            let lifetime = expires_in.as_deref().map(|v| duration_arg("--expires-in", v)).transpose()?;
            let (mut t, plain) = svc.create_token(&business, &name, &perms, None).await.map_err(api)?;
            record(config, "token.create", Some(&business), &t.id, &format!("permissions={permissions}")).await?;
            if lifetime.is_some() {
                svc.expire_token(&t.id, lifetime).await.map_err(api)?;
                t = svc.token(None, &t.id).await.map_err(api)?.unwrap_or(t);
            }
            let t = token_info(&t, Some(plain));
            emit(json, &t, || {
                rows(
                    &["id", "permissions", "token (shown once)"],
                    vec![vec![t.id.clone(), t.permissions.join(","), t.token.clone().unwrap_or_default()]],
                )
            })
        }
        AdminCmd::Tokens(TokenCmd::List { business, json }) => {
            let list: Vec<_> =
                store.list_tokens(business.as_deref()).await?.iter().map(|t| token_info(t, None)).collect();
            emit(json, &list, || {
                rows(
                    &["id", "business_id", "name", "permissions", "revoked", "expires"],
                    list.iter()
                        .map(|t| {
                            vec![
                                t.id.clone(),
                                t.business_id.clone(),
                                t.name.clone(),
                                t.permissions.join(","),
                                if t.revoked_at.is_some() { "yes".into() } else { "no".into() },
                                t.expires_at.map(risala_core::clock::iso_time).unwrap_or_else(|| "never".into()),
                            ]
                        })
                        .collect(),
                )
            })
        }
        AdminCmd::Tokens(TokenCmd::Revoke { id, json }) => {
            if !svc.revoke_token(&id).await.map_err(api)? {
                bail!("no active token with id {id}");
            }
            record(config, "token.revoke", None, &id, "").await?;
            emit(json, &serde_json::json!({"revoked": id}), || format!("revoked {id}\n"))
        }
        AdminCmd::Tokens(TokenCmd::Expire { id, in_, never, json }) => {
            let in_ms = if never { None } else { Some(duration_arg("--in", &in_)?) };
            if !svc.expire_token(&id, in_ms).await.map_err(api)? {
                bail!("no active token with id {id}");
            }
            let detail = if never { "never".to_string() } else { format!("in={in_}") };
            record(config, "token.expire", None, &id, &detail).await?;
            let t = svc.token(None, &id).await.map_err(api)?;
            let at = t.and_then(|t| t.expires_at);
            emit(json, &serde_json::json!({"id": id, "expires_at": at}), || match at {
                Some(ms) => format!("{id} expires at {}\n", risala_core::clock::iso_time(ms)),
                None => format!("{id} does not expire\n"),
            })
        }
        AdminCmd::Templates(cmd) => crate::admin_templates::run(cmd, config).await,
        AdminCmd::Rates(cmd) => crate::billing::rates(cmd, config).await,
        AdminCmd::Billing(cmd) => crate::billing::billing(cmd, config).await,
        AdminCmd::Limits(cmd) => crate::admin_limits::run(cmd, config).await,
        AdminCmd::Keys(cmd) => crate::admin_keys::run(cmd, config).await,
        AdminCmd::Customers(cmd) => crate::admin_privacy::customers(cmd, config).await,
        AdminCmd::Audit { business, actor, action, since, before, limit } => {
            let filter =
                AuditFilter { business_id: business, actor, action, since, before_id: before, limit: limit as usize };
            crate::admin_privacy::audit(config, filter).await
        }
        AdminCmd::Users(cmd) => crate::admin_users::run(cmd, config).await,
        AdminCmd::Backup { to } => crate::admin_backup::backup(config, &to),
        AdminCmd::Restore { from } => crate::admin_backup::restore(config, &from),
    }
}
