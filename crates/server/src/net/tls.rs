//! HTTPS on the listener: rustls (ring) with the certificate chain and key read from the
//! configured PEM files, read again on SIGHUP. The reload swaps the certificate the resolver
//! hands to *new* handshakes; open connections keep theirs and are not dropped.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio_rustls::TlsAcceptor;

/// The listener's TLS: the acceptor, and the files to reload from.
#[derive(Clone)]
pub struct Tls {
    cert_path: PathBuf,
    key_path: PathBuf,
    provider: Arc<CryptoProvider>,
    resolver: Arc<Reloadable>,
    acceptor: TlsAcceptor,
}

/// The current certificate; swapped whole on reload.
#[derive(Debug)]
struct Reloadable(RwLock<Arc<CertifiedKey>>);

impl ResolvesServerCert for Reloadable {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.read().unwrap_or_else(|p| p.into_inner()).clone())
    }
}

fn load(cert_path: &Path, key_path: &Path, provider: &CryptoProvider) -> Result<CertifiedKey, String> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let cert_pem = read(cert_path)?;
    let certs = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: not a PEM certificate chain: {e}", cert_path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate in the file", cert_path.display()));
    }
    let key = PrivateKeyDer::from_pem_slice(&read(key_path)?)
        .map_err(|e| format!("{}: not a PEM private key: {e}", key_path.display()))?;
    CertifiedKey::from_der(certs, key, provider)
        .map_err(|e| format!("{} and {}: {e}", cert_path.display(), key_path.display()))
}

impl Tls {
    /// Read the certificate and key; an unreadable or mismatched pair is an error naming the
    /// file.
    pub fn new(cert_path: &Path, key_path: &Path) -> Result<Tls, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = load(cert_path, key_path, &provider)?;
        let resolver = Arc::new(Reloadable(RwLock::new(Arc::new(key))));
        let mut config = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_no_client_auth()
            .with_cert_resolver(resolver.clone());
        // The server speaks HTTP/1.1 (WebSockets included).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            cert_path: cert_path.to_path_buf(),
            key_path: key_path.to_path_buf(),
            provider,
            resolver,
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }

    pub fn acceptor(&self) -> &TlsAcceptor {
        &self.acceptor
    }

    /// Read the files again; on error the current certificate stays.
    pub fn reload(&self) -> Result<(), String> {
        let key = load(&self.cert_path, &self.key_path, &self.provider)?;
        *self.resolver.0.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(key);
        Ok(())
    }

    /// Reload on every SIGHUP, until the task is aborted.
    pub async fn reload_on_sighup(self) {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut hup = match signal(SignalKind::hangup()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for SIGHUP: the TLS certificate will not be reloaded");
                    return;
                }
            };
            while hup.recv().await.is_some() {
                match self.reload() {
                    Ok(()) => tracing::info!(cert = %self.cert_path.display(), "TLS certificate reloaded"),
                    Err(e) => tracing::error!(error = %e, "TLS certificate not reloaded; the previous one stays"),
                }
            }
        }
    }
}
