//! A real browser for tests: Debian's `chromium`, headless, driven through `chromedriver` over
//! WebDriver with a small client on reqwest. One `chromedriver` per test binary, started at the
//! first use and shared; each test opens its own session (a browser with its own fresh profile)
//! and closes it when dropped.
//!
//! Screenshots go to `target/screenshots/`; with `RISALA_WRITE_SCREENSHOTS=1` the main ones are
//! also written to `docs/src/screenshots/`, which the book links.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};

/// WebDriver's key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The shared `chromedriver`: its URL. It runs under a shell that ends it when this process
/// ends (the shell's standard input, our pipe, closes).
struct Driver {
    url: String,
    _guard: Mutex<Child>,
}

static DRIVER: OnceLock<Result<Driver, String>> = OnceLock::new();

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(9515)
}

fn start_driver() -> Result<Driver, String> {
    let port = free_port();
    let child = Command::new("sh")
        .args(["-c", "chromedriver --port=\"$1\" >/dev/null 2>&1 & c=$!; read _; kill $c", "sh", &port.to_string()])
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start chromedriver (apt-get install chromium chromium-driver): {e}"))?;
    let url = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Driver { url, _guard: Mutex::new(child) });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err("chromedriver did not start listening within 20 s".into())
}

fn driver() -> &'static Driver {
    match DRIVER.get_or_init(start_driver) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

/// Where screenshots go: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("screenshots")
}

/// One browser session: a browser with its own profile.
pub struct Session {
    http: reqwest::Client,
    base: String,
}

/// An element of the page.
pub struct Element<'a> {
    session: &'a Session,
    id: String,
}

impl Session {
    /// A new headless browser whose preferred language is `lang` (`en`, `ar`), at `width` ×
    /// `height` CSS pixels.
    pub async fn start(lang: &str, width: u32, height: u32) -> Session {
        let driver = driver();
        let http = reqwest::Client::new();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         format!("--lang={lang}"), format!("--window-size={width},{height}"), "--hide-scrollbars"],
                "prefs": {"intl.accept_languages": lang}
            }
        }}});
        let resp: Value = http
            .post(format!("{}/session", driver.url))
            .json(&caps)
            .send()
            .await
            .expect("new WebDriver session")
            .json()
            .await
            .expect("session answer");
        let id = resp["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {resp}")).to_string();
        let s = Session { http, base: format!("{}/session/{id}", driver.url) };
        s.resize(width, height).await;
        s
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp: Value = req.send().await.expect("WebDriver request").json().await.expect("WebDriver answer");
        if resp["value"].get("error").is_some() {
            panic!("WebDriver {path}: {}", resp["value"]);
        }
        resp["value"].clone()
    }

    /// Set the viewport to `width` × `height` CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) {
        // The window's outer size: the viewport plus the browser's frame.
        let frame: Value = self
            .call(
                reqwest::Method::POST,
                "/execute/sync",
                Some(json!({"script": "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]", "args": []})),
            )
            .await;
        let (fw, fh) = (frame[0].as_u64().unwrap_or(0) as u32, frame[1].as_u64().unwrap_or(0) as u32);
        self.call(reqwest::Method::POST, "/window/rect", Some(json!({"width": width + fw, "height": height + fh})))
            .await;
    }

    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url}))).await;
    }

    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None).await.as_str().unwrap_or_default().to_string()
    }

    /// Run `script` (a function body; `arguments[i]` are `args`) and return its value.
    pub async fn eval(&self, script: &str, args: Value) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", Some(json!({"script": script, "args": args}))).await
    }

    /// The first element matching a CSS selector; panics when there is none.
    pub async fn find(&self, css: &str) -> Element<'_> {
        let v =
            self.call(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await;
        Element { session: self, id: v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}")).to_string() }
    }

    /// How many elements match a CSS selector.
    pub async fn count(&self, css: &str) -> usize {
        let v =
            self.call(reqwest::Method::POST, "/elements", Some(json!({"using": "css selector", "value": css}))).await;
        v.as_array().map(Vec::len).unwrap_or(0)
    }

    /// The text of the page's body.
    pub async fn text(&self) -> String {
        self.find("body").await.text().await
    }

    /// An attribute of `<html>` (`lang`, `dir`).
    pub async fn html_attr(&self, name: &str) -> String {
        self.find("html").await.attr(name).await.unwrap_or_default()
    }

    /// Type `value` into the field labelled by `#id`.
    pub async fn fill(&self, id: &str, value: &str) {
        self.find(&format!("#{id}")).await.send_keys(value).await;
    }

    /// Save a PNG of the viewport as `target/screenshots/<name>.png`; with `main` and
    /// `RISALA_WRITE_SCREENSHOTS=1`, also as `docs/src/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str, main: bool) -> PathBuf {
        let b64 = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD.decode(b64.as_str().unwrap_or_default()).expect("PNG");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::File::create(&path).and_then(|mut f| f.write_all(&png)).expect("write screenshot");
        if main && std::env::var("RISALA_WRITE_SCREENSHOTS").is_ok_and(|v| v == "1") {
            let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/src/screenshots");
            std::fs::create_dir_all(&docs).expect("docs screenshot dir");
            std::fs::write(docs.join(format!("{name}.png")), &png).expect("write docs screenshot");
        }
        path
    }
}

impl Element<'_> {
    fn path(&self, rest: &str) -> String {
        format!("/element/{}{rest}", self.id)
    }

    pub async fn click(&self) {
        self.session.call(reqwest::Method::POST, &self.path("/click"), Some(json!({}))).await;
    }

    pub async fn send_keys(&self, text: &str) {
        self.session.call(reqwest::Method::POST, &self.path("/value"), Some(json!({"text": text}))).await;
    }

    pub async fn text(&self) -> String {
        self.session
            .call(reqwest::Method::GET, &self.path("/text"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn attr(&self, name: &str) -> Option<String> {
        let v = self.session.call(reqwest::Method::GET, &self.path(&format!("/attribute/{name}")), None).await;
        v.as_str().map(str::to_string)
    }
}

/// Closing the browser: on another thread, since a drop cannot await.
impl Drop for Session {
    fn drop(&mut self) {
        let url = self.base.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                let _ = reqwest::Client::new().delete(url).timeout(Duration::from_secs(10)).send().await;
            });
        })
        .join();
    }
}
