//! Test-only helpers: start the real server on port 0 with a fresh database (SQLite in a
//! temporary directory, or a fresh PostgreSQL schema when `RISALA_TEST_POSTGRES_URL` is set),
//! and talk HTTP to it.

// Only tests link this crate: a failed step should stop the test with its message, as in tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod browser;
pub mod customer;
pub mod wait;
pub mod webhooks;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::Rng;
use risala_core::model::Delivery;
use risala_core::store::{DeliveryFilter, WebhookStore};
use risala_core::tenancy::DemoTenant;
use risala_server::{AppState, Config};
use serde_json::Value;
use tokio::sync::oneshot;

pub use wait::{eventually, eventually_blocking};

/// The fixed demo token every test server uses.
pub const DEMO_TOKEN: &str = "EAARtestdemotoken0123456789abcdefghijklmnop";

/// The fixed password of the demo owner (`owner@demo.test`) every test server uses.
pub const DEMO_OWNER_PASSWORD: &str = "demo-owner-password-0123";

/// Which database engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("RISALA_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

/// A temporary directory removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let n: u64 = rand::thread_rng().gen();
        let p = std::env::temp_dir().join(format!("risala-test-{n:016x}"));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Default for TempDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where a test server keeps its data; reused to restart a server on the same data.
pub struct Database {
    pub engine: Engine,
    pub dir: TempDir,
    pub url: Option<String>,
    schema: Option<String>,
}

impl Drop for Database {
    fn drop(&mut self) {
        // Drop the PostgreSQL schema so test runs leave nothing behind.
        let (Some(schema), Some(base)) = (self.schema.take(), postgres_url()) else { return };
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                if let Ok((client, conn)) = tokio_postgres::connect(&base, tokio_postgres::NoTls).await {
                    tokio::spawn(conn);
                    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
                }
            });
        })
        .join();
    }
}

impl Database {
    /// A fresh, empty database on `engine`. For PostgreSQL a new schema is created and the
    /// URL selects it through `search_path`.
    pub async fn fresh(engine: Engine) -> anyhow::Result<Database> {
        let dir = TempDir::new();
        let mut schema_name = None;
        let url = match engine {
            Engine::Sqlite => None,
            Engine::Postgres => {
                let base = postgres_url().ok_or_else(|| anyhow::anyhow!("RISALA_TEST_POSTGRES_URL is not set"))?;
                let schema = format!("t_{:016x}", rand::thread_rng().gen::<u64>());
                let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls).await?;
                tokio::spawn(conn);
                client.batch_execute(&format!("CREATE SCHEMA {schema}")).await?;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
                schema_name = Some(schema);
                Some(url)
            }
        };
        Ok(Database { engine, dir, url, schema: schema_name })
    }

    /// The configuration of a sandbox server on this database, on a free port.
    pub fn config(&self) -> Config {
        Config {
            listen: "127.0.0.1:0".into(),
            data_dir: self.dir.path().to_path_buf(),
            database_url: self.url.clone(),
            demo_token: Some(DEMO_TOKEN.into()),
            demo_owner_password: Some(DEMO_OWNER_PASSWORD.into()),
            sqlite_synchronous: "NORMAL".into(),
            // A key file of its own, so that platform-mode tests start too.
            key_file: Some(self.dir.path().join("risala.key")),
            // Tests send bursts to one number; the throughput test sets its own limit.
            throughput_mps: 0,
            ..Config::default()
        }
    }
}

/// A running server.
pub struct TestApp {
    pub config: Config,
    pub addr: SocketAddr,
    pub base: String,
    pub state: AppState,
    pub demo: DemoTenant,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    /// Start a server with the default sandbox configuration on `db`.
    pub async fn start(db: &Database) -> anyhow::Result<TestApp> {
        Self::start_with(db.config()).await
    }

    /// Start a server with this configuration.
    pub async fn start_with(config: Config) -> anyhow::Result<TestApp> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = tokio::net::TcpListener::bind(&config.listen).await?;
        let addr = listener.local_addr()?;
        // The state names the bound address (webhooks' media links); `config` keeps the one
        // asked for, so a test that starts another server with it gets a port of its own.
        let state = risala_server::build_state(Config { listen: addr.to_string(), ..config.clone() }).await?;
        let demo = risala_server::seed_demo(&state).await?.tenant;
        let (tx, rx) = oneshot::channel::<()>();
        let serve_state = state.clone();
        let done = tokio::spawn(async move {
            let _ = risala_server::serve(listener, serve_state, async {
                let _ = rx.await;
            })
            .await;
        });
        Ok(TestApp {
            config,
            addr,
            base: format!("http://{addr}"),
            state,
            demo,
            client: reqwest::Client::new(),
            stop: Some(tx),
            done: Some(done),
        })
    }

    /// Stop serving and wait until the server has finished.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn phone_number_id(&self) -> &str {
        &self.demo.ids.phone_number_id
    }

    pub fn waba_id(&self) -> &str {
        &self.demo.ids.waba_id
    }

    /// Upload media as the demo business (`POST /{phone-number-id}/media`): the response.
    pub async fn upload_request(&self, mime: &str, filename: &str, bytes: Vec<u8>) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string()).mime_str(mime).expect("mime");
        let form = reqwest::multipart::Form::new().text("messaging_product", "whatsapp").part("file", part);
        self.client
            .post(self.url(&format!("/v23.0/{}/media", self.phone_number_id())))
            .bearer_auth(DEMO_TOKEN)
            .multipart(form)
            .send()
            .await
            .expect("upload request")
    }

    /// Upload media as the demo business (`POST /{phone-number-id}/media`): status and body.
    pub async fn upload_raw(&self, mime: &str, filename: &str, bytes: Vec<u8>) -> (u16, Value) {
        json_response(self.upload_request(mime, filename, bytes).await).await
    }

    /// Upload media as the demo business; returns the media id.
    pub async fn upload(&self, mime: &str, bytes: &[u8]) -> String {
        let (s, v) = self.upload_raw(mime, "file.bin", bytes.to_vec()).await;
        assert_eq!(s, 200, "upload: {v}");
        v["id"].as_str().expect("media id").to_string()
    }

    /// The demo business number's digits.
    pub fn business_number(&self) -> &str {
        &self.demo.phone.number
    }

    /// Every outbox row as `(field, value)`, oldest first.
    pub async fn outbox(&self) -> Vec<(String, Value)> {
        let store = risala_server::open_store(&self.config).await.expect("open store");
        let rows = store.db().query("SELECT id FROM outbox ORDER BY id", vec![]).await.expect("outbox");
        let mut out = Vec::new();
        for r in rows {
            // Through the store, which opens payloads encrypted at rest.
            let d = store.delivery(r.i64(0).unwrap()).await.expect("outbox row").expect("row");
            out.push((d.field, serde_json::from_str(&d.value).unwrap()));
        }
        out
    }

    /// The `statuses[]` entries queued for webhooks, in order.
    pub async fn queued_statuses(&self) -> Vec<Value> {
        self.outbox()
            .await
            .into_iter()
            .filter_map(|(f, v)| (f == "messages").then(|| v["statuses"].as_array().cloned()).flatten())
            .flatten()
            .collect()
    }

    /// The `messages[]` webhook values (whole `value` objects) queued, in order.
    pub async fn queued_inbound(&self) -> Vec<Value> {
        self.outbox()
            .await
            .into_iter()
            .filter(|(f, v)| f == "messages" && v.get("messages").is_some())
            .map(|(_, v)| v)
            .collect()
    }

    /// Every webhook delivery row (up to 1000), as the delivery worker left them.
    pub async fn deliveries(&self) -> Vec<Delivery> {
        let filter = DeliveryFilter { limit: 1000, ..Default::default() };
        self.state.store.deliveries(&filter).await.expect("webhook deliveries")
    }

    /// Wait until the webhook delivery rows satisfy `pred` (the worker recorded an attempt, a
    /// dead letter, a delivery…); panics naming `what` after 10 s.
    pub async fn wait_deliveries(&self, what: &str, pred: impl Fn(&[Delivery]) -> bool) {
        eventually(what, Duration::from_secs(10), async || pred(&self.deliveries().await)).await.unwrap();
    }

    /// GET with the demo token; returns status and JSON body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.get_as(path, Some(DEMO_TOKEN)).await
    }

    pub async fn get_as(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        json_response(req.send().await.expect("request")).await
    }

    /// POST JSON with the demo token.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post_as(path, body, Some(DEMO_TOKEN)).await
    }

    pub async fn post_as(&self, path: &str, body: &Value, token: Option<&str>) -> (u16, Value) {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        json_response(req.send().await.expect("request")).await
    }

    /// Move the sandbox clock through the API (`POST /sandbox/v1/clock/advance`), by a
    /// duration such as `"25h"` or `"2h59m"`; asserts it moved.
    pub async fn advance_clock(&self, by: &str) {
        let (s, v) = self.post("/sandbox/v1/clock/advance", &serde_json::json!({"by": by})).await;
        assert_eq!(s, 200, "advance the clock by {by}: {v}");
    }

    /// Send a message from the demo number; asserts it is accepted and returns its wamid.
    pub async fn send_accepted(&self, body: &Value) -> String {
        let (s, v) = self.post(&format!("/v23.0/{}/messages", self.phone_number_id()), body).await;
        assert_eq!(s, 200, "send {body}: {v}");
        v["messages"][0]["id"].as_str().unwrap().to_string()
    }

    /// Create en_US templates of one BODY (`(name, category, text)`, the text with one
    /// positional variable whose example is "Ann") and assert each is APPROVED.
    pub async fn create_approved_templates(&self, templates: &[(&str, &str, &str)]) {
        let path = format!("/v23.0/{}/message_templates", self.waba_id());
        for (name, category, text) in templates {
            let t = serde_json::json!({"name": name, "language": "en_US", "category": category, "components": [
                {"type": "BODY", "text": text, "example": {"body_text": [["Ann"]]}}]});
            let (s, v) = self.post(&path, &t).await;
            assert_eq!((s, v["status"].as_str()), (200, Some("APPROVED")), "{t}: {v}");
        }
    }
}

/// A text message to `to`.
pub fn text_message(to: &str, body: &str) -> Value {
    serde_json::json!({"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}})
}

/// A template message to `to` (en_US) with one text parameter in its body.
pub fn template_message(to: &str, name: &str, parameter: &str) -> Value {
    serde_json::json!({"messaging_product": "whatsapp", "to": to, "type": "template", "template": {"name": name,
        "language": {"code": "en_US"}, "components": [{"type": "body", "parameters": [{"type": "text", "text": parameter}]}]}})
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Status and JSON body (or the text as a JSON string when it is not JSON).
pub async fn json_response(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// Assert a Graph error envelope with this HTTP status and code; returns the `error` object.
#[track_caller]
pub fn assert_graph_error(resp: &(u16, Value), status: u16, code: i64) -> Value {
    let (s, body) = resp;
    assert_eq!(*s, status, "status for {body}");
    let e = body.get("error").unwrap_or_else(|| panic!("no error envelope in {body}"));
    assert_eq!(e["code"], code, "code in {body}");
    let msg = e["message"].as_str().expect("message");
    // Meta writes `(#code) title`, except for the access-token errors (104, 190).
    let prefixed = msg.starts_with(&format!("(#{code})"));
    assert_eq!(prefixed, !matches!(code, 104 | 190), "message {msg}");
    assert!(e["type"].is_string(), "type in {body}");
    assert!(e["fbtrace_id"].as_str().is_some_and(|t| !t.is_empty()), "fbtrace_id in {body}");
    e.clone()
}

/// Whether the PostgreSQL run of a test goes ahead. Without `RISALA_TEST_POSTGRES_URL` it is
/// skipped with a note on a developer's machine; in CI (`CI` set and not empty) it panics
/// instead, so a runner that lost its database URL fails rather than passing every PostgreSQL
/// test without running it.
pub fn postgres_or_skip() -> bool {
    if postgres_url().is_some() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
        panic!(
            "CI is set but RISALA_TEST_POSTGRES_URL is not: the PostgreSQL run of this test cannot be skipped in CI"
        );
    }
    eprintln!("RISALA_TEST_POSTGRES_URL is not set: the PostgreSQL run of this test is skipped");
    false
}

/// Run a test body on SQLite, and on PostgreSQL when `RISALA_TEST_POSTGRES_URL` is set (in CI
/// it must be: see [`postgres_or_skip`]). Generates `mod $name { sqlite(), postgres() }`.
#[macro_export]
macro_rules! engine_test {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $body($crate::Engine::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !$crate::postgres_or_skip() {
                    return;
                }
                $body($crate::Engine::Postgres).await;
            }
        }
    };
}
