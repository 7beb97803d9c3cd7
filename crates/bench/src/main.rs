//! `risala-bench`: load scenarios against a Risala server it starts itself (or `--server`),
//! with a built-in webhook sink that checks every signature. Prints a table, or `--json`.

mod broadcast;
mod cpu;
mod env;
mod http;
mod inbox;
mod media;
mod scenarios;
mod server;
mod sink;
mod sockets;
mod startup;
mod stats;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "risala-bench",
    about = "Measure Risala: send, inbound, connections, baseline, media, inbox, broadcast"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Print one JSON object per scenario instead of a table.
    #[arg(long, global = true)]
    json: bool,
    /// Run against PostgreSQL at this URL (the bench's own server uses it).
    #[arg(long, global = true, env = "RISALA_BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// An already running server, described by a JSON file with the fields the bench's own
    /// server prints (base, token, phone_number_id, business_number, app_id, app_secret, engine,
    /// and optionally pid). Give it once per node of a fleet: `send` and `baseline` spread their
    /// connections over them and report the aggregate.
    #[arg(long, global = true)]
    server: Vec<PathBuf>,
    /// Start this many server processes of the bench's own on one PostgreSQL database
    /// (`--database-url`): `send` and `baseline` spread their connections over them, and the
    /// server CPU per message adds up every node's.
    #[arg(long, global = true, default_value_t = 1)]
    nodes: usize,
    /// Start the bench's own server with `encrypt_at_rest` on: message bodies and webhook
    /// payloads encrypted at rest (reports name the engine `…+encrypted`). Default off, as in
    /// sandbox mode.
    #[arg(long, global = true, env = "RISALA_BENCH_ENCRYPT_AT_REST")]
    encrypt_at_rest: bool,
    /// The most changes in one webhook POST for the bench's own server. 100 (the default here)
    /// batches; 1 is the server's own default, Meta's one change per POST (reports name the
    /// engine `…+1/POST`).
    #[arg(long, global = true, env = "RISALA_BENCH_WEBHOOK_BATCH", default_value_t = 100)]
    webhook_batch: usize,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Concurrent connections send text messages to customers; webhooks are timed.
    Send {
        #[arg(long, default_value = "30s")]
        duration: String,
        #[arg(long, default_value_t = 64)]
        connections: usize,
        #[arg(long, default_value_t = 1000)]
        customers: usize,
        /// A fixed offered rate (messages per second) instead of as fast as possible.
        #[arg(long)]
        rate: Option<f64>,
        /// Kill the server with SIGKILL halfway, restart it, and check that every
        /// acknowledged message is in the store.
        #[arg(long)]
        kill_check: bool,
        /// Send this approved template (language `en_US`, no parameters; the sandbox has
        /// `hello_world`) instead of text: a notification burst.
        #[arg(long)]
        template: Option<String>,
    },
    /// Customers send over WebSocket; customer → webhook throughput and latency.
    Inbound {
        #[arg(long, default_value = "30s")]
        duration: String,
        #[arg(long, default_value_t = 200)]
        customers: usize,
    },
    /// Hold idle customer WebSockets; server memory per connection.
    Connections {
        #[arg(default_value_t = 20000)]
        count: usize,
        /// How long to hold them.
        #[arg(long, default_value = "5s")]
        hold: String,
    },
    /// The same client against a trivial endpoint: the machine's HTTP ceiling.
    Baseline {
        #[arg(long, default_value = "10s")]
        duration: String,
        #[arg(long, default_value_t = 64)]
        connections: usize,
    },
    /// Cold start: restart the server on an existing database, time start to healthy.
    Startup {
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Send messages for this long first, so the database holds data.
        #[arg(long, default_value = "3s")]
        fill: String,
    },
    /// One large upload, link fetch and download: the server's peak memory above idle.
    Media {
        /// The file's size in MiB (Meta's largest document is 100 MB).
        #[arg(long, default_value_t = 95)]
        size_mb: usize,
    },
    /// The team inbox's list page (`GET /app/`, signed in) with a large business, and the page
    /// of one long chat: seeded through the store, then each loaded `loads` times; median and
    /// p99.
    Inbox {
        #[arg(long, default_value_t = 10_000)]
        conversations: usize,
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        /// Messages of the one long chat whose page is timed too.
        #[arg(long, default_value_t = 100_000)]
        chat_messages: usize,
        #[arg(long, default_value_t = 200)]
        loads: usize,
    },
    /// One broadcast of a template to `recipients` new customers, paced by the server's runner
    /// at 80 messages a second: its time against the pacing's and every recipient accounted for.
    Broadcast {
        #[arg(long, default_value_t = 10_000)]
        recipients: usize,
    },
    /// A short run of every scenario (CI's smoke test): figures are printed, not asserted.
    Smoke {
        #[arg(long, default_value = "5s")]
        duration: String,
    },
    #[command(hide = true, name = "__serve")]
    Serve {
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long)]
        database_url: Option<String>,
    },
}

fn duration(s: &str) -> anyhow::Result<Duration> {
    let ms = risala_core::clock::parse_duration_ms(s).with_context(|| format!("'{s}' is not a duration like 30s"))?;
    Ok(Duration::from_millis(ms as u64))
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Many sockets: raise the open-file limit for this process and the server it starts (the
    // hard limit too where allowed, as for root: 20,000 connections need more than 20,000
    // descriptors on each side).
    const FILES: u64 = 65_536;
    if rlimit::setrlimit(rlimit::Resource::NOFILE, FILES, FILES).is_err() {
        let _ = rlimit::increase_nofile_limit(FILES);
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        anyhow::ensure!(cli.webhook_batch >= 1, "--webhook-batch is at least 1 (one change per POST)");
        let options = server::ServerOptions { encrypt_at_rest: cli.encrypt_at_rest, webhook_batch: cli.webhook_batch };
        if let Cmd::Serve { data_dir, database_url } = cli.cmd {
            return server::serve(data_dir, database_url, options).await;
        }
        anyhow::ensure!(
            cli.server.is_empty() || cli.webhook_batch == 100,
            "--webhook-batch applies to the server the bench starts: set webhooks.batch_max_count in the configuration \
             of the server given with --server instead"
        );
        let mut env = env::Env::new(&cli.server, cli.nodes, cli.database_url.as_deref(), options)?;
        if !matches!(cli.cmd, Cmd::Send { .. } | Cmd::Baseline { .. }) {
            env.one_node("this scenario")?;
        }
        let reports = match cli.cmd {
            Cmd::Send { duration: d, connections, customers, rate, kill_check, template } => {
                let what = scenarios::Payload::new(template);
                vec![scenarios::send(&mut env, duration(&d)?, connections, customers, rate, kill_check, &what).await?]
            }
            Cmd::Inbound { duration: d, customers } => {
                vec![sockets::inbound(&mut env, duration(&d)?, customers).await?]
            }
            Cmd::Connections { count, hold } => vec![sockets::connections(&mut env, count, duration(&hold)?).await?],
            Cmd::Baseline { duration: d, connections } => {
                vec![scenarios::baseline_report(&mut env, duration(&d)?, connections).await?]
            }
            Cmd::Startup { runs, fill } => vec![startup::startup(&mut env, runs, duration(&fill)?).await?],
            Cmd::Media { size_mb } => vec![media::media(&mut env, size_mb).await?],
            Cmd::Inbox { conversations, messages, chat_messages, loads } => {
                vec![inbox::inbox(&mut env, conversations, messages, chat_messages, loads).await?]
            }
            Cmd::Broadcast { recipients } => vec![broadcast::broadcast(&mut env, recipients).await?],
            Cmd::Smoke { duration: d } => {
                let d = duration(&d)?;
                vec![
                    scenarios::baseline_report(&mut env, d, 32).await?,
                    scenarios::send(&mut env, d, 32, 200, None, false, &scenarios::Payload::Text).await?,
                    scenarios::send(&mut env, d, 16, 200, Some(500.0), false, &scenarios::Payload::Text).await?,
                    sockets::inbound(&mut env, d, 50).await?,
                    sockets::connections(&mut env, 500, Duration::from_secs(1)).await?,
                    scenarios::send(&mut env, d, 16, 100, None, true, &scenarios::Payload::Text).await?,
                    startup::startup(&mut env, 3, Duration::ZERO).await?,
                ]
            }
            Cmd::Serve { .. } => unreachable!("handled above"),
        };
        env.finish();
        if cli.json {
            for r in &reports {
                println!("{}", serde_json::to_string(r)?);
            }
        } else {
            print!("{}", stats::table(&reports));
        }
        // Figures are not judged; lost messages and bad signatures are bugs.
        let broken = stats::correctness_failures(&reports);
        anyhow::ensure!(broken.is_empty(), "correctness failures: {}", broken.join("; "));
        Ok(())
    })
}
