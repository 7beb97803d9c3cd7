//! `risala sandbox …`: the sandbox controls of a running server (clock, error injection, the
//! whole state as one file).

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use serde_json::{json, Map, Value};

use crate::client::{answer, client, ServerArg};

#[derive(Debug, Subcommand)]
pub enum SandboxCmd {
    /// The sandbox clock.
    #[command(subcommand)]
    Clock(ClockCmd),
    /// Error injection: make matching Graph requests fail as Meta's do.
    #[command(subcommand)]
    Faults(FaultsCmd),
    /// Write the whole sandbox (every table and the media) to FILE, e.g. for a bug report.
    /// The file holds secrets and message bodies in the clear: keep it like a key.
    Export {
        file: std::path::PathBuf,
        #[command(flatten)]
        auth: AdminAuth,
    },
    /// Replace the whole sandbox with FILE (made by `export`): the file is checked first and an
    /// invalid one changes nothing.
    Import {
        file: std::path::PathBuf,
        #[command(flatten)]
        auth: AdminAuth,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClockCmd {
    /// Show the sandbox clock.
    Show {
        #[command(flatten)]
        server: ServerArg,
    },
    /// Move the sandbox clock forward, e.g. `25h`, `90m`, `1h30m`.
    Advance {
        by: String,
        #[command(flatten)]
        auth: Auth,
    },
}

/// The token and server of a command that changes the sandbox.
#[derive(Debug, Args)]
pub struct Auth {
    /// A business's access token with whatsapp_business_management, or the admin token.
    #[arg(long, env = "RISALA_TOKEN", hide_env_values = true)]
    token: String,
    #[command(flatten)]
    server: ServerArg,
}

/// The token and server of a command on the whole sandbox (every business's data).
#[derive(Debug, Args)]
pub struct AdminAuth {
    /// The server's admin token (`admin_token`): a business's token is refused, since the
    /// file holds every business.
    #[arg(long, env = "RISALA_TOKEN", hide_env_values = true)]
    token: String,
    #[command(flatten)]
    server: ServerArg,
}

#[derive(Debug, Subcommand)]
pub enum FaultsCmd {
    /// Add a rule, e.g. `--path '/{phone-number-id}/messages' --when next --count 2 --code 131056`.
    Add {
        #[command(flatten)]
        rule: Box<RuleArgs>,
        #[command(flatten)]
        auth: Auth,
    },
    /// List the rules (the operator: all of them), with their counts.
    List {
        #[command(flatten)]
        auth: Auth,
    },
    /// Delete one rule (`--id`), or every rule of the caller.
    Clear {
        /// The rule to delete; without it, all.
        #[arg(long)]
        id: Option<String>,
        #[command(flatten)]
        auth: Auth,
    },
}

/// A rule's fields, as `POST /sandbox/v1/faults` takes them.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Path pattern: `{name}` or `*` match one segment, a final `**` the rest; may start with
    /// the method (`POST /*/messages`).
    #[arg(long)]
    path: String,
    /// GET, POST, DELETE or PUT (default: any).
    #[arg(long)]
    method: Option<String>,
    /// Only requests to this phone number id.
    #[arg(long)]
    phone_number_id: Option<String>,
    /// The rule's `mode`: always, next (with --count) or every (with --n). (`--mode` is the
    /// server mode.)
    #[arg(long, default_value = "always")]
    when: String,
    #[arg(long)]
    count: Option<i64>,
    #[arg(long)]
    n: Option<i64>,
    /// The Graph error code to answer with (a row of the server's error table).
    #[arg(long)]
    code: Option<i64>,
    /// Instead of an error: accept the send and fail it with this code in a status webhook.
    #[arg(long)]
    status_error: Option<i64>,
    #[arg(long)]
    error_subcode: Option<i64>,
    /// Replaces the error's title in `message`.
    #[arg(long)]
    message: Option<String>,
    /// `error_data.details`.
    #[arg(long)]
    details: Option<String>,
    #[arg(long)]
    http_status: Option<i64>,
    /// Seconds, for Retry-After (throttling codes default to 60).
    #[arg(long)]
    retry_after: Option<i64>,
}

impl RuleArgs {
    fn to_json(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.to_string(), v);
            }
        };
        put("path", Some(json!(self.path)));
        put("mode", Some(json!(self.when)));
        put("method", self.method.as_ref().map(|v| json!(v)));
        put("phone_number_id", self.phone_number_id.as_ref().map(|v| json!(v)));
        put("count", self.count.map(Value::from));
        put("n", self.n.map(Value::from));
        put("code", self.code.map(Value::from));
        put("status_error", self.status_error.map(Value::from));
        put("error_subcode", self.error_subcode.map(Value::from));
        put("message", self.message.as_ref().map(|v| json!(v)));
        put("details", self.details.as_ref().map(|v| json!(v)));
        put("http_status", self.http_status.map(Value::from));
        put("retry_after", self.retry_after.map(Value::from));
        Value::Object(m)
    }
}

/// A client for moving a whole state file: no overall timeout (the file may be large).
fn file_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder().connect_timeout(std::time::Duration::from_secs(10)).build()?)
}

pub async fn run(cmd: SandboxCmd) -> anyhow::Result<()> {
    let http = client()?;
    let v = match cmd {
        SandboxCmd::Export { file, auth } => {
            let resp =
                file_client()?.get(auth.server.url("/sandbox/v1/export")).bearer_auth(&auth.token).send().await?;
            if !resp.status().is_success() {
                answer(resp).await?;
                bail!("the server did not send a state file");
            }
            let bytes = resp.bytes().await?;
            // It holds the sandbox's secrets (tokens' hashes, app secrets): its owner's only.
            let write = || -> std::io::Result<()> {
                use std::io::Write;
                let mut f = risala_store::datadir::private_file(&file)?;
                f.set_len(0)?;
                f.write_all(&bytes)
            };
            write().with_context(|| format!("writing {}", file.display()))?;
            println!("exported the sandbox state to {} ({} bytes)", file.display(), bytes.len());
            return Ok(());
        }
        SandboxCmd::Import { file, auth } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let req = file_client()?.post(auth.server.url("/sandbox/v1/import")).bearer_auth(&auth.token);
            answer(req.header("content-type", "application/x-ndjson").body(bytes).send().await?).await?
        }
        SandboxCmd::Clock(ClockCmd::Show { server }) => {
            answer(http.get(server.url("/sandbox/v1/clock")).send().await?).await?
        }
        SandboxCmd::Clock(ClockCmd::Advance { by, auth }) => {
            let req = http.post(auth.server.url("/sandbox/v1/clock/advance")).bearer_auth(&auth.token);
            answer(req.json(&json!({"by": by})).send().await?).await?
        }
        SandboxCmd::Faults(FaultsCmd::Add { rule, auth }) => {
            let req = http.post(auth.server.url("/sandbox/v1/faults")).bearer_auth(&auth.token);
            answer(req.json(&rule.to_json()).send().await?).await?
        }
        SandboxCmd::Faults(FaultsCmd::List { auth }) => {
            answer(http.get(auth.server.url("/sandbox/v1/faults")).bearer_auth(&auth.token).send().await?).await?
        }
        SandboxCmd::Faults(FaultsCmd::Clear { id, auth }) => {
            let path = match &id {
                Some(id) => format!("/sandbox/v1/faults/{id}"),
                None => "/sandbox/v1/faults".to_string(),
            };
            answer(http.delete(auth.server.url(&path)).bearer_auth(&auth.token).send().await?).await?
        }
    };
    println!("{v}");
    Ok(())
}
