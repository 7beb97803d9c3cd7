//! The `media` scenario: the server's memory (peak RSS, sampled every 5 ms) while it receives
//! one large upload, fetches one large `link` and serves one large download, against its idle
//! RSS. Two figures each: the whole RSS, and its anonymous part (the process's own memory,
//! without the pages of the SQLite file it maps, `mmap_size`, which the kernel reclaims at will). Uploads and fetches stream to a temporary file and are stored in 1 MiB chunks, so the
//! peaks should stay a small multiple of the chunk size above idle whatever the file's size.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::env::Env;
use crate::http::Conn;
use crate::server::{status_bytes, Target};

/// Peak RSS and peak anonymous RSS, in bytes.
#[derive(Default, Clone, Copy)]
struct Peak {
    rss: u64,
    anon: u64,
}

fn sample(pid: u32) -> Peak {
    Peak { rss: status_bytes(pid, "VmRSS:").unwrap_or(0), anon: status_bytes(pid, "RssAnon:").unwrap_or(0) }
}
use crate::stats::Report;

fn mb(bytes: u64) -> Value {
    json!((bytes as f64 / 1_048_576.0 * 10.0).round() / 10.0)
}

/// Run `work` while sampling the memory of `pid`: its output, the peaks, and the seconds taken.
async fn peak_while<T>(pid: u32, work: impl Future<Output = T>) -> (T, Peak, f64) {
    let (rss, anon, stop) =
        (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
    let record = {
        let (rss, anon) = (rss.clone(), anon.clone());
        move || {
            let now = sample(pid);
            rss.fetch_max(now.rss, Ordering::Relaxed);
            anon.fetch_max(now.anon, Ordering::Relaxed);
        }
    };
    let sampler = {
        let (record, stop) = (record.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                record();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let started = Instant::now();
    let out = work.await;
    let took = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    record();
    (out, Peak { rss: rss.load(Ordering::Relaxed), anon: anon.load(Ordering::Relaxed) }, took)
}

/// `POST /{phone-number-id}/media` of `file` as a PDF, streamed over one connection: the
/// media id.
async fn upload(target: &Target, file: &Bytes) -> anyhow::Result<String> {
    let host = target.base.trim_start_matches("http://").trim_end_matches('/');
    let b = "risalabench";
    let head = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n--{b}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let tail = format!("\r\n--{b}--\r\n");
    let request = format!(
        "POST /v23.0/{}/media HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={b}\r\nContent-Length: {}\r\n\r\n{head}",
        target.phone_number_id,
        target.token,
        head.len() + file.len() + tail.len()
    );
    let mut conn = tokio::net::TcpStream::connect(host).await?;
    conn.write_all(request.as_bytes()).await?;
    for part in file.chunks(256 * 1024) {
        conn.write_all(part).await?;
    }
    conn.write_all(tail.as_bytes()).await?;
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await?;
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    let v: Value = serde_json::from_str(body).with_context(|| format!("upload answered: {answer}"))?;
    v["id"].as_str().map(str::to_string).with_context(|| format!("upload answered: {answer}"))
}

/// Serve `file` as `application/pdf` at `/big.pdf` on a port of its own: the URL.
async fn file_server(file: Bytes) -> anyhow::Result<String> {
    let app = axum::Router::new().route(
        "/big.pdf",
        axum::routing::get(move || {
            let file = file.clone();
            async move { ([("content-type", "application/pdf")], file) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{addr}/big.pdf"))
}

pub async fn media(env: &mut Env, size_mb: usize) -> anyhow::Result<Report> {
    let pid = env.pid().context("media needs the bench's own server to read its memory")?;
    let mut data = b"%PDF-1.7\n".to_vec();
    data.extend((0..size_mb * 1024 * 1024 - 9).map(|i| (i * 31 % 251) as u8));
    let file = Bytes::from(data);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = sample(pid);
    let target = env.target.clone();

    let (id, upload_peak, upload_s) = peak_while(pid, upload(&target, &file)).await;
    let id = id?;

    let link = file_server(file.clone()).await?;
    let send = async {
        let mut conn = Conn::open(&target.base).await?;
        let body = json!({"messaging_product": "whatsapp", "to": "15550007777", "type": "document",
                          "document": {"link": link}});
        let path = format!("/v23.0/{}/messages", target.phone_number_id);
        conn.request("POST", &path, Some(&target.token), Some(Bytes::from(body.to_string()))).await
    };
    let (answer, link_peak, link_s) = peak_while(pid, send).await;
    let answer = answer?;
    if answer.status != 200 {
        bail!("the send by link answered {}: {}", answer.status, String::from_utf8_lossy(&answer.body));
    }

    let download = async {
        let mut conn = Conn::open(&target.base).await?;
        let info = conn.request("GET", &format!("/v23.0/{id}"), Some(&target.token), None).await?;
        let info: Value = serde_json::from_slice(&info.body)?;
        let url = info["url"].as_str().context("no url")?;
        let path = url.split_once("/media-download/").map(|(_, p)| format!("/media-download/{p}")).context("url")?;
        let got = conn.request("GET", &path, Some(&target.token), None).await?;
        anyhow::Ok(got.body.len())
    };
    let (got, download_peak, download_s) = peak_while(pid, download).await;
    if got? != file.len() {
        bail!("the download was not the size of the upload");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = sample(pid);

    let mut extra = BTreeMap::new();
    extra.insert("file_mb".into(), json!(size_mb));
    extra.insert("idle_rss_mb".into(), mb(idle.rss));
    extra.insert("idle_anon_mb".into(), mb(idle.anon));
    for (name, peak) in [("upload", upload_peak), ("link", link_peak), ("download", download_peak), ("kept", after)] {
        extra.insert(format!("{name}_rss_above_idle_mb"), mb(peak.rss.saturating_sub(idle.rss)));
        extra.insert(format!("{name}_anon_above_idle_mb"), mb(peak.anon.saturating_sub(idle.anon)));
    }
    extra.insert("upload_s".into(), json!((upload_s * 100.0).round() / 100.0));
    extra.insert("link_s".into(), json!((link_s * 100.0).round() / 100.0));
    extra.insert("download_s".into(), json!((download_s * 100.0).round() / 100.0));
    Ok(Report {
        scenario: format!("media {size_mb} MB"),
        engine: env.target.engine.clone(),
        duration_s: upload_s + link_s + download_s,
        extra,
        ..Report::default()
    })
}
