//! Calling a flow's data endpoint as WhatsApp does (Meta's "Implementing your Flow endpoint"):
//! a fresh AES-128 key per request, wrapped with RSA-OAEP (SHA-256) for the business's public
//! key; the JSON request sealed with AES-GCM under a random 16-byte IV; the body
//! `{encrypted_flow_data, encrypted_aes_key, initial_vector}` in base64. The endpoint answers
//! with the response sealed under the same key and the IV with every bit flipped, base64 as
//! the whole body. Guarded like webhook callbacks: outside sandbox mode only public addresses.

use std::sync::Arc;
use std::time::Duration;

use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::aes::Aes128;
use aes_gcm::AesGcm;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rand::RngCore;
use risala_core::ports::FlowEndpoint;
use risala_delivery::guard::{guarded_client, Guard};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPublicKey};
use serde_json::{json, Value};

/// AES-128-GCM with Meta's 16-byte IV.
type Cipher = AesGcm<Aes128, U16>;

/// The largest answer read from an endpoint.
const MAX_ANSWER: usize = 1024 * 1024;

pub struct HttpFlowEndpoint {
    client: reqwest::Client,
    guard: Arc<Guard>,
}

fn public_key(pem: &str) -> Result<RsaPublicKey, String> {
    let key = RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
        .map_err(|e| format!("not an RSA public key in PEM: {e}"))?;
    if key.size() < 256 {
        return Err(format!("the key has {} bits; Meta requires 2048", key.size() * 8));
    }
    Ok(key)
}

/// The IV of the answer: every bit of the request's IV flipped.
pub fn flip(iv: &[u8]) -> Vec<u8> {
    iv.iter().map(|b| !b).collect()
}

impl HttpFlowEndpoint {
    pub fn new(sandbox: bool) -> anyhow::Result<HttpFlowEndpoint> {
        let guard = Arc::new(Guard::new(sandbox, &[]).map_err(anyhow::Error::msg)?);
        let client = guarded_client(&guard).timeout(Duration::from_secs(10)).build()?;
        Ok(HttpFlowEndpoint { client, guard })
    }
}

#[async_trait::async_trait]
impl FlowEndpoint for HttpFlowEndpoint {
    async fn exchange(&self, url: &str, public_key_pem: &str, payload: &Value) -> Result<Value, String> {
        self.guard.check_static(url)?;
        let key = public_key(public_key_pem)?;
        let mut aes_key = [0u8; 16];
        let mut iv = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut aes_key);
        rand::thread_rng().fill_bytes(&mut iv);
        let wrapped = key
            .encrypt(&mut rand::thread_rng(), Oaep::new::<sha2::Sha256>(), &aes_key)
            .map_err(|e| format!("encrypting the key: {e}"))?;
        let cipher = Cipher::new_from_slice(&aes_key).map_err(|e| e.to_string())?;
        let sealed = cipher
            .encrypt(iv.as_slice().into(), payload.to_string().as_bytes())
            .map_err(|_| "encrypting the request failed".to_string())?;
        let body = json!({
            "encrypted_flow_data": B64.encode(sealed),
            "encrypted_aes_key": B64.encode(wrapped),
            "initial_vector": B64.encode(iv),
        });
        let resp = self.client.post(url).json(&body).send().await.map_err(|e| format!("could not reach {url}: {e}"))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| format!("reading the answer: {e}"))?;
        if !status.is_success() {
            return Err(format!("the endpoint answered HTTP {}", status.as_u16()));
        }
        if bytes.len() > MAX_ANSWER {
            return Err(format!("the answer is larger than {MAX_ANSWER} bytes"));
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| "the answer is not base64 text".to_string())?;
        let sealed = B64.decode(text.trim()).map_err(|_| "the answer is not base64".to_string())?;
        let opened = cipher
            .decrypt(flip(&iv).as_slice().into(), sealed.as_slice())
            .map_err(|_| "the answer was not encrypted with the request's key and the flipped IV".to_string())?;
        serde_json::from_slice(&opened).map_err(|e| format!("the decrypted answer is not JSON: {e}"))
    }

    fn check_key(&self, pem: &str) -> Result<(), String> {
        public_key(pem).map(|_| ())
    }
}
