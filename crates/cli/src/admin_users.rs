//! `risala admin users …`: the people of a business who sign in to the web app. The operator
//! creates a business's first owner here; owners invite the others from the web app.

use std::io::BufRead;
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use risala_core::accounts::{new_password, AccountService};
use risala_core::clock::OffsetClock;
use risala_core::model::{Role, User};
use risala_core::store::Store;
use risala_server::Config;
use serde_json::json;

use crate::admin::{emit, rows};

#[derive(Debug, Subcommand)]
pub enum UsersCmd {
    /// Create a user; without --password-stdin a password is generated and printed once (only
    /// its argon2id hash is stored).
    Create {
        #[arg(long)]
        business: String,
        #[arg(long)]
        email: String,
        /// The name shown in the web app. Default: the email's local part.
        #[arg(long)]
        name: Option<String>,
        /// owner, admin or agent.
        #[arg(long, default_value = "owner")]
        role: String,
        /// Read the password from the first line of standard input instead.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// A business's users.
    List {
        #[arg(long)]
        business: String,
        #[arg(long)]
        json: bool,
    },
}

fn user_json(u: &User) -> serde_json::Value {
    json!({
        "id": u.id, "business_id": u.business_id, "email": u.email, "name": u.name,
        "role": u.role.as_str(), "created_at": u.created_at, "disabled": u.disabled_at.is_some(),
    })
}

pub async fn run(cmd: UsersCmd, config: &Config) -> anyhow::Result<()> {
    let store = risala_server::open_store(config).await.context("opening the database")?;
    let store: Arc<dyn Store> = Arc::new(store);
    // This command sends no links; the sandbox's log sender stands in for the server's.
    let accounts = AccountService::new(
        store.clone(),
        Arc::new(OffsetClock::new(0)),
        Arc::new(risala_server::state::LogCodeSender),
    );
    match cmd {
        UsersCmd::Create { business, email, name, role, password_stdin, json } => {
            let role = Role::parse(&role).with_context(|| format!("--role: '{role}' is not owner, admin or agent"))?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (new_password(), true)
            };
            let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
            let user = accounts
                .create_user(&business, &email, &name, &password, role)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let shown = generated.then_some(password);
            let mut value = user_json(&user);
            value["password"] = json!(shown);
            emit(json, &value, || {
                let mut out = format!(
                    "user {} ({}, {}) created in business {}\n",
                    user.id, user.email, user.role, user.business_id
                );
                if let Some(p) = &shown {
                    out.push_str(&format!("password: {p}\n(shown once: it is stored only as a hash)\n"));
                }
                out
            })
        }
        UsersCmd::List { business, json } => {
            let users = store.users(&business).await?;
            let value: Vec<_> = users.iter().map(user_json).collect();
            emit(json, &value, || {
                rows(
                    &["ID", "EMAIL", "NAME", "ROLE", "STATUS"],
                    users
                        .iter()
                        .map(|u| {
                            let status = if u.disabled_at.is_some() { "disabled" } else { "active" };
                            vec![u.id.clone(), u.email.clone(), u.name.clone(), u.role.to_string(), status.into()]
                        })
                        .collect(),
                )
            })
        }
    }
}
