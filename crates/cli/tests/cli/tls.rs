//! `risala serve` with `tls_cert` and `tls_key`: HTTPS, https URLs in the banner, and the
//! certificate read again on SIGHUP without dropping open connections. The certificates in
//! `tests/cli/tls/` are throwaway self-signed ones for 127.0.0.1 (made with openssl, valid for
//! 100 years), used by this test only.

use std::path::Path;
use std::time::Duration;

use risala_testkit::{eventually, TempDir};

use crate::support::Server;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tls").join(name)).unwrap()
}

fn der(pem: &[u8]) -> Vec<u8> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::from_pem_slice(pem).unwrap().to_vec()
}

/// A client that trusts both test certificates (and nothing else) and reports the
/// certificate each connection was served.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&fixture("a.crt")).unwrap())
        .add_root_certificate(reqwest::Certificate::from_pem(&fixture("b.crt")).unwrap())
        .tls_info(true)
        .build()
        .unwrap()
}

/// GET `url`: the status and the certificate of the connection it went over.
async fn served_cert(client: &reqwest::Client, url: &str) -> (u16, Vec<u8>) {
    let r = client.get(url).send().await.unwrap();
    let cert = r.extensions().get::<reqwest::tls::TlsInfo>().and_then(|t| t.peer_certificate()).unwrap().to_vec();
    (r.status().as_u16(), cert)
}

#[test]
fn https_serves_the_certificate_and_reloads_it_on_sighup() {
    let dir = TempDir::new();
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    std::fs::write(&cert, fixture("a.crt")).unwrap();
    std::fs::write(&key, fixture("a.key")).unwrap();
    let server = Server::start(
        &dir,
        &[],
        &[("RISALA_TLS_CERT", cert.to_str().unwrap()), ("RISALA_TLS_KEY", key.to_str().unwrap())],
    );
    let base = server.base();
    assert!(base.starts_with("https://127.0.0.1:"), "{}", server.banner);
    assert!(server.banner.contains(&format!("curl -s {base}/v23.0/")), "{}", server.banner);
    let healthz = format!("{base}/healthz");
    let (a, b) = (der(&fixture("a.crt")), der(&fixture("b.crt")));
    // `risala healthcheck` with the same configuration asks over HTTPS (its own address: the
    // certificate names another host).
    let hc = std::process::Command::new(crate::support::BIN)
        .args(["healthcheck", "--listen", base.trim_start_matches("https://")])
        .env("RISALA_TLS_CERT", &cert)
        .env("RISALA_TLS_KEY", &key)
        .output()
        .unwrap();
    assert!(hc.status.success(), "{}", String::from_utf8_lossy(&hc.stderr));

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        // Plain HTTP on the TLS port is not served.
        let plain = reqwest::Client::new().get(healthz.replacen("https", "http", 1)).send().await;
        assert!(plain.is_err() || !plain.unwrap().status().is_success());

        let before = client();
        assert_eq!(served_cert(&before, &healthz).await, (200, a.clone()));

        std::fs::write(&cert, fixture("b.crt")).unwrap();
        std::fs::write(&key, fixture("b.key")).unwrap();
        server.signal("HUP");
        // A new connection gets the new certificate once the server has reloaded it.
        eventually("a new connection is served the new certificate", Duration::from_secs(10), async || {
            served_cert(&client(), &healthz).await == (200, b.clone())
        })
        .await
        .unwrap();
        // The connection opened before the reload is still open, with its certificate.
        assert_eq!(served_cert(&before, &healthz).await, (200, a.clone()));
    });
    assert!(server.terminate().success());
}

#[test]
fn a_certificate_without_its_key_is_refused_at_start() {
    let dir = TempDir::new();
    let cert = dir.path().join("tls.crt");
    std::fs::write(&cert, fixture("a.crt")).unwrap();
    let mut child = std::process::Command::new(crate::support::BIN)
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .arg("serve")
        .env("RISALA_TLS_CERT", &cert)
        .env_remove("RISALA_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut status = None;
    let exited = risala_testkit::eventually_blocking("risala exits", Duration::from_secs(20), || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    if exited.is_err() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("risala served with a certificate and no key");
    }
    assert!(!status.unwrap().success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("tls_cert and tls_key"), "{err}");
}
