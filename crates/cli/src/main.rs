//! `risala`: the one binary. With no subcommand it serves a sandbox.

mod admin;
mod admin_backup;
mod admin_keys;
mod admin_limits;
mod admin_privacy;
mod admin_templates;
mod admin_users;
mod billing;
mod client;
mod sandbox;
mod serve;
mod settings;
mod webhooks;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "risala", version, about = "A self-hosted WhatsApp Cloud API: sandbox and platform")]
struct Cli {
    /// TOML configuration file (see `risala config print-default`).
    #[arg(long, global = true, env = "RISALA_CONFIG")]
    config: Option<PathBuf>,
    #[command(flatten)]
    overrides: settings::Overrides,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage tenants directly on the database.
    #[command(subcommand)]
    Admin(admin::AdminCmd),
    /// Act as a customer's device: send messages, listen for the business's.
    #[command(subcommand)]
    Customer(client::CustomerCmd),
    /// Send a message as the business (the Graph API).
    Send(client::SendCmd),
    /// Sandbox controls: the clock, error injection.
    #[command(subcommand)]
    Sandbox(sandbox::SandboxCmd),
    /// Webhook deliveries of a running server: list, tail, replay, pause/resume, faults.
    Webhooks(webhooks::WebhooksCmd),
    /// Exit 0 when the server answers /readyz.
    Healthcheck {
        /// Server URL; default `http://<listen>`, or `https://<listen>` when `tls_cert` is set
        /// (`--server` is the same flag).
        #[arg(long, alias = "server")]
        url: Option<String>,
    },
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCmd),
}

#[derive(Debug, Subcommand)]
enum ConfigCmd {
    /// Print the default configuration as a commented TOML file.
    PrintDefault,
}

/// A reader that stops reading (`risala … --json | head`) closes the pipe, and `println!`
/// then panics with "failed printing to stdout: Broken pipe". That is not a failure of the
/// command: end quietly, as other command-line tools do. Any other panic is reported as
/// before.
fn quiet_on_closed_pipe() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(0);
        }
        report(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    if let Some(Command::Config(ConfigCmd::PrintDefault)) = cli.command {
        print!("{}", risala_server::config::DEFAULT_TOML);
        return ExitCode::SUCCESS;
    }
    let config = match settings::load(cli.config.as_ref(), &cli.overrides) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("risala: {e:#}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("risala: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        match cli.command {
            None | Some(Command::Serve) => serve::run(config).await,
            Some(Command::Migrate) => {
                admin::open(&config).await?;
                println!("migrations applied (schema version {})", risala_store::migrate::latest_version());
                Ok(())
            }
            // Before the other admin commands, which open the database first: `keys generate`
            // must not create one, and a restore must find the data directory unlocked.
            Some(Command::Admin(admin::AdminCmd::Keys(cmd))) => admin_keys::run(cmd, &config).await,
            Some(Command::Admin(admin::AdminCmd::Backup { to })) => admin_backup::backup(&config, &to),
            Some(Command::Admin(admin::AdminCmd::Restore { from })) => admin_backup::restore(&config, &from),
            Some(Command::Admin(cmd)) => admin::run(cmd, &config).await,
            Some(Command::Customer(cmd)) => client::customer(cmd).await,
            Some(Command::Send(cmd)) => client::send(cmd).await,
            Some(Command::Sandbox(cmd)) => sandbox::run(cmd).await,
            Some(Command::Webhooks(cmd)) => webhooks::run(cmd).await,
            Some(Command::Healthcheck { url }) => {
                // Its own listen address by default, over HTTPS when the server speaks it: the
                // certificate names the public host, not the address, so it is not checked
                // there (this asks the server on its own port whether it is ready).
                let tls = config.tls_cert.is_some();
                let own = url.is_none();
                let url = url.unwrap_or_else(|| format!("{}://{}", if tls { "https" } else { "http" }, config.listen));
                healthcheck(url, own && tls).await
            }
            Some(Command::Config(_)) => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("risala: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn healthcheck(url: String, own_tls: bool) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .danger_accept_invalid_certs(own_tls)
        .build()?;
    let resp = client.get(format!("{}/readyz", url.trim_end_matches('/'))).send().await?;
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    anyhow::ensure!(status.is_success(), "not ready ({status}): {body}");
    println!("{body}");
    Ok(())
}
