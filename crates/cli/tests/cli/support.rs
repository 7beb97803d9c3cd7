//! The real `risala` binary as a running server, its admin commands, and a blocking HTTP GET,
//! for the binary's end-to-end tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use risala_testkit::{eventually_blocking, TempDir};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_risala");

/// `risala` serving on a free port; stopped (SIGTERM) when dropped.
pub struct Server {
    child: Child,
    pub banner: String,
}

impl Server {
    /// Start `risala --listen 127.0.0.1:0 --data-dir DIR ARGS…` with these extra environment
    /// variables (and no database URL or demo token from the caller's environment); returns
    /// once the banner is printed.
    pub fn start(dir: &TempDir, args: &[&str], envs: &[(&str, &str)]) -> Server {
        Self::start_in(dir.path(), args, envs)
    }

    /// [`Server::start`] with a data directory that may not exist yet.
    pub fn start_in(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut child = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir)
            .args(args)
            .env_remove("RISALA_DEMO_TOKEN")
            .env_remove("RISALA_DATABASE_URL")
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn risala");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut banner = String::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                banner.push_str(&line);
                banner.push('\n');
                if line.contains("-d '{") {
                    let _ = tx.send(banner.clone());
                }
            }
        });
        let banner = rx.recv_timeout(Duration::from_secs(20)).expect("banner");
        Server { child, banner }
    }

    /// The value after `label` on a banner line.
    pub fn field(&self, label: &str) -> String {
        self.banner
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(label).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("{label} not in banner:\n{}", self.banner))
    }

    /// The base URL the banner announces.
    pub fn base(&self) -> String {
        let line = self.banner.lines().find(|l| l.contains("listening on")).unwrap();
        line.split("listening on ").nth(1).unwrap().trim().to_string()
    }

    /// Send a signal (`HUP`, `TERM`, …) to the server.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success(), "kill -{name} failed");
    }

    /// SIGKILL: the process ends at once, without a chance to finish anything.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait (at most 10 s) for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        self.stop().expect("risala did not stop on SIGTERM")
    }

    fn stop(&mut self) -> Option<std::process::ExitStatus> {
        if let Ok(Some(st)) = self.child.try_wait() {
            return Some(st);
        }
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let mut status = None;
        let exited = eventually_blocking("risala exits after SIGTERM", Duration::from_secs(10), || {
            status = self.child.try_wait().ok().flatten();
            status.is_some()
        });
        exited.ok().and(status)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.stop().is_none() {
            let _ = self.child.kill();
        }
    }
}

/// `risala --data-dir DIR admin ARGS…`: success and stdout (stderr appended).
pub fn admin(dir: &TempDir, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .arg("admin")
        .args(args)
        .env_remove("RISALA_DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Run the binary with `args`; it must succeed and print one JSON document, which is returned.
pub fn run_json(args: &[&str]) -> Value {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// [`admin`] with stderr appended to stdout.
pub fn admin_combined(dir: &TempDir, args: &[&str]) -> (bool, String) {
    let (ok, out, err) = admin(dir, args);
    (ok, out + &err)
}

/// GET `url` with a bearer token from a plain thread: status and JSON body.
pub fn get(url: &str, token: &str) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let r = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap();
        risala_testkit::json_response(r).await
    })
}
