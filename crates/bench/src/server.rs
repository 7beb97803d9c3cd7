//! The server under test: by default this binary starts Risala itself, as a separate process
//! (the hidden `__serve` subcommand runs the real server code), on a fresh data directory.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

pub const TOKEN: &str = "EAARbench-demo-token-0123456789abcdef";

/// What the bench needs to know about the tenant it drives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Target {
    pub base: String,
    pub token: String,
    pub phone_number_id: String,
    pub business_number: String,
    pub app_id: String,
    pub app_secret: String,
    /// The demo business (`inbox` seeds its conversations).
    #[serde(default)]
    pub business_id: String,
    pub engine: String,
    /// The server's process id when it runs on this machine: the bench reads its CPU time
    /// (optional in a `--server` file; without it the server's CPU per message is not shown).
    #[serde(default)]
    pub pid: Option<u32>,
}

/// How the bench's own server is configured beyond its storage.
#[derive(Debug, Clone, Copy)]
pub struct ServerOptions {
    /// Whether the server encrypts message bodies and webhook payloads at rest.
    pub encrypt_at_rest: bool,
    /// The most changes in one webhook POST (`webhooks.batch_max_count`): 1 is the server's
    /// default (Meta's one change per POST), the bench's default is 100.
    pub webhook_batch: usize,
}

impl ServerOptions {
    /// The engine's name in reports, with what differs from the plain configuration.
    fn label(&self, engine: &str) -> String {
        format!(
            "{engine}{}{}",
            if self.encrypt_at_rest { "+encrypted" } else { "" },
            if self.webhook_batch == 1 { "+1/POST" } else { "" }
        )
    }
}

pub struct Spawned {
    pub child: Child,
    pub target: Target,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub options: ServerOptions,
}

impl Spawned {
    /// Start a server process on `data_dir` (created if needed) or PostgreSQL, configured with
    /// `options`.
    pub fn start(data_dir: &PathBuf, database_url: Option<&str>, options: ServerOptions) -> anyhow::Result<Spawned> {
        let exe = std::env::current_exe()?;
        let mut cmd = Command::new(exe);
        cmd.arg("__serve").arg("--data-dir").arg(data_dir);
        if let Some(url) = database_url {
            cmd.arg("--database-url").arg(url);
        }
        // Said either way, so inherited RISALA_BENCH_* variables cannot change them.
        cmd.env("RISALA_BENCH_ENCRYPT_AT_REST", options.encrypt_at_rest.to_string());
        cmd.env("RISALA_BENCH_WEBHOOK_BATCH", options.webhook_batch.to_string());
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn()?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            for _ in lines {}
        });
        let line = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                bail!("the server did not start within 60 s");
            }
        };
        let target: Target = serde_json::from_str(&line).with_context(|| format!("server said: {line}"))?;
        Ok(Spawned {
            child,
            target,
            data_dir: data_dir.clone(),
            database_url: database_url.map(str::to_string),
            options,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no chance to flush anything.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn stop(mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill9();
    }
}

/// Resident set size of a process, in bytes.
pub fn rss_bytes(pid: u32) -> Option<u64> {
    status_bytes(pid, "VmRSS:")
}

/// A size line of `/proc/<pid>/status` (`VmRSS:`, `RssAnon:`, …), in bytes.
pub fn status_bytes(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The password of the demo owner of the bench's server, who signs in to the web app.
pub const OWNER_PASSWORD: &str = "bench-owner-password";

/// The configuration of the bench's server on `data_dir` (or PostgreSQL); the `inbox`
/// scenario opens its store with it too.
pub fn config(data_dir: PathBuf, database_url: Option<String>, options: ServerOptions) -> risala_server::Config {
    risala_server::Config {
        listen: "127.0.0.1:0".into(),
        data_dir,
        database_url,
        demo_token: Some(TOKEN.into()),
        demo_owner_password: Some(OWNER_PASSWORD.into()),
        // Sandbox mode leaves it off by default; the bench measures either, as asked.
        encrypt_at_rest: Some(options.encrypt_at_rest),
        // The bench measures the server, not the per-number policy (80/s by default).
        throughput_mps: 0,
        // Nor the messaging limit: the `broadcast` scenario reaches 10,000 new customers.
        messaging_limit_tier: "TIER_UNLIMITED".into(),
        // Its figures are for batched webhooks by default (up to 100 changes per POST; the
        // server's default is one change per POST, `--webhook-batch 1`): its receiver reads
        // every change of a POST.
        webhooks: risala_delivery::DeliveryConfig {
            batch_max_count: options.webhook_batch.max(1),
            ..Default::default()
        },
        // The `connections` scenario opens ~20,000 WebSockets from 127.0.0.1: one address.
        connections: risala_server::config::ConnectionConfig {
            max_per_address: 0,
            ..risala_server::config::ConnectionConfig::default()
        },
        ..risala_server::Config::default()
    }
}

/// `__serve`: run the real server (sandbox mode, durable SQLite or PostgreSQL, bodies
/// encrypted at rest or not) and print the target as one JSON line once it listens.
pub async fn serve(data_dir: PathBuf, database_url: Option<String>, options: ServerOptions) -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
        .with_writer(std::io::stderr)
        .try_init();
    let config = config(data_dir, database_url.clone(), options);
    let listener = risala_server::listen(&config.listen).await?;
    let addr = listener.local_addr()?;
    let state = risala_server::build_state(config.clone()).await?;
    let demo = risala_server::seed_demo(&state).await?.tenant;
    let target = Target {
        base: format!("http://{addr}"),
        token: TOKEN.into(),
        phone_number_id: demo.ids.phone_number_id.clone(),
        business_number: demo.phone.number.clone(),
        app_id: demo.ids.app_id.clone(),
        app_secret: demo.app.app_secret.clone(),
        business_id: demo.ids.business_id.clone(),
        engine: options.label(if database_url.is_some() { "postgres" } else { "sqlite" }),
        pid: Some(std::process::id()),
    };
    println!("{}", serde_json::to_string(&target)?);
    let shutdown = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {},
        }
    };
    risala_server::serve(listener, state, shutdown).await?;
    Ok(())
}
