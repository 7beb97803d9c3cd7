//! What every scenario runs against: the bench's own servers (one, or `--nodes N` on one
//! PostgreSQL) or the `--server`s given, the webhook sink, and customers with open windows.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use bytes::Bytes;
use serde_json::{json, Value};

use crate::cpu::Meter;
use crate::http::Conn;
use crate::server::{ServerOptions, Spawned, Target};
use crate::sink::{self, Sink};

pub struct Env {
    /// The first node: every scenario sets up through it (and most measure only it).
    pub target: Target,
    /// Every node, the first included: `send` and `baseline` spread their connections over
    /// them (`--nodes N` or several `--server`).
    pub nodes: Vec<Target>,
    pub(crate) spawned: Option<Spawned>,
    /// The bench's own nodes after the first (`--nodes N`).
    pub(crate) more: Vec<Spawned>,
    pub(crate) sink: Option<(Arc<Sink>, String)>,
    /// Customers whose window is open, by number, with their session tokens.
    pub(crate) customers: Vec<(String, String)>,
    pub(crate) dir: Option<PathBuf>,
}

/// A scenario that fails still stops the server it started and removes its data.
impl Drop for Env {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Env {
    /// The servers given with `--server` (one file each), or the bench's own: `nodes` processes
    /// on one database (more than one needs PostgreSQL; they share its data directory's key).
    pub fn new(
        servers: &[PathBuf],
        nodes: usize,
        database_url: Option<&str>,
        options: ServerOptions,
    ) -> anyhow::Result<Env> {
        if !servers.is_empty() {
            anyhow::ensure!(
                !options.encrypt_at_rest,
                "--encrypt-at-rest applies to the server the bench starts: set encrypt_at_rest in the configuration of \
                 the server given with --server instead"
            );
            anyhow::ensure!(nodes == 1, "--nodes starts the bench's own servers: give either --nodes or --server");
            let mut targets = Vec::new();
            for file in servers {
                let text = std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
                targets.push(serde_json::from_str::<Target>(&text).with_context(|| format!("{}", file.display()))?);
            }
            return Ok(Env {
                target: targets[0].clone(),
                nodes: targets,
                spawned: None,
                more: Vec::new(),
                sink: None,
                customers: Vec::new(),
                dir: None,
            });
        }
        anyhow::ensure!(nodes >= 1, "--nodes is at least 1");
        anyhow::ensure!(
            nodes == 1 || database_url.is_some(),
            "--nodes {nodes}: several nodes share one PostgreSQL database: give --database-url"
        );
        let dir = std::env::temp_dir().join(format!("risala-bench-{:016x}", rand::random::<u64>()));
        private_dir(&dir)?;
        let spawned = Spawned::start(&dir, database_url, options)?;
        let mut more = Vec::new();
        for n in 2..=nodes {
            // Every node needs the first one's key to read the secrets it stored.
            let own = dir.join(format!("node{n}"));
            private_dir(&own)?;
            std::fs::copy(dir.join("risala.key"), own.join("risala.key"))?;
            more.push(Spawned::start(&own, database_url, options)?);
        }
        let mut all = vec![spawned.target.clone()];
        all.extend(more.iter().map(|s| s.target.clone()));
        Ok(Env {
            target: spawned.target.clone(),
            nodes: all,
            spawned: Some(spawned),
            more,
            sink: None,
            customers: Vec::new(),
            dir: Some(dir),
        })
    }

    /// ` nodes=N` in a scenario's name when it ran on several nodes.
    pub fn nodes_label(&self) -> String {
        match self.nodes.len() {
            1 => String::new(),
            n => format!(" nodes={n}"),
        }
    }

    /// Refuse a scenario that measures one node only when several were asked for.
    pub fn one_node(&self, scenario: &str) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.nodes.len() == 1,
            "{scenario} runs against one node: several nodes (--nodes, --server) are for send and baseline"
        );
        Ok(())
    }

    /// The bench's own server: its data directory, database URL and options (none with
    /// `--server`).
    pub fn spawned_store(&self) -> Option<(PathBuf, Option<String>, ServerOptions)> {
        self.spawned.as_ref().map(|s| (s.data_dir.clone(), s.database_url.clone(), s.options))
    }

    /// The process id of the bench's own server (none with `--server`).
    pub fn pid(&self) -> Option<u32> {
        self.spawned.as_ref().map(|s| s.pid())
    }

    /// A CPU meter on the servers (the bench's own, or `--server`s that named their `pid`; every
    /// node's CPU added up) and on the bench itself, started now.
    pub fn cpu_meter(&self) -> Meter {
        let mut pids: Vec<u32> = self.spawned.iter().chain(&self.more).map(Spawned::pid).collect();
        if pids.is_empty() {
            pids = self.nodes.iter().filter_map(|t| t.pid).collect();
        }
        Meter::start(&pids, self.local_postgres())
    }

    /// Whether the bench's own server runs on a PostgreSQL of this machine, whose processes a
    /// CPU meter then measures too.
    fn local_postgres(&self) -> bool {
        self.spawned.as_ref().and_then(|s| s.database_url.as_deref()).is_some_and(is_local)
    }

    pub fn finish(&mut self) {
        for s in self.more.drain(..) {
            s.stop();
        }
        if let Some(s) = self.spawned.take() {
            s.stop();
        }
        if let Some(d) = self.dir.take() {
            let _ = std::fs::remove_dir_all(d);
        }
    }

    /// The webhook sink, subscribed as the app's callback.
    pub(crate) async fn sink(&mut self) -> anyhow::Result<Arc<Sink>> {
        if let Some((s, _)) = &self.sink {
            return Ok(s.clone());
        }
        let (sink, url) = sink::start().await?;
        sink.set_secret(&self.target.app_secret);
        let mut c = Conn::open(&self.target.base).await?;
        let body = json!({"object": "whatsapp_business_account", "callback_url": url, "verify_token": sink::VERIFY_TOKEN, "fields": "messages"});
        let a = c
            .request(
                "POST",
                &format!("/v23.0/{}/subscriptions", self.target.app_id),
                Some(&self.target.token),
                Some(Bytes::from(body.to_string())),
            )
            .await?;
        if a.status != 200 {
            bail!("subscribing the webhook sink failed: {} {}", a.status, String::from_utf8_lossy(&a.body));
        }
        self.sink = Some((sink.clone(), url));
        Ok(sink)
    }

    /// At least `n` customers with an open service window.
    pub(crate) async fn customers(&mut self, n: usize) -> anyhow::Result<Vec<(String, String)>> {
        let have = self.customers.len();
        if have < n {
            let target = self.target.clone();
            let numbers: Vec<String> = (have..n).map(|i| format!("1555{:07}", 2_000_000 + i)).collect();
            let chunks: Vec<Vec<String>> =
                numbers.chunks(numbers.len().div_ceil(16).max(1)).map(|c| c.to_vec()).collect();
            let mut tasks = Vec::new();
            for chunk in chunks {
                let target = target.clone();
                tasks.push(tokio::spawn(async move {
                    let mut c = Conn::open(&target.base).await?;
                    let mut out = Vec::new();
                    for number in chunk {
                        let a = c
                            .request(
                                "POST",
                                "/customer/v1/session",
                                None,
                                Some(Bytes::from(json!({"phone": number, "name": "Bench"}).to_string())),
                            )
                            .await?;
                        let v: Value = serde_json::from_slice(&a.body)?;
                        let token = v["token"].as_str().context("no session token")?.to_string();
                        let hello = json!({"to": target.business_number, "type": "text", "text": {"body": "hello"}});
                        let a = c
                            .request(
                                "POST",
                                "/customer/v1/messages",
                                Some(&token),
                                Some(Bytes::from(hello.to_string())),
                            )
                            .await?;
                        if a.status != 200 {
                            bail!("customer message failed: {}", String::from_utf8_lossy(&a.body));
                        }
                        out.push((number, token));
                    }
                    Ok::<_, anyhow::Error>(out)
                }));
            }
            for t in tasks {
                self.customers.extend(t.await??);
            }
        }
        Ok(self.customers[..n].to_vec())
    }
}

/// A data directory only this user reads, as the server asks of its own (it warns otherwise).
fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

/// Whether a PostgreSQL connection string names this machine only: sockets, loopback hosts,
/// or no host at all (the default socket).
fn is_local(url: &str) -> bool {
    use tokio_postgres::config::Host;
    let Ok(config) = url.parse::<tokio_postgres::Config>() else { return false };
    config.get_hosts().iter().all(|h| match h {
        Host::Tcp(name) => matches!(name.as_str(), "localhost" | "127.0.0.1" | "::1"),
        Host::Unix(_) => true,
    })
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn local_database_urls() {
        assert!(is_local("postgres://postgres@127.0.0.1:5432/db"));
        assert!(is_local("postgresql://u:p@localhost/db"));
        assert!(is_local("postgres://u@[::1]:5432/db"));
        assert!(is_local("postgres:///db?host=/var/run/postgresql"));
        assert!(is_local("host=localhost dbname=db"));
        assert!(!is_local("postgres://u@db.example.com:5432/db"));
        assert!(!is_local("postgres://u:p@10.0.0.5/db"));
    }
}
