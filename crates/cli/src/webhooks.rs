//! `risala webhooks …`: the webhook inspector over HTTP (`/admin/v1/webhooks/…` of a running
//! server): list, show, tail, replay, pause/resume endpoints, sandbox faults, app callbacks.

use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use risala_core::clock::iso_time;
use serde_json::{json, Map, Value};

#[derive(Debug, Args)]
pub struct WebhooksCmd {
    /// Server URL.
    #[arg(long, global = true, env = "RISALA_SERVER", default_value = "http://127.0.0.1:8080")]
    server: String,
    /// Admin token; in sandbox mode without one, a Graph token (then only its business is shown).
    #[arg(long, global = true, env = "RISALA_ADMIN_TOKEN", hide_env_values = true)]
    token: Option<String>,
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// List deliveries, newest first.
    List {
        /// pending, delivered or dead.
        #[arg(long)]
        state: Option<String>,
        /// Only this callback URL.
        #[arg(long)]
        endpoint: Option<String>,
        /// Only this business (operator).
        #[arg(long)]
        business: Option<String>,
        /// Rows with a smaller id (paging).
        #[arg(long)]
        before: Option<i64>,
        /// How many rows at most.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// One JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// One delivery, with the body it is sent with.
    Show {
        /// The delivery's id (as `list` shows it).
        id: i64,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Follow attempts as they happen (polls the server).
    Tail {
        /// Start from the oldest recorded attempt instead of now.
        #[arg(long)]
        all: bool,
        /// Only attempts that left a delivery in this state: pending, delivered or dead.
        #[arg(long)]
        state: Option<String>,
        /// Poll interval in milliseconds.
        #[arg(long, default_value_t = 1000)]
        interval_ms: u64,
        /// One JSON object per line instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Deliver again: one delivery by id, or every dead letter with --dead.
    Replay {
        /// The delivery to send again.
        id: Option<i64>,
        /// Every dead letter instead.
        #[arg(long)]
        dead: bool,
    },
    /// Configured callback URLs and whether they are paused.
    Endpoints {
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Hold deliveries to a callback URL.
    Pause { url: String },
    /// Deliver held changes to a callback URL.
    Resume { url: String },
    /// Sandbox fault injection: show, or set the shares given.
    Faults {
        /// Share of POSTs answered as failed (0 to 1).
        #[arg(long)]
        fail_rate: Option<f64>,
        /// The HTTP status those failures get (e.g. 500).
        #[arg(long)]
        fail_status: Option<u16>,
        /// Share of POSTs delayed (0 to 1).
        #[arg(long)]
        delay_rate: Option<f64>,
        /// e.g. 2s, 500ms.
        #[arg(long)]
        delay: Option<String>,
        /// Share of POSTs treated as timed out (0 to 1).
        #[arg(long)]
        timeout_rate: Option<f64>,
    },
    /// Set an app's callback URL (the server performs Meta's verification GET first).
    Subscribe {
        /// The app's id.
        #[arg(long)]
        app: String,
        /// The callback URL.
        #[arg(long)]
        url: String,
        /// What the server sends in the verification GET (`hub.verify_token`).
        #[arg(long)]
        verify_token: String,
        /// Comma-separated fields (default: all).
        #[arg(long)]
        fields: Option<String>,
    },
    /// App callbacks.
    Subscriptions {
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Queue figures: pending, dead, oldest undelivered age.
    Stats,
}

struct Api {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Api {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.with_context(|| format!("cannot reach {}", self.base))?;
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if !status.is_success() {
            let msg = v["error"]["message"].as_str().unwrap_or("");
            let details = v["error"]["error_data"]["details"].as_str().unwrap_or("");
            bail!("{status}: {msg} {details}");
        }
        Ok(v)
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }
}

fn query(pairs: &[(&str, Option<String>)]) -> String {
    let present: Vec<(&str, String)> = pairs.iter().filter_map(|(k, v)| v.clone().map(|v| (*k, v))).collect();
    if present.is_empty() {
        return String::new();
    }
    format!("?{}", encode(&present))
}

fn encode(pairs: &[(&str, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", v.bytes().map(pct).collect::<String>())).collect::<Vec<_>>().join("&")
}

fn pct(b: u8) -> String {
    if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
        (b as char).to_string()
    } else {
        format!("%{b:02X}")
    }
}

fn time(v: &Value) -> String {
    v.as_i64().map(iso_time).unwrap_or_else(|| "-".into())
}

/// One delivery on one line.
fn line(d: &Value) -> String {
    let status = d["last_status"].as_i64().map(|s| s.to_string()).unwrap_or_else(|| "-".into());
    let mut s = format!(
        "#{:<6} {:<9} attempts={:<3} status={:<3} {:<28} key={}",
        d["id"],
        d["state"].as_str().unwrap_or(""),
        d["attempts"],
        status,
        d["field"].as_str().unwrap_or(""),
        d["ordering_key"].as_str().unwrap_or("")
    );
    if d["state"] == "pending" {
        s.push_str(&format!(" next={}", time(&d["next_attempt_at"])));
    }
    if let Some(e) = d["endpoint"].as_str() {
        s.push_str(&format!(" -> {e}"));
    }
    if let Some(e) = d["last_error"].as_str() {
        s.push_str(&format!("  [{e}]"));
    }
    s
}

fn print_json(v: &Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

pub async fn run(cmd: WebhooksCmd) -> anyhow::Result<()> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    let api = Api { base: cmd.server.trim_end_matches('/').to_string(), token: cmd.token, http };
    match cmd.cmd {
        Sub::List { state, endpoint, business, before, limit, json } => {
            let q = query(&[
                ("state", state),
                ("endpoint", endpoint),
                ("business_id", business),
                ("before", before.map(|b| b.to_string())),
                ("limit", Some(limit.to_string())),
            ]);
            let v = api.get(&format!("/admin/v1/webhooks/deliveries{q}")).await?;
            if json {
                print_json(&v);
            } else {
                for d in v["data"].as_array().into_iter().flatten() {
                    println!("{}", line(d));
                }
                if let Some(b) = v["paging"]["before"].as_i64() {
                    println!("(more: --before {b})");
                }
            }
        }
        Sub::Show { id, json } => {
            let v = api.get(&format!("/admin/v1/webhooks/deliveries/{id}")).await?;
            if json {
                print_json(&v);
            } else {
                println!("{}", line(&v));
                println!("created {}  updated {}", time(&v["created_at"]), time(&v["updated_at"]));
                println!("{}", serde_json::to_string_pretty(&v["body"]).unwrap_or_default());
            }
        }
        Sub::Tail { all, state, interval_ms, json } => {
            let mut cursor = if all {
                "0:0".to_string()
            } else {
                let s = api.get("/admin/v1/webhooks/stats").await?;
                format!("{}:0", s["now_ms"].as_i64().unwrap_or(0))
            };
            loop {
                let q = query(&[
                    ("changed_after", Some(cursor.clone())),
                    ("state", state.clone()),
                    ("limit", Some("500".into())),
                ]);
                let v = api.get(&format!("/admin/v1/webhooks/deliveries{q}")).await?;
                for d in v["data"].as_array().into_iter().flatten() {
                    if json {
                        println!("{d}");
                    } else {
                        println!("{} {}", time(&d["updated_at"]), line(d));
                    }
                }
                if let Some(c) = v["paging"]["changed_after"].as_str() {
                    cursor = c.to_string();
                }
                if v["data"].as_array().is_none_or(|a| a.len() < 500) {
                    tokio::time::sleep(Duration::from_millis(interval_ms.max(100))).await;
                }
            }
        }
        Sub::Replay { id, dead } => {
            let v = match (id, dead) {
                (Some(id), false) => api.post(&format!("/admin/v1/webhooks/deliveries/{id}/replay"), json!({})).await?,
                (None, true) => api.post("/admin/v1/webhooks/dead-letters/replay", json!({})).await?,
                (Some(_), true) => bail!("give a delivery id or --dead, not both"),
                (None, false) => bail!("give a delivery id, or --dead for every dead letter"),
            };
            println!("replayed {}", v["replayed"]);
        }
        Sub::Endpoints { json } => {
            let v = api.get("/admin/v1/webhooks/endpoints").await?;
            if json {
                print_json(&v);
            } else {
                for e in v["data"].as_array().into_iter().flatten() {
                    let paused = if e["paused"] == true { "PAUSED" } else { "active" };
                    println!(
                        "{paused:<7} {:<13} {}",
                        e["level"].as_str().unwrap_or("-"),
                        e["url"].as_str().unwrap_or("")
                    );
                }
            }
        }
        Sub::Pause { url } => {
            api.post("/admin/v1/webhooks/endpoints/pause", json!({"url": url})).await?;
            println!("paused {url}");
        }
        Sub::Resume { url } => {
            api.post("/admin/v1/webhooks/endpoints/resume", json!({"url": url})).await?;
            println!("resumed {url}");
        }
        Sub::Faults { fail_rate, fail_status, delay_rate, delay, timeout_rate } => {
            let mut m = Map::new();
            let mut put = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    m.insert(k.into(), v);
                }
            };
            put("fail_rate", fail_rate.map(Value::from));
            put("fail_status", fail_status.map(Value::from));
            put("delay_rate", delay_rate.map(Value::from));
            put("delay", delay.map(Value::from));
            put("timeout_rate", timeout_rate.map(Value::from));
            let v = if m.is_empty() {
                api.get("/admin/v1/webhooks/faults").await?
            } else {
                api.post("/admin/v1/webhooks/faults", Value::Object(m)).await?
            };
            print_json(&v);
        }
        Sub::Subscribe { app, url, verify_token, fields } => {
            let mut body = json!({"app_id": app, "callback_url": url, "verify_token": verify_token});
            if let Some(f) = fields {
                body["fields"] = Value::String(f);
            }
            api.post("/admin/v1/webhooks/subscriptions", body).await?;
            println!("verified and saved: app {app} -> {url}");
        }
        Sub::Subscriptions { json } => {
            let v = api.get("/admin/v1/webhooks/subscriptions").await?;
            if json {
                print_json(&v);
            } else {
                for s in v["data"].as_array().into_iter().flatten() {
                    let fields = s["fields"].as_array().map(|f| f.len()).unwrap_or(0);
                    let fields = if fields == 0 { "all fields".to_string() } else { s["fields"].to_string() };
                    println!(
                        "app {} -> {} ({fields})",
                        s["app_id"].as_str().unwrap_or(""),
                        s["callback_url"].as_str().unwrap_or("")
                    );
                }
            }
        }
        Sub::Stats => print_json(&api.get("/admin/v1/webhooks/stats").await?),
    }
    Ok(())
}
