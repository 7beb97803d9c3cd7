//! Commands that talk HTTP to a running server: `risala customer …` (a simulated customer's
//! device), `risala send` (the business side).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message as Ws;

const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

#[derive(Debug, Args)]
pub struct ServerArg {
    /// Server URL.
    #[arg(long, env = "RISALA_SERVER", default_value = DEFAULT_SERVER)]
    pub server: String,
}

impl ServerArg {
    /// `path` on the server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.trim_end_matches('/'))
    }
}

/// What to send: exactly one of the content flags.
#[derive(Debug, Args, Default)]
pub struct Content {
    /// Text message.
    #[arg(long)]
    pub text: Option<String>,
    /// Image file to upload and send.
    #[arg(long)]
    pub image: Option<PathBuf>,
    /// Video file to upload and send.
    #[arg(long)]
    pub video: Option<PathBuf>,
    /// Audio file to upload and send.
    #[arg(long)]
    pub audio: Option<PathBuf>,
    /// Document to upload and send (its file name travels with it).
    #[arg(long)]
    pub document: Option<PathBuf>,
    /// Sticker (a WebP image) to upload and send.
    #[arg(long)]
    pub sticker: Option<PathBuf>,
    /// Caption for media.
    #[arg(long)]
    pub caption: Option<String>,
    /// Location as LAT,LON.
    #[arg(long)]
    pub location: Option<String>,
    /// React to a message: WAMID:EMOJI (empty emoji removes the reaction).
    #[arg(long)]
    pub reaction: Option<String>,
    /// Tap a reply button: ID:TITLE (needs --context, the message with the buttons).
    #[arg(long)]
    pub button_reply: Option<String>,
    /// Pick a list row: ID:TITLE (needs --context).
    #[arg(long)]
    pub list_reply: Option<String>,
    /// Tap a template quick reply: PAYLOAD:TEXT (needs --context).
    #[arg(long)]
    pub quick_reply: Option<String>,
    /// The whole message object as JSON, e.g. '{"type":"contacts","contacts":[…]}'.
    #[arg(long)]
    pub json: Option<String>,
    /// Reply to (quote) this message id.
    #[arg(long)]
    pub context: Option<String>,
}

// Parsed once per process: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum CustomerCmd {
    /// Send a message to a business number as a customer.
    Send {
        /// The customer's phone number.
        #[arg(long = "as")]
        as_number: String,
        /// Profile name shown to the business.
        #[arg(long)]
        name: Option<String>,
        /// The business phone number.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        content: Content,
        #[command(flatten)]
        server: ServerArg,
    },
    /// Print incoming events as JSON lines, acknowledging delivery as a device does.
    Listen {
        /// The customer's phone number.
        #[arg(long = "as")]
        as_number: String,
        /// Profile name shown to the business.
        #[arg(long)]
        name: Option<String>,
        /// Also mark each message read.
        #[arg(long)]
        read: bool,
        /// Exit after this long (e.g. 30s); default: run until interrupted.
        #[arg(long = "for")]
        for_: Option<String>,
        #[command(flatten)]
        server: ServerArg,
    },
}

#[derive(Debug, Args)]
pub struct SendCmd {
    /// The customer's number.
    #[arg(long)]
    pub to: String,
    /// Access token.
    #[arg(long, env = "RISALA_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Sending business number's id.
    #[arg(long, env = "RISALA_PHONE_NUMBER_ID")]
    pub phone_number_id: String,
    #[command(flatten)]
    pub content: Content,
    #[command(flatten)]
    pub server: ServerArg,
}

pub(crate) fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?)
}

pub(crate) async fn answer(resp: reqwest::Response) -> anyhow::Result<Value> {
    let status = resp.status();
    let text = resp.text().await?;
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    if !status.is_success() {
        bail!("{status}: {v}");
    }
    Ok(v)
}

fn split_pair(s: &str, what: &str) -> anyhow::Result<(String, String)> {
    let (a, b) = s.split_once(':').with_context(|| format!("{what} must look like A:B"))?;
    Ok((a.to_string(), b.to_string()))
}

fn mime_for(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("mp4") => "video/mp4",
        Some("3gp") => "video/3gpp",
        Some("ogg" | "opus") => "audio/ogg",
        Some("mp3") => "audio/mpeg",
        Some("m4a") => "audio/mp4",
        Some("aac") => "audio/aac",
        Some("amr") => "audio/amr",
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xls") => "application/vnd.ms-excel",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// The media flags: each message type with its flag's file.
fn media_flags(c: &Content) -> [(&'static str, &Option<PathBuf>); 5] {
    [("image", &c.image), ("video", &c.video), ("audio", &c.audio), ("document", &c.document), ("sticker", &c.sticker)]
}

/// The chosen media flag, as (type, path), once the flags are known to name one message.
fn media_choice(c: &Content) -> anyhow::Result<Option<(&'static str, &PathBuf)>> {
    let flags = content_flags(c);
    if flags.len() > 1 {
        bail!("one message is one of these: give one of {}, not several", flags.join(", "));
    }
    Ok(media_flags(c).into_iter().find_map(|(k, p)| p.as_ref().map(|p| (k, p))))
}

async fn upload_part(path: &PathBuf, extra: &[(&str, &str)]) -> anyhow::Result<reqwest::multipart::Form> {
    let bytes = tokio::fs::read(path).await.with_context(|| format!("reading {}", path.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file").to_string();
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name).mime_str(mime_for(path))?;
    let mut form = reqwest::multipart::Form::new().part("file", part);
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    Ok(form)
}

/// The content flags given (`--text`, `--image`, …): a message has exactly one of them.
fn content_flags(c: &Content) -> Vec<String> {
    let mut given = vec![("text", c.text.is_some())];
    given.extend(media_flags(c).map(|(kind, p)| (kind, p.is_some())));
    given.extend([
        ("location", c.location.is_some()),
        ("reaction", c.reaction.is_some()),
        ("button-reply", c.button_reply.is_some()),
        ("list-reply", c.list_reply.is_some()),
        ("quick-reply", c.quick_reply.is_some()),
        ("json", c.json.is_some()),
    ]);
    given.into_iter().filter(|(_, on)| *on).map(|(flag, _)| format!("--{flag}")).collect()
}

/// Build the message object (without `to`) from the flags. `media_id` is the uploaded id.
fn message_body(c: &Content, media: Option<(&str, String)>, customer: bool) -> anyhow::Result<Value> {
    let mut v = if let Some(j) = &c.json {
        serde_json::from_str(j).context("--json is not valid JSON")?
    } else if let Some(t) = &c.text {
        json!({"type": "text", "text": {"body": t}})
    } else if let Some((kind, id)) = media {
        let key = if customer { "media_id" } else { "id" };
        let mut o = json!({ key: id });
        if let Some(cap) = &c.caption {
            o["caption"] = json!(cap);
        }
        // A document travels with its name, as a phone sends it.
        if let Some(name) = c.document.as_ref().filter(|_| kind == "document").and_then(|p| p.file_name()) {
            o["filename"] = json!(name.to_string_lossy());
        }
        json!({"type": kind, kind: o})
    } else if let Some(loc) = &c.location {
        let (lat, lon) = loc.split_once(',').context("--location must be LAT,LON")?;
        json!({"type": "location", "location": {"latitude": lat.trim().parse::<f64>()?, "longitude": lon.trim().parse::<f64>()?}})
    } else if let Some(r) = &c.reaction {
        let (id, emoji) = split_pair(r, "--reaction")?;
        json!({"type": "reaction", "reaction": {"message_id": id, "emoji": emoji}})
    } else if let Some(b) = &c.button_reply {
        let (id, title) = split_pair(b, "--button-reply")?;
        json!({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": id, "title": title}}})
    } else if let Some(b) = &c.list_reply {
        let (id, title) = split_pair(b, "--list-reply")?;
        json!({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": id, "title": title}}})
    } else if let Some(b) = &c.quick_reply {
        let (payload, text) = split_pair(b, "--quick-reply")?;
        json!({"type": "button", "button": {"payload": payload, "text": text}})
    } else {
        bail!("say what to send: --text, --image/--video/--audio/--document/--sticker, --location, --reaction, --button-reply, --list-reply, --quick-reply or --json");
    };
    if let Some(ctx) = &c.context {
        let key = if customer { "id" } else { "message_id" };
        v["context"] = json!({ key: ctx });
    }
    Ok(v)
}

async fn open_session(
    http: &reqwest::Client,
    server: &str,
    number: &str,
    name: Option<&str>,
) -> anyhow::Result<String> {
    let mut body = json!({"phone": number});
    if let Some(n) = name {
        body["name"] = json!(n);
    }
    let v = answer(http.post(format!("{server}/customer/v1/session")).json(&body).send().await?).await?;
    v["token"].as_str().map(str::to_string).context("no token in the session answer")
}

pub async fn customer(cmd: CustomerCmd) -> anyhow::Result<()> {
    let http = client()?;
    match cmd {
        CustomerCmd::Send { as_number, name, to, content, server } => {
            let server = server.server.trim_end_matches('/').to_string();
            let token = open_session(&http, &server, &as_number, name.as_deref()).await?;
            let media = match media_choice(&content)? {
                Some((kind, path)) => {
                    let form = upload_part(path, &[]).await?;
                    let v = answer(
                        http.post(format!("{server}/customer/v1/media"))
                            .bearer_auth(&token)
                            .multipart(form)
                            .send()
                            .await?,
                    )
                    .await?;
                    Some((kind, v["id"].as_str().context("no media id")?.to_string()))
                }
                None => None,
            };
            let mut body = message_body(&content, media, true)?;
            body["to"] = json!(to);
            let v = answer(
                http.post(format!("{server}/customer/v1/messages")).bearer_auth(&token).json(&body).send().await?,
            )
            .await?;
            println!("{v}");
        }
        CustomerCmd::Listen { as_number, name, read, for_, server } => {
            let server = server.server.trim_end_matches('/').to_string();
            let token = open_session(&http, &server, &as_number, name.as_deref()).await?;
            let limit = match for_ {
                Some(d) => Some(Duration::from_millis(
                    risala_core::clock::parse_duration_ms(&d).context("--for must be a duration like 30s")? as u64,
                )),
                None => None,
            };
            let ws_url = format!("{}/customer/v1/stream?token={token}", server.replacen("http", "ws", 1));
            let (mut ws, _) =
                tokio_tungstenite::connect_async(ws_url.as_str()).await.context("connecting the stream")?;
            let deadline = limit.map(|l| tokio::time::Instant::now() + l);
            loop {
                let next = match deadline {
                    Some(d) => match tokio::time::timeout_at(d, ws.next()).await {
                        Ok(n) => n,
                        Err(_) => break,
                    },
                    None => ws.next().await,
                };
                let Some(frame) = next else { break };
                let Ws::Text(text) = frame? else { continue };
                println!("{text}");
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                if v["event"] == "message" {
                    let id = v["message"]["id"].as_str().unwrap_or_default().to_string();
                    if v["message"]["from"] != json!(as_number.trim_start_matches('+')) {
                        ws.send(Ws::Text(json!({"action": "ack", "id": id, "status": "delivered"}).to_string().into()))
                            .await?;
                        if read {
                            ws.send(Ws::Text(json!({"action": "ack", "id": id, "status": "read"}).to_string().into()))
                                .await?;
                        }
                    }
                }
            }
            let _ = ws.close(None).await;
        }
    }
    Ok(())
}

pub async fn send(cmd: SendCmd) -> anyhow::Result<()> {
    let http = client()?;
    let server = cmd.server.server.trim_end_matches('/');
    let media = match media_choice(&cmd.content)? {
        Some((kind, path)) => {
            let form = upload_part(path, &[("messaging_product", "whatsapp")]).await?;
            let v = answer(
                http.post(format!("{server}/v23.0/{}/media", cmd.phone_number_id))
                    .bearer_auth(&cmd.token)
                    .multipart(form)
                    .send()
                    .await?,
            )
            .await?;
            Some((kind, v["id"].as_str().context("no media id")?.to_string()))
        }
        None => None,
    };
    let mut body = message_body(&cmd.content, media, false)?;
    body["messaging_product"] = json!("whatsapp");
    body["to"] = json!(cmd.to);
    let v = answer(
        http.post(format!("{server}/v23.0/{}/messages", cmd.phone_number_id))
            .bearer_auth(&cmd.token)
            .json(&body)
            .send()
            .await?,
    )
    .await?;
    println!("{v}");
    Ok(())
}
